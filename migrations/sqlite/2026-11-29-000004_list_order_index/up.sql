-- Lists keep one status, skip the trash and sort on COALESCE(published_at, created_at) (drafts
-- have no publication date). With all three in the index a page reads `limit` rows in order,
-- and the list's total is counted from the index alone, never from the wide rows.
CREATE INDEX articles_list_order ON articles (status, trashed_at, COALESCE(published_at, created_at) DESC, id DESC);

-- SQLite keeps the bodies inline, before the small columns, so reading an article's status or
-- date walks its overflow pages. Joins that only need those (related-by-tag) read this instead.
-- (PostgreSQL stores long text out of line, so it needs no such index.)
CREATE INDEX articles_card ON articles (id, status, published_at);

-- Lists keep one status, skip the trash and sort on COALESCE(published_at, created_at) (drafts
-- have no publication date). A page walks this index in order and reads `limit` rows; the
-- list's total is an index-only count. (Partial, because PostgreSQL will not walk past an
-- `IS NULL` column to use the order of the ones after it.)
CREATE INDEX articles_list_order ON articles (status, COALESCE(published_at, created_at) DESC, id DESC)
    WHERE trashed_at IS NULL;

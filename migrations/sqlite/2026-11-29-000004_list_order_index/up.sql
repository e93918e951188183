-- Lists sort on COALESCE(published_at, created_at) (drafts have no publication date) and skip
-- the trash; this index walks them in order, so a page reads `limit` rows, not every match.
CREATE INDEX articles_list_order ON articles (status, COALESCE(published_at, created_at) DESC, id DESC)
    WHERE trashed_at IS NULL;

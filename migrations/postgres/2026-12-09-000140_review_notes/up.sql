-- The note a review step leaves for the writer (a return's reason), on the revision it made.
-- Keep in step with the sqlite folder of the same name.
ALTER TABLE article_revisions ADD COLUMN note TEXT;

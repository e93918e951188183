-- An embargo: the time before which an article may not be published, by hand, in bulk or by
-- the scheduler (NULL: none). Keep in step with the sqlite folder of the same name.
ALTER TABLE articles ADD COLUMN embargo_until TIMESTAMP;
-- The desk's feed of embargoed articles reads them soonest first; most articles have none.
CREATE INDEX articles_embargo_until ON articles (embargo_until, id) WHERE embargo_until IS NOT NULL;

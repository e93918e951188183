DROP INDEX IF EXISTS tags_label;
DROP INDEX IF EXISTS article_tags_reading;
DROP INDEX IF EXISTS article_authors_reading;

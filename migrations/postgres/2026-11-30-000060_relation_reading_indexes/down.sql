DROP INDEX tags_label;
DROP INDEX article_tags_reading;
DROP INDEX article_authors_reading;

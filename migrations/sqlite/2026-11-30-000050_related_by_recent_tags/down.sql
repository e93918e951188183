DROP TRIGGER article_tags_published_follow;
DROP TRIGGER article_tags_published_insert;
DROP INDEX article_tags_tag_published;
ALTER TABLE article_tags DROP COLUMN published_at;

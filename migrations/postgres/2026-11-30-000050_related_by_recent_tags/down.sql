DROP TRIGGER article_tags_published_follow ON articles;
DROP FUNCTION article_tags_follow_article();
DROP TRIGGER article_tags_published_insert ON article_tags;
DROP FUNCTION article_tags_take_published();
DROP INDEX article_tags_tag_published;
ALTER TABLE article_tags DROP COLUMN published_at;

-- "Related" ranks the articles sharing a tag. Reading every article of each tag grows with the
-- archive (a tag on 50,000 articles is 50,000 rows per request), so each tag row carries its
-- article's publication time while the article is published (NULL otherwise), kept by triggers,
-- and an index serves the newest published articles of a tag directly.
ALTER TABLE article_tags ADD COLUMN published_at TIMESTAMP;
UPDATE article_tags t SET published_at = a.published_at
    FROM articles a WHERE a.id = t.article_id AND a.status = 'published';
CREATE INDEX article_tags_tag_published ON article_tags (tag_id, published_at DESC) WHERE published_at IS NOT NULL;

-- OR REPLACE: restoring a backup taken before this migration drops and recreates the tables it
-- holds but not these functions, and the migration then runs again.
CREATE OR REPLACE FUNCTION article_tags_take_published() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.published_at := (SELECT a.published_at FROM articles a WHERE a.id = NEW.article_id AND a.status = 'published');
    RETURN NEW;
END
$$;
CREATE TRIGGER article_tags_published_insert BEFORE INSERT ON article_tags
    FOR EACH ROW EXECUTE FUNCTION article_tags_take_published();

CREATE OR REPLACE FUNCTION article_tags_follow_article() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE article_tags SET published_at = CASE WHEN NEW.status = 'published' THEN NEW.published_at END
        WHERE article_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER article_tags_published_follow AFTER UPDATE OF status, published_at ON articles
    FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.published_at IS DISTINCT FROM NEW.published_at)
    EXECUTE FUNCTION article_tags_follow_article();

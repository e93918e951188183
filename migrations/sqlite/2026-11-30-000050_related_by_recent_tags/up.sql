-- "Related" ranks the articles sharing a tag. Reading every article of each tag grows with the
-- archive (a tag on 50,000 articles is 50,000 rows per request), so each tag row carries its
-- article's publication time while the article is published (NULL otherwise), kept by triggers,
-- and an index serves the newest published articles of a tag directly.
ALTER TABLE article_tags ADD COLUMN published_at TIMESTAMP;
UPDATE article_tags SET published_at =
    (SELECT a.published_at FROM articles a WHERE a.id = article_tags.article_id AND a.status = 'published');
CREATE INDEX article_tags_tag_published ON article_tags (tag_id, published_at DESC) WHERE published_at IS NOT NULL;

CREATE TRIGGER article_tags_published_insert AFTER INSERT ON article_tags BEGIN
    UPDATE article_tags SET published_at =
        (SELECT a.published_at FROM articles a WHERE a.id = new.article_id AND a.status = 'published')
        WHERE rowid = new.rowid;
END;
CREATE TRIGGER article_tags_published_follow AFTER UPDATE OF status, published_at ON articles
    WHEN old.status IS NOT new.status OR old.published_at IS NOT new.published_at
BEGIN
    UPDATE article_tags SET published_at = CASE WHEN new.status = 'published' THEN new.published_at END
        WHERE article_id = new.id;
END;

-- Retraction: a published article can be `retracted` (pulled for good with a public reason; its
-- URL answers 410). Keep in step with the postgres folder of the same name.
--
-- SQLite cannot widen a CHECK constraint in place, so the articles table is rebuilt exactly as
-- 2026-12-09-000130_review_stages does (see there why, and why outside diesel's transaction);
-- only the CHECK differs. The retraction's reason is the next migration.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE articles_new (
    id TEXT PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    summary TEXT,
    body_markdown TEXT NOT NULL,
    body_html TEXT NOT NULL,
    body_text TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'in_review', 'approved', 'scheduled', 'published', 'archived', 'retracted')),
    section_id TEXT REFERENCES sections(id) ON DELETE SET NULL,
    source_id TEXT REFERENCES sources(id) ON DELETE SET NULL,
    source_url TEXT,
    language TEXT NOT NULL DEFAULT 'en',
    featured_image_url TEXT,
    featured_image_alt TEXT,
    featured_image_caption TEXT,
    featured_image_credit TEXT,
    word_count INTEGER NOT NULL,
    reading_time_minutes INTEGER NOT NULL,
    created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    published_at TIMESTAMP,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    trashed_at TIMESTAMP
);
INSERT INTO articles_new (id, slug, title, summary, body_markdown, body_html, body_text, status, section_id, source_id, source_url, language, featured_image_url, featured_image_alt, featured_image_caption, featured_image_credit, word_count, reading_time_minutes, created_by, published_at, version, created_at, updated_at, trashed_at)
    SELECT id, slug, title, summary, body_markdown, body_html, body_text, status, section_id, source_id, source_url, language, featured_image_url, featured_image_alt, featured_image_caption, featured_image_credit, word_count, reading_time_minutes, created_by, published_at, version, created_at, updated_at, trashed_at FROM articles;
-- A trigger on another table that names `articles` would stop the rename while it is gone.
DROP TRIGGER article_tags_published_insert;
DROP TABLE articles;
ALTER TABLE articles_new RENAME TO articles;
-- Everything on the table goes with it; recreated as the earlier migrations made it.
CREATE INDEX articles_status_published ON articles (status, published_at DESC, id DESC);
CREATE INDEX articles_section ON articles (section_id);
CREATE INDEX articles_source ON articles (source_id);
CREATE INDEX articles_created_by ON articles (created_by);
CREATE INDEX articles_list_order ON articles (status, trashed_at, COALESCE(published_at, created_at) DESC, id DESC);
CREATE INDEX articles_card ON articles (id, status, published_at);
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO article_search_ids (article_id) VALUES (new.id);
    INSERT INTO articles_fts (rowid, title, summary, body)
        VALUES ((SELECT rowid FROM article_search_ids WHERE article_id = new.id), new.title, COALESCE(new.summary, ''), new.body_text);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, summary, body_text ON articles BEGIN
    UPDATE articles_fts SET title = new.title, summary = COALESCE(new.summary, ''), body = new.body_text
        WHERE rowid = (SELECT rowid FROM article_search_ids WHERE article_id = new.id);
END;
CREATE TRIGGER articles_fts_delete BEFORE DELETE ON articles BEGIN
    DELETE FROM articles_fts WHERE rowid = (SELECT rowid FROM article_search_ids WHERE article_id = old.id);
END;
CREATE TRIGGER article_totals_insert AFTER INSERT ON articles BEGIN
    INSERT INTO article_totals (status, trashed, n) VALUES (NEW.status, NEW.trashed_at IS NOT NULL, 1)
        ON CONFLICT (status, trashed) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER article_totals_delete AFTER DELETE ON articles BEGIN
    UPDATE article_totals SET n = n - 1 WHERE status = OLD.status AND trashed = (OLD.trashed_at IS NOT NULL);
END;
CREATE TRIGGER article_totals_update AFTER UPDATE OF status, trashed_at ON articles
    WHEN OLD.status <> NEW.status OR (OLD.trashed_at IS NULL) <> (NEW.trashed_at IS NULL)
BEGIN
    UPDATE article_totals SET n = n - 1 WHERE status = OLD.status AND trashed = (OLD.trashed_at IS NOT NULL);
    INSERT INTO article_totals (status, trashed, n) VALUES (NEW.status, NEW.trashed_at IS NOT NULL, 1)
        ON CONFLICT (status, trashed) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER article_tags_published_follow AFTER UPDATE OF status, published_at ON articles
    WHEN old.status IS NOT new.status OR old.published_at IS NOT new.published_at
BEGIN
    UPDATE article_tags SET published_at = CASE WHEN new.status = 'published' THEN new.published_at END
        WHERE article_id = new.id;
END;
CREATE TRIGGER article_tags_published_insert AFTER INSERT ON article_tags BEGIN
    UPDATE article_tags SET published_at =
        (SELECT a.published_at FROM articles a WHERE a.id = new.article_id AND a.status = 'published')
        WHERE rowid = new.rowid;
END;
COMMIT;
PRAGMA foreign_keys = ON;

-- Reader features: view counts per article per day, and full-text search.
-- Keep in step with the postgres folder of the same name.
CREATE TABLE article_views (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    day TIMESTAMP NOT NULL,
    views BIGINT NOT NULL,
    PRIMARY KEY (article_id, day)
);
CREATE INDEX article_views_day ON article_views (day, article_id);

-- Search: FTS5 keeps its own copy of title, summary and body text (so snippets work), keyed
-- by a stable integer per article: an INTEGER PRIMARY KEY survives VACUUM, a bare rowid may not.
CREATE TABLE article_search_ids (
    rowid INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL UNIQUE REFERENCES articles(id) ON DELETE CASCADE
);
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, summary, body,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO article_search_ids (article_id) SELECT id FROM articles;
INSERT INTO articles_fts (rowid, title, summary, body)
    SELECT s.rowid, a.title, COALESCE(a.summary, ''), a.body_text
    FROM articles a JOIN article_search_ids s ON s.article_id = a.id;

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

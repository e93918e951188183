-- The desk's internal notes on an article: a thread, oldest first, append-only. Never in a
-- public answer, feed, export or public webhook payload.
-- Keep in step with the sqlite folder of the same name.
CREATE TABLE article_notes (
    id TEXT PRIMARY KEY NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    author_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    text TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX article_notes_article ON article_notes (article_id, created_at, id);

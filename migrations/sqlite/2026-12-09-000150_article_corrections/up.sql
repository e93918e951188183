-- Corrections, clarifications and updates a published article carries, in the order they were
-- added. A removed note keeps its row: removal is recorded (when, by whom, why), never silent.
-- Keep in step with the postgres folder of the same name.
CREATE TABLE article_corrections (
    id TEXT PRIMARY KEY NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('correction', 'clarification', 'update')),
    text_markdown TEXT NOT NULL,
    text_html TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT,
    amended_at TIMESTAMP,
    amended_by TEXT,
    removed_at TIMESTAMP,
    removed_by TEXT,
    removal_reason TEXT
);
CREATE INDEX article_corrections_article ON article_corrections (article_id, created_at, id);

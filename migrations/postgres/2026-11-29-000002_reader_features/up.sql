-- Reader features: view counts per article per day, and full-text search.
-- Keep in step with the sqlite folder of the same name.
CREATE TABLE article_views (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    day TIMESTAMP NOT NULL,
    views BIGINT NOT NULL,
    PRIMARY KEY (article_id, day)
);
CREATE INDEX article_views_day ON article_views (day, article_id);

-- A weighted tsvector (title A, summary B, body C), generated so it can never drift.
ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A') ||
    setweight(to_tsvector('english', COALESCE(summary, '')), 'B') ||
    setweight(to_tsvector('english', body_text), 'C')
) STORED;
CREATE INDEX articles_search ON articles USING GIN (search);

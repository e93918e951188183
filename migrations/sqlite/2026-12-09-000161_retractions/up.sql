-- The public notice a retracted article's URL answers with: why it was retracted, and when.
-- One row per retracted article, kept while the article is (a retraction is final).
-- Keep in step with the postgres folder of the same name.
CREATE TABLE article_retractions (
    article_id TEXT PRIMARY KEY NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    retracted_at TIMESTAMP NOT NULL
);

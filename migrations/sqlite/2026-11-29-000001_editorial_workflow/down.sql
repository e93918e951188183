DROP TABLE audit_log;
DROP TABLE api_keys;
DROP TABLE article_slug_history;
DROP TABLE article_revisions;
DROP INDEX articles_scheduled;
ALTER TABLE articles DROP COLUMN trashed_at;

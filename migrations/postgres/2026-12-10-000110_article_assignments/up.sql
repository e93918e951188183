-- Who an article is assigned to: at most one user, who assigned it and when. Unassigning
-- deletes the row; the audit log keeps the history. Not content, so not in revisions or export.
-- Keep in step with the sqlite folder of the same name.
CREATE TABLE article_assignments (
    article_id TEXT PRIMARY KEY NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    assigned_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    assigned_at TIMESTAMP NOT NULL
);
-- A user's assignments, newest first (GET /v1/me/assignments, and the admin list's filter).
CREATE INDEX article_assignments_user ON article_assignments (user_id, assigned_at, article_id);

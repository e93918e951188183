-- Edit locks: at most one lease per article, held by one user until `expires_at`. A lease past
-- its expiry simply stops counting (nothing sweeps it); taking the lock overwrites it in one
-- statement (INSERT … ON CONFLICT … WHERE), so two server processes never both win.
-- Keep in step with the sqlite folder of the same name.
CREATE TABLE article_locks (
    article_id TEXT PRIMARY KEY NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    holder_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    taken_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

-- What each write changed, for the other server processes on this file to void from their
-- response caches (PostgreSQL uses LISTEN/NOTIFY instead). Rows are short-lived.
CREATE TABLE change_notices (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- PostgreSQL carries change notices with LISTEN/NOTIFY; the SQLite twin of this migration adds
-- a table for them. Kept so both folders hold the same versions.
SELECT 1;

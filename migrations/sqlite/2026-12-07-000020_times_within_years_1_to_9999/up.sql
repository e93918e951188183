-- Times are accepted only in the years 1 to 9999 since 2026-12-07. Before, a client could store
-- `+10000-01-01 …` (or a year before 1), which SQLite, comparing times as text, sorted before
-- every real date: a scheduled article went public at once. Bring such stored times back into
-- range. Every in-range time is written as `YYYY-…`, which sorts at or after '0001' as text (the
-- CAST: a TIMESTAMP column's affinity would compare '0001' as the number 1).
UPDATE articles SET created_at = CURRENT_TIMESTAMP WHERE CAST(created_at AS TEXT) < '0001';
UPDATE articles SET updated_at = CURRENT_TIMESTAMP WHERE CAST(updated_at AS TEXT) < '0001';
-- An article's publication time falls back to its last change.
UPDATE articles SET published_at = updated_at WHERE CAST(published_at AS TEXT) < '0001';
-- A key that was to expire after 9999 never expires in practice; one from before year 1 has.
UPDATE api_keys
SET expires_at = CASE WHEN expires_at LIKE '+%' THEN '9999-12-31 23:59:59' ELSE '0001-01-01 00:00:00' END
WHERE CAST(expires_at AS TEXT) < '0001';

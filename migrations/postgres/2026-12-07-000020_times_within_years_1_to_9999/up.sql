-- Times are accepted only in the years 1 to 9999 since 2026-12-07. Before, a client could store
-- a time after 9999 or before year 1, which no client library reads back as an ordinary date
-- (and which SQLite sorted wrongly). Bring such stored times back into range.
UPDATE articles SET created_at = (now() AT TIME ZONE 'UTC') WHERE created_at >= '10000-01-01' OR created_at < '0001-01-01';
UPDATE articles SET updated_at = (now() AT TIME ZONE 'UTC') WHERE updated_at >= '10000-01-01' OR updated_at < '0001-01-01';
-- An article's publication time falls back to its last change.
UPDATE articles SET published_at = updated_at
WHERE published_at >= '10000-01-01' OR published_at < '0001-01-01';
-- A key that was to expire after 9999 never expires in practice; one from before year 1 has.
UPDATE api_keys
SET expires_at = CASE WHEN expires_at >= '10000-01-01' THEN '9999-12-31 23:59:59'::timestamp
                      ELSE '0001-01-01 00:00:00'::timestamp END
WHERE expires_at >= '10000-01-01' OR expires_at < '0001-01-01';

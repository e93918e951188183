-- Times are accepted only in the years 1 to 9999 since 2026-12-07. Before, a client could store
-- a time after 9999 or before year 1, which no client library reads back as an ordinary date
-- (and which SQLite sorted wrongly). Bring such stored times back into range. A changed article
-- takes a new version, so a client's old ETag no longer matches it.
UPDATE articles SET
    created_at = CASE WHEN created_at >= '10000-01-01' OR created_at < '0001-01-01'
                      THEN now() AT TIME ZONE 'UTC' ELSE created_at END,
    updated_at = CASE WHEN updated_at >= '10000-01-01' OR updated_at < '0001-01-01'
                      THEN now() AT TIME ZONE 'UTC' ELSE updated_at END,
    -- A schedule past 9999 stays as far off as it can be (never due); any other time falls
    -- back to the article's last change.
    published_at = CASE
        WHEN published_at IS NULL THEN NULL
        WHEN published_at < '10000-01-01' AND published_at >= '0001-01-01' THEN published_at
        WHEN status = 'scheduled' AND published_at >= '10000-01-01' THEN '9999-12-31 23:59:59'::timestamp
        WHEN updated_at < '10000-01-01' AND updated_at >= '0001-01-01' THEN updated_at
        ELSE now() AT TIME ZONE 'UTC' END,
    version = version + 1
WHERE created_at >= '10000-01-01' OR created_at < '0001-01-01'
   OR updated_at >= '10000-01-01' OR updated_at < '0001-01-01'
   OR published_at >= '10000-01-01' OR published_at < '0001-01-01';
-- A key that was to expire after 9999 never expires in practice; one from before year 1 has.
UPDATE api_keys
SET expires_at = CASE WHEN expires_at >= '10000-01-01' THEN '9999-12-31 23:59:59'::timestamp
                      ELSE '0001-01-01 00:00:00'::timestamp END
WHERE expires_at >= '10000-01-01' OR expires_at < '0001-01-01';

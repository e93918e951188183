-- Times are accepted only in the years 1 to 9999 since 2026-12-07. Before, a client could store
-- `+10000-01-01 …` (or a year before 1), which SQLite, comparing times as text, sorted before
-- every real date: a scheduled article went public at once. Bring such stored times back into
-- range. Every in-range time is written as `YYYY-…`, which sorts at or after '0001' as text (the
-- CAST: a TIMESTAMP column's affinity would compare '0001' as the number 1). A changed article
-- takes a new version, so a client's old ETag no longer matches it.
UPDATE articles SET
    created_at = CASE WHEN CAST(created_at AS TEXT) < '0001' THEN CURRENT_TIMESTAMP ELSE created_at END,
    updated_at = CASE WHEN CAST(updated_at AS TEXT) < '0001' THEN CURRENT_TIMESTAMP ELSE updated_at END,
    -- A schedule past 9999 stays as far off as it can be; any other time falls back to the
    -- article's last change.
    published_at = CASE
        WHEN published_at IS NULL THEN NULL
        WHEN CAST(published_at AS TEXT) >= '0001' THEN published_at
        WHEN status = 'scheduled' AND published_at LIKE '+%' THEN '9999-12-31 23:59:59'
        WHEN CAST(updated_at AS TEXT) >= '0001' THEN updated_at
        ELSE CURRENT_TIMESTAMP END,
    version = version + 1
WHERE CAST(created_at AS TEXT) < '0001' OR CAST(updated_at AS TEXT) < '0001'
   OR CAST(published_at AS TEXT) < '0001';
-- A key that was to expire after 9999 never expires in practice; one from before year 1 has.
UPDATE api_keys
SET expires_at = CASE WHEN expires_at LIKE '+%' THEN '9999-12-31 23:59:59' ELSE '0001-01-01 00:00:00' END
WHERE CAST(expires_at AS TEXT) < '0001';

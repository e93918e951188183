DROP INDEX refresh_tokens_family;
ALTER TABLE refresh_tokens DROP COLUMN family_id;

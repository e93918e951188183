-- A refresh token and every token rotated from it form a family (one login session). When a
-- spent token comes back, someone holds a copy: the whole family is revoked (RFC 9700 4.14.2).
ALTER TABLE refresh_tokens ADD COLUMN family_id TEXT NOT NULL DEFAULT '';
-- Tokens from before families: each is a family of its own.
UPDATE refresh_tokens SET family_id = token_hash;
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

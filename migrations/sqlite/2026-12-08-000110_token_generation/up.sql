-- Every access token carries the generation its user had when it was issued; a change of
-- password, role or disabled state moves the generation on, so every earlier token is refused.
ALTER TABLE users ADD COLUMN token_generation BIGINT NOT NULL DEFAULT 0;

-- A gallery's own studio token (its SHA-256).

ALTER TABLE galleries ADD COLUMN studio_token_hash BYTEA;

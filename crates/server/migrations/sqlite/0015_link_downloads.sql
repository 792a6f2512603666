-- What each share link may download (`proofline_core::downloads::Downloads`):
-- 'none', 'web' (the 2048 px rendition) or 'full' (the original). Photos'
-- `web` and `full` files are rows of `renditions` with those kinds.

ALTER TABLE links ADD COLUMN downloads TEXT NOT NULL DEFAULT 'none';

-- The studio's brand (`proofline_core::brand`): its name, accent colour and
-- logo, one row for the studio. The logo is kept as the PNG files made from
-- it (`brand_files`: the header's logo and the app's icons), named by their
-- content; `logo` is that name's hash part. A gallery's cover photo is one
-- of its images.

CREATE TABLE brand (
    id      BIGINT PRIMARY KEY CHECK (id = 1),
    name    TEXT,
    accent  TEXT,
    logo    TEXT,
    logo_width   INTEGER,
    logo_height  INTEGER
);
CREATE TABLE brand_files (
    name   TEXT PRIMARY KEY,
    bytes  BYTEA NOT NULL
);
ALTER TABLE galleries ADD COLUMN cover TEXT;

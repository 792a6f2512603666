-- Each link's current choices, folded from its ops.

CREATE TABLE link_state (
    gallery_id  TEXT NOT NULL REFERENCES galleries(id) ON DELETE CASCADE,
    link_hash   BYTEA NOT NULL,
    choices     TEXT NOT NULL,
    PRIMARY KEY (gallery_id, link_hash)
);

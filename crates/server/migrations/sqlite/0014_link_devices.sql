-- What each device reported of a link (opened, photos saved offline): one
-- row per device, its `DeviceActivity` as JSON, written in the same
-- transaction as the activity ops that changed it. The studio page shows
-- each link's sum.

CREATE TABLE link_devices (
    gallery_id  TEXT NOT NULL REFERENCES galleries(id) ON DELETE CASCADE,
    link_hash   BLOB NOT NULL,
    device_id   TEXT NOT NULL,
    activity    TEXT NOT NULL,
    PRIMARY KEY (gallery_id, link_hash, device_id)
);

-- Activity ops and the studio's replies are stored with the choices (one op
-- id, one receipt, counted once) but marked as no choice of the customer's,
-- so the customer's "received at … · receipt …" is a choice's.
ALTER TABLE ops ADD COLUMN activity BIGINT NOT NULL DEFAULT 0;

-- Of a link's ops (`op_count`, what its cap counts), how many are no choice
-- of the customer's: the customer and the studio are told of the rest.
ALTER TABLE link_state ADD COLUMN other_ops BIGINT NOT NULL DEFAULT 0;

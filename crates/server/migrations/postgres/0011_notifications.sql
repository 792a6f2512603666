-- Notifications to the studio: one row per event and channel ('email',
-- 'webhook'), written in the same transaction as the event (a link's
-- submit), delivered by a worker. `event_key` is the event's idempotency
-- key: the same event never makes a second row. A worker claims a row by
-- setting `claimed_by` and `lease_until_ms`; a claim past its lease may be
-- taken by another worker (the first one stopped mid-way). Times in `_ms`
-- columns are Unix milliseconds, the others Unix seconds.

CREATE TABLE notifications (
    seq             BIGSERIAL PRIMARY KEY,
    event_key       TEXT NOT NULL,
    channel         TEXT NOT NULL,
    kind            TEXT NOT NULL,
    gallery_id      TEXT NOT NULL REFERENCES galleries(id) ON DELETE CASCADE,
    link_hash       BYTEA NOT NULL,
    op_id           TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    due_at_ms       BIGINT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    claimed_by      TEXT,
    lease_until_ms  BIGINT,
    sent_at         BIGINT,
    failed_at       BIGINT,
    last_error      TEXT,
    UNIQUE (event_key, channel)
);
CREATE INDEX notifications_pending ON notifications(due_at_ms)
    WHERE sent_at IS NULL AND failed_at IS NULL;

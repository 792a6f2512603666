-- Readiness: `/readyz` proves the database takes writes by writing this one
-- row (a standby or a read-only database still answers reads).
CREATE TABLE readiness_probe (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at BIGINT NOT NULL
);

-- PIN lockouts grow: how many times in a row a link has locked (reset by
-- the right PIN), and wrong PINs in all, for the studio page.
ALTER TABLE links ADD COLUMN pin_lockouts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE links ADD COLUMN pin_failures_total BIGINT NOT NULL DEFAULT 0;

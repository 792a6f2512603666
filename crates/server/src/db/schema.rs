//! The schema: SQLite migrations, numbered by position, and how they are
//! applied to a SQLite file (`user_version`) or to PostgreSQL (types mapped
//! by [`pg_schema`], counted in `proofline_schema`).

use std::sync::Arc;

use anyhow::Context as _;
use rusqlite::{Connection, TransactionBehavior};

use super::sql::{Pg, pg_schema};
use crate::args;

const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE galleries (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE TABLE images (
    gallery_id  TEXT NOT NULL REFERENCES galleries(id) ON DELETE CASCADE,
    image_id    TEXT NOT NULL,
    position    INTEGER NOT NULL,
    file_name   TEXT NOT NULL,
    alt         TEXT NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    thumbhash   TEXT NOT NULL,
    PRIMARY KEY (gallery_id, image_id)
);
CREATE TABLE renditions (
    gallery_id  TEXT NOT NULL,
    image_id    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    object_key  TEXT NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    bytes       INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    PRIMARY KEY (gallery_id, image_id, kind),
    FOREIGN KEY (gallery_id, image_id) REFERENCES images(gallery_id, image_id) ON DELETE CASCADE
);
CREATE TABLE links (
    token_hash  BLOB PRIMARY KEY,
    gallery_id  TEXT NOT NULL REFERENCES galleries(id) ON DELETE CASCADE,
    label       TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);
CREATE INDEX links_by_gallery ON links(gallery_id);
"#,
    r#"
ALTER TABLE galleries ADD COLUMN min_select INTEGER NOT NULL DEFAULT 0;
ALTER TABLE galleries ADD COLUMN max_select INTEGER;
ALTER TABLE galleries ADD COLUMN deadline INTEGER;
ALTER TABLE galleries ADD COLUMN locked_at INTEGER;
CREATE TABLE ops (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    gallery_id   TEXT NOT NULL REFERENCES galleries(id) ON DELETE CASCADE,
    link_hash    BLOB NOT NULL,
    op_id        TEXT NOT NULL,
    device_id    TEXT NOT NULL,
    hlc_wall     INTEGER NOT NULL,
    hlc_counter  INTEGER NOT NULL,
    body         TEXT NOT NULL,
    receipt      TEXT NOT NULL,
    received_at  INTEGER NOT NULL,
    UNIQUE (gallery_id, op_id)
);
CREATE INDEX ops_by_link ON ops(gallery_id, link_hash, seq);
"#,
    r#"
CREATE TABLE link_state (
    gallery_id  TEXT NOT NULL REFERENCES galleries(id) ON DELETE CASCADE,
    link_hash   BLOB NOT NULL,
    choices     TEXT NOT NULL,
    PRIMARY KEY (gallery_id, link_hash)
);
"#,
    "ALTER TABLE galleries ADD COLUMN studio_token_hash BLOB;",
    r#"
ALTER TABLE links ADD COLUMN link_id TEXT;
UPDATE links SET link_id = lower(hex(randomblob(4)));
CREATE UNIQUE INDEX links_by_id ON links(link_id);
ALTER TABLE links ADD COLUMN expires_at INTEGER;
ALTER TABLE links ADD COLUMN pin_salt BLOB;
ALTER TABLE links ADD COLUMN pin_hash BLOB;
ALTER TABLE links ADD COLUMN pin_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE links ADD COLUMN pin_locked_until INTEGER;
ALTER TABLE galleries ADD COLUMN expires_at INTEGER;
CREATE TABLE studio_token (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    token_hash  BLOB NOT NULL
);
"#,
    "ALTER TABLE images ADD COLUMN set_name TEXT;",
    r#"
ALTER TABLE galleries ADD COLUMN source_dir TEXT;
CREATE INDEX galleries_by_source ON galleries(source_dir);
CREATE TABLE drafts (
    gallery_id  TEXT PRIMARY KEY,
    source_dir  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    title       TEXT,
    label       TEXT NOT NULL,
    min_select  INTEGER NOT NULL,
    max_select  INTEGER,
    deadline    INTEGER
);
CREATE INDEX drafts_by_source ON drafts(source_dir);
CREATE TABLE uploads (
    object_key  TEXT PRIMARY KEY,
    gallery_id  TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    bytes       INTEGER NOT NULL,
    uploaded_at INTEGER NOT NULL
);
CREATE INDEX uploads_by_gallery ON uploads(gallery_id);
"#,
];

/// Brings a SQLite file up to date. Processes starting together take turns
/// (the write lock first, then the version read again), so each migration
/// runs once.
pub(super) fn migrate(conn: &mut Connection) -> anyhow::Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    anyhow::ensure!(
        version as usize <= MIGRATIONS.len(),
        "the database has schema version {version}, newer than this proofline ({}): upgrade proofline",
        MIGRATIONS.len()
    );
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.execute_batch(sql)
            .with_context(|| format!("database migration {}", i + 1))?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
    }
    tx.commit()?;
    Ok(())
}

/// The same migrations on PostgreSQL ([`pg_schema`] maps SQLite's types),
/// counted in `proofline_schema`. Origins starting at once take turns.
pub(super) fn migrate_pg(pg: &Arc<Pg>) -> anyhow::Result<()> {
    let mut session = pg.session(true, Some("proofline migrations"))?;
    let mut c = session.conn();
    c.execute(
        "CREATE TABLE IF NOT EXISTS proofline_schema (version BIGINT NOT NULL)",
        args![],
    )?;
    let version: Option<i64> = match c.query_opt("SELECT version FROM proofline_schema", args![])? {
        Some(r) => Some(r.get(0)?),
        None => None,
    };
    let from = version.unwrap_or(0) as usize;
    anyhow::ensure!(
        from <= MIGRATIONS.len(),
        "the database has schema version {from}, newer than this proofline ({}): upgrade proofline",
        MIGRATIONS.len()
    );
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(from) {
        c.batch(&pg_schema(sql))
            .with_context(|| format!("database migration {}", i + 1))?;
    }
    if version.is_none() {
        c.execute(
            "INSERT INTO proofline_schema (version) VALUES (?1)",
            args![MIGRATIONS.len()],
        )?;
    } else {
        c.execute(
            "UPDATE proofline_schema SET version = ?1",
            args![MIGRATIONS.len()],
        )?;
    }
    session.commit()
}

#[cfg(test)]
mod tests {
    use crate::db::Db;

    #[test]
    fn origins_opening_a_fresh_file_together_migrate_it_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.sqlite3");
        let opens: Vec<_> = (0..4)
            .map(|_| {
                let path = path.clone();
                std::thread::spawn(move || Db::open(&path).and_then(|db| db.gallery_count()))
            })
            .collect();
        for open in opens {
            assert_eq!(open.join().unwrap().unwrap(), 0);
        }
    }
}

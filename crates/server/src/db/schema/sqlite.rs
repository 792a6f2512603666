//! SQLite's migrations: `migrations/sqlite`, run by `rusqlite_migration`,
//! which counts the migrations applied in `PRAGMA user_version` (the count
//! proofline has always kept there).
//!
//! Processes opening one file together (`serve` and `publish`) migrate it
//! once. Each run's transaction takes the write lock first (`BEGIN
//! IMMEDIATE`). `rusqlite_migration` reads the version before that, so a
//! process can wait for the lock while another migrates; a hook on every
//! migration reads the version again under the lock and refuses to apply a
//! migration already applied, which rolls that run back, and the run is
//! tried again from the new version.

use rusqlite::{Connection, Transaction, TransactionBehavior};
use rusqlite_migration::{HookError, HookResult, M, Migrations};

/// Each file's name and SQL, in order: file `i` (from 0) takes the database
/// to version `i + 1`.
macro_rules! files {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../../migrations/sqlite/", $name)))),*]
    };
}

pub(super) const FILES: &[(&str, &str)] = files![
    "0001_galleries_images_links.sql",
    "0002_selection_rules_and_ops.sql",
    "0003_link_state.sql",
    "0004_gallery_studio_token.sql",
    "0005_link_ids_pins_expiry.sql",
    "0006_image_sets.sql",
    "0007_drafts_and_uploads.sql",
    "0008_insertion_order.sql",
    "0009_readiness_and_pin_lockouts.sql",
    "0010_offline_window.sql",
    "0011_notifications.sql",
    "0012_reminders.sql",
    "0013_link_op_count.sql",
    "0014_link_devices.sql",
    "0015_link_downloads.sql",
    "0016_brand.sql",
    "0017_download_pins.sql",
    "0018_link_state_uncompressed.sql",
];

/// How many runs a process makes when others keep migrating before it.
const ATTEMPTS: usize = 3;

/// Brings a SQLite file up to date, or refuses one a newer proofline made.
pub(in crate::db) fn migrate(conn: &mut Connection) -> anyhow::Result<()> {
    // rusqlite_migration begins with `Connection::transaction`, which then
    // takes the write lock first.
    conn.set_transaction_behavior(TransactionBehavior::Immediate);
    let result = run(conn);
    conn.set_transaction_behavior(TransactionBehavior::Deferred);
    result
}

fn run(conn: &mut Connection) -> anyhow::Result<()> {
    let migrations = Migrations::new(
        FILES
            .iter()
            .enumerate()
            .map(|(i, (_, sql))| {
                M::up_with_hook(sql, move |tx: &Transaction<'_>| not_applied(tx, i))
            })
            .collect(),
    );
    let known = FILES.len() as i64;
    let mut attempt = 1;
    loop {
        let before = version(conn)?;
        if before > known {
            return Err(super::newer(before, known));
        }
        match migrations.to_latest(conn) {
            Ok(()) => return Ok(()),
            // Another process migrated meanwhile: again, from its version.
            Err(_) if attempt < ATTEMPTS && version(conn)? != before => attempt += 1,
            Err(e) => return Err(explain(e, before)),
        }
    }
}

/// A failed run's error, naming the file whose SQL failed (the library's
/// own message quotes the whole file).
fn explain(e: rusqlite_migration::Error, from: i64) -> anyhow::Error {
    match e {
        rusqlite_migration::Error::RusqliteError { query, err } => {
            let file = FILES
                .iter()
                .find(|(_, sql)| *sql == query)
                .map_or("(none)", |(name, _)| name);
            anyhow::Error::new(err).context(format!(
                "database migration from version {from}: file {file}"
            ))
        }
        other => {
            anyhow::Error::new(other).context(format!("database migration from version {from}"))
        }
    }
}

/// The version the file is at (the number of migrations applied).
pub(super) fn version(conn: &Connection) -> anyhow::Result<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

/// Runs after migration `index` (from 0), inside the run's transaction, so
/// under the write lock: refuses if the version committed before this run
/// already includes it (another process applied it after this run read the
/// version). `rusqlite_migration` sets the version when the run ends.
fn not_applied(tx: &Transaction<'_>, index: usize) -> HookResult {
    let committed: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if committed > index as i64 {
        return Err(HookError::Hook(format!(
            "migration {} was applied meanwhile by another process",
            index + 1
        )));
    }
    Ok(())
}

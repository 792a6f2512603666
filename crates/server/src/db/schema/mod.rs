//! The schema: SQL files per backend in `crates/server/migrations`, each set
//! run by its backend's standard runner.
//!
//! - [`sqlite`]: `migrations/sqlite`, run by `rusqlite_migration`, which
//!   counts the migrations applied in `PRAGMA user_version`, as proofline
//!   always has: a file made by an older proofline needs no bridge.
//! - [`postgres`]: `migrations/postgres` (PostgreSQL's own types), run by
//!   sqlx's migrator, which records them in `_sqlx_migrations`. A database
//!   migrated by the runner before it (counted in `proofline_schema`) is
//!   bridged first.
//!
//! File `NNNN_name.sql` is migration `NNNN` on both backends; the two sets
//! change together. A database at a version this proofline does not know
//! (made by a newer one) is refused before anything is written.

mod postgres;
mod sqlite;
#[cfg(test)]
mod tests;

pub(super) use postgres::migrate as migrate_postgres;
pub(super) use sqlite::migrate as migrate_sqlite;

/// The error for a database a newer proofline has migrated.
fn newer(found: i64, known: i64) -> anyhow::Error {
    anyhow::anyhow!(
        "the database has schema version {found}, newer than this proofline ({known}): upgrade proofline"
    )
}

//! PostgreSQL's migrations: `migrations/postgres`, embedded in the binary
//! and run by sqlx's [`Migrator`], which records each in `_sqlx_migrations`
//! (with its checksum) under its advisory lock. (sqlx's `migrate!` macro is
//! what would embed them, but sqlx's `migrate` feature cannot be enabled
//! beside rusqlite: see the workspace's Cargo.toml. The files are listed
//! here instead, and [`Migration::new`] checksums them as `migrate!` does.)
//!
//! Before sqlx's, proofline ran the same first seven migrations itself and
//! counted them in `proofline_schema`, under an advisory lock of its own.
//! Before sqlx's migrator runs, a bridge takes that older lock, in one
//! transaction: it refuses a database a newer proofline migrated; if the
//! database has `proofline_schema` but no `_sqlx_migrations`, it records the
//! migrations counted there as applied (with this binary's checksums), so
//! only the later ones run; and it sets `proofline_schema` to the newest
//! version this binary knows, so an older proofline refuses the database
//! rather than migrating it again. Origins starting together bridge one at a
//! time, and each runs the migrator only after its bridge, so the migrator
//! never sees an unbridged database.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

use anyhow::Context as _;
use sqlx::{Connection as _, PgConnection};
use sqlx_core::error::BoxDynError;
use sqlx_core::migrate::{
    Migrate as _, MigrateError, Migration, MigrationSource, MigrationType, Migrator,
};

use crate::db::sql::Pg;

/// Each file's name (`NNNN_description.sql`) and SQL, in order.
macro_rules! files {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../../migrations/postgres/", $name)))),*]
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

/// How many migrations the runner before sqlx's knew: files 0001 to 0007.
pub(super) const LEGACY: i64 = 7;

/// Brings a PostgreSQL database up to date, or refuses one a newer
/// proofline migrated. Origins starting together take turns.
pub(in crate::db) fn migrate(pg: &Pg) -> anyhow::Result<()> {
    pg.run(|pool| async move {
        let migrator = Migrator::new(Embedded).await?;
        let mut conn = pool.acquire().await?;
        bridge(&migrator, &mut conn).await?;
        drop(conn);
        match migrator.run(&pool).await {
            Err(MigrateError::VersionMissing(v)) => Err(super::newer(v, known(&migrator))),
            other => other.context("database migration"),
        }
    })?
}

/// The files as sqlx's migrations: file `NNNN_a_b.sql` is version `NNNN`,
/// described as "a b", as sqlx names a folder's files.
#[derive(Debug)]
pub(super) struct Embedded;

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(self) -> BoxFuture<'s, Result<Vec<Migration>, BoxDynError>> {
        Box::pin(async move { Ok(migrations()?) })
    }
}

pub(super) fn migrations() -> anyhow::Result<Vec<Migration>> {
    FILES
        .iter()
        .map(|(name, sql)| {
            let (version, description) = name
                .strip_suffix(".sql")
                .and_then(|n| n.split_once('_'))
                .with_context(|| format!("{name} is not NNNN_description.sql"))?;
            Ok(Migration::new(
                version.parse()?,
                Cow::Owned(description.replace('_', " ")),
                MigrationType::Simple,
                Cow::Borrowed(sql),
                false,
            ))
        })
        .collect()
}

/// The newest version `migrator` has a migration for.
fn known(migrator: &Migrator) -> i64 {
    migrator.iter().map(|m| m.version).max().unwrap_or(0)
}

/// Boxed as `dyn Future + Send`, like `db::pg`'s statements: sqlx's futures
/// spawned directly trip a higher-ranked lifetime error.
type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Refuses a database from a newer proofline; records the migrations an
/// older one counted in `proofline_schema`; sets `proofline_schema` to the
/// newest version this binary knows. One transaction.
fn bridge<'a>(
    migrator: &'a Migrator,
    conn: &'a mut PgConnection,
) -> BoxFuture<'a, anyhow::Result<()>> {
    Box::pin(async move {
        let known = known(migrator);
        let mut tx = conn.begin().await?;
        // The older runner's lock: it migrated inside it.
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('proofline migrations', 0))")
            .execute(&mut *tx)
            .await?;
        let exists = "SELECT to_regclass($1) IS NOT NULL";
        let has_legacy: bool = sqlx::query_scalar(exists)
            .bind("proofline_schema")
            .fetch_one(&mut *tx)
            .await?;
        let has_sqlx: bool = sqlx::query_scalar(exists)
            .bind("_sqlx_migrations")
            .fetch_one(&mut *tx)
            .await?;
        let legacy: Option<i64> = if has_legacy {
            sqlx::query_scalar("SELECT max(version) FROM proofline_schema")
                .fetch_one(&mut *tx)
                .await?
        } else {
            None
        };
        let applied: Vec<i64> = if has_sqlx {
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations")
                .fetch_all(&mut *tx)
                .await?
        } else {
            Vec::new()
        };
        let newest = applied.iter().copied().chain(legacy).max().unwrap_or(0);
        let unknown = applied.iter().any(|v| !migrator.version_exists(*v));
        if unknown || newest > known {
            return Err(super::newer(newest, known));
        }
        // Made here, with the marker below: an origin bridging after this
        // one, before this one's migrator has run, sees a bridged database.
        if !has_sqlx {
            tx.ensure_migrations_table().await?;
        }
        if let (Some(counted), false) = (legacy, has_sqlx) {
            // proofline_schema above LEGACY comes only with _sqlx_migrations.
            anyhow::ensure!(
                counted <= LEGACY,
                "the database counts {counted} migrations in proofline_schema but has no _sqlx_migrations"
            );
            for m in migrator.iter().filter(|m| m.version <= counted) {
                sqlx::query(
                    "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
                     VALUES ($1, $2, TRUE, $3, 0)",
                )
                .bind(m.version)
                .bind(&*m.description)
                .bind(&*m.checksum)
                .execute(&mut *tx)
                .await?;
            }
        }
        if legacy != Some(known) {
            sqlx::query("CREATE TABLE IF NOT EXISTS proofline_schema (version BIGINT NOT NULL)")
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM proofline_schema")
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO proofline_schema (version) VALUES ($1)")
                .bind(known)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    })
}

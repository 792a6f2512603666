//! The origin's database, one [`Db`] handle whatever the backend: a SQLite
//! file (the default; WAL mode with `synchronous=FULL`: a write the server
//! acknowledges is on disk, and several processes, `serve` and `publish`,
//! share the file) or PostgreSQL (several origins on one database).
//!
//! Every method of [`Db`] lives in this folder, grouped by table:
//! [`galleries`] (galleries, their images and renditions, and every write of
//! a gallery's settings: rules, lock, expiry, studio token), [`publishes`]
//! (making a publish visible, `drafts`, `uploads`), [`links`] (share links,
//! PINs; [`downloads`] what each may download), [`choices`] (customers' ops and `link_state`, whose latest choices `link_cache` keeps
//! in memory; `batch_reads` reads what a batch is judged by in one
//! statement; `op_rows` writes a batch's rows of `ops`; `activity` each device's reports, `replies` the
//! studio's answers to comments), [`notifications`]
//! (telling the studio of a submit: queued, claimed, sent) and [`studio`]
//! (the studio-wide token); [`brand`] the studio's name, colour and logo,
//! and each gallery's cover photo. [`sql`] is the portable SQL layer over both backends,
//! [`schema`] runs the migrations (SQL files per backend, in
//! `crates/server/migrations`). Only the SHA-256 of a token is ever stored.
//!
//! A lower layer: it imports only [`crate::secret`], never storage, the
//! domain, `http` or `cli`.

mod activity;
mod batch_reads;
pub mod brand;
pub mod choices;
mod downloads;
pub mod galleries;
mod link_cache;
pub mod links;
pub mod notifications;
mod op_rows;
mod pg;
mod pins;
pub mod publishes;
pub mod reminders;
mod replies;
mod schema;
pub mod sql;
pub mod studio;
#[cfg(test)]
mod tests;

use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use rusqlite::{Connection, TransactionBehavior};

pub use brand::{StoredBrand, StoredLogo};
pub use choices::{Incoming, LinkChoices};
pub use galleries::{StoredGallery, StoredImage, StoredRendition};
pub use links::{Link, LiveLink, NewLink, Opened, Refusal};
pub use notifications::{Channel, Claimed};
pub use pins::{PinAnswer, PinKind, validate_pin};
pub use publishes::{DraftTerms, FirstLink, FromFolder, PublishCommit, Upload};
pub use reminders::{ReminderFacts, Subscription};

use crate::args;
use sql::{Access, Conn, Pg, Row, Value};

/// Handle to the database; cheap to clone. Calls block: use them from
/// `spawn_blocking` in async code.
#[derive(Clone)]
pub struct Db {
    backend: Backend,
    /// Links' choices as last committed by this process.
    links: Arc<link_cache::LinkCache>,
}

#[derive(Clone)]
enum Backend {
    Sqlite(Arc<Mutex<Connection>>),
    Postgres(Arc<Pg>),
}

/// How durable a write must be before it returns.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Durability {
    /// On disk (SQLite `synchronous=FULL`; PostgreSQL's default commit).
    Full,
    /// Survives the process being killed, not the power being cut.
    Process,
}

/// How long SQLite waits for another process's lock.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Puts a SQLite file in WAL mode. The switch needs the file to itself, and
/// on a fresh file opened by several processes at once SQLite can answer
/// "database is locked" without waiting (to avoid a deadlock between
/// connections that each hold a read lock), so it is tried again until
/// [`BUSY_TIMEOUT`].
fn wal(conn: &Connection) -> anyhow::Result<()> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    loop {
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            other => return Ok(other?),
        }
    }
}

impl Db {
    /// Opens the database a URL names: `postgres://…` (or `postgresql://…`)
    /// for PostgreSQL, `sqlite://PATH` or a plain path for a SQLite file.
    pub fn connect(url: &str) -> anyhow::Result<Db> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pg = Pg::connect(url)?;
            schema::migrate_postgres(&pg)?;
            return Ok(Db {
                backend: Backend::Postgres(pg),
                links: Arc::default(),
            });
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        anyhow::ensure!(
            !path.contains("://"),
            "the database URL {} is neither postgres:// nor sqlite://",
            sql::redact(url)
        );
        Db::open(Path::new(path))
    }

    /// Opens (or creates) a SQLite file, readable by this user alone: a
    /// folder made for it is 0700, the file 0600 (an existing one is
    /// tightened, with its `-wal` and `-shm`, which SQLite otherwise makes
    /// with the file's own mode). A refused tightening (another owner) is
    /// logged, not fatal.
    pub fn open(path: &Path) -> anyhow::Result<Db> {
        if let Some(dir) = path.parent() {
            crate::private_fs::create_dir(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let mut conn = Connection::open(path)
            .with_context(|| format!("cannot open the database {}", path.display()))?;
        // Before WAL mode makes the `-wal` and `-shm` files, which take
        // the database file's mode.
        tighten(path);
        conn.busy_timeout(BUSY_TIMEOUT)?;
        wal(&conn)?;
        for suffix in ["-wal", "-shm"] {
            let mut companion = path.as_os_str().to_owned();
            companion.push(suffix);
            tighten(Path::new(&companion));
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        schema::migrate_sqlite(&mut conn)?;
        Ok(Db {
            backend: Backend::Sqlite(Arc::new(Mutex::new(conn))),
            links: Arc::default(),
        })
    }

    /// "SQLite", or "PostgreSQL host:port/name", for logs.
    pub fn describe(&self) -> String {
        match &self.backend {
            Backend::Sqlite(_) => "SQLite".into(),
            Backend::Postgres(pg) => pg.description.clone(),
        }
    }

    /// Answers when the database answers a query (`/readyz`).
    pub fn ping(&self) -> anyhow::Result<()> {
        match &self.backend {
            Backend::Sqlite(_) => self.read(|c| c.query_one("SELECT 1", args![]).map(drop)),
            Backend::Postgres(pg) => pg.ping(),
        }
    }

    /// Whether the database takes writes: one row written in a real
    /// transaction. A SQLite file on a disk remounted read-only, or a
    /// read-only PostgreSQL, still answers [`Db::ping`] but fails this.
    ///
    /// For SQLite, the file's folder must also take a new file: SQLite makes
    /// its journal files there, and an overwrite inside the write-ahead log
    /// can still reach a disk whose file system has gone read-only.
    pub fn check_writes(&self, now: i64) -> anyhow::Result<()> {
        if let Backend::Sqlite(conn) = &self.backend {
            let path = Db::sqlite(conn).path().map(std::path::PathBuf::from);
            if let Some(dir) = path.as_deref().and_then(Path::parent) {
                probe_folder(dir)?;
            }
        }
        self.write("readiness", |c| {
            c.execute(
                "INSERT INTO readiness_probe (id, checked_at) VALUES (1, ?1)
                 ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at",
                args![now],
            )
            .map(drop)
        })
    }

    fn sqlite(conn: &Mutex<Connection>) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (each
        // write is a transaction), so a poisoned lock is still safe to use.
        conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs reads in one snapshot of committed data: a read of several
    /// statements (a gallery's photos, then their renditions) sees the same
    /// data in each, whatever another origin or process commits meanwhile.
    /// PostgreSQL: a `REPEATABLE READ, READ ONLY` transaction; SQLite: a
    /// deferred transaction (in WAL mode, its snapshot is its first read's).
    pub fn read<T>(&self, f: impl FnOnce(&mut Conn<'_>) -> anyhow::Result<T>) -> anyhow::Result<T> {
        match &self.backend {
            Backend::Sqlite(conn) => {
                let mut conn = Db::sqlite(conn);
                let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
                let out = f(&mut Conn::sqlite(&tx))?;
                tx.commit()?;
                Ok(out)
            }
            Backend::Postgres(pg) => {
                let mut session = pg.session(Access::Read)?;
                let out = f(&mut session.conn())?;
                session.commit()?;
                Ok(out)
            }
        }
    }

    /// A read of one statement: its rows. A statement sees one snapshot by
    /// itself, so on PostgreSQL it runs outside a transaction: one round
    /// trip rather than three (BEGIN, the statement, COMMIT).
    pub fn read_one(&self, sql: &str, args: &[Value]) -> anyhow::Result<Vec<Row>> {
        match &self.backend {
            Backend::Sqlite(_) => self.read(|c| c.query(sql, args)),
            Backend::Postgres(pg) => pg.query(sql, args),
        }
    }

    /// Runs `f` in one write transaction, committed only if it succeeds.
    /// Writers of the same `scope` (a gallery, a link…) take turns: SQLite
    /// takes its write lock first (`BEGIN IMMEDIATE`, one writer at a time
    /// across processes); PostgreSQL takes an advisory lock named `scope`,
    /// so origins sharing the database serialise per scope only.
    pub fn write<T>(
        &self,
        scope: &str,
        f: impl FnOnce(&mut Conn<'_>) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        self.write_with(scope, Durability::Full, f)
    }

    pub(super) fn write_with<T>(
        &self,
        scope: &str,
        durability: Durability,
        f: impl FnOnce(&mut Conn<'_>) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        match &self.backend {
            Backend::Sqlite(conn) => {
                let mut conn = Db::sqlite(conn);
                let relaxed = durability == Durability::Process;
                if relaxed {
                    conn.pragma_update(None, "synchronous", "NORMAL")?;
                }
                let result = (|| {
                    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                    let out = f(&mut Conn::sqlite(&tx))?;
                    tx.commit()?;
                    Ok(out)
                })();
                if relaxed {
                    conn.pragma_update(None, "synchronous", "FULL")?;
                }
                result
            }
            Backend::Postgres(pg) => {
                let mut session = pg.session(Access::Write { lock: scope })?;
                if durability == Durability::Process {
                    session
                        .conn()
                        .execute("SET LOCAL synchronous_commit TO OFF", args![])?;
                }
                let out = f(&mut session.conn())?;
                session.commit()?;
                Ok(out)
            }
        }
    }
}

/// Tightens a database file (made before files were private, or by SQLite
/// under a loose umask), if it is one: see [`crate::private_fs::tighten`].
fn tighten(path: &Path) {
    if path.is_file() {
        crate::private_fs::tighten(path);
    }
}

/// Makes, syncs and removes a small file in `dir`.
fn probe_folder(dir: &Path) -> anyhow::Result<()> {
    use std::io::Write as _;
    let probe = dir.join(".proofline-readiness-probe");
    let written = std::fs::File::create(&probe).and_then(|mut f| {
        f.write_all(b"ready\n")?;
        f.sync_all()
    });
    let _ = std::fs::remove_file(&probe);
    written.with_context(|| format!("the folder {} takes no new file", dir.display()))
}

/// Whether `error` says the database cannot take writes just now, rather
/// than that something is wrong with the request: SQLite on a disk gone
/// read-only (`SQLITE_READONLY`, `SQLITE_IOERR`), full (`SQLITE_FULL`), or
/// locked past its timeout; PostgreSQL read-only (`25006`, a standby) or
/// out of disk (`53100`).
pub fn cannot_write(error: &anyhow::Error) -> bool {
    use rusqlite::ErrorCode;
    error.chain().any(|cause| {
        if let Some(rusqlite::Error::SqliteFailure(e, _)) = cause.downcast_ref::<rusqlite::Error>()
        {
            return matches!(
                e.code,
                ErrorCode::ReadOnly
                    | ErrorCode::SystemIoFailure
                    | ErrorCode::DiskFull
                    | ErrorCode::DatabaseBusy
                    | ErrorCode::DatabaseLocked
                    | ErrorCode::CannotOpen
            );
        }
        if let Some(sqlx::Error::Database(e)) = cause.downcast_ref::<sqlx::Error>() {
            return matches!(e.code().as_deref(), Some("25006" | "53100"));
        }
        false
    })
}

#[cfg(all(test, unix))]
mod private_files {
    use std::os::unix::fs::PermissionsExt as _;
    use std::path::Path;

    use super::Db;
    use crate::args;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .permissions()
            .mode()
            & 0o7777
    }

    fn companion(path: &Path, suffix: &str) -> std::path::PathBuf {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        name.into()
    }

    fn write_one(db: &Db) {
        db.write("t", |c| {
            c.execute(
                "INSERT INTO galleries (id, title, created_at) VALUES ('g', 'G', 1)
                 ON CONFLICT (id) DO NOTHING",
                args![],
            )
            .map(drop)
        })
        .expect("a write");
    }

    #[test]
    fn a_new_database_and_its_folder_are_the_owners_alone() {
        let temp = tempfile::tempdir().expect("a temp dir");
        let path = temp.path().join("new").join("p.sqlite3");
        let db = Db::open(&path).expect("open");
        write_one(&db);
        assert_eq!(mode(path.parent().expect("a folder")), 0o700);
        assert_eq!(mode(&path), 0o600);
        // SQLite makes these with the database file's mode.
        assert_eq!(mode(&companion(&path, "-wal")), 0o600);
        assert_eq!(mode(&companion(&path, "-shm")), 0o600);
    }

    #[test]
    fn an_existing_database_is_made_private_when_opened() {
        let temp = tempfile::tempdir().expect("a temp dir");
        let path = temp.path().join("p.sqlite3");
        let db = Db::open(&path).expect("open");
        write_one(&db);
        let files = [
            path.clone(),
            companion(&path, "-wal"),
            companion(&path, "-shm"),
        ];
        for file in &files {
            std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        }
        let again = Db::open(&path).expect("open again");
        write_one(&again);
        for file in &files {
            assert_eq!(mode(file), 0o600, "{}", file.display());
        }
        drop(db);
    }
}

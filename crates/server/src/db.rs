//! The origin's SQLite file: galleries (with the folder each was published
//! from), their images (with their set) and renditions, share links (only the
//! SHA-256 of each token is kept), customers' choices as ops
//! (`crate::choices`), and publishes in progress: `drafts` (a first publish
//! not yet visible) and `uploads` (objects put but not yet in a gallery).
//!
//! Opened in WAL mode with `synchronous=FULL`: a write the server acknowledges
//! is on disk. Several processes (`serve`, `publish`) share the file.

use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use proofline_core::proofing::SelectionRules;
use proofline_core::{ContentHash, GalleryId, ImageId, RenditionKind};
use rusqlite::{Connection, TransactionBehavior};

use crate::args;
use crate::sql::{Conn, Pg, Row, pg_schema};

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

/// A live link: its gallery, token hash and when it stops opening, if ever.
pub type LiveLink = (GalleryId, Vec<u8>, Option<i64>);

/// A gallery as stored: what the origin needs to sign a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredGallery {
    pub id: GalleryId,
    pub title: String,
    pub rules: SelectionRules,
    pub locked_at: Option<i64>,
    pub images: Vec<StoredImage>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredImage {
    pub id: ImageId,
    pub file_name: String,
    pub alt: String,
    pub width: u32,
    pub height: u32,
    pub thumbhash: String,
    pub thumb: StoredRendition,
    pub proof: StoredRendition,
    /// The set (sub-folder) the photo is in; none at the top of the gallery.
    pub set: Option<String>,
}

/// The share link and studio token a new gallery is published with (hashes only).
pub struct FirstLink<'a> {
    pub token_hash: &'a [u8; 32],
    pub label: &'a str,
    pub studio_token_hash: &'a [u8; 32],
}

/// A finished publish, made visible by [`Db::commit_publish`].
pub struct PublishCommit<'a> {
    /// The whole gallery after this publish, in order. For an existing gallery
    /// its title and rules are only written when `update_terms` is set.
    pub gallery: &'a StoredGallery,
    /// The folder it was published from (canonical path).
    pub source_dir: &'a str,
    /// `Some` for a new gallery, `None` to update an existing one.
    pub first_link: Option<FirstLink<'a>>,
    pub update_terms: bool,
    pub now: i64,
}

/// What a first publish was asked for, kept while it is a draft.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DraftTerms {
    pub title: Option<String>,
    pub label: String,
    pub rules: SelectionRules,
}

/// The gallery a folder was last published as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FromFolder {
    /// An interrupted first publish, not visible to customers.
    Draft(GalleryId, DraftTerms),
    Gallery(GalleryId),
}

/// An object a publish has put in the store, before its gallery records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub object_key: String,
    pub sha256: ContentHash,
    pub bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRendition {
    pub object_key: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    pub sha256: ContentHash,
}

impl StoredImage {
    pub fn rendition(&self, kind: RenditionKind) -> &StoredRendition {
        match kind {
            RenditionKind::Thumb => &self.thumb,
            RenditionKind::Proof => &self.proof,
        }
    }
}

/// Handle to the database; cheap to clone. Calls block: use them from
/// `spawn_blocking` in async code.
#[derive(Clone)]
pub struct Db {
    backend: Backend,
}

#[derive(Clone)]
enum Backend {
    Sqlite(Arc<Mutex<Connection>>),
    Postgres(Arc<Pg>),
}

/// How durable a write must be before it returns.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Durability {
    /// On disk (SQLite `synchronous=FULL`; PostgreSQL's default commit).
    Full,
    /// Survives the process being killed, not the power being cut.
    Process,
}

impl Db {
    /// Opens the database a URL names: `postgres://…` (or `postgresql://…`)
    /// for PostgreSQL, `sqlite://PATH` or a plain path for a SQLite file.
    pub fn connect(url: &str) -> anyhow::Result<Db> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pg = Pg::connect(url)?;
            migrate_pg(&pg)?;
            return Ok(Db {
                backend: Backend::Postgres(pg),
            });
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        anyhow::ensure!(
            !path.contains("://"),
            "the database URL {} is neither postgres:// nor sqlite://",
            crate::sql::redact(url)
        );
        Db::open(Path::new(path))
    }

    /// Opens (or creates) a SQLite file.
    pub fn open(path: &Path) -> anyhow::Result<Db> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let mut conn = Connection::open(path)
            .with_context(|| format!("cannot open the database {}", path.display()))?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrate(&mut conn)?;
        Ok(Db {
            backend: Backend::Sqlite(Arc::new(Mutex::new(conn))),
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

    fn sqlite(conn: &Mutex<Connection>) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (each
        // write is a transaction), so a poisoned lock is still safe to use.
        conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs reads (each statement sees committed data).
    pub fn read<T>(&self, f: impl FnOnce(&mut Conn<'_>) -> anyhow::Result<T>) -> anyhow::Result<T> {
        match &self.backend {
            Backend::Sqlite(conn) => f(&mut Conn::sqlite(&Db::sqlite(conn))),
            Backend::Postgres(pg) => {
                let mut session = pg.session(false, None)?;
                f(&mut session.conn())
            }
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

    fn write_with<T>(
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
                let mut session = pg.session(true, Some(scope))?;
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

    /// Makes a publish visible in one transaction: a new gallery with its
    /// first link, or an existing gallery's new photos, sets and order. Photos
    /// already there keep their renditions; ops and choices are not touched.
    pub fn commit_publish(&self, c: &PublishCommit<'_>) -> anyhow::Result<()> {
        let g = c.gallery;
        let id = g.id.as_str();
        self.write(id, |tx| {
            if let Some(link) = &c.first_link {
                tx.execute(
                    "INSERT INTO galleries (id, title, created_at, min_select, max_select, deadline,
                                            locked_at, studio_token_hash, source_dir)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    args![
                        id,
                        g.title,
                        c.now,
                        g.rules.min,
                        g.rules.max,
                        g.rules.deadline,
                        g.locked_at,
                        link.studio_token_hash,
                        c.source_dir
                    ],
                )?;
                tx.execute(
                    "INSERT INTO links (token_hash, gallery_id, label, created_at, link_id)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    args![
                        link.token_hash,
                        id,
                        link.label,
                        c.now,
                        crate::secret::new_id(8)
                    ],
                )?;
                tx.execute("DELETE FROM drafts WHERE gallery_id = ?1", args![id])?;
            } else {
                let n = tx.execute(
                    "UPDATE galleries SET source_dir = ?2 WHERE id = ?1",
                    args![id, c.source_dir],
                )?;
                anyhow::ensure!(n == 1, "there is no gallery {id}");
                if c.update_terms {
                    tx.execute(
                        "UPDATE galleries SET title = ?2, min_select = ?3, max_select = ?4, deadline = ?5
                         WHERE id = ?1",
                        args![id, g.title, g.rules.min, g.rules.max, g.rules.deadline],
                    )?;
                }
            }
            for (position, i) in g.images.iter().enumerate() {
                tx.execute(
                    "INSERT INTO images (gallery_id, image_id, position, file_name, alt, width, height, thumbhash, set_name)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                     ON CONFLICT (gallery_id, image_id)
                     DO UPDATE SET position = excluded.position, set_name = excluded.set_name",
                    args![
                        id,
                        i.id.as_str(),
                        position,
                        i.file_name,
                        i.alt,
                        i.width,
                        i.height,
                        i.thumbhash,
                        i.set
                    ],
                )?;
                for kind in RenditionKind::ALL {
                    let r = i.rendition(kind);
                    tx.execute(
                        "INSERT INTO renditions (gallery_id, image_id, kind, object_key, width, height, bytes, sha256)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                         ON CONFLICT DO NOTHING",
                        args![
                            id,
                            i.id.as_str(),
                            kind.as_str(),
                            r.object_key,
                            r.width,
                            r.height,
                            r.bytes,
                            r.sha256.as_str()
                        ],
                    )?;
                }
            }
            // Its uploads are the gallery's renditions now.
            tx.execute("DELETE FROM uploads WHERE gallery_id = ?1", args![id])?;
            Ok(())
        })
    }

    /// The gallery most recently published from `source_dir`. A draft (a
    /// first publish that was interrupted; customers cannot see it) wins over
    /// an older published gallery: it is the studio's latest `--new`.
    pub fn gallery_from(&self, source_dir: &str) -> anyhow::Result<Option<FromFolder>> {
        self.read(|c| {
            let draft = c.query_opt(
                "SELECT gallery_id, title, label, min_select, max_select, deadline FROM drafts
                 WHERE source_dir = ?1 ORDER BY created_at DESC, rowid DESC",
                args![source_dir],
            )?;
            if let Some(r) = draft {
                let terms = DraftTerms {
                    title: r.get(1)?,
                    label: r.get(2)?,
                    rules: SelectionRules {
                        min: r.get(3)?,
                        max: r.get(4)?,
                        deadline: r.get(5)?,
                    },
                };
                return Ok(Some(FromFolder::Draft(
                    GalleryId::parse(r.get::<String>(0)?)?,
                    terms,
                )));
            }
            let published = c.query_opt(
                "SELECT id FROM galleries WHERE source_dir = ?1 ORDER BY created_at DESC, rowid DESC",
                args![source_dir],
            )?;
            Ok(match published {
                Some(r) => Some(FromFolder::Gallery(GalleryId::parse(r.get::<String>(0)?)?)),
                None => None,
            })
        })
    }

    /// Remembers that `gallery` is published from `source_dir` (canonical).
    pub fn set_source_dir(&self, gallery: &GalleryId, source_dir: &str) -> anyhow::Result<()> {
        self.write(gallery.as_str(), |c| {
            c.execute(
                "UPDATE galleries SET source_dir = ?2 WHERE id = ?1",
                args![gallery.as_str(), source_dir],
            )
        })?;
        Ok(())
    }

    /// Remembers a first publish (its gallery id and what it was asked for)
    /// before anything is uploaded, so an interrupted run resumes into it.
    pub fn start_draft(
        &self,
        id: &GalleryId,
        source_dir: &str,
        terms: &DraftTerms,
        now: i64,
    ) -> anyhow::Result<()> {
        self.write(id.as_str(), |c| {
            c.execute(
                "INSERT INTO drafts (gallery_id, source_dir, created_at, title, label, min_select, max_select, deadline)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                args![
                    id.as_str(),
                    source_dir,
                    now,
                    terms.title,
                    terms.label,
                    terms.rules.min,
                    terms.rules.max,
                    terms.rules.deadline
                ],
            )
        })?;
        Ok(())
    }

    /// Records objects as uploaded for `gallery` (one transaction).
    ///
    /// Written without waiting for the disk (SQLite `synchronous=NORMAL`,
    /// PostgreSQL `synchronous_commit=off`): that survives the process being
    /// killed, and a record lost with the power only means the object is
    /// uploaded again. Called once per object, a durable commit each would
    /// cost as much as a local upload.
    pub fn record_uploads(
        &self,
        gallery: &GalleryId,
        uploads: &[Upload],
        now: i64,
    ) -> anyhow::Result<()> {
        self.write_with(gallery.as_str(), Durability::Process, |c| {
            for u in uploads {
                c.execute(
                    "INSERT INTO uploads (object_key, gallery_id, sha256, bytes, uploaded_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (object_key) DO UPDATE SET gallery_id = excluded.gallery_id,
                        sha256 = excluded.sha256, bytes = excluded.bytes, uploaded_at = excluded.uploaded_at",
                    args![
                        u.object_key,
                        gallery.as_str(),
                        u.sha256.as_str(),
                        u.bytes,
                        now
                    ],
                )?;
            }
            Ok(())
        })
    }

    /// Objects uploaded for `gallery` by a publish that has not finished.
    pub fn uploads(&self, gallery: &GalleryId) -> anyhow::Result<Vec<Upload>> {
        let rows = self.read(|c| {
            c.query(
                "SELECT object_key, sha256, bytes FROM uploads WHERE gallery_id = ?1",
                args![gallery.as_str()],
            )
        })?;
        rows.iter()
            .map(|r| {
                Ok(Upload {
                    object_key: r.get(0)?,
                    sha256: ContentHash::parse(r.get::<String>(1)?)
                        .context("bad content hash in the database")?,
                    bytes: r.get::<i64>(2)?.max(0) as u64,
                })
            })
            .collect()
    }

    /// Every link neither revoked nor expired at `now`: its gallery, token
    /// hash and expiry (the earlier of the link's and the gallery's).
    pub fn live_links(&self, now: i64) -> anyhow::Result<Vec<LiveLink>> {
        let rows = self.read(|c| {
            c.query(
                "SELECT gallery_id, token_hash, until FROM (
                    SELECT l.gallery_id, l.token_hash, l.revoked_at,
                           CASE WHEN l.expires_at IS NULL THEN g.expires_at
                                WHEN g.expires_at IS NULL THEN l.expires_at
                                WHEN l.expires_at < g.expires_at THEN l.expires_at
                                ELSE g.expires_at END AS until
                    FROM links l JOIN galleries g ON g.id = l.gallery_id
                 ) AS live
                 WHERE revoked_at IS NULL AND (until IS NULL OR until > ?1)
                 ORDER BY gallery_id",
                args![now],
            )
        })?;
        rows.iter()
            .map(|r| Ok((GalleryId::parse(r.get::<String>(0)?)?, r.get(1)?, r.get(2)?)))
            .collect()
    }

    pub fn gallery_count(&self) -> anyhow::Result<u64> {
        self.read(|c| {
            c.query_one("SELECT count(*) FROM galleries", args![])?
                .get(0)
        })
    }

    pub fn gallery(&self, id: &GalleryId) -> anyhow::Result<Option<StoredGallery>> {
        // Two range scans joined here rather than a three-way join: a plan
        // cannot go quadratic on a fresh PostgreSQL table with no statistics
        // yet (it did: 150 ms for 1,000 photos).
        let Some((terms, rows, renditions)) = self.read(|c| {
            let Some(terms) = terms(c, id)? else {
                return Ok(None);
            };
            let rows = c.query(
                "SELECT image_id, file_name, alt, width, height, thumbhash, set_name
                 FROM images WHERE gallery_id = ?1 ORDER BY position",
                args![id.as_str()],
            )?;
            let renditions = c.query(
                "SELECT image_id, kind, object_key, width, height, bytes, sha256
                 FROM renditions WHERE gallery_id = ?1",
                args![id.as_str()],
            )?;
            Ok(Some((terms, rows, renditions)))
        })?
        else {
            return Ok(None);
        };
        let mut by_image: std::collections::HashMap<(String, String), StoredRendition> =
            std::collections::HashMap::with_capacity(renditions.len());
        for r in &renditions {
            by_image.insert((r.get(0)?, r.get(1)?), rendition_at(r, 2)?);
        }
        let mut take = |image: &str, kind: RenditionKind| {
            by_image
                .remove(&(image.to_owned(), kind.as_str().to_owned()))
                .with_context(|| format!("photo {image} has no {} in the database", kind.as_str()))
        };
        let images = rows
            .iter()
            .map(|r| {
                let image: String = r.get(0)?;
                Ok(StoredImage {
                    id: ImageId::parse(&image).context("bad image id in the database")?,
                    file_name: r.get(1)?,
                    alt: r.get(2)?,
                    width: r.get(3)?,
                    height: r.get(4)?,
                    thumbhash: r.get(5)?,
                    set: r.get(6)?,
                    thumb: take(&image, RenditionKind::Thumb)?,
                    proof: take(&image, RenditionKind::Proof)?,
                })
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(Some(StoredGallery {
            id: id.clone(),
            title: terms.title,
            rules: terms.rules,
            locked_at: terms.locked_at,
            images,
        }))
    }
}

/// A gallery's title, selection rules and lock.
pub(crate) struct Terms {
    pub title: String,
    pub rules: SelectionRules,
    pub locked_at: Option<i64>,
}

pub(crate) fn terms(c: &mut Conn<'_>, id: &GalleryId) -> anyhow::Result<Option<Terms>> {
    let Some(r) = c.query_opt(
        "SELECT title, min_select, max_select, deadline, locked_at FROM galleries WHERE id = ?1",
        args![id.as_str()],
    )?
    else {
        return Ok(None);
    };
    Ok(Some(Terms {
        title: r.get(0)?,
        rules: SelectionRules {
            min: r.get(1)?,
            max: r.get(2)?,
            deadline: r.get(3)?,
        },
        locked_at: r.get(4)?,
    }))
}

fn rendition_at(r: &Row, at: usize) -> anyhow::Result<StoredRendition> {
    Ok(StoredRendition {
        object_key: r.get(at)?,
        width: r.get(at + 1)?,
        height: r.get(at + 2)?,
        bytes: r.get::<i64>(at + 3)?.max(0) as u64,
        sha256: ContentHash::parse(r.get::<String>(at + 4)?)
            .context("bad content hash in the database")?,
    })
}

/// Brings a SQLite file up to date. Processes starting together take turns
/// (the write lock first, then the version read again), so each migration
/// runs once.
fn migrate(conn: &mut Connection) -> anyhow::Result<()> {
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
fn migrate_pg(pg: &Arc<Pg>) -> anyhow::Result<()> {
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
    use super::*;

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

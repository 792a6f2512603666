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
use rusqlite::{Connection, OptionalExtension as _, params};

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
    conn: Arc<Mutex<Connection>>,
}

impl Db {
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
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    pub(crate) fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (each
        // write is a transaction), so a poisoned lock is still safe to use.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Makes a publish visible in one transaction: a new gallery with its
    /// first link, or an existing gallery's new photos, sets and order. Photos
    /// already there keep their renditions; ops and choices are not touched.
    pub fn commit_publish(&self, c: &PublishCommit<'_>) -> anyhow::Result<()> {
        let g = c.gallery;
        let id = g.id.as_str();
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        if let Some(link) = &c.first_link {
            tx.execute(
                "INSERT INTO galleries (id, title, created_at, min_select, max_select, deadline,
                                        locked_at, studio_token_hash, source_dir)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    id,
                    g.title,
                    c.now,
                    g.rules.min,
                    g.rules.max,
                    g.rules.deadline,
                    g.locked_at,
                    &link.studio_token_hash[..],
                    c.source_dir
                ],
            )?;
            tx.execute(
                "INSERT INTO links (token_hash, gallery_id, label, created_at, link_id)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    &link.token_hash[..],
                    id,
                    link.label,
                    c.now,
                    crate::secret::new_id(8)
                ],
            )?;
            tx.execute("DELETE FROM drafts WHERE gallery_id = ?1", [id])?;
        } else {
            let n = tx.execute(
                "UPDATE galleries SET source_dir = ?2 WHERE id = ?1",
                params![id, c.source_dir],
            )?;
            anyhow::ensure!(n == 1, "there is no gallery {id}");
            if c.update_terms {
                tx.execute(
                    "UPDATE galleries SET title = ?2, min_select = ?3, max_select = ?4, deadline = ?5
                     WHERE id = ?1",
                    params![id, g.title, g.rules.min, g.rules.max, g.rules.deadline],
                )?;
            }
        }
        let mut image = tx.prepare_cached(
            "INSERT INTO images (gallery_id, image_id, position, file_name, alt, width, height, thumbhash, set_name)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (gallery_id, image_id)
             DO UPDATE SET position = excluded.position, set_name = excluded.set_name",
        )?;
        let mut rendition = tx.prepare_cached(
            "INSERT INTO renditions (gallery_id, image_id, kind, object_key, width, height, bytes, sha256)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT DO NOTHING",
        )?;
        for (position, i) in g.images.iter().enumerate() {
            image.execute(params![
                id,
                i.id.as_str(),
                position as i64,
                i.file_name,
                i.alt,
                i.width,
                i.height,
                i.thumbhash,
                i.set
            ])?;
            for kind in RenditionKind::ALL {
                let r = i.rendition(kind);
                rendition.execute(params![
                    id,
                    i.id.as_str(),
                    kind.as_str(),
                    r.object_key,
                    r.width,
                    r.height,
                    r.bytes as i64,
                    r.sha256.as_str()
                ])?;
            }
        }
        drop((image, rendition));
        // Its uploads are the gallery's renditions now.
        tx.execute("DELETE FROM uploads WHERE gallery_id = ?1", [id])?;
        tx.commit()?;
        Ok(())
    }

    /// The gallery most recently published from `source_dir`. A draft (a
    /// first publish that was interrupted; customers cannot see it) wins over
    /// an older published gallery: it is the studio's latest `--new`.
    pub fn gallery_from(&self, source_dir: &str) -> anyhow::Result<Option<FromFolder>> {
        let conn = self.conn();
        let draft = conn
            .query_row(
                "SELECT gallery_id, title, label, min_select, max_select, deadline FROM drafts
                 WHERE source_dir = ?1 ORDER BY created_at DESC, rowid DESC",
                [source_dir],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        DraftTerms {
                            title: r.get(1)?,
                            label: r.get(2)?,
                            rules: SelectionRules {
                                min: r.get(3)?,
                                max: r.get(4)?,
                                deadline: r.get(5)?,
                            },
                        },
                    ))
                },
            )
            .optional()?;
        if let Some((id, terms)) = draft {
            return Ok(Some(FromFolder::Draft(GalleryId::parse(id)?, terms)));
        }
        let published: Option<String> = conn
            .query_row(
                "SELECT id FROM galleries WHERE source_dir = ?1 ORDER BY created_at DESC, rowid DESC",
                [source_dir],
                |r| r.get(0),
            )
            .optional()?;
        Ok(match published {
            Some(id) => Some(FromFolder::Gallery(GalleryId::parse(id)?)),
            None => None,
        })
    }

    /// Remembers that `gallery` is published from `source_dir` (canonical).
    pub fn set_source_dir(&self, gallery: &GalleryId, source_dir: &str) -> anyhow::Result<()> {
        self.conn().execute(
            "UPDATE galleries SET source_dir = ?2 WHERE id = ?1",
            params![gallery.as_str(), source_dir],
        )?;
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
        self.conn().execute(
            "INSERT INTO drafts (gallery_id, source_dir, created_at, title, label, min_select, max_select, deadline)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                id.as_str(),
                source_dir,
                now,
                terms.title,
                terms.label,
                terms.rules.min,
                terms.rules.max,
                terms.rules.deadline
            ],
        )?;
        Ok(())
    }

    /// Records objects as uploaded for `gallery` (one transaction).
    ///
    /// Written without waiting for the disk (`synchronous=NORMAL`): that
    /// survives the process being killed, and a record lost with the power
    /// only means the object is uploaded again. Called once per object, a
    /// durable commit each would cost as much as a local upload.
    pub fn record_uploads(
        &self,
        gallery: &GalleryId,
        uploads: &[Upload],
        now: i64,
    ) -> anyhow::Result<()> {
        let mut conn = self.conn();
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        let written = insert_uploads(&mut conn, gallery, uploads, now);
        conn.pragma_update(None, "synchronous", "FULL")?;
        written
    }

    /// Objects uploaded for `gallery` by a publish that has not finished.
    pub fn uploads(&self, gallery: &GalleryId) -> anyhow::Result<Vec<Upload>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT object_key, sha256, bytes FROM uploads WHERE gallery_id = ?1",
        )?;
        let rows = stmt
            .query_map([gallery.as_str()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(object_key, sha256, bytes)| {
                Ok(Upload {
                    object_key,
                    sha256: ContentHash::parse(sha256)
                        .context("bad content hash in the database")?,
                    bytes: bytes.max(0) as u64,
                })
            })
            .collect()
    }

    /// Every link neither revoked nor expired at `now`: its gallery, token
    /// hash and expiry (the earlier of the link's and the gallery's).
    pub fn live_links(&self, now: i64) -> anyhow::Result<Vec<LiveLink>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT l.gallery_id, l.token_hash,
                    CASE WHEN l.expires_at IS NULL THEN g.expires_at
                         WHEN g.expires_at IS NULL THEN l.expires_at
                         ELSE min(l.expires_at, g.expires_at) END AS until
             FROM links l JOIN galleries g ON g.id = l.gallery_id
             WHERE l.revoked_at IS NULL AND (until IS NULL OR until > ?1)
             ORDER BY l.gallery_id",
        )?;
        let rows = stmt
            .query_map([now], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Vec<u8>>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(g, h, until)| Ok((GalleryId::parse(g)?, h, until)))
            .collect()
    }

    pub fn gallery_count(&self) -> anyhow::Result<u64> {
        let n: i64 = self
            .conn()
            .query_row("SELECT count(*) FROM galleries", [], |r| r.get(0))?;
        Ok(n as u64)
    }

    pub fn gallery(&self, id: &GalleryId) -> anyhow::Result<Option<StoredGallery>> {
        let conn = self.conn();
        let Some(Terms {
            title,
            rules,
            locked_at,
        }) = terms(&conn, id)?
        else {
            return Ok(None);
        };
        let mut stmt = conn.prepare_cached(
            "SELECT i.image_id, i.file_name, i.alt, i.width, i.height, i.thumbhash, i.set_name,
                    t.object_key, t.width, t.height, t.bytes, t.sha256,
                    p.object_key, p.width, p.height, p.bytes, p.sha256
             FROM images i
             JOIN renditions t ON t.gallery_id = i.gallery_id AND t.image_id = i.image_id AND t.kind = 'thumb'
             JOIN renditions p ON p.gallery_id = i.gallery_id AND p.image_id = i.image_id AND p.kind = 'proof'
             WHERE i.gallery_id = ?1
             ORDER BY i.position",
        )?;
        let rows = stmt.query_map([id.as_str()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, u32>(3)?,
                r.get::<_, u32>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<String>>(6)?,
                rendition_at(r, 7)?,
                rendition_at(r, 12)?,
            ))
        })?;
        let mut images = Vec::new();
        for row in rows {
            let (image_id, file_name, alt, width, height, thumbhash, set, thumb, proof) = row?;
            images.push(StoredImage {
                id: ImageId::parse(image_id).context("bad image id in the database")?,
                file_name,
                alt,
                width,
                height,
                thumbhash,
                thumb: thumb?,
                proof: proof?,
                set,
            });
        }
        Ok(Some(StoredGallery {
            id: id.clone(),
            title,
            rules,
            locked_at,
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

pub(crate) fn terms(conn: &Connection, id: &GalleryId) -> anyhow::Result<Option<Terms>> {
    Ok(conn
        .query_row(
            "SELECT title, min_select, max_select, deadline, locked_at FROM galleries WHERE id = ?1",
            [id.as_str()],
            |r| {
                Ok(Terms {
                    title: r.get(0)?,
                    rules: SelectionRules {
                        min: r.get(1)?,
                        max: r.get(2)?,
                        deadline: r.get(3)?,
                    },
                    locked_at: r.get(4)?,
                })
            },
        )
        .optional()?)
}

fn insert_uploads(
    conn: &mut Connection,
    gallery: &GalleryId,
    uploads: &[Upload],
    now: i64,
) -> anyhow::Result<()> {
    let tx = conn.transaction()?;
    {
        let mut stmt = tx.prepare_cached(
            "INSERT OR REPLACE INTO uploads (object_key, gallery_id, sha256, bytes, uploaded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for u in uploads {
            stmt.execute(params![
                u.object_key,
                gallery.as_str(),
                u.sha256.as_str(),
                u.bytes as i64,
                now
            ])?;
        }
    }
    tx.commit()?;
    Ok(())
}

type RenditionRow = anyhow::Result<StoredRendition>;

fn rendition_at(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<RenditionRow> {
    let object_key: String = r.get(at)?;
    let width: u32 = r.get(at + 1)?;
    let height: u32 = r.get(at + 2)?;
    let bytes: i64 = r.get(at + 3)?;
    let sha256: String = r.get(at + 4)?;
    Ok(ContentHash::parse(sha256)
        .context("bad content hash in the database")
        .map(|sha256| StoredRendition {
            object_key,
            width,
            height,
            bytes: bytes.max(0) as u64,
            sha256,
        }))
}

fn migrate(conn: &mut Connection) -> anyhow::Result<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)
            .with_context(|| format!("database migration {}", i + 1))?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

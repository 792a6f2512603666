//! Publishing's records: a finished publish made visible in one transaction
//! ([`Db::commit_publish`]), and what an unfinished one leaves so that a
//! re-run resumes: `drafts` (a first publish not yet visible) and `uploads`
//! (objects put but not yet in a gallery).

use anyhow::Context as _;
use proofline_core::proofing::SelectionRules;
use proofline_core::{ContentHash, GalleryId};

use super::{Db, Durability, StoredGallery};
use crate::args;

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

impl Db {
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
                                            locked_at, studio_token_hash, source_dir,
                                            offline_window_secs)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                    args![
                        id,
                        g.title,
                        c.now,
                        g.rules.min,
                        g.rules.max,
                        g.rules.deadline,
                        g.locked_at,
                        link.studio_token_hash,
                        c.source_dir,
                        g.offline_window
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
                    "UPDATE galleries SET source_dir = ?2, offline_window_secs = ?3 WHERE id = ?1",
                    args![id, c.source_dir, g.offline_window],
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
                for (kind, r) in i.files() {
                    tx.execute(
                        "INSERT INTO renditions (gallery_id, image_id, kind, object_key, width, height, bytes, sha256)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                         ON CONFLICT DO NOTHING",
                        args![
                            id,
                            i.id.as_str(),
                            kind,
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
                 WHERE source_dir = ?1 ORDER BY created_at DESC, seq DESC",
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
                "SELECT id FROM galleries WHERE source_dir = ?1 ORDER BY created_at DESC, seq DESC",
                args![source_dir],
            )?;
            Ok(match published {
                Some(r) => Some(FromFolder::Gallery(GalleryId::parse(r.get::<String>(0)?)?)),
                None => None,
            })
        })
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
}

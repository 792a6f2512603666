//! Galleries as stored (their images, sets and renditions: what the origin
//! needs to sign a manifest), and every write of a gallery's settings: its
//! selection rules, lock, expiry, studio token and source folder, in one
//! place.

use anyhow::Context as _;
use proofline_core::downloads::Downloads;
use proofline_core::proofing::SelectionRules;
use proofline_core::{ContentHash, GalleryId, ImageId, RenditionKind};

use super::Db;
use super::sql::{Conn, Row};
use crate::args;

/// A gallery as stored: what the origin needs to sign a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredGallery {
    pub id: GalleryId,
    pub title: String,
    pub rules: SelectionRules,
    pub locked_at: Option<i64>,
    /// The offline window in seconds (`proofline_core::offline`); `None`
    /// for the default.
    pub offline_window: Option<i64>,
    /// The photo heading the gallery, if the studio chose one.
    pub cover: Option<ImageId>,
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
    /// The 2048 px download, when the studio published for downloads.
    pub web: Option<StoredRendition>,
    /// The full-size download (the original file), when published.
    pub full: Option<StoredRendition>,
    /// The set (sub-folder) the photo is in; none at the top of the gallery.
    pub set: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRendition {
    pub object_key: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    pub sha256: ContentHash,
}

impl StoredGallery {
    /// The photo published as `file_name` (how the studio names photos).
    pub fn image_named(&self, file_name: &str) -> Option<&StoredImage> {
        self.images.iter().find(|i| i.file_name == file_name)
    }
}

impl StoredImage {
    pub fn rendition(&self, kind: RenditionKind) -> &StoredRendition {
        match kind {
            RenditionKind::Thumb => &self.thumb,
            RenditionKind::Proof => &self.proof,
        }
    }

    /// Every file of the photo with its kind as stored (`thumb`, `proof`,
    /// `web`, `full`).
    pub fn files(&self) -> impl Iterator<Item = (&'static str, &StoredRendition)> {
        [("thumb", &self.thumb), ("proof", &self.proof)]
            .into_iter()
            .chain(self.web.as_ref().map(|r| ("web", r)))
            .chain(self.full.as_ref().map(|r| ("full", r)))
    }

    /// The file a link that may download `downloads` gets: a full-size
    /// link gets the `web` file of a photo published without its original.
    pub fn download(&self, downloads: Downloads) -> Option<&StoredRendition> {
        match downloads {
            Downloads::None => None,
            Downloads::Web => self.web.as_ref(),
            Downloads::Full => self.full.as_ref().or(self.web.as_ref()),
        }
    }
}

impl Db {
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
        let mut take =
            |image: &str, kind: &str| by_image.remove(&(image.to_owned(), kind.to_owned()));
        let missing = |image: &str, kind: RenditionKind| {
            anyhow::anyhow!("photo {image} has no {} in the database", kind.as_str())
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
                    thumb: take(&image, "thumb")
                        .ok_or_else(|| missing(&image, RenditionKind::Thumb))?,
                    proof: take(&image, "proof")
                        .ok_or_else(|| missing(&image, RenditionKind::Proof))?,
                    web: take(&image, "web"),
                    full: take(&image, "full"),
                })
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(Some(StoredGallery {
            id: id.clone(),
            title: terms.title,
            rules: terms.rules,
            locked_at: terms.locked_at,
            offline_window: terms.offline_window,
            cover: terms.cover,
            images,
        }))
    }
}

// A gallery's settings (selection rules, studio token, lock, expiry,
// source folder): every change of them outside a publish is here (a
// publish writes its title and rules with its photos, in
// `Db::commit_publish`).
impl Db {
    /// Sets the studio's selection rules; `false` if there is no such gallery.
    pub fn set_rules(&self, gallery: &GalleryId, rules: &SelectionRules) -> anyhow::Result<bool> {
        rules.validate().map_err(anyhow::Error::msg)?;
        let n = self.write(gallery.as_str(), |c| {
            c.execute(
                "UPDATE galleries SET min_select = ?2, max_select = ?3, deadline = ?4 WHERE id = ?1",
                args![gallery.as_str(), rules.min, rules.max, rules.deadline],
            )
        })?;
        Ok(n == 1)
    }

    /// Gives the gallery a new studio token (the old one stops working);
    /// `false` if there is no such gallery.
    pub fn set_studio_token(&self, gallery: &GalleryId, hash: &[u8; 32]) -> anyhow::Result<bool> {
        let n = self.write(gallery.as_str(), |c| {
            c.execute(
                "UPDATE galleries SET studio_token_hash = ?2 WHERE id = ?1",
                args![gallery.as_str(), hash],
            )
        })?;
        Ok(n == 1)
    }

    /// The hash of the gallery's studio token: `None` if there is no such
    /// gallery, `Some(None)` if it has no studio token.
    pub fn studio_token_hash(
        &self,
        gallery: &GalleryId,
    ) -> anyhow::Result<Option<Option<Vec<u8>>>> {
        self.read(|c| {
            c.query_opt(
                "SELECT studio_token_hash FROM galleries WHERE id = ?1",
                args![gallery.as_str()],
            )?
            .map(|r| r.get(0))
            .transpose()
        })
    }

    /// Locks (final: customers' changes are refused from now on) or unlocks a
    /// gallery; `false` if there is no such gallery.
    pub fn set_locked(&self, gallery: &GalleryId, at: Option<i64>) -> anyhow::Result<bool> {
        let n = self.write(gallery.as_str(), |c| {
            c.execute(
                "UPDATE galleries SET locked_at = ?2 WHERE id = ?1",
                args![gallery.as_str(), at],
            )
        })?;
        Ok(n == 1)
    }

    /// Sets the gallery's offline window (`None`: the default); `false` if
    /// there is no such gallery.
    pub fn set_offline_window(
        &self,
        gallery: &GalleryId,
        secs: Option<i64>,
    ) -> anyhow::Result<bool> {
        if let Some(secs) = secs {
            proofline_core::offline::check(secs).map_err(anyhow::Error::msg)?;
        }
        let n = self.write(gallery.as_str(), |c| {
            c.execute(
                "UPDATE galleries SET offline_window_secs = ?2 WHERE id = ?1",
                args![gallery.as_str(), secs],
            )
        })?;
        Ok(n == 1)
    }

    /// When the whole gallery stops being shared, if ever.
    pub fn gallery_expiry(&self, gallery: &GalleryId) -> anyhow::Result<Option<i64>> {
        self.read(|c| {
            match c.query_opt(
                "SELECT expires_at FROM galleries WHERE id = ?1",
                args![gallery.as_str()],
            )? {
                Some(r) => r.get(0),
                None => Ok(None),
            }
        })
    }

    /// Sets (or clears) the date a whole gallery stops being shared.
    pub fn set_gallery_expiry(&self, gallery: &GalleryId, at: Option<i64>) -> anyhow::Result<bool> {
        let n = self.write(gallery.as_str(), |c| {
            c.execute(
                "UPDATE galleries SET expires_at = ?2 WHERE id = ?1",
                args![gallery.as_str(), at],
            )
        })?;
        Ok(n == 1)
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
}

/// A gallery's title, selection rules, lock and offline window.
pub(super) struct Terms {
    pub title: String,
    pub rules: SelectionRules,
    pub locked_at: Option<i64>,
    pub offline_window: Option<i64>,
    pub cover: Option<ImageId>,
}

pub(super) fn terms(c: &mut Conn<'_>, id: &GalleryId) -> anyhow::Result<Option<Terms>> {
    let Some(r) = c.query_opt(
        "SELECT title, min_select, max_select, deadline, locked_at, offline_window_secs,
                cover
         FROM galleries WHERE id = ?1",
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
        offline_window: r.get(5)?,
        // A cover that no longer reads as an id is no cover.
        cover: r
            .get::<Option<String>>(6)?
            .and_then(|id| ImageId::parse(id).ok()),
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

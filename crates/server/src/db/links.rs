//! Share links: one per recipient, each with an optional PIN, download PIN
//! and expiry, each revocable alone (the PINs: [`super::pins`]).
//!
//! Only the SHA-256 of a link's token is stored.

use proofline_core::GalleryId;
use proofline_core::downloads::Downloads;
use proofline_core::links::LinkState;

use super::Db;
use super::downloads::downloads_at;
use super::pins::{PinKind, salted};
use crate::args;
use crate::secret::token_matches;

/// A share link as the studio sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Short id the studio names the link by (`proofline link revoke ID`).
    pub id: String,
    pub gallery: GalleryId,
    pub label: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub has_pin: bool,
    /// When the link takes PINs again, while it is locked after wrong ones
    /// (or was last locked: compare with the time).
    pub pin_locked_until: Option<i64>,
    /// Wrong PINs given for this link, in all.
    pub pin_failures_total: u64,
    /// SHA-256 of the link's token (the token itself is never stored).
    pub token_hash: Vec<u8>,
    /// The address the link's customer is reminded at, if the studio gave one.
    pub reminders_to: Option<String>,
    /// When the customer unsubscribed from the reminders, if they did.
    pub reminders_off_at: Option<i64>,
    /// What the link's customer may download.
    pub downloads: Downloads,
    /// Whether downloading needs the link's download PIN.
    pub has_download_pin: bool,
}

impl Link {
    pub fn state(&self, now: i64) -> LinkState {
        LinkState::at(self.revoked_at, self.expires_at, now)
    }
}

/// What a new link needs.
#[derive(Debug, Clone, Default)]
pub struct NewLink {
    pub label: String,
    pub pin: Option<String>,
    /// Unix seconds after which the link stops working.
    pub expires_at: Option<i64>,
    /// What the customer may download.
    pub downloads: Downloads,
    /// A PIN asked before downloading, if any.
    pub download_pin: Option<String>,
}

/// Why a presented token does not open the gallery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No such gallery.
    NoGallery,
    /// No link of this gallery has this token.
    UnknownToken,
    /// The studio withdrew the link.
    Revoked,
    /// The link (or the gallery) expired at this time.
    Expired { at: i64 },
    /// The link has a PIN and no valid pass came with the request.
    PinRequired,
}

/// A link that opened: what the rest of the API needs.
#[derive(Debug, Clone)]
pub struct Opened {
    pub token_hash: Vec<u8>,
    /// When the customer loses access (the earlier of link and gallery expiry).
    pub expires_at: Option<i64>,
    /// What the customer may download (see [`Opened::offered`]).
    pub downloads: Downloads,
    /// The hash of the link's download PIN, if it has one.
    pub download_pin_hash: Option<Vec<u8>>,
}

impl Opened {
    /// What a request with this download pass is offered: what the link
    /// may download, and whether to ask for the download PIN first (then
    /// nothing is offered until its pass comes with the request).
    pub fn offered(&self, download_pass: Option<&str>) -> (Downloads, bool) {
        let unlocked = match &self.download_pin_hash {
            Some(hash) => PinKind::Downloads.accepts(hash, download_pass),
            None => true,
        };
        proofline_core::downloads::offered(self.downloads, unlocked)
    }
}

/// A live link: its gallery, token hash, when it stops opening (if ever),
/// and what it offers without a download pass (see [`Opened::offered`]).
pub type LiveLink = (GalleryId, Vec<u8>, Option<i64>, (Downloads, bool));

/// A link's PIN and its wrong-PIN count, as stored.
struct Row {
    token_hash: Vec<u8>,
    revoked_at: Option<i64>,
    expires_at: Option<i64>,
    pin_hash: Option<Vec<u8>>,
    downloads: Downloads,
    download_pin_hash: Option<Vec<u8>>,
}

impl Db {
    /// Adds a share link to a gallery; answers the link and its token (shown
    /// once: only its hash is kept).
    pub fn create_link(
        &self,
        gallery: &GalleryId,
        new: &NewLink,
        now: i64,
    ) -> anyhow::Result<(Link, proofline_core::route::ShareToken)> {
        let (salt, hash) = salted(new.pin.as_deref())?;
        let (download_salt, download_hash) =
            salted(new.download_pin.as_deref()).map_err(|e| e.context("the download PIN"))?;
        if let Some(at) = new.expires_at {
            anyhow::ensure!(at > now, "the expiry date is in the past");
        }
        let token = crate::secret::new_token();
        let id = crate::secret::new_id(8);
        self.write(gallery.as_str(), |c| {
            let exists = c.query_opt(
                "SELECT 1 FROM galleries WHERE id = ?1",
                args![gallery.as_str()],
            )?;
            anyhow::ensure!(exists.is_some(), "there is no gallery {gallery}");
            c.execute(
                "INSERT INTO links (token_hash, gallery_id, label, created_at, link_id, expires_at,
                                    pin_salt, pin_hash, downloads, download_pin_salt, download_pin_hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                args![
                    crate::secret::token_hash(token.as_str()),
                    gallery.as_str(),
                    new.label,
                    now,
                    id,
                    new.expires_at,
                    salt,
                    hash,
                    new.downloads.as_str(),
                    download_salt,
                    download_hash
                ],
            )
        })?;
        let link = Link {
            id,
            gallery: gallery.clone(),
            label: new.label.clone(),
            created_at: now,
            expires_at: new.expires_at,
            revoked_at: None,
            has_pin: new.pin.is_some(),
            pin_locked_until: None,
            pin_failures_total: 0,
            token_hash: crate::secret::token_hash(token.as_str()).to_vec(),
            reminders_to: None,
            reminders_off_at: None,
            downloads: new.downloads,
            has_download_pin: new.download_pin.is_some(),
        };
        Ok((link, token))
    }

    /// Every link, or one gallery's, oldest first.
    pub fn links(&self, gallery: Option<&GalleryId>) -> anyhow::Result<Vec<Link>> {
        let rows = self.read(|c| {
            c.query(
                "SELECT link_id, gallery_id, label, created_at, expires_at, revoked_at,
                        CASE WHEN pin_hash IS NULL THEN 0 ELSE 1 END, token_hash,
                        pin_locked_until, pin_failures_total, customer_email, reminders_off_at,
                        downloads, CASE WHEN download_pin_hash IS NULL THEN 0 ELSE 1 END
                 FROM links WHERE ?1 IS NULL OR gallery_id = ?1 ORDER BY created_at, seq",
                args![gallery.map(GalleryId::as_str)],
            )
        })?;
        rows.iter()
            .map(|r| {
                Ok(Link {
                    id: r.get(0)?,
                    gallery: GalleryId::parse(r.get::<String>(1)?)?,
                    label: r.get(2)?,
                    created_at: r.get(3)?,
                    expires_at: r.get(4)?,
                    revoked_at: r.get(5)?,
                    has_pin: r.get(6)?,
                    token_hash: r.get(7)?,
                    pin_locked_until: r.get(8)?,
                    pin_failures_total: r.get(9)?,
                    reminders_to: r.get(10)?,
                    reminders_off_at: r.get(11)?,
                    downloads: downloads_at(r, 12)?,
                    has_download_pin: r.get(13)?,
                })
            })
            .collect()
    }

    /// Withdraws a link for good; answers it (its token hash names its
    /// manifest mirror, to delete), or `None` if there is no such link.
    /// Revoking twice keeps the first time.
    pub fn revoke_link(&self, id: &str, now: i64) -> anyhow::Result<Option<Link>> {
        let changed = self.write("links", |c| {
            c.execute(
                "UPDATE links SET revoked_at = coalesce(revoked_at, ?2) WHERE link_id = ?1",
                args![id, now],
            )
        })?;
        if changed == 0 {
            return Ok(None);
        }
        Ok(self.links(None)?.into_iter().find(|l| l.id == id))
    }

    /// Every link neither revoked nor expired at `now`: its gallery, token
    /// hash and expiry (the earlier of the link's and the gallery's).
    pub fn live_links(&self, now: i64) -> anyhow::Result<Vec<LiveLink>> {
        let rows = self.read(|c| {
            c.query(
                "SELECT gallery_id, token_hash, until, downloads, has_download_pin FROM (
                    SELECT l.gallery_id, l.token_hash, l.revoked_at, l.downloads,
                           CASE WHEN l.download_pin_hash IS NULL THEN 0 ELSE 1 END AS has_download_pin,
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
            .map(|r| {
                Ok((
                    GalleryId::parse(r.get::<String>(0)?)?,
                    r.get(1)?,
                    r.get(2)?,
                    proofline_core::downloads::offered(downloads_at(r, 3)?, !r.get::<bool>(4)?),
                ))
            })
            .collect()
    }

    /// What a live link offers a request without a download pass (see
    /// `proofline_core::downloads::offered`): its downloads, none while a
    /// download PIN is set, and whether that PIN is asked for. `None` once
    /// the link no longer opens its gallery (revoked, or it or its gallery
    /// expired).
    pub fn live_link_offer(
        &self,
        token_hash: &[u8],
        now: i64,
    ) -> anyhow::Result<Option<(Downloads, bool)>> {
        let rows = self.read(|c| {
            c.query(
                "SELECT l.downloads, CASE WHEN l.download_pin_hash IS NULL THEN 0 ELSE 1 END
                 FROM links l JOIN galleries g ON g.id = l.gallery_id
                 WHERE l.token_hash = ?1 AND l.revoked_at IS NULL
                   AND (l.expires_at IS NULL OR l.expires_at > ?2)
                   AND (g.expires_at IS NULL OR g.expires_at > ?2)",
                args![token_hash, now],
            )
        })?;
        let Some(r) = rows.first() else {
            return Ok(None);
        };
        let pin: bool = r.get(1)?;
        Ok(Some(proofline_core::downloads::offered(
            downloads_at(r, 0)?,
            !pin,
        )))
    }

    /// Links revoked at or after `since`: (gallery, token hash).
    pub fn links_revoked_since(&self, since: i64) -> anyhow::Result<Vec<(GalleryId, Vec<u8>)>> {
        let rows = self.read(|c| {
            c.query(
                "SELECT gallery_id, token_hash FROM links WHERE revoked_at >= ?1 ORDER BY seq",
                args![since],
            )
        })?;
        rows.iter()
            .map(|r| Ok((GalleryId::parse(r.get::<String>(0)?)?, r.get(1)?)))
            .collect()
    }

    /// Whether `token` (and `pass`, for a PIN link) opens `gallery` at `now`.
    /// Every link of the gallery is compared in constant time, so timing
    /// does not tell which one nearly matched.
    pub fn open_link(
        &self,
        gallery: &GalleryId,
        token: &str,
        pass: Option<&str>,
        now: i64,
    ) -> anyhow::Result<Result<Opened, Refusal>> {
        // One statement (one round trip): the gallery's expiry on every
        // row, with each of its links; a gallery with no link has one row
        // with no link, no gallery has no row.
        let found = self.read_one(
            "SELECT g.expires_at, l.token_hash, l.revoked_at, l.expires_at, l.pin_hash,
                    l.downloads, l.download_pin_hash
             FROM galleries g LEFT JOIN links l ON l.gallery_id = g.id
             WHERE g.id = ?1",
            args![gallery.as_str()],
        )?;
        let found = match found.first() {
            None => None,
            Some(first) => {
                let mut rows = Vec::with_capacity(found.len());
                for r in &found {
                    let Some(token_hash) = r.get::<Option<Vec<u8>>>(1)? else {
                        continue;
                    };
                    rows.push(Row {
                        token_hash,
                        revoked_at: r.get(2)?,
                        expires_at: r.get(3)?,
                        pin_hash: r.get(4)?,
                        downloads: downloads_at(r, 5)?,
                        download_pin_hash: r.get(6)?,
                    });
                }
                Some((first.get::<Option<i64>>(0)?, rows))
            }
        };
        let Some((gallery_expiry, rows)) = found else {
            return Ok(Err(Refusal::NoGallery));
        };
        let mut found = None;
        for row in rows {
            let hit = token_matches(token, &row.token_hash);
            found = if hit { Some(row) } else { found };
        }
        let Some(row) = found.filter(|_| !token.is_empty()) else {
            return Ok(Err(Refusal::UnknownToken));
        };
        if row.revoked_at.is_some() {
            return Ok(Err(Refusal::Revoked));
        }
        let expires_at = match (row.expires_at, gallery_expiry) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if let Some(at) = expires_at.filter(|&at| now >= at) {
            return Ok(Err(Refusal::Expired { at }));
        }
        if let Some(hash) = &row.pin_hash
            && !PinKind::Link.accepts(hash, pass)
        {
            return Ok(Err(Refusal::PinRequired));
        }
        Ok(Ok(Opened {
            token_hash: row.token_hash,
            expires_at,
            downloads: row.downloads,
            download_pin_hash: row.download_pin_hash,
        }))
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::db::{FirstLink, PublishCommit, StoredGallery};

    pub(in crate::db) fn db_with_gallery() -> (tempfile::TempDir, Db, GalleryId) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("p.sqlite")).unwrap();
        let id = GalleryId::parse("g1").unwrap();
        let gallery = StoredGallery {
            id: id.clone(),
            title: "T".into(),
            rules: Default::default(),
            locked_at: None,
            offline_window: None,
            cover: None,
            images: vec![],
        };
        db.commit_publish(&PublishCommit {
            gallery: &gallery,
            source_dir: "/photos",
            first_link: Some(FirstLink {
                token_hash: &[7; 32],
                label: "first",
                studio_token_hash: &[8; 32],
            }),
            update_terms: false,
            now: 0,
        })
        .unwrap();
        (dir, db, id)
    }

    #[test]
    fn each_link_opens_alone_and_revoking_one_keeps_the_others() {
        let (_d, db, g) = db_with_gallery();
        let (a, ta) = db.create_link(&g, &NewLink::default(), 10).unwrap();
        let (_b, tb) = db.create_link(&g, &NewLink::default(), 10).unwrap();
        assert!(db.open_link(&g, ta.as_str(), None, 20).unwrap().is_ok());
        db.revoke_link(&a.id, 30).unwrap().unwrap();
        assert_eq!(
            db.open_link(&g, ta.as_str(), None, 40)
                .unwrap()
                .unwrap_err(),
            Refusal::Revoked
        );
        assert!(db.open_link(&g, tb.as_str(), None, 40).unwrap().is_ok());
        assert_eq!(
            db.open_link(&g, "AAAAAAAAAAAAAAAAAAAAAA", None, 40)
                .unwrap()
                .unwrap_err(),
            Refusal::UnknownToken
        );
        assert_eq!(db.links(Some(&g)).unwrap().len(), 3);
        assert_eq!(
            db.links(Some(&g)).unwrap()[1].state(50),
            LinkState::Revoked { at: 30 }
        );
        assert!(db.revoke_link("nosuchid", 50).unwrap().is_none());
    }

    #[test]
    fn expiry_is_the_earlier_of_link_and_gallery() {
        let (_d, db, g) = db_with_gallery();
        let new = NewLink {
            expires_at: Some(1_000),
            ..Default::default()
        };
        let (_, t) = db.create_link(&g, &new, 10).unwrap();
        let opened = db.open_link(&g, t.as_str(), None, 999).unwrap().unwrap();
        assert_eq!(opened.expires_at, Some(1_000));
        assert_eq!(
            db.open_link(&g, t.as_str(), None, 1_000)
                .unwrap()
                .unwrap_err(),
            Refusal::Expired { at: 1_000 }
        );
        db.set_gallery_expiry(&g, Some(500)).unwrap();
        assert_eq!(
            db.open_link(&g, t.as_str(), None, 600)
                .unwrap()
                .unwrap_err(),
            Refusal::Expired { at: 500 }
        );
        assert!(
            db.create_link(&g, &new, 2_000).is_err(),
            "past expiry refused"
        );
    }
}

//! Manifest mirrors: a copy of each share link's manifest in object storage,
//! so a customer's device can refresh its image URLs while the origin is down.
//!
//! Each live link has one mirror object, `galleries/{g}/mirror/{link}.json`,
//! where `{link}` is the first half of the link's token hash (unguessable, and
//! derivable by the origin without the token). The origin rewrites it the first
//! time it signs in every signing window (on a customer's visit, or from the
//! periodic refresh in `serve`), and on publish. Its image URLs, and its own
//! URL in the manifest's `mirror` field, are valid for
//! [`SigningPolicy::mirror_validity_secs`] (7 days, S3's limit for presigned
//! URLs), never past the gallery's offline window (`proofline_core::offline`,
//! 3 days unless the studio says otherwise) and never past the link's
//! expiry: that is how long an outage of the origin can last before
//! uncached photos stop loading, and devices hide the gallery. The client keeps
//! the mirror URL with its saved copy.
//!
//! A mirror never carries what a download PIN holds back: its URL is in
//! every manifest of the link, pass or not, so it is written as a request
//! without the download pass is answered.
//!
//! A withdrawn link's mirror is deleted ([`Mirrors::delete`]) and cannot come
//! back: a write checks that the link is still live before and after its
//! upload (deleting what it wrote if the link died meanwhile), and the
//! periodic refresh deletes the mirrors of links revoked within the mirror's
//! validity ([`Mirrors::sweep`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use proofline_core::downloads::Downloads;
use proofline_core::expiry::{SigningWindow, signing_window};
use proofline_core::{GalleryId, offline};

use super::{LinkTerms, SigningPolicy, sign_manifest};
use crate::db::{Db, StoredGallery};
use crate::storage::ObjectStore;

/// The mirror object's key for the link whose token hashes to `token_hash`.
pub fn mirror_key(gallery: &GalleryId, token_hash: &[u8]) -> String {
    let link: String = token_hash
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("galleries/{gallery}/mirror/{link}.json")
}

/// The mirror's signing window at `now`: its URLs work for the mirror's
/// validity, but never past the gallery's offline window from the window's
/// start (a device reading the mirror hides the gallery by then) nor past
/// `until`, the link's expiry.
fn mirror_window(
    gallery: &StoredGallery,
    until: Option<i64>,
    policy: &SigningPolicy,
    now: i64,
) -> SigningWindow {
    let window = signing_window(now, policy.window_secs, policy.mirror_validity_secs);
    let offline = window.start + gallery.offline_window.unwrap_or(offline::DEFAULT_SECS);
    window.until(Some(until.map_or(offline, |at| at.min(offline))))
}

/// The signed URL of a link's mirror for the window containing `now`,
/// valid no later than `until` (the link's expiry) or the gallery's offline
/// window.
pub async fn mirror_url(
    store: &ObjectStore,
    gallery: &StoredGallery,
    token_hash: &[u8],
    until: Option<i64>,
    policy: &SigningPolicy,
    now: i64,
) -> anyhow::Result<String> {
    let window = mirror_window(gallery, until, policy, now);
    store
        .presign_get(&mirror_key(&gallery.id, token_hash), window)
        .await
}

/// Signs `gallery` with the mirror's long validity (never past the link's
/// expiry or the gallery's offline window) and writes it as the link's
/// mirror, with the link's terms (expiry, downloads).
/// Returns the mirror's URL. Writes nothing for a link that is no longer
/// live, and deletes what it wrote if the link died during the upload, or
/// if the studio changed what it offers meanwhile (a download PIN set while
/// the mirror was signed with download URLs): the studio's change deletes
/// the mirror first, so whichever comes second removes a stale one.
pub async fn write_mirror(
    db: &Db,
    store: &ObjectStore,
    gallery: &StoredGallery,
    token_hash: &[u8],
    link: LinkTerms,
    policy: &SigningPolicy,
    now: i64,
) -> anyhow::Result<String> {
    let window = mirror_window(gallery, link.expires_at, policy, now);
    let key = mirror_key(&gallery.id, token_hash);
    let url = store.presign_get(&key, window).await?;
    let mut manifest = sign_manifest(store, gallery, window, link.downloads, now).await?;
    manifest.mirror = Some(url.clone());
    manifest.expires_at = link.expires_at;
    manifest.download_pin = link.download_pin;
    let written_for = Some((link.downloads, link.download_pin));
    anyhow::ensure!(
        live_offer(db, token_hash).await? == written_for,
        "the link was withdrawn or its downloads changed: its mirror is not written"
    );
    store
        .put_fresh(&key, manifest.to_json().into_bytes(), "application/json")
        .await?;
    if live_offer(db, token_hash).await? != written_for {
        store.delete(&key).await?;
        anyhow::bail!(
            "the link was withdrawn or its downloads changed during the upload: its mirror was deleted"
        );
    }
    Ok(url)
}

/// What the link with this token hash offers now, if it still opens its
/// gallery (see `Db::live_link_offer`).
async fn live_offer(db: &Db, token_hash: &[u8]) -> anyhow::Result<Option<(Downloads, bool)>> {
    let (db, hash) = (db.clone(), token_hash.to_vec());
    let now = crate::unix_now();
    tokio::task::spawn_blocking(move || db.live_link_offer(&hash, now)).await?
}

/// Remembers which mirrors were written (or are being written) in which
/// signing window, so each is written once per window however many
/// customers visit.
#[derive(Clone, Default)]
pub struct Mirrors {
    /// Each mirror's key: the window and the link's terms it was written for.
    written: Arc<Mutex<HashMap<String, (i64, LinkTerms)>>>,
}

impl Mirrors {
    /// Writes the link's mirror unless it was already written in this
    /// window with these terms (a studio that changes a link's downloads
    /// gets its mirror rewritten on the next visit).
    #[allow(clippy::too_many_arguments)]
    pub async fn ensure(
        &self,
        db: &Db,
        store: &ObjectStore,
        gallery: &StoredGallery,
        token_hash: &[u8],
        link: LinkTerms,
        policy: &SigningPolicy,
        now: i64,
    ) -> anyhow::Result<()> {
        let key = mirror_key(&gallery.id, token_hash);
        let window = signing_window(now, policy.window_secs, policy.mirror_validity_secs).start;
        let claim = (window, link);
        // Claimed before writing, so visits arriving meanwhile do not write
        // it again; given back if the write fails, so a later one retries.
        if self.lock().insert(key.clone(), claim) == Some(claim) {
            return Ok(());
        }
        let written = write_mirror(db, store, gallery, token_hash, link, policy, now).await;
        if written.is_err() {
            let mut lock = self.lock();
            if lock.get(&key) == Some(&claim) {
                lock.remove(&key);
            }
        }
        written.map(drop)
    }

    /// Writes every live link's mirror that is not current, and signs each
    /// live gallery's URLs for the current window. Returns how many links
    /// were checked; failures are logged and retried next time.
    pub async fn refresh_all(
        &self,
        db: &Db,
        store: &ObjectStore,
        policy: &SigningPolicy,
        now: i64,
    ) -> anyhow::Result<usize> {
        let links = {
            let db = db.clone();
            tokio::task::spawn_blocking(move || db.live_links(now)).await??
        };
        let mut galleries: HashMap<GalleryId, Option<StoredGallery>> = HashMap::new();
        for (gallery_id, token_hash, expires_at, (downloads, download_pin)) in &links {
            if !galleries.contains_key(gallery_id) {
                let (db, id) = (db.clone(), gallery_id.clone());
                let g = tokio::task::spawn_blocking(move || db.gallery(&id)).await??;
                galleries.insert(gallery_id.clone(), g);
            }
            let Some(Some(gallery)) = galleries.get(gallery_id) else {
                continue;
            };
            if let Err(e) = self
                .ensure(
                    db,
                    store,
                    gallery,
                    token_hash,
                    LinkTerms {
                        expires_at: *expires_at,
                        downloads: *downloads,
                        download_pin: *download_pin,
                    },
                    policy,
                    now,
                )
                .await
            {
                tracing::warn!(
                    "could not write the manifest mirror of gallery {gallery_id}: {e:#}"
                );
            }
        }
        if let Err(e) = self.sweep(db, store, policy, now).await {
            tracing::warn!("could not sweep the mirrors of withdrawn links: {e:#}");
        }
        // Sign this window's URLs now (the store keeps them for the window),
        // so no customer waits for a big gallery's first signing pass.
        let window = signing_window(now, policy.window_secs, policy.validity_secs);
        for gallery in galleries.values().flatten() {
            if let Err(e) = sign_manifest(store, gallery, window, Downloads::None, now).await {
                tracing::warn!("could not sign gallery {}: {e:#}", gallery.id);
            }
        }
        Ok(links.len())
    }

    /// Deletes the mirrors of links revoked within the mirror's validity
    /// (older ones' URLs have all expired): whatever a write in flight at the
    /// revocation, or a store that refused the first delete, left behind.
    pub async fn sweep(
        &self,
        db: &Db,
        store: &ObjectStore,
        policy: &SigningPolicy,
        now: i64,
    ) -> anyhow::Result<usize> {
        let since = now - policy.mirror_validity_secs - policy.window_secs;
        let dead = {
            let db = db.clone();
            tokio::task::spawn_blocking(move || db.links_revoked_since(since)).await??
        };
        for (gallery, token_hash) in &dead {
            self.delete(store, gallery, token_hash).await?;
        }
        Ok(dead.len())
    }

    /// Deletes a withdrawn link's mirror, so its copy of the manifest cannot
    /// be read from the store either.
    pub async fn delete(
        &self,
        store: &ObjectStore,
        gallery: &GalleryId,
        token_hash: &[u8],
    ) -> anyhow::Result<()> {
        let key = mirror_key(gallery, token_hash);
        self.lock().remove(&key);
        store.delete(&key).await
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (i64, LinkTerms)>> {
        self.written.lock().unwrap_or_else(|e| e.into_inner())
    }
}

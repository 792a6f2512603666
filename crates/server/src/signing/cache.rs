//! Customers' manifests with their photos signed and serialised once per
//! gallery and signing window ([`ManifestCache`]), not on every request.
//!
//! A window's URLs are identical for every request in it, yet each request
//! signed them all again (20,000 URLs at 10,000 photos) and serialised them
//! (about 12 MB). The cache keeps a gallery's `images`, signed and
//! serialised as a JSON array; each request still reads the gallery, makes
//! the rest of the manifest afresh ([`super::manifest_head`]: its terms,
//! `server_time`, the link's expiry and mirror URL) and splices the photos
//! in ([`SignedImages::manifest_json`]), compact for the app (about 300
//! bytes a photo), in full for other readers.
//!
//! - **Keyed** by the gallery, the window's start and its `expires_at`: a
//!   link whose expiry cuts its URLs short (`SigningWindow::until`) gets
//!   photos signed for its own bound, never another link's longer URLs;
//!   and by what the link may download, so no link is handed another's
//!   downloads.
//! - **Never stale**: an entry serves only a request whose gallery, read
//!   from the database for that request, equals (`==`, every field of
//!   `StoredGallery`, so one added later counts too) the gallery it was
//!   signed from. A publish, a rules change or a lock, from this origin, the
//!   CLI or another origin, is signed again on the next request. (The
//!   database keeps no revision to key on, so that read stays: about a third
//!   of a cached request at 10,000 photos, see `examples/manifest_bench.rs`.)
//! - **Bounded**: a new window drops the last one's entries; beyond the
//!   budget the least recently used go, counted as the JSON plus the gallery
//!   kept to compare with; an entry bigger than the whole budget is not kept.
//! - **Signed once**: requests that miss the same entry together wait for
//!   one signing.
//!
//! The photos' URLs depend on the store client too (its keys, CloudFront):
//! a cache serves the one store it is kept beside (`AppState`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use proofline_core::downloads::Downloads;
use proofline_core::expiry::SigningWindow;
use proofline_core::manifest::FIRST_SCREEN_PHOTOS;
use proofline_core::{GalleryId, Manifest};

use super::{manifest_head, sign_images};
use crate::db::{StoredGallery, StoredImage};
use crate::lru::Lru;
use crate::storage::ObjectStore;

/// The memory a cache may hold unless told otherwise: about twelve
/// 10,000-photo galleries (some 20 MB each), thousands of small ones.
pub const DEFAULT_BUDGET_BYTES: usize = 256 * 1024 * 1024;

/// Signed photos per gallery and window; cheap to clone (one cache).
#[derive(Clone)]
pub struct ManifestCache {
    inner: Arc<Inner>,
}

struct Inner {
    kept: Mutex<Kept>,
    /// One signing at a time per entry: a request that misses waits here
    /// for one already signing the same photos.
    signing: Mutex<HashMap<Key, Arc<tokio::sync::Mutex<()>>>>,
    signings: AtomicU64,
    hits: AtomicU64,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    gallery: GalleryId,
    start: i64,
    expires_at: i64,
    downloads: Downloads,
}

struct Kept {
    entries: Lru<Key, Entry>,
    /// The newest window an entry was kept for; older ones are dropped.
    window_start: i64,
}

struct Entry {
    /// The gallery the photos were signed from, to compare with.
    gallery: Arc<StoredGallery>,
    images: SignedImages,
}

/// A gallery's photos signed for one window and serialised as a manifest's
/// `images`: in full, and compact when the compact form says them
/// (`proofline_core::manifest::compact`).
#[derive(Clone)]
pub struct SignedImages {
    full: Arc<str>,
    compact: Option<Arc<str>>,
    /// A first screen's photos, compact, and how many the gallery has: for
    /// a gallery of more than [`FIRST_SCREEN_PHOTOS`] the compact form says.
    first: Option<(Arc<str>, u32)>,
}

/// What a cache holds and has done, for logs, benchmarks and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheStats {
    pub entries: usize,
    /// The memory counted against the budget.
    pub bytes: usize,
    /// How many times a gallery's photos were signed (cache misses).
    pub signings: u64,
    pub hits: u64,
}

impl Default for ManifestCache {
    fn default() -> Self {
        ManifestCache::new(DEFAULT_BUDGET_BYTES)
    }
}

impl ManifestCache {
    /// A cache holding at most about `budget` bytes.
    pub fn new(budget: usize) -> Self {
        ManifestCache {
            inner: Arc::new(Inner {
                kept: Mutex::new(Kept {
                    entries: Lru::new(budget),
                    window_start: i64::MIN,
                }),
                signing: Mutex::default(),
                signings: AtomicU64::new(0),
                hits: AtomicU64::new(0),
            }),
        }
    }

    /// The photos of `gallery` (as just read from the database) signed for
    /// `window`, with the download `downloads` allows: kept from an earlier
    /// request of the window if the gallery has not changed since, else
    /// signed now (and kept).
    pub async fn images(
        &self,
        store: &ObjectStore,
        gallery: &Arc<StoredGallery>,
        window: SigningWindow,
        downloads: Downloads,
    ) -> anyhow::Result<SignedImages> {
        let key = Key {
            gallery: gallery.id.clone(),
            start: window.start,
            expires_at: window.expires_at,
            downloads,
        };
        if let Some(images) = self.lookup(&key, gallery) {
            return Ok(images);
        }
        let turn = self.inner.signing().entry(key.clone()).or_default().clone();
        let signed = {
            let _turn = turn.lock().await;
            match self.lookup(&key, gallery) {
                Some(images) => Ok(images),
                None => self.sign(store, key.clone(), gallery, window).await,
            }
        };
        let mut signing = self.inner.signing();
        drop(turn);
        // The last request of this turn forgets it (clones are only made
        // under this lock).
        if signing.get(&key).is_some_and(|t| Arc::strong_count(t) == 1) {
            signing.remove(&key);
        }
        signed
    }

    pub fn stats(&self) -> CacheStats {
        let kept = self.inner.kept();
        CacheStats {
            entries: kept.entries.len(),
            bytes: kept.entries.bytes(),
            signings: self.inner.signings.load(Ordering::Relaxed),
            hits: self.inner.hits.load(Ordering::Relaxed),
        }
    }

    /// The kept photos for `key`, if they were signed from this very gallery.
    fn lookup(&self, key: &Key, gallery: &Arc<StoredGallery>) -> Option<SignedImages> {
        let (kept_gallery, images) = {
            let mut kept = self.inner.kept();
            let entry = kept.entries.get(key)?;
            (entry.gallery.clone(), entry.images.clone())
        };
        // Compared outside the lock: 10,000 photos take a while.
        let same = Arc::ptr_eq(&kept_gallery, gallery) || *kept_gallery == **gallery;
        same.then(|| {
            self.inner.hits.fetch_add(1, Ordering::Relaxed);
            images
        })
    }

    async fn sign(
        &self,
        store: &ObjectStore,
        key: Key,
        gallery: &Arc<StoredGallery>,
        window: SigningWindow,
    ) -> anyhow::Result<SignedImages> {
        self.inner.signings.fetch_add(1, Ordering::Relaxed);
        // Checked as `sign_manifest` checks a whole manifest.
        let mut manifest = manifest_head(store, gallery, window.start.max(1));
        manifest.images = sign_images(store, &gallery.images, window, key.downloads).await?;
        manifest.validate()?;
        let images = SignedImages::of(&manifest.images)?;
        self.keep(key, gallery, images.clone());
        Ok(images)
    }

    fn keep(&self, key: Key, gallery: &Arc<StoredGallery>, images: SignedImages) {
        let bytes = images.bytes() + gallery_bytes(gallery);
        let mut kept = self.inner.kept();
        if key.start > kept.window_start {
            // A new window: no request asks for the last one's URLs again.
            kept.window_start = key.start;
            kept.entries.retain(|k| k.start >= key.start);
        }
        if key.start < kept.window_start {
            return;
        }
        let gallery = gallery.clone();
        kept.entries.put(key, Entry { gallery, images }, bytes);
    }
}

impl Inner {
    fn kept(&self) -> MutexGuard<'_, Kept> {
        self.kept.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn signing(&self) -> MutexGuard<'_, HashMap<Key, Arc<tokio::sync::Mutex<()>>>> {
        self.signing.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl SignedImages {
    fn of(images: &[proofline_core::Image]) -> anyhow::Result<SignedImages> {
        use proofline_core::manifest::compact::Photos;
        let compact = |images| {
            Photos::of(images)
                .map(|c| serde_json::to_string(&c))
                .transpose()
        };
        let first = match images.get(..FIRST_SCREEN_PHOTOS) {
            Some(first) if images.len() > FIRST_SCREEN_PHOTOS => compact(first)?
                .map(|json| (json.into(), u32::try_from(images.len()).unwrap_or(u32::MAX))),
            _ => None,
        };
        Ok(SignedImages {
            full: serde_json::to_string(images)?.into(),
            compact: compact(images)?.map(Into::into),
            first,
        })
    }

    fn bytes(&self) -> usize {
        self.full.len()
            + self.compact.as_ref().map_or(0, |c| c.len())
            + self.first.as_ref().map_or(0, |(f, _)| f.len())
    }

    /// `head` (a manifest without photos, with this request's own fields
    /// set) as JSON, these photos in it, compact when asked and possible:
    /// byte for byte what serialising the whole manifest would give. Asked
    /// for a compact `first_screen`, a gallery of more photos than a first
    /// screen's copy lists answers only its first ([`Manifest::first_of`]).
    pub fn manifest_json(
        &self,
        head: &Manifest,
        compact: bool,
        first_screen: bool,
    ) -> anyhow::Result<Vec<u8>> {
        anyhow::ensure!(head.images.is_empty(), "a manifest head has no photos");
        let mut head = std::borrow::Cow::Borrowed(head);
        let (images, compact) = match (&self.compact, &self.first, compact) {
            (_, Some((first, all)), true) if first_screen => {
                head.to_mut().first_of = Some(*all);
                (first, true)
            }
            (Some(photos), _, true) => (photos, true),
            _ => (&self.full, false),
        };
        head.validate()?;
        let json = proofline_core::manifest::splice(&head.to_full_json(), images, compact)
            .ok_or_else(|| anyhow::anyhow!("a manifest head without its empty `images` last"))?;
        Ok(json.into_bytes())
    }
}

/// About how much memory a gallery kept to compare with takes: each photo's
/// record and the text it holds.
fn gallery_bytes(gallery: &StoredGallery) -> usize {
    let image = |i: &StoredImage| {
        size_of::<StoredImage>()
            + i.id.as_str().len()
            + i.file_name.len()
            + i.alt.len()
            + i.thumbhash.len()
            + i.set.as_ref().map_or(0, String::len)
            + i.files()
                .map(|(_, r)| r.object_key.len() + r.sha256.as_str().len())
                .sum::<usize>()
    };
    size_of::<StoredGallery>()
        + gallery.title.len()
        + gallery.images.iter().map(image).sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A whole manifest whose title reads like the photos' place.
    fn whole() -> Manifest {
        let rendition = format!(
            r#"{{"width":400,"height":300,"bytes":9000,"sha256":"{}","url":"https://store.example/a.jpg?X-Amz-Expires=21600","expires_at":1700021600}}"#,
            "ab".repeat(32)
        );
        let mut whole = Manifest::from_json(&format!(
            r#"{{"version":{},"gallery":"g1","title":"t","server_time":1700000000,"images":[
                {{"id":"a1","file_name":"a.jpg","alt":"","width":4000,"height":3000,
                  "thumbhash":"1QcSHQRnh493V4dIh4eXh1h4kJUI",
                  "renditions":{{"thumb":{rendition},"proof":{rendition}}}}}]}}"#,
            proofline_core::manifest::MANIFEST_VERSION
        ))
        .unwrap();
        whole.title = r#"Say "images":[] twice"#.into();
        whole.mirror = Some("https://store.example/m.json".into());
        whole.expires_at = Some(1_700_003_600);
        whole
    }

    #[test]
    fn photos_spliced_into_a_head_are_the_whole_manifest_byte_for_byte() {
        let whole = whole();
        let signed = SignedImages::of(&whole.images).unwrap();
        let json = signed.manifest_json(&whole.head(), false, false).unwrap();
        assert_eq!(String::from_utf8(json).unwrap(), whole.to_full_json());
        // Photos the compact form cannot say are answered in full.
        assert!(signed.compact.is_none());
        let json = signed.manifest_json(&whole.head(), true, true).unwrap();
        assert_eq!(String::from_utf8(json).unwrap(), whole.to_full_json());
    }

    #[test]
    fn a_head_with_photos_is_refused() {
        let signed = SignedImages::of(&[]).unwrap();
        assert!(signed.manifest_json(&whole(), false, false).is_err());
    }
}

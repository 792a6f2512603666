//! The device's image cache, as rules: what an entry must be to be shown, how
//! big the cache may grow, and which galleries go first when it is full.
//!
//! The browser adapter (`src/browser/idb.rs`) only stores and fetches bytes; every
//! decision is made here, natively tested.
//!
//! - Entries are keyed by the rendition's content SHA-256, never by URL: signed
//!   URLs change every signing window, bytes do not.
//! - An entry is shown only if its length and SHA-256 match the manifest, on
//!   write and again on read ([`verify`]); anything else is dropped and fetched
//!   again.
//! - Eviction is by gallery, least recently viewed first ([`plan_eviction`]). A
//!   photo shared by two galleries stays while either is kept, and the gallery
//!   on screen is never evicted.

use std::collections::{BTreeSet, HashMap, HashSet};

use sha2::{Digest, Sha256};

use crate::ids::{ContentHash, GalleryId};
use crate::manifest::{Manifest, Rendition};

/// Why bytes may not be shown as a rendition.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("expected {expected} bytes, got {found} (a truncated or padded download)")]
    WrongSize { expected: u64, found: u64 },
    #[error("content hash {found} does not match the manifest's {expected}")]
    WrongHash {
        expected: ContentHash,
        found: ContentHash,
    },
}

/// The SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> ContentHash {
    ContentHash::from_digest(&Sha256::digest(bytes).into())
}

/// Checks `bytes` against the rendition the manifest describes: size first
/// (cheap, and catches truncation), then the SHA-256.
pub fn verify(bytes: &[u8], expected: &Rendition) -> Result<(), VerifyError> {
    let found = bytes.len() as u64;
    if found != expected.bytes {
        return Err(VerifyError::WrongSize {
            expected: expected.bytes,
            found,
        });
    }
    let hash = sha256(bytes);
    if hash != expected.sha256 {
        return Err(VerifyError::WrongHash {
            expected: expected.sha256.clone(),
            found: hash,
        });
    }
    Ok(())
}

/// Every rendition hash a manifest refers to, each once.
pub fn gallery_hashes(manifest: &Manifest) -> Vec<ContentHash> {
    let mut seen = HashSet::new();
    manifest
        .images
        .iter()
        .flat_map(|i| i.renditions.each().map(|(_, r)| r.sha256.clone()))
        .filter(|h| seen.insert(h.clone()))
        .collect()
}

/// Without an estimate from the browser, the cache keeps at most this much.
pub const FALLBACK_BUDGET: u64 = 200 * 1024 * 1024;

/// Room kept free of photos whatever the quota: the app shell's cache
/// (about 1.3 MB), the saved manifests and the outbox, so choices and a
/// gallery's record always fit.
pub const RESERVE_BYTES: u64 = 4 * 1024 * 1024;

/// The byte budget for cached photos (their own bytes), from
/// `navigator.storage.estimate()`'s quota: what is left after
/// [`RESERVE_BYTES`], less a third for IndexedDB's own overhead on each
/// stored photo (measured at about 40% of the photos' bytes in Chromium:
/// 5.6 MB for 14 MB). Browsers report quotas from a few hundred MB (Safari)
/// to 60% of the disk (Chromium). Where the estimate is wrong, the browser's
/// own `QuotaExceededError` still makes room (see the loader).
pub fn default_budget(quota: Option<u64>) -> u64 {
    match quota {
        Some(q) if q > 0 => q.saturating_sub(RESERVE_BYTES) / 3 * 2,
        _ => FALLBACK_BUDGET,
    }
}

/// A gallery the device keeps, for eviction decisions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedGallery {
    pub gallery: GalleryId,
    /// When the customer last had it on screen (any monotonic clock, e.g. ms).
    pub last_viewed: i64,
    /// Every rendition hash its manifest refers to.
    pub hashes: Vec<ContentHash>,
    /// The customer saved it for offline: never evicted to make room for
    /// photos (only for choices, see the loader).
    pub kept_offline: bool,
}

/// What to delete so that `incoming` more bytes fit in the budget.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EvictionPlan {
    /// Galleries to forget, least recently viewed first.
    pub galleries: Vec<GalleryId>,
    /// Entries to delete: those no kept gallery refers to.
    pub hashes: Vec<ContentHash>,
    /// Bytes the deletions free.
    pub freed: u64,
    /// Whether `incoming` fits after the deletions. False when even evicting
    /// every other gallery is not enough: the caller must say storage is full.
    pub fits: bool,
}

/// Plans the smallest eviction, in least-recently-viewed order, that makes room
/// for `incoming` bytes under `budget`.
///
/// `entries` maps every stored hash to its size. Entries no gallery refers to
/// (left by a gallery already forgotten) go first; then whole galleries, oldest
/// view first, never `protect` (the gallery on screen) and never one the
/// customer saved for offline. A gallery's entries are deleted only if no
/// kept gallery refers to them.
pub fn plan_eviction(
    galleries: &[CachedGallery],
    entries: &HashMap<ContentHash, u64>,
    budget: u64,
    incoming: u64,
    protect: &GalleryId,
) -> EvictionPlan {
    let mut used: u64 = entries.values().sum();
    let fits = |used: u64| used.saturating_add(incoming) <= budget;
    let mut plan = EvictionPlan::default();
    if fits(used) {
        plan.fits = true;
        return plan;
    }
    // How many kept galleries refer to each entry.
    let mut refs: HashMap<&ContentHash, usize> = HashMap::new();
    for g in galleries {
        for h in g.hashes.iter().collect::<BTreeSet<_>>() {
            *refs.entry(h).or_default() += 1;
        }
    }
    let drop = |h: &ContentHash, plan: &mut EvictionPlan, used: &mut u64| {
        if let Some(&size) = entries.get(h) {
            plan.hashes.push(h.clone());
            plan.freed += size;
            *used -= size;
        }
    };
    let mut orphans: Vec<&ContentHash> = entries.keys().filter(|h| !refs.contains_key(h)).collect();
    orphans.sort();
    for h in orphans {
        drop(h, &mut plan, &mut used);
    }
    let mut order: Vec<&CachedGallery> = galleries
        .iter()
        .filter(|g| &g.gallery != protect && !g.kept_offline)
        .collect();
    order.sort_by(|a, b| (a.last_viewed, &a.gallery).cmp(&(b.last_viewed, &b.gallery)));
    for g in order {
        if fits(used) {
            break;
        }
        plan.galleries.push(g.gallery.clone());
        for h in g.hashes.iter().collect::<BTreeSet<_>>() {
            let n = refs.get_mut(h).expect("counted above");
            *n -= 1;
            if *n == 0 {
                drop(h, &mut plan, &mut used);
            }
        }
    }
    plan.fits = fits(used);
    plan
}

/// How many more bytes of photos the gallery `saving` can keep for offline
/// under `budget`: what is not held by it or by galleries the customer saved
/// for offline (everything else would be evicted to make room).
pub fn room_for_save(
    galleries: &[CachedGallery],
    entries: &HashMap<ContentHash, u64>,
    budget: u64,
    saving: &GalleryId,
) -> u64 {
    let held: BTreeSet<&ContentHash> = galleries
        .iter()
        .filter(|g| &g.gallery == saving || g.kept_offline)
        .flat_map(|g| &g.hashes)
        .collect();
    let used: u64 = held.iter().filter_map(|h| entries.get(*h)).sum();
    budget.saturating_sub(used)
}

#[cfg(test)]
mod tests;

//! Room on the device. Photos stay within the budget by evicting whole
//! galleries, least recently viewed first, never the one on screen and never
//! one the customer saved for offline ([`Loader::evict`]). When the browser
//! itself is full, a choice or a gallery's record gets room before any photo
//! keeps it ([`Loader::make_room`]): photos can be downloaded again, a choice
//! cannot be made again. And how much a "Save for offline" can still add
//! ([`Loader::room_for_save`]).

use std::cmp::Reverse;
use std::collections::HashSet;
use std::rc::Rc;

use proofline_core::cache::{CachedGallery, gallery_hashes, plan_eviction, room_for_save};
use proofline_core::{ContentHash, GalleryId, Manifest};

use super::Loader;

/// What is freed for a choice or a small record when the browser is full:
/// IndexedDB counts space coarsely, so far more than the few hundred bytes
/// written.
pub const RECORD_ROOM: u64 = 1024 * 1024;

/// The photo hashes of the saved galleries' records, by a fingerprint of
/// each record's text. Once the device is at its budget, every photo
/// stored asks which galleries hold what, and a 10,000-photo record is
/// 2.8 MB of JSON: parsed once per text, not once per photo. A record not
/// seen in the last reading is forgotten.
#[derive(Default)]
pub(super) struct Parsed {
    /// A device keeps a handful of records: a list, not a map.
    by_print: Vec<Known>,
    /// Records parsed since the loader began.
    pub(super) parses: u32,
}

/// A record text's fingerprint and the photo hashes it holds.
type Known = ((usize, u64), Rc<Vec<ContentHash>>);

/// The text's length and its FNV-1a hash: what tells one record's text
/// from another's. One pass over the bytes with no allocation, where a
/// parse builds every URL; and less code than std's hasher in an app with
/// a size budget.
fn fingerprint(text: &str) -> (usize, u64) {
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    (text.len(), hash)
}

impl Loader {
    /// The galleries kept on the device, for eviction. The copies saved for
    /// one gallery's links (which share its photos) count as one, viewed when
    /// the latest was, saved for offline if any is.
    async fn galleries(&self) -> Vec<CachedGallery> {
        let Some(db) = self.db() else {
            return Vec::new();
        };
        // In key order (`{gallery}:{device key}`), one gallery's links are
        // next to each other, and merged here. (A copy an older app left
        // under the bare gallery id may not be: it counts apart until
        // adopted, and goes with the others.)
        let records = db.all_galleries().await.unwrap_or_default();
        let mut state = self.state.borrow_mut();
        let state = &mut *state;
        let (parsed, unkept) = (&mut state.parsed, &state.unkept);
        let before = std::mem::take(&mut parsed.by_print);
        let mut now: Vec<Known> = Vec::new();
        let mut galleries: Vec<CachedGallery> = records
            .into_iter()
            .filter_map(|g| {
                let print = fingerprint(&g.manifest);
                let known = before.iter().chain(&now).find(|(p, _)| *p == print);
                let hashes = match known {
                    Some((_, hashes)) => Rc::clone(hashes),
                    None => {
                        parsed.parses += 1;
                        Rc::new(gallery_hashes(&Manifest::from_json(&g.manifest).ok()?))
                    }
                };
                now.push((print, Rc::clone(&hashes)));
                let kept_offline = g.keep_offline && !unkept.contains(&g.gallery);
                Some(CachedGallery {
                    gallery: g.gallery,
                    last_viewed: g.last_viewed as i64,
                    hashes: hashes.to_vec(),
                    kept_offline,
                })
            })
            .collect();
        parsed.by_print = now;
        galleries.dedup_by(|next, kept| {
            let same = next.gallery == kept.gallery;
            if same {
                kept.last_viewed = kept.last_viewed.max(next.last_viewed);
                kept.kept_offline |= next.kept_offline;
                kept.hashes.append(&mut next.hashes);
            }
            same
        });
        galleries
    }

    /// Evicts per [`plan_eviction`]; returns whether `incoming` now fits.
    pub(super) async fn evict(&self, incoming: u64, budget: u64) -> bool {
        let Some(db) = self.db() else { return false };
        let galleries = self.galleries().await;
        let sizes = self.sizes().await;
        let protect = self.state.borrow().protect.clone();
        // No gallery on screen: protect one that cannot exist.
        let Some(protect) = protect.or_else(|| GalleryId::parse("-").ok()) else {
            return false;
        };
        let plan = plan_eviction(&galleries, &sizes, budget, incoming, &protect);
        self.forget_entries(&plan.hashes).await;
        let _ = db.delete_galleries(&plan.galleries).await;
        plan.fits
    }

    /// Says whether `gallery` is saved for offline, ahead of its record: a
    /// save the device refused, or one the customer cancelled, makes way
    /// for others with its own photos first, while the write of its record
    /// that says so may itself be waiting for room.
    pub fn mark_kept(&self, gallery: &GalleryId, keep: bool) {
        let mut s = self.state.borrow_mut();
        s.unkept.retain(|g| g != gallery);
        if !keep {
            s.unkept.push(gallery.clone());
        }
    }

    /// Frees at least `bytes` of photos because the browser refused a write
    /// of a choice or a gallery's record: first by evicting as for a photo,
    /// then photos of the gallery on screen, then (only if that is still not
    /// enough) photos of galleries saved for offline, largest first, the
    /// gallery on screen's last. Their records stay: a gallery's photos
    /// download again when it is opened online. Whether anything was freed.
    pub async fn make_room(&self, bytes: u64) -> bool {
        self.read_sizes().await;
        let used = self.used_bytes();
        if self.evict(bytes, used).await {
            return true;
        }
        let galleries = self.galleries().await;
        let protect = self.state.borrow().protect.clone();
        let held = |on_screen: bool| -> HashSet<&ContentHash> {
            galleries
                .iter()
                .filter(|g| g.kept_offline && (protect.as_ref() == Some(&g.gallery)) == on_screen)
                .flat_map(|g| &g.hashes)
                .collect()
        };
        let (saved, saved_on_screen) = (held(false), held(true));
        let mut sizes: Vec<(ContentHash, u64)> = self.sizes().await.into_iter().collect();
        sizes.sort_by_key(|(h, size)| {
            let on_screen = saved_on_screen.contains(h);
            (on_screen || saved.contains(h), on_screen, Reverse(*size))
        });
        let mut freed = 0;
        let doomed: Vec<ContentHash> = sizes
            .into_iter()
            .take_while(|(_, size)| {
                let more = freed < bytes;
                freed += size;
                more
            })
            .map(|(h, _)| h)
            .collect();
        !doomed.is_empty() && self.forget_entries(&doomed).await
    }

    /// How many more bytes of photos a save of `gallery` for offline may
    /// add: the budget less what it and galleries saved for offline hold.
    pub async fn room_for_save(&self, gallery: &GalleryId) -> u64 {
        let galleries = self.galleries().await;
        let sizes = self.sizes().await;
        let budget = self.state.borrow().budget;
        room_for_save(&galleries, &sizes, budget, gallery)
    }

    /// Deletes photo entries; whether the device did.
    async fn forget_entries(&self, hashes: &[ContentHash]) -> bool {
        let Some(db) = self.db() else { return false };
        if db.delete_entries(hashes).await.is_err() {
            return false;
        }
        if let Some(s) = self.state.borrow_mut().sizes.as_mut() {
            for h in hashes {
                s.remove(h);
            }
        }
        true
    }
}

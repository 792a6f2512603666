//! The merged choices of the links that sent batches lately, kept in memory
//! beside the `link_state` row they were committed as, so the next batch of
//! a link reads its small counters instead of the whole JSON (a link with a
//! thousand comments holds some 200 kB).
//!
//! An entry is used only while the row's `op_count` is still the one it was
//! kept with. Every write of the row stores at least one op more, in the
//! link's turn (its lock), so a committed `op_count` names one state, on
//! every origin: a batch another origin stored meanwhile changes it, and
//! the row is read. Entries are kept only after their transaction commits.
//! At most [`MAX_BYTES`] of choices (counted as their JSON) are kept; the
//! least recently used go first.

use std::sync::Mutex;

use proofline_core::GalleryId;
use proofline_core::proofing::Choices;

use crate::lru::Lru;

/// The most choices kept, in bytes of their JSON.
pub const MAX_BYTES: usize = 16 << 20;

pub struct LinkCache {
    inner: Mutex<Lru<(GalleryId, Vec<u8>), Entry>>,
}

struct Entry {
    op_count: u64,
    choices: Choices,
}

impl Default for LinkCache {
    fn default() -> Self {
        LinkCache {
            inner: Mutex::new(Lru::new(MAX_BYTES)),
        }
    }
}

impl LinkCache {
    /// The link's choices kept when its row held `op_count` ops.
    pub fn get(&self, gallery: &GalleryId, link: &[u8], op_count: u64) -> Option<Choices> {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let entry = inner.get(&(gallery.clone(), link.to_vec()))?;
        (entry.op_count == op_count).then(|| entry.choices.clone())
    }

    /// Keeps the choices a committed row holds with `op_count` ops (`bytes`:
    /// their JSON's length); one larger than [`MAX_BYTES`] is not kept.
    pub fn put(
        &self,
        gallery: &GalleryId,
        link: &[u8],
        op_count: u64,
        choices: Choices,
        bytes: usize,
    ) {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let entry = Entry { op_count, choices };
        inner.put((gallery.clone(), link.to_vec()), entry, bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gallery() -> GalleryId {
        GalleryId::parse("g1").unwrap()
    }

    #[test]
    fn an_entry_serves_only_the_op_count_it_was_kept_with() {
        let cache = LinkCache::default();
        assert!(cache.get(&gallery(), b"l", 3).is_none());
        cache.put(&gallery(), b"l", 3, Choices::default(), 10);
        assert!(cache.get(&gallery(), b"l", 3).is_some());
        assert!(cache.get(&gallery(), b"l", 4).is_none());
        assert!(cache.get(&gallery(), b"other", 3).is_none());
        cache.put(&gallery(), b"l", 5, Choices::default(), 10);
        assert!(cache.get(&gallery(), b"l", 3).is_none());
        assert!(cache.get(&gallery(), b"l", 5).is_some());
    }

    #[test]
    fn at_most_max_bytes_are_kept_the_least_recently_used_going_first() {
        let cache = LinkCache::default();
        let third = MAX_BYTES / 3;
        for link in [b"a", b"b", b"c"] {
            cache.put(&gallery(), link, 1, Choices::default(), third);
        }
        assert!(cache.get(&gallery(), b"a", 1).is_some());
        cache.put(&gallery(), b"d", 1, Choices::default(), third);
        assert!(cache.get(&gallery(), b"b", 1).is_none());
        assert!(cache.inner.lock().unwrap().bytes() <= MAX_BYTES);
        // Too large to keep at all, and it does not empty the rest.
        cache.put(&gallery(), b"e", 1, Choices::default(), MAX_BYTES + 1);
        assert!(cache.get(&gallery(), b"e", 1).is_none());
        assert!(cache.get(&gallery(), b"a", 1).is_some());
    }
}

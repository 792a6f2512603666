//! A map bounded by the bytes its values take, counted by the caller: when
//! a new value does not fit, the least recently used go first. The origin's
//! in-memory caches (`db::link_cache`, `signing::cache`) keep their entries
//! in one; each holds it under its own lock.

use std::collections::HashMap;
use std::hash::Hash;

pub struct Lru<K, V> {
    entries: HashMap<K, Slot<V>>,
    budget: usize,
    bytes: usize,
    /// Counts uses, to find the least recently used entry.
    clock: u64,
}

struct Slot<V> {
    value: V,
    bytes: usize,
    used: u64,
}

impl<K: Eq + Hash + Clone, V> Lru<K, V> {
    /// An empty map that holds at most `budget` bytes.
    pub fn new(budget: usize) -> Self {
        Lru {
            entries: HashMap::new(),
            budget,
            bytes: 0,
            clock: 0,
        }
    }

    /// The value kept for `key`, now the most recently used.
    pub fn get(&mut self, key: &K) -> Option<&V> {
        self.clock += 1;
        let slot = self.entries.get_mut(key)?;
        slot.used = self.clock;
        Some(&slot.value)
    }

    /// Keeps `value` (taking `bytes`) for `key` in place of any earlier one,
    /// making room by dropping the least recently used. A value larger than
    /// the whole budget is not kept (and the earlier one is gone); answers
    /// whether it was kept.
    pub fn put(&mut self, key: K, value: V, bytes: usize) -> bool {
        if let Some(old) = self.entries.remove(&key) {
            self.bytes -= old.bytes;
        }
        if bytes > self.budget {
            return false;
        }
        while self.bytes + bytes > self.budget {
            let Some(oldest) = self
                .entries
                .iter()
                .min_by_key(|(_, s)| s.used)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            let gone = self.entries.remove(&oldest).expect("just found");
            self.bytes -= gone.bytes;
        }
        self.clock += 1;
        self.bytes += bytes;
        let used = self.clock;
        self.entries.insert(key, Slot { value, bytes, used });
        true
    }

    /// Keeps only the entries whose key `keep` admits.
    pub fn retain(&mut self, mut keep: impl FnMut(&K) -> bool) {
        self.entries.retain(|k, _| keep(k));
        self.bytes = self.entries.values().map(|s| s.bytes).sum();
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The bytes counted against the budget.
    pub fn bytes(&self) -> usize {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_recently_used_go_first_and_the_total_stays_bounded() {
        let mut lru = Lru::new(30);
        for key in ["a", "b", "c"] {
            assert!(lru.put(key, key.to_uppercase(), 10));
        }
        // `a` used again: `b` is now the oldest.
        assert_eq!(lru.get(&"a").map(String::as_str), Some("A"));
        assert!(lru.put("d", "D".into(), 10));
        assert!(lru.get(&"b").is_none());
        for kept in ["a", "c", "d"] {
            assert!(lru.get(&kept).is_some(), "{kept}");
        }
        assert_eq!((lru.len(), lru.bytes()), (3, 30));
        // Two make room for one twice their size.
        assert!(lru.put("e", "E".into(), 20));
        assert_eq!((lru.len(), lru.bytes()), (2, 30));
        assert!(lru.get(&"e").is_some() && lru.get(&"d").is_some());
    }

    #[test]
    fn a_value_larger_than_the_budget_is_not_kept_and_replaces_nothing_else() {
        let mut lru = Lru::new(30);
        lru.put("a", 1, 10);
        lru.put("b", 2, 10);
        assert!(!lru.put("b", 3, 31), "too large to keep at all");
        assert!(lru.get(&"b").is_none(), "the earlier `b` is gone");
        assert_eq!(lru.bytes(), 10);
        assert_eq!(lru.get(&"a"), Some(&1));
    }

    #[test]
    fn a_new_value_for_a_key_replaces_the_old_and_its_bytes() {
        let mut lru = Lru::new(30);
        lru.put("a", 1, 10);
        lru.put("a", 2, 25);
        assert_eq!((lru.len(), lru.bytes()), (1, 25));
        assert_eq!(lru.get(&"a"), Some(&2));
        lru.retain(|k| *k != "a");
        assert!(lru.is_empty());
        assert_eq!(lru.bytes(), 0);
    }
}

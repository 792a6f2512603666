//! Hybrid logical clocks: timestamps that follow wall time when clocks are sane
//! and still order every event on a device (and every event it has seen from
//! elsewhere) when a clock jumps back, stands still or runs ahead.
//!
//! A device's clock is the server-corrected time (`ServerClock`), so two phones
//! with wrong clocks still compare sensibly; the HLC keeps the order when even
//! that correction moves backwards.

use serde::{Deserialize, Serialize};

/// A hybrid logical timestamp: milliseconds of (corrected) wall time, then a
/// counter for events within the same millisecond. Ordered by both, in order.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Hlc {
    pub wall_ms: u64,
    pub counter: u32,
}

impl Hlc {
    pub const ZERO: Hlc = Hlc {
        wall_ms: 0,
        counter: 0,
    };

    /// The timestamp of a new local event after `self`, at wall time `now_ms`.
    /// Always strictly greater than `self`, whatever the clock did.
    pub fn tick(self, now_ms: u64) -> Hlc {
        if now_ms > self.wall_ms {
            Hlc {
                wall_ms: now_ms,
                counter: 0,
            }
        } else {
            self.bump()
        }
    }

    /// The clock after seeing `remote` (from the server or another device) at
    /// wall time `now_ms`: later than both, so local events that follow are
    /// ordered after everything seen.
    pub fn observe(self, remote: Hlc, now_ms: u64) -> Hlc {
        let latest = self.max(remote);
        if now_ms > latest.wall_ms {
            Hlc {
                wall_ms: now_ms,
                counter: 0,
            }
        } else {
            latest.bump()
        }
    }

    /// The next timestamp after `self` in the same millisecond; a full counter
    /// moves to the next millisecond rather than wrapping.
    fn bump(self) -> Hlc {
        match self.counter.checked_add(1) {
            Some(counter) => Hlc {
                wall_ms: self.wall_ms,
                counter,
            },
            None => Hlc {
                wall_ms: self.wall_ms.saturating_add(1),
                counter: 0,
            },
        }
    }

    /// Unix seconds of the wall part.
    pub fn unix_secs(self) -> i64 {
        i64::try_from(self.wall_ms / 1000).unwrap_or(i64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn follows_the_wall_clock_when_it_moves_forward() {
        let t = Hlc::ZERO.tick(1_000);
        assert_eq!(
            t,
            Hlc {
                wall_ms: 1_000,
                counter: 0
            }
        );
        assert_eq!(t.tick(2_000).wall_ms, 2_000);
    }

    #[test]
    fn keeps_order_when_the_clock_stands_still_or_goes_back() {
        let a = Hlc::ZERO.tick(5_000);
        let b = a.tick(5_000);
        let c = b.tick(1_000); // the phone's clock was set back
        assert!(a < b && b < c);
        assert_eq!(c.wall_ms, 5_000);
        assert_eq!(c.counter, 2);
    }

    #[test]
    fn a_full_counter_moves_to_the_next_millisecond() {
        let full = Hlc {
            wall_ms: 7,
            counter: u32::MAX,
        };
        let next = full.tick(0);
        assert!(next > full);
        assert_eq!(
            next,
            Hlc {
                wall_ms: 8,
                counter: 0
            }
        );
    }

    #[test]
    fn observing_a_clock_ahead_moves_past_it() {
        let local = Hlc::ZERO.tick(1_000);
        let remote = Hlc {
            wall_ms: 9_000,
            counter: 4,
        };
        let seen = local.observe(remote, 1_500);
        assert!(seen > remote && seen > local);
        assert!(seen.tick(1_600) > remote);
    }

    #[test]
    fn wall_time_in_seconds() {
        assert_eq!(
            Hlc {
                wall_ms: 1_763_000_000_999,
                counter: 3
            }
            .unix_secs(),
            1_763_000_000
        );
    }

    proptest! {
        #[test]
        fn every_event_is_later_than_all_before_it(
            steps in proptest::collection::vec((any::<bool>(), 0u64..10_000, 0u64..10_000, 0u32..3), 1..100)
        ) {
            let mut clock = Hlc::ZERO;
            for (receive, now, remote_wall, remote_counter) in steps {
                let remote = Hlc { wall_ms: remote_wall, counter: remote_counter };
                let next = if receive { clock.observe(remote, now) } else { clock.tick(now) };
                prop_assert!(next > clock);
                if receive {
                    prop_assert!(next > remote);
                }
                prop_assert!(next.wall_ms >= now);
                clock = next;
            }
        }
    }
}

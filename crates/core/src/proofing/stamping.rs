//! How a device stamps its choices so that the latest click wins.
//!
//! A choice made after the customer saw another must beat it in the merge,
//! whatever the clocks say. So a device's [`DeviceClock`] observes every op
//! it learns of (its own queue, another tab's, the studio's merged state)
//! and stamps a new op after all of them and after everything on screen
//! ([`DeviceClock::stamp`]): a hybrid logical clock over the server's time.
//!
//! The server's time is read off the studio's answers in milliseconds, with
//! the request's round trip taken into account ([`Offset::measure`]): the
//! server read its clock somewhere between sending and receiving, so the
//! midpoint is off by at most half the round trip. Until a request has been
//! measured the manifest's offset, to the second, stands in.
//!
//! Tabs of one browser share one `DeviceClock` ([`DeviceClock::join`]).

use serde::{Deserialize, Serialize};

use super::merge::Choices;
use crate::hlc::Hlc;

/// A precise measurement is kept over a newer, rougher one for this long.
pub const KEEP_PRECISE_MS: i64 = 60 * 60 * 1000;

/// One reading of the server's clock against the device's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offset {
    /// Server time minus device time, in milliseconds.
    pub ms: i64,
    /// The round trip it was measured over: `ms` is right to within half of it.
    pub rtt_ms: i64,
    /// When it was measured (device time, Unix ms).
    pub at_ms: i64,
}

impl Offset {
    /// The server's clock `server_ms`, read while it answered a request the
    /// device sent at `sent_ms` and had answered at `received_ms` (device
    /// time). `None` when the device's clock went backwards meanwhile.
    pub fn measure(server_ms: i64, sent_ms: i64, received_ms: i64) -> Option<Offset> {
        let rtt_ms = received_ms.checked_sub(sent_ms).filter(|rtt| *rtt >= 0)?;
        Some(Offset {
            ms: server_ms.saturating_sub(sent_ms.saturating_add(rtt_ms / 2)),
            rtt_ms,
            at_ms: received_ms,
        })
    }

    /// Of two readings, the one to go by: the newer, unless the older is
    /// more precise and less than [`KEEP_PRECISE_MS`] older.
    fn better(self, other: Offset) -> Offset {
        let (newer, older) = if self.at_ms >= other.at_ms {
            (self, other)
        } else {
            (other, self)
        };
        if older.rtt_ms < newer.rtt_ms && newer.at_ms.saturating_sub(older.at_ms) < KEEP_PRECISE_MS
        {
            older
        } else {
            newer
        }
    }
}

/// A device's clock for its choices: the latest stamp it made or saw, and
/// its reading of the server's clock.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceClock {
    pub hlc: Hlc,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<Offset>,
}

impl DeviceClock {
    /// The server's time now, in ms, by this clock's reading, else by
    /// `fallback_offset_ms` (the manifest's, to the second).
    pub fn server_now_ms(&self, device_now_ms: i64, fallback_offset_ms: i64) -> i64 {
        let offset = self.offset.map_or(fallback_offset_ms, |o| o.ms);
        device_now_ms.saturating_add(offset)
    }

    /// The stamp of a new op made now, on a screen showing `shown`: later
    /// than every stamp this clock made or observed and than all of
    /// `shown`'s, so the op wins over everything the customer could see.
    pub fn stamp(&mut self, shown: &Choices, device_now_ms: i64, fallback_offset_ms: i64) -> Hlc {
        let now = self.server_now_ms(device_now_ms, fallback_offset_ms);
        self.hlc = self
            .hlc
            .observe(shown.latest(), u64::try_from(now).unwrap_or(0));
        self.hlc
    }

    /// Learns of an op (or a state) stamped `seen`, made elsewhere.
    pub fn observe(&mut self, seen: Hlc) {
        self.hlc = self.hlc.max(seen);
    }

    /// Takes a new reading of the server's clock.
    pub fn measured(&mut self, offset: Offset) {
        self.offset = Some(match self.offset {
            Some(kept) => kept.better(offset),
            None => offset,
        });
    }

    /// Joins another tab's clock: the later stamp, the better reading.
    pub fn join(&mut self, other: &DeviceClock) {
        self.observe(other.hlc);
        if let Some(offset) = other.offset {
            self.measured(offset);
        }
    }
}

#[cfg(test)]
mod tests;

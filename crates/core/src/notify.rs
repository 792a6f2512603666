//! Telling the studio that something happened (a link submitted its
//! selection): the event's idempotency key, how long a delivery may hold its
//! claim, and when a failed delivery is tried again.
//!
//! The server writes one notification per event and channel in the same
//! transaction as the event, and a worker delivers it. The key is the same
//! for the same event however often its op is resent, and travels with every
//! delivery (an email's `Message-ID`, a webhook's `X-Proofline-Delivery`), so
//! a receiver can drop the duplicate a crash between sending and recording
//! can cause.

use sha2::{Digest, Sha256};

use crate::ids::GalleryId;
use crate::loading::backoff_ms;
use crate::proofing::OpId;

/// The first retry comes after 1 to 2 seconds.
pub const RETRY_BASE_MS: u64 = 2_000;
/// No retry waits longer than an hour.
pub const RETRY_MAX_MS: u64 = 3_600_000;
/// Deliveries tried in all before one is given up: retries for half a day
/// or more, enough to outlast a mail server's or a receiver's outage.
pub const MAX_ATTEMPTS: u32 = 30;
/// How long a worker's claim on a delivery lasts. A worker that stops
/// mid-way (a crash, a restart) loses it after this, and another worker, on
/// this origin or another, delivers again. Longer than any one delivery may
/// take ([`DELIVERY_TIMEOUT_MS`]).
pub const LEASE_MS: u64 = 120_000;
/// The longest one delivery (an SMTP conversation, a webhook request) may
/// take before it counts as failed.
pub const DELIVERY_TIMEOUT_MS: u64 = 60_000;

/// The idempotency key of "this link submitted its selection": 32 hex
/// digits from the gallery and the submit op's id, which the gallery's
/// database stores once. Safe in a header and in a `Message-ID`.
pub fn submitted_key(gallery: &GalleryId, op: &OpId) -> String {
    let digest = Sha256::new()
        .chain_update(b"submitted")
        .chain_update([0])
        .chain_update(gallery.as_str())
        .chain_update([0])
        .chain_update(op.as_str())
        .finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// When to try a delivery again after its `attempts`-th try failed (1 for
/// the first), in milliseconds from now; `None` once [`MAX_ATTEMPTS`] have
/// failed. Exponential with jitter ([`backoff_ms`]); `random` is uniform in
/// `[0, 1)`.
pub fn retry_after(attempts: u32, random: f64) -> Option<u64> {
    (attempts < MAX_ATTEMPTS).then(|| backoff_ms(attempts, RETRY_BASE_MS, RETRY_MAX_MS, random))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gallery(id: &str) -> GalleryId {
        GalleryId::parse(id).unwrap()
    }

    fn op(id: &str) -> OpId {
        OpId::parse(id).unwrap()
    }

    #[test]
    fn one_event_has_one_key_and_another_event_another() {
        let key = submitted_key(&gallery("g1"), &op("op-00000001"));
        assert_eq!(key, submitted_key(&gallery("g1"), &op("op-00000001")));
        assert_eq!(key.len(), 32);
        assert!(key.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(key, submitted_key(&gallery("g2"), &op("op-00000001")));
        assert_ne!(key, submitted_key(&gallery("g1"), &op("op-00000002")));
    }

    #[test]
    fn retries_grow_to_an_hour_then_stop() {
        assert_eq!(retry_after(1, 0.0), Some(1_000));
        assert_eq!(retry_after(2, 0.0), Some(2_000));
        assert_eq!(retry_after(3, 0.999), Some(7_996));
        assert_eq!(retry_after(20, 0.0), Some(RETRY_MAX_MS / 2));
        assert_eq!(retry_after(MAX_ATTEMPTS - 1, 1.0), Some(RETRY_MAX_MS));
        assert_eq!(retry_after(MAX_ATTEMPTS, 0.5), None);
    }

    #[test]
    fn a_claim_outlasts_any_delivery() {
        const { assert!(LEASE_MS > DELIVERY_TIMEOUT_MS) };
    }
}

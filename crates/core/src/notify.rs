//! Telling the studio that something happened (a link submitted its
//! selection), and reminding a customer (their link closes soon, their
//! selection is not finished): the event's idempotency key, when a reminder
//! is due, how long a delivery may hold its claim, and when a failed
//! delivery is tried again.
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

/// A reminder to a link's customer, at the address the studio gave for the
/// link. Each is sent at most once per link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reminder {
    /// The link (or its gallery) closes within [`CLOSES_SOON_SECS`], and the
    /// selection has not been submitted.
    ClosesSoon,
    /// Nothing has happened on the link for [`UNFINISHED_AFTER_SECS`] (since
    /// it was made, or since the customer's last choice), and the selection
    /// has not been submitted.
    Unfinished,
}

/// "Closes in 7 days": sent once the link closes within this.
pub const CLOSES_SOON_SECS: i64 = 7 * 86_400;
/// "Selection not finished": sent once the link has been quiet this long.
pub const UNFINISHED_AFTER_SECS: i64 = 3 * 86_400;
/// No reminder comes within this of the link being made (nor of an earlier
/// reminder being due): a link made to close in 3 days is not followed at
/// once by "closes in 3 days".
pub const REMINDER_QUIET_SECS: i64 = 86_400;

/// What decides a link's reminders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkProgress {
    pub created_at: i64,
    /// When the link stops opening: the earlier of its and its gallery's
    /// expiry.
    pub closes_at: Option<i64>,
    /// When the customer's last choice reached the studio.
    pub last_choice_at: Option<i64>,
    pub submitted: bool,
}

impl Reminder {
    pub const ALL: [Reminder; 2] = [Reminder::ClosesSoon, Reminder::Unfinished];

    pub fn as_str(self) -> &'static str {
        match self {
            Reminder::ClosesSoon => "closes_soon",
            Reminder::Unfinished => "unfinished",
        }
    }

    pub fn parse(s: &str) -> Option<Reminder> {
        Reminder::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether this reminder is due for a live link at `now` (the caller
    /// leaves out revoked links, and those whose customer unsubscribed).
    pub fn is_due(self, p: &LinkProgress, now: i64) -> bool {
        if p.submitted || now - p.created_at < REMINDER_QUIET_SECS {
            return false;
        }
        if p.closes_at.is_some_and(|at| at <= now) {
            return false;
        }
        match self {
            Reminder::ClosesSoon => p.closes_at.is_some_and(|at| at - now <= CLOSES_SOON_SECS),
            Reminder::Unfinished => {
                now - p.last_choice_at.unwrap_or(p.created_at).max(p.created_at)
                    >= UNFINISHED_AFTER_SECS
            }
        }
    }

    /// The reminder's idempotency key for a link: the same however often it
    /// is found due, so it is queued once.
    pub fn key(self, gallery: &GalleryId, link_id: &str) -> String {
        let digest = Sha256::new()
            .chain_update(self.as_str())
            .chain_update([0])
            .chain_update(gallery.as_str())
            .chain_update([0])
            .chain_update(link_id)
            .finalize();
        digest[..16].iter().map(|b| format!("{b:02x}")).collect()
    }
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

    const DAY: i64 = 86_400;

    fn progress(closes_in_days: Option<i64>, last_choice_days_ago: Option<i64>) -> LinkProgress {
        LinkProgress {
            created_at: -10 * DAY,
            closes_at: closes_in_days.map(|d| d * DAY),
            last_choice_at: last_choice_days_ago.map(|d| -d * DAY),
            submitted: false,
        }
    }

    #[test]
    fn closes_soon_is_due_within_seven_days_of_closing_and_never_after() {
        let due = |p: &LinkProgress| Reminder::ClosesSoon.is_due(p, 0);
        assert!(due(&progress(Some(7), None)));
        assert!(due(&progress(Some(1), Some(0))));
        assert!(!due(&progress(Some(8), None)));
        assert!(!due(&progress(None, None)));
        assert!(!due(&progress(Some(0), None)), "closed already");
        let submitted = LinkProgress {
            submitted: true,
            ..progress(Some(2), None)
        };
        assert!(!due(&submitted));
    }

    #[test]
    fn unfinished_is_due_after_three_quiet_days() {
        let due = |p: &LinkProgress| Reminder::Unfinished.is_due(p, 0);
        assert!(due(&progress(None, None)), "never opened in 10 days");
        assert!(due(&progress(None, Some(3))));
        assert!(!due(&progress(None, Some(2))));
        let submitted = LinkProgress {
            submitted: true,
            ..progress(None, Some(5))
        };
        assert!(!due(&submitted));
    }

    #[test]
    fn a_new_link_gets_no_reminder_on_its_first_day() {
        let new = LinkProgress {
            created_at: -DAY + 1,
            closes_at: Some(2 * DAY),
            last_choice_at: None,
            submitted: false,
        };
        assert!(!Reminder::ClosesSoon.is_due(&new, 0));
        assert!(Reminder::ClosesSoon.is_due(&new, 1));
    }

    #[test]
    fn each_reminder_of_each_link_has_its_own_key() {
        let g = gallery("g1");
        let key = Reminder::ClosesSoon.key(&g, "k1");
        assert_eq!(key, Reminder::ClosesSoon.key(&g, "k1"));
        assert_ne!(key, Reminder::Unfinished.key(&g, "k1"));
        assert_ne!(key, Reminder::ClosesSoon.key(&g, "k2"));
        assert_ne!(key, submitted_key(&g, &op("op-00000001")));
        assert_eq!(Reminder::parse("unfinished"), Some(Reminder::Unfinished));
    }

    #[test]
    fn a_claim_outlasts_any_delivery() {
        const { assert!(LEASE_MS > DELIVERY_TIMEOUT_MS) };
    }
}

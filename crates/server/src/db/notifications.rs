//! Notifications to the studio in the database: one row per event and
//! channel, queued in the transaction that records the event
//! ([`queue_submitted`], called by [`Db::ingest`]), then claimed, sent or
//! retried by a delivery worker.
//!
//! A claim is one `UPDATE … RETURNING` that takes a due row whose lease has
//! run out and sets a new lease, in a write transaction every claimer takes
//! in turn (SQLite's write lock; on PostgreSQL an advisory lock, across
//! origins), and the `UPDATE` re-checks the lease itself, so with several
//! origins on one database exactly one holds a row at a time. A worker
//! records the outcome only while its claim stands.

use proofline_core::GalleryId;
use proofline_core::notify::{Reminder, submitted_key};
use proofline_core::proofing::Op;

use super::Db;
use super::sql::{Conn, ToValue, Value};
use crate::args;

/// The advisory lock (PostgreSQL) every claim and outcome takes.
pub(super) const SCOPE: &str = "notifications";

/// How the studio is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// An email to the studio.
    Email,
    /// A signed POST to the studio's webhook.
    Webhook,
    /// An email to a link's customer (a reminder), at the address the
    /// studio gave for the link.
    Customer,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Webhook => "webhook",
            Channel::Customer => "customer",
        }
    }

    fn parse(s: &str) -> anyhow::Result<Channel> {
        match s {
            "email" => Ok(Channel::Email),
            "webhook" => Ok(Channel::Webhook),
            "customer" => Ok(Channel::Customer),
            other => anyhow::bail!("unknown notification channel {other:?}"),
        }
    }
}

/// What happened, as a notification names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A link submitted its selection.
    Submitted,
    /// A reminder to the link's customer is due.
    Reminder(Reminder),
}

impl Event {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Event::Submitted => "submitted",
            Event::Reminder(r) => r.as_str(),
        }
    }

    fn parse(s: &str) -> anyhow::Result<Event> {
        match (s, Reminder::parse(s)) {
            ("submitted", _) => Ok(Event::Submitted),
            (_, Some(r)) => Ok(Event::Reminder(r)),
            (other, None) => anyhow::bail!("unknown notification event {other:?}"),
        }
    }
}

/// One notification a worker holds a claim on.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub seq: i64,
    /// The event's idempotency key, the same in every delivery of it.
    pub key: String,
    pub channel: Channel,
    pub event: Event,
    pub gallery: GalleryId,
    pub link_hash: Vec<u8>,
    /// Tries so far, this one included.
    pub attempts: u32,
}

/// Where a notification stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub key: String,
    pub channel: Channel,
    pub attempts: u32,
    pub sent_at: Option<i64>,
    pub failed_at: Option<i64>,
    pub last_error: Option<String>,
}

/// Queues "this link submitted" for each channel, inside the transaction
/// that stored the submit op. The key comes from the op, so however often a
/// device resends it the event has one row per channel.
pub(super) fn queue_submitted(
    tx: &mut Conn<'_>,
    gallery: &GalleryId,
    link: &[u8],
    op: &Op,
    channels: &[Channel],
    now_ms: u64,
) -> anyhow::Result<()> {
    let key = submitted_key(gallery, &op.id);
    for channel in channels {
        tx.execute(
            "INSERT INTO notifications
                 (event_key, channel, kind, gallery_id, link_hash, op_id, created_at, due_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (event_key, channel) DO NOTHING",
            args![
                key,
                channel.as_str(),
                Event::Submitted.as_str(),
                gallery.as_str(),
                link,
                op.id.as_str(),
                (now_ms / 1000) as i64,
                now_ms
            ],
        )?;
    }
    Ok(())
}

/// ` AND channel IN (?n, …)` for `channels`, numbered from `first`, and its
/// values.
fn channel_filter(channels: &[Channel], first: usize) -> (String, Vec<Value>) {
    let marks: Vec<String> = (0..channels.len())
        .map(|i| format!("?{}", first + i))
        .collect();
    let values = channels.iter().map(|c| c.as_str().to_value()).collect();
    (format!(" AND channel IN ({})", marks.join(", ")), values)
}

impl Db {
    /// Claims the oldest due notification of `channels` whose lease has run
    /// out (or that nobody claimed), for `worker` until `lease_until_ms`,
    /// counting the try. `None` when nothing is due.
    pub fn claim_notification(
        &self,
        worker: &str,
        channels: &[Channel],
        now_ms: u64,
        lease_until_ms: u64,
    ) -> anyhow::Result<Option<Claimed>> {
        if channels.is_empty() {
            return Ok(None);
        }
        let (filter, values) = channel_filter(channels, 4);
        // The outer conditions repeat the inner ones: on PostgreSQL a claimer
        // that waited for another's row lock re-checks them on the row as
        // the other left it.
        let due = "sent_at IS NULL AND failed_at IS NULL AND due_at_ms <= ?3
                   AND (lease_until_ms IS NULL OR lease_until_ms <= ?3)";
        let sql = format!(
            "UPDATE notifications
             SET claimed_by = ?1, lease_until_ms = ?2, attempts = attempts + 1
             WHERE seq IN (SELECT seq FROM notifications WHERE {due}{filter} ORDER BY seq LIMIT 1)
               AND {due}
             RETURNING seq, event_key, channel, kind, gallery_id, link_hash, attempts"
        );
        let mut params = args![worker, lease_until_ms, now_ms].to_vec();
        params.extend(values);
        self.write(SCOPE, |tx| {
            let Some(r) = tx.query_opt(&sql, &params)? else {
                return Ok(None);
            };
            Ok(Some(Claimed {
                seq: r.get(0)?,
                key: r.get(1)?,
                channel: Channel::parse(&r.get::<String>(2)?)?,
                event: Event::parse(&r.get::<String>(3)?)?,
                gallery: GalleryId::parse(r.get::<String>(4)?)?,
                link_hash: r.get(5)?,
                attempts: r.get(6)?,
            }))
        })
    }

    /// Records a delivery as made, if `worker` still holds its claim;
    /// answers whether it did (a claim lost to the lease means another
    /// worker may deliver it again: receivers drop that by its key).
    pub fn notification_sent(&self, seq: i64, worker: &str, now: i64) -> anyhow::Result<bool> {
        self.write(SCOPE, |tx| {
            Ok(tx.execute(
                "UPDATE notifications
                 SET sent_at = ?3, claimed_by = NULL, lease_until_ms = NULL, last_error = NULL
                 WHERE seq = ?1 AND claimed_by = ?2 AND sent_at IS NULL",
                args![seq, worker, now],
            )? == 1)
        })
    }

    /// Records a failed delivery, if `worker` still holds its claim: tried
    /// again at `retry_at_ms`, or (`None`) given up. `error` must hold no
    /// secret: it is kept for the studio to read.
    pub fn notification_failed(
        &self,
        seq: i64,
        worker: &str,
        error: &str,
        retry_at_ms: Option<u64>,
        now: i64,
    ) -> anyhow::Result<bool> {
        self.write(SCOPE, |tx| {
            let changed = match retry_at_ms {
                Some(at) => tx.execute(
                    "UPDATE notifications
                     SET due_at_ms = ?3, claimed_by = NULL, lease_until_ms = NULL, last_error = ?4
                     WHERE seq = ?1 AND claimed_by = ?2 AND sent_at IS NULL",
                    args![seq, worker, at, error],
                )?,
                None => tx.execute(
                    "UPDATE notifications
                     SET failed_at = ?3, claimed_by = NULL, lease_until_ms = NULL, last_error = ?4
                     WHERE seq = ?1 AND claimed_by = ?2 AND sent_at IS NULL",
                    args![seq, worker, now, error],
                )?,
            };
            Ok(changed == 1)
        })
    }

    /// When the next notification of `channels` may be claimed: its due
    /// time, or its lease's end if it is claimed. `None` when none waits.
    pub fn next_notification_due(&self, channels: &[Channel]) -> anyhow::Result<Option<u64>> {
        if channels.is_empty() {
            return Ok(None);
        }
        let (filter, values) = channel_filter(channels, 1);
        let sql = format!(
            "SELECT min(CASE WHEN lease_until_ms IS NOT NULL AND lease_until_ms > due_at_ms
                             THEN lease_until_ms ELSE due_at_ms END)
             FROM notifications WHERE sent_at IS NULL AND failed_at IS NULL{filter}"
        );
        self.read(|c| c.query_one(&sql, &values)?.get(0))
    }

    /// Every notification of a gallery, oldest first.
    pub fn notifications(&self, gallery: &GalleryId) -> anyhow::Result<Vec<Record>> {
        self.read(|c| {
            c.query(
                "SELECT event_key, channel, attempts, sent_at, failed_at, last_error
                 FROM notifications WHERE gallery_id = ?1 ORDER BY seq",
                args![gallery.as_str()],
            )?
            .iter()
            .map(|r| {
                Ok(Record {
                    key: r.get(0)?,
                    channel: Channel::parse(&r.get::<String>(1)?)?,
                    attempts: r.get(2)?,
                    sent_at: r.get(3)?,
                    failed_at: r.get(4)?,
                    last_error: r.get(5)?,
                })
            })
            .collect()
        })
    }
}

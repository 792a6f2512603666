//! The delivery worker every origin with notifications configured runs
//! ([`Worker::run`], spawned by `Origin::start`): it claims due
//! notifications one at a time (a lease of `LEASE_MS`), delivers each, and
//! records it sent, or due again after a backoff with jitter, or given up
//! after `MAX_ATTEMPTS`. Between rounds it sleeps until the next
//! notification is due (a retry, or a lease another worker let run out), at
//! most [`POLL`], and wakes at once when this origin stores a submit.

use std::sync::Arc;
use std::time::Duration;

use proofline_core::notify::{DELIVERY_TIMEOUT_MS, LEASE_MS, retry_after};
use rand::Rng as _;

use super::email::Mailer;
use super::webhook::Webhook;
use super::{Notifier, Submission};
use crate::db::notifications::Event;
use crate::db::{Channel, Claimed, Db};
use crate::settings::Settings;

/// The log target of the worker's lines.
const LOG: &str = "proofline::notify";

/// The longest a worker sleeps without looking for due notifications:
/// another origin's submits, and leases other workers let run out, are
/// found within it.
pub const POLL: Duration = Duration::from_secs(5);

/// How often a worker that sends email looks for reminders that became due
/// (their queueing is idempotent: several origins may look).
pub const REMINDER_SCAN: Duration = Duration::from_secs(60);

/// One origin's deliverer.
pub struct Worker {
    db: Db,
    notifier: Notifier,
    /// Names this worker's claims: unique per process.
    id: String,
    mailer: Option<Mailer>,
    webhook: Option<Webhook>,
    /// For links to the studio page (its public URL, the studio token).
    settings: Arc<Settings>,
}

impl Worker {
    /// A worker for what `settings` configures; `None` when no channel is.
    pub fn new(settings: &Settings, db: Db, notifier: Notifier) -> anyhow::Result<Option<Worker>> {
        let notify = &settings.notify;
        if notify.channels().is_empty() {
            return Ok(None);
        }
        Ok(Some(Worker {
            db,
            notifier,
            id: format!("origin-{}", crate::secret::new_id(12)),
            mailer: notify.email.as_ref().map(Mailer::new).transpose()?,
            webhook: notify.webhook.as_ref().map(Webhook::new).transpose()?,
            settings: Arc::new(settings.clone()),
        }))
    }

    /// Delivers until the task is aborted (when the origin stops). A
    /// delivery cut short leaves its claim to run out, and is made again.
    pub async fn run(self) {
        tracing::info!(target: LOG, worker = %self.id, channels = ?self.channels(), "notifications on");
        let mut last_scan = None::<tokio::time::Instant>;
        loop {
            if self.mailer.is_some() && last_scan.is_none_or(|at| at.elapsed() >= REMINDER_SCAN) {
                last_scan = Some(tokio::time::Instant::now());
                let db = self.db.clone();
                match blocking(move || db.queue_due_reminders(crate::unix_now())).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(target: LOG, reminders = n, "reminders due"),
                    Err(e) => {
                        tracing::warn!(target: LOG, "could not look for due reminders: {e:#}")
                    }
                }
            }
            let wait = match self.round().await {
                Ok(next_due) => {
                    let now = crate::unix_now_ms();
                    next_due.map_or(POLL, |due| {
                        Duration::from_millis(due.saturating_sub(now)).min(POLL)
                    })
                }
                Err(e) => {
                    tracing::warn!(target: LOG, "could not read the notifications: {e:#}");
                    POLL
                }
            };
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = self.notifier.woken() => {}
            }
        }
    }

    /// The channels this worker delivers: the studio's, and customers'
    /// reminders when it can send email.
    fn channels(&self) -> Arc<[Channel]> {
        let mut channels = self.notifier.channels().to_vec();
        if self.mailer.is_some() {
            channels.push(Channel::Customer);
        }
        channels.into()
    }

    /// Delivers every notification due now; answers when the next one is.
    async fn round(&self) -> anyhow::Result<Option<u64>> {
        let channels = self.channels();
        loop {
            let (db, id, chans) = (self.db.clone(), self.id.clone(), channels.clone());
            let claimed = blocking(move || {
                let now = crate::unix_now_ms();
                db.claim_notification(&id, &chans, now, now + LEASE_MS)
            })
            .await?;
            let Some(claimed) = claimed else { break };
            self.deliver(claimed).await?;
        }
        let db = self.db.clone();
        blocking(move || db.next_notification_due(&channels)).await
    }

    /// Delivers one claimed notification and records how it went.
    async fn deliver(&self, claimed: Claimed) -> anyhow::Result<()> {
        let outcome = self.attempt(&claimed).await;
        let (db, id, seq) = (self.db.clone(), self.id.clone(), claimed.seq);
        let channel = claimed.channel.as_str();
        match outcome {
            Ok(Outcome::Dropped(why)) => {
                tracing::info!(target: LOG, channel, key = %claimed.key, "{why}");
                let now = crate::unix_now();
                blocking(move || db.notification_failed(seq, &id, why, None, now)).await?;
            }
            Ok(Outcome::Delivered) => {
                let recorded =
                    blocking(move || db.notification_sent(seq, &id, crate::unix_now())).await?;
                tracing::info!(target: LOG, channel, key = %claimed.key, gallery = %claimed.gallery, attempts = claimed.attempts, "notification delivered");
                if !recorded {
                    tracing::warn!(target: LOG, channel, key = %claimed.key, "delivered after this worker's claim ran out: it may be delivered twice (same key)");
                }
            }
            Err(e) => {
                let error = format!("{e:#}");
                let retry = retry_after(claimed.attempts, rand::thread_rng().r#gen::<f64>());
                tracing::warn!(target: LOG, channel, key = %claimed.key, attempts = claimed.attempts, retry_in_ms = ?retry, "could not tell the studio of a submit: {error}");
                blocking(move || {
                    let now_ms = crate::unix_now_ms();
                    let retry_at = retry.map(|after| now_ms + after);
                    db.notification_failed(seq, &id, &error, retry_at, (now_ms / 1000) as i64)
                })
                .await?;
            }
        }
        Ok(())
    }

    /// One try at delivering `claimed`, within the delivery timeout.
    async fn attempt(&self, claimed: &Claimed) -> anyhow::Result<Outcome> {
        let timeout = Duration::from_millis(DELIVERY_TIMEOUT_MS);
        tokio::time::timeout(timeout, self.send(claimed))
            .await
            .unwrap_or_else(|_| anyhow::bail!("no answer within {} s", timeout.as_secs()))
    }

    async fn send(&self, claimed: &Claimed) -> anyhow::Result<Outcome> {
        if claimed.channel == Channel::Customer {
            return self.remind(claimed).await;
        }
        let (db, settings, for_load) = (self.db.clone(), self.settings.clone(), claimed.clone());
        let submission = blocking(move || {
            let token = settings.notify.studio_token.as_ref();
            let page = |gallery: &str| token.map(|t| settings.studio_link(gallery, t.expose()));
            Submission::load(&db, &for_load, page, crate::unix_now())
        })
        .await?
        .ok_or_else(|| anyhow::anyhow!("the link that submitted is gone"))?;
        match claimed.channel {
            Channel::Email => match &self.mailer {
                Some(mailer) => mailer.send(mailer.message(&submission)?).await?,
                None => anyhow::bail!("email is not configured on this origin"),
            },
            Channel::Webhook => match &self.webhook {
                Some(webhook) => webhook.send(&submission).await?,
                None => anyhow::bail!("the webhook is not configured on this origin"),
            },
            Channel::Customer => unreachable!("reminders are sent by remind"),
        }
        Ok(Outcome::Delivered)
    }

    /// Sends a customer's reminder, read as the link is now: dropped if the
    /// link no longer needs it.
    async fn remind(&self, claimed: &Claimed) -> anyhow::Result<Outcome> {
        let Event::Reminder(kind) = claimed.event else {
            anyhow::bail!("a {:?} notification for a customer", claimed.event);
        };
        let Some(mailer) = &self.mailer else {
            anyhow::bail!("email is not configured on this origin");
        };
        let (db, gallery, hash) = (
            self.db.clone(),
            claimed.gallery.clone(),
            claimed.link_hash.clone(),
        );
        let facts = blocking(move || db.reminder(&gallery, &hash, crate::unix_now())).await?;
        let Some(facts) = facts else {
            return Ok(Outcome::Dropped(
                "reminder not sent: the link was revoked, closed or submitted, or its customer unsubscribed",
            ));
        };
        let unsubscribe = format!(
            "{}/unsubscribe/{}",
            self.settings.public_url, facts.unsubscribe_key
        );
        mailer
            .send(mailer.reminder(kind, &claimed.key, &facts, &unsubscribe)?)
            .await?;
        Ok(Outcome::Delivered)
    }
}

/// What one delivery came to, short of an error (which is tried again).
enum Outcome {
    Delivered,
    /// Not to be sent any more, for this reason.
    Dropped(&'static str),
}

/// Runs database work off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> anyhow::Result<T> {
    tokio::task::spawn_blocking(f).await?
}

//! Reminders to a link's customer in the database: the address the studio
//! gave for a link, the reminders found due ([`Db::queue_due_reminders`],
//! queued as notifications on the customer channel, each once per link by
//! its key), what a reminder says when it is sent, and the unsubscribe.
//!
//! A reminder whose link was revoked, submitted or unsubscribed between
//! being queued and being sent is dropped, not sent ([`Db::reminder`]
//! answers `None`).

use proofline_core::GalleryId;
use proofline_core::notify::{LinkProgress, Reminder};

use super::Db;
use super::choices::link_choices;
use super::notifications::{Channel, Event, SCOPE};
use crate::args;

/// What a reminder says, read when it is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderFacts {
    pub to: String,
    pub gallery_title: String,
    pub closes_at: Option<i64>,
    pub selected: usize,
    /// Names the link's unsubscribe page.
    pub unsubscribe_key: String,
}

/// A link's reminder settings, as its unsubscribe page shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub gallery_title: String,
    /// When the customer unsubscribed, if they did.
    pub off_at: Option<i64>,
}

/// A link with an address, as the reminder scan reads it.
struct Candidate {
    gallery: GalleryId,
    link_id: String,
    link_hash: Vec<u8>,
    progress: LinkProgress,
}

impl Db {
    /// Sends the link's reminders to `email`, or (`None`) to nobody. A new
    /// address gets a new unsubscribe key and undoes an unsubscribe (the
    /// studio was given the address again).
    pub fn set_link_email(&self, link_id: &str, email: Option<&str>) -> anyhow::Result<()> {
        let key = email.map(|_| crate::secret::new_id(24));
        let changed = self.write(SCOPE, |c| {
            c.execute(
                "UPDATE links SET customer_email = ?2, reminders_key = ?3, reminders_off_at = NULL
                 WHERE link_id = ?1",
                args![link_id, email, key],
            )
        })?;
        anyhow::ensure!(
            changed == 1,
            "there is no share link {link_id}; see `proofline link list`"
        );
        Ok(())
    }

    /// The address a link's reminders go to, if any, and whether its
    /// customer unsubscribed (when).
    pub fn link_email(&self, link_id: &str) -> anyhow::Result<Option<(String, Option<i64>)>> {
        self.read(|c| {
            let r = c.query_opt(
                "SELECT customer_email, reminders_off_at FROM links
                 WHERE link_id = ?1 AND customer_email IS NOT NULL",
                args![link_id],
            )?;
            r.map(|r| Ok((r.get(0)?, r.get(1)?))).transpose()
        })
    }

    /// Queues every reminder due at `now` for live links with an address
    /// whose customer has not unsubscribed; answers how many were new. A
    /// reminder queued before (even long sent) is never queued again.
    pub fn queue_due_reminders(&self, now: i64) -> anyhow::Result<usize> {
        let candidates = self.read(|c| {
            let rows = c.query(
                "SELECT l.gallery_id, l.link_id, l.token_hash, l.created_at,
                        CASE WHEN l.expires_at IS NULL THEN g.expires_at
                             WHEN g.expires_at IS NULL THEN l.expires_at
                             WHEN l.expires_at < g.expires_at THEN l.expires_at
                             ELSE g.expires_at END,
                        (SELECT max(o.received_at) FROM ops o
                         WHERE o.gallery_id = l.gallery_id AND o.link_hash = l.token_hash)
                 FROM links l JOIN galleries g ON g.id = l.gallery_id
                 WHERE l.customer_email IS NOT NULL AND l.reminders_off_at IS NULL
                   AND l.revoked_at IS NULL",
                args![],
            )?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                let gallery = GalleryId::parse(r.get::<String>(0)?)?;
                let link_hash: Vec<u8> = r.get(2)?;
                let submitted = link_choices(c, &gallery, &link_hash)?.submitted.is_some();
                out.push(Candidate {
                    gallery,
                    link_id: r.get(1)?,
                    link_hash,
                    progress: LinkProgress {
                        created_at: r.get(3)?,
                        closes_at: r.get(4)?,
                        last_choice_at: r.get(5)?,
                        submitted,
                    },
                });
            }
            Ok(out)
        })?;
        let mut due = Vec::new();
        for c in &candidates {
            for r in Reminder::ALL {
                if r.is_due(&c.progress, now) {
                    due.push((r.key(&c.gallery, &c.link_id), r, c));
                }
            }
        }
        if due.is_empty() {
            return Ok(0);
        }
        self.write(SCOPE, |tx| {
            let mut queued = 0u64;
            for (key, r, c) in &due {
                queued += tx.execute(
                    "INSERT INTO notifications
                         (event_key, channel, kind, gallery_id, link_hash, op_id, created_at, due_at_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5, '', ?6, ?7)
                     ON CONFLICT (event_key, channel) DO NOTHING",
                    args![
                        key,
                        Channel::Customer.as_str(),
                        Event::Reminder(*r).as_str(),
                        c.gallery.as_str(),
                        c.link_hash,
                        now,
                        now * 1000
                    ],
                )?;
            }
            Ok(queued as usize)
        })
    }

    /// What the reminder for the link `link_hash` of `gallery` says, read
    /// now; `None` when it should no longer be sent: the link is gone,
    /// revoked, closed, submitted, or its customer unsubscribed.
    pub fn reminder(
        &self,
        gallery: &GalleryId,
        link_hash: &[u8],
        now: i64,
    ) -> anyhow::Result<Option<ReminderFacts>> {
        self.read(|c| {
            let Some(r) = c.query_opt(
                "SELECT l.customer_email, l.reminders_key, g.title, l.expires_at, g.expires_at
                 FROM links l JOIN galleries g ON g.id = l.gallery_id
                 WHERE l.gallery_id = ?1 AND l.token_hash = ?2 AND l.customer_email IS NOT NULL
                   AND l.reminders_off_at IS NULL AND l.revoked_at IS NULL",
                args![gallery.as_str(), link_hash],
            )?
            else {
                return Ok(None);
            };
            let closes_at = [r.get::<Option<i64>>(3)?, r.get::<Option<i64>>(4)?]
                .into_iter()
                .flatten()
                .min();
            let choices = link_choices(c, gallery, link_hash)?;
            if choices.submitted.is_some() || closes_at.is_some_and(|at| at <= now) {
                return Ok(None);
            }
            Ok(Some(ReminderFacts {
                to: r.get(0)?,
                unsubscribe_key: r.get(1)?,
                gallery_title: r.get(2)?,
                closes_at,
                selected: choices.selected_count() as usize,
            }))
        })
    }

    /// The reminders named by an unsubscribe key; `None` for an unknown key.
    pub fn subscription(&self, key: &str) -> anyhow::Result<Option<Subscription>> {
        self.read(|c| {
            let r = c.query_opt(
                "SELECT g.title, l.reminders_off_at FROM links l
                 JOIN galleries g ON g.id = l.gallery_id WHERE l.reminders_key = ?1",
                args![key],
            )?;
            r.map(|r| {
                Ok(Subscription {
                    gallery_title: r.get(0)?,
                    off_at: r.get(1)?,
                })
            })
            .transpose()
        })
    }

    /// Stops the reminders named by `key` (once: a second unsubscribe keeps
    /// the first time); `None` for an unknown key.
    pub fn unsubscribe(&self, key: &str, now: i64) -> anyhow::Result<Option<Subscription>> {
        self.write(SCOPE, |c| {
            c.execute(
                "UPDATE links SET reminders_off_at = ?2
                 WHERE reminders_key = ?1 AND reminders_off_at IS NULL",
                args![key, now],
            )?;
            Ok(())
        })?;
        self.subscription(key)
    }
}

//! Telling the studio that a link submitted its selection: by email
//! ([`email`], through the studio's SMTP server) and by webhook
//! ([`webhook`], a signed JSON POST), delivered by a [`worker`] in every
//! origin.
//!
//! The ingest that stores a submit queues one notification per configured
//! channel in its own transaction (`db::notifications`), keyed by the
//! event, so a resent batch never queues a second. A worker claims a due
//! notification with a lease, delivers it, and records it sent, or due
//! again after a backoff (`proofline_core::notify`). Several origins on one
//! database claim in turn, so one of them delivers; a worker stopped
//! mid-way loses its claim when the lease ends and another delivers again,
//! with the same key (the email's `Message-ID`, the webhook's
//! `X-Proofline-Delivery`) for the receiver to drop the duplicate.
//!
//! The domain layer: imports `settings`, `db` and [`crate::choices`].

pub mod email;
pub mod webhook;
pub mod worker;

use std::sync::Arc;

use proofline_core::proofing::LinkReport;

use crate::choices::{selection_csv, studio_report};
use crate::db::{Channel, Claimed, Db};
use crate::settings::NotifySettings;

/// What an origin's request handlers share about notifications: the
/// channels a submit queues, and a nudge that wakes the worker at once.
#[derive(Clone, Default)]
pub struct Notifier {
    channels: Arc<[Channel]>,
    wake: Arc<tokio::sync::Notify>,
}

impl Notifier {
    pub fn new(settings: &NotifySettings) -> Notifier {
        Notifier {
            channels: settings.channels().into(),
            wake: Default::default(),
        }
    }

    /// The channels a stored submit queues a notification for.
    pub fn channels(&self) -> Arc<[Channel]> {
        self.channels.clone()
    }

    /// Wakes the worker (after a batch that stored a submit): it looks for
    /// due notifications now rather than at its next poll.
    pub fn wake(&self) {
        if !self.channels.is_empty() {
            self.wake.notify_one();
        }
    }

    async fn woken(&self) {
        self.wake.notified().await
    }
}

/// One submit, as the studio is told of it.
#[derive(Debug, Clone)]
pub struct Submission {
    /// The event's idempotency key.
    pub key: String,
    pub gallery_id: String,
    pub gallery_title: String,
    /// The link's choices, file names and counts, as the studio page shows.
    pub link: LinkReport,
    /// The selection as `choices::selection_csv` writes it.
    pub csv: String,
    /// The gallery's studio page, when the studio gave its link.
    pub studio_page: Option<String>,
}

impl Submission {
    /// What the CSV attachment is called: `GALLERY-LINK-selection.csv`.
    pub fn csv_name(&self) -> String {
        format!("{}-{}-selection.csv", self.gallery_id, self.link.id)
    }

    /// Reads what the studio is told of `claimed` from the database as it
    /// is now (the selection no longer changes after a submit); `None` if
    /// its link is gone. `studio_page` makes the gallery's studio page link.
    pub fn load(
        db: &Db,
        claimed: &Claimed,
        studio_page: impl Fn(&str) -> Option<String>,
        now: i64,
    ) -> anyhow::Result<Option<Submission>> {
        let Some(gallery) = db.gallery(&claimed.gallery)? else {
            return Ok(None);
        };
        let Some(link) = db
            .gallery_choices(&gallery.id)?
            .into_iter()
            .find(|l| l.link.token_hash == claimed.link_hash)
        else {
            return Ok(None);
        };
        let one = std::slice::from_ref(&link);
        let report = studio_report(&gallery, one, now).links.pop();
        Ok(report.map(|report| Submission {
            key: claimed.key.clone(),
            gallery_id: gallery.id.to_string(),
            gallery_title: gallery.title.clone(),
            csv: selection_csv(&gallery, one),
            studio_page: studio_page(gallery.id.as_str()),
            link: report,
        }))
    }
}

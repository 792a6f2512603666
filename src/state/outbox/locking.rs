//! Tabs of one gallery: they share the queue through IndexedDB, only the
//! tab holding the gallery's Web Lock sends (another tab checks back later
//! in case the holder closes first), and each tells the others on a
//! `BroadcastChannel` when the queue changed, so they read it again.

use leptos::prelude::*;
use proofline_core::GalleryId;

use super::Outbox;
use crate::browser::broadcast::Channel;
use crate::browser::web_locks;

/// How long a tab that found the lock taken waits before checking again.
const BUSY_RETRY_MS: u32 = 5_000;

/// The Web Lock held by the tab sending the gallery's choices.
fn lock_name(gallery: &GalleryId) -> String {
    format!("proofline-send-{gallery}")
}

/// The channel the gallery's tabs announce changes on.
fn channel_name(gallery: &GalleryId) -> String {
    format!("proofline-{gallery}")
}

impl Outbox {
    /// Delivers queued choices, unless another tab of this gallery already is.
    pub fn sync(&self) {
        let Some(inner) = self.inner.try_get_value() else {
            return;
        };
        let name = {
            let inner = inner.borrow();
            if inner.sending || inner.pending.is_empty() {
                return;
            }
            lock_name(&inner.gallery)
        };
        let this = *self;
        web_locks::if_available(&name, async move { this.send_all().await }, move || {
            // Another tab holds the lock: it sends; check back later in case
            // it closes first.
            this.schedule(BUSY_RETRY_MS);
        });
    }

    /// Opens the gallery's channel: a message from another tab means the
    /// queue changed there, so it is read again and delivery resumes.
    pub(super) fn listen_to_other_tabs(&self) {
        let Some(inner) = self.inner.try_get_value() else {
            return;
        };
        let this = *self;
        let name = channel_name(&inner.borrow().gallery);
        let channel = Channel::open(&name, move |_| {
            leptos::task::spawn_local(async move {
                this.reload().await;
                this.sync();
            });
        });
        inner.borrow_mut().channel = channel;
    }

    /// Tells the other tabs of this gallery that the queue changed.
    pub(super) fn announce(&self) {
        if let Some(inner) = self.inner.try_get_value()
            && let Some(c) = &inner.borrow().channel
        {
            c.post("changed");
        }
    }
}

//! Tabs of one link: they share the queue through IndexedDB, only the tab
//! holding the link's Web Lock sends (another tab checks back later in case
//! the holder closes first), and each tells the others on a
//! `BroadcastChannel` when the queue changed, so they read it again. Both
//! are named by the link, not the gallery: a tab of another link of the same
//! gallery has its own queue and token.

use leptos::prelude::*;
use proofline_core::route::LinkKey;

use super::Outbox;
use crate::browser::broadcast::Channel;
use crate::browser::web_locks;

/// How long a tab that found the lock taken waits before checking again.
const BUSY_RETRY_MS: u32 = 5_000;

/// The Web Lock held by the tab sending the link's choices.
fn lock_name(link: &LinkKey) -> String {
    format!("proofline-send-{link}")
}

/// The channel the link's tabs announce changes on.
fn channel_name(link: &LinkKey) -> String {
    format!("proofline-{link}")
}

impl Outbox {
    /// Delivers queued choices, unless another tab of this link already is.
    pub fn sync(&self) {
        let Some(inner) = self.inner.try_get_value() else {
            return;
        };
        let name = {
            let inner = inner.borrow();
            if inner.sending || inner.pending.is_empty() {
                return;
            }
            lock_name(&inner.link)
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
        let name = channel_name(&inner.borrow().link);
        let channel = Channel::open(&name, move |_| {
            leptos::task::spawn_local(async move {
                this.reload().await;
                this.sync();
            });
        });
        inner.borrow_mut().channel = channel;
    }

    /// Tells the other tabs of this link that the queue changed.
    pub(super) fn announce(&self) {
        if let Some(inner) = self.inner.try_get_value()
            && let Some(c) = &inner.borrow().channel
        {
            c.post("changed");
        }
    }
}

#[cfg(test)]
mod tests {
    use proofline_core::GalleryId;
    use proofline_core::route::ShareToken;
    use wasm_bindgen_test::*;

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn two_links_of_one_gallery_have_their_own_lock_and_channel() {
        let gallery = GalleryId::parse("wedding").unwrap();
        let (a, b) = ("bride-token-0000000001", "parents-token-00000002");
        let key = |t: &str| LinkKey::new(&gallery, &ShareToken::parse(t).unwrap());
        assert_ne!(lock_name(&key(a)), lock_name(&key(b)));
        assert_ne!(channel_name(&key(a)), channel_name(&key(b)));
        assert!(lock_name(&key(a)).starts_with("proofline-send-wedding:"));
        assert!(!lock_name(&key(a)).contains(a) && !channel_name(&key(a)).contains(a));
    }
}

//! A photo on screen: its bytes through the [`Loader`] (device first), shown
//! as a `data:` URL (why not an object URL: `proofline_core::data_url`).
//! The photos shown last are kept as their URLs, so a view made again (the
//! gallery's whole list after its first screen, a tile scrolled back) shows
//! them at once instead of their placeholders for a few frames.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::sync::Arc;

use leptos::prelude::*;
use proofline_core::data_url::data_url;
use proofline_core::loading::Priority;
use proofline_core::{ContentHash, Rendition};

use super::loader::{Loader, Miss};

/// What an image element shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Photo {
    /// Still loading: the ThumbHash placeholder shows.
    Waiting,
    /// A `data:` URL of verified bytes.
    Ready(Arc<str>),
    /// The placeholder stays, with this note.
    Missing(Miss),
}

/// Loads `rendition` once `start` becomes true (the tile scrolled into view).
pub fn use_photo(
    rendition: Rendition,
    priority: Priority,
    start: Signal<bool>,
) -> ReadSignal<Photo> {
    let loader = expect_context::<Loader>();
    let shown = recent(&rendition.sha256);
    let started = StoredValue::new(shown.is_some());
    let (photo, set_photo) = signal(shown.map_or(Photo::Waiting, Photo::Ready));
    // Dropping the load withdraws its queued download (a tile scrolled away).
    let running = StoredValue::new_local(None::<futures::future::AbortHandle>);
    let fresh_urls = loader.fresh_urls;
    Effect::new(move |_| {
        // A photo that could not load tries again when fresh URLs arrive.
        fresh_urls.track();
        let missing = photo.with_untracked(|p| matches!(p, Photo::Missing(_)));
        if !start.get() || (started.get_value() && !missing) {
            return;
        }
        started.set_value(true);
        let (loader, rendition) = (loader.clone(), rendition.clone());
        let (task, handle) = futures::future::abortable(async move {
            let next = match loader.load(&rendition, priority).await {
                Ok(bytes) => {
                    let url: Arc<str> = data_url("image/jpeg", &bytes).into();
                    remember(&rendition.sha256, &url);
                    Photo::Ready(url)
                }
                Err(miss) => Photo::Missing(miss),
            };
            // The component may be gone by now; then nobody shows it.
            set_photo.try_set(next);
        });
        running.set_value(Some(handle));
        leptos::task::spawn_local(async move {
            let _ = task.await;
        });
    });
    on_cleanup(move || {
        if let Some(handle) = running.try_get_value().flatten() {
            handle.abort();
        }
    });
    photo
}

/// How many bytes of URLs the photos shown last may keep: a phone's two
/// screens of thumbnails and a proof or two, beside what is on screen.
const RECENT_BYTES: usize = 3 << 20;

thread_local! {
    /// The photos shown last, newest at the back, by content hash.
    static RECENT: RefCell<VecDeque<(ContentHash, Arc<str>)>> = const { RefCell::new(VecDeque::new()) };
}

/// The URL of a photo shown lately, if it is kept.
fn recent(hash: &ContentHash) -> Option<Arc<str>> {
    RECENT.with_borrow(|r| {
        r.iter()
            .rev()
            .find(|(h, _)| h == hash)
            .map(|(_, u)| Arc::clone(u))
    })
}

/// Keeps `url` as the newest photo shown, within [`RECENT_BYTES`].
fn remember(hash: &ContentHash, url: &Arc<str>) {
    RECENT.with_borrow_mut(|r| {
        r.retain(|(h, _)| h != hash);
        r.push_back((hash.clone(), Arc::clone(url)));
        let mut bytes: usize = r.iter().map(|(_, u)| u.len()).sum();
        while bytes > RECENT_BYTES && r.len() > 1 {
            if let Some((_, u)) = r.pop_front() {
                bytes -= u.len();
            }
        }
    });
}

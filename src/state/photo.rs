//! A photo on screen: its bytes through the [`Loader`] (device first), shown
//! as a `data:` URL (why not an object URL: `proofline_core::data_url`).

use leptos::prelude::*;
use proofline_core::Rendition;
use proofline_core::data_url::data_url;
use proofline_core::loading::Priority;

use super::loader::{Loader, Miss};

/// What an image element shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Photo {
    /// Still loading: the ThumbHash placeholder shows.
    Waiting,
    /// A `data:` URL of verified bytes.
    Ready(String),
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
    let (photo, set_photo) = signal(Photo::Waiting);
    let started = StoredValue::new(false);
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
                Ok(bytes) => Photo::Ready(data_url("image/jpeg", &bytes)),
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

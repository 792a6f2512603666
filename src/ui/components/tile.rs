//! One thumbnail: the ThumbHash placeholder at once; the `thumb` rendition
//! over it once `start` says so (the grid holds it back while scrolling fast),
//! from the device when saved, else from the object store; a note, never a
//! broken image, when it cannot load.

use leptos::prelude::*;
use proofline_core::Image;
use proofline_core::loading::Priority;
use proofline_core::placeholder::thumbhash_data_url;
use proofline_core::route::Route;
use proofline_core::wording::labels::open_photo;

use crate::browser::hash_route::push;
use crate::state::photo::{Photo, use_photo};
use crate::ui::words::miss_note;

#[component]
pub fn Tile(
    image: Image,
    open: Route,
    from_grid: RwSignal<bool>,
    start: Signal<bool>,
) -> impl IntoView {
    let photo = use_photo(image.renditions.thumb.clone(), Priority::Visible, start);
    let thumb = image.renditions.thumb.clone();
    let placeholder = thumbhash_data_url(&image.thumbhash)
        .map(|url| format!("url({url})"))
        .unwrap_or_default();
    let label = open_photo(&image.alt);
    let alt = image.alt.clone();
    view! {
        <button
            type="button"
            class="tile"
            id=format!("tile-{}", image.id)
            aria-label=label
            style:background-image=placeholder
            on:click=move |_| {
                from_grid.set(true);
                push(&open);
            }
        >
            {move || match photo.get() {
                Photo::Ready(src) => {
                    view! {
                        <img
                            src=src
                            alt=alt.clone()
                            width=thumb.width
                            height=thumb.height
                            decoding="async"
                            class="loaded"
                        />
                    }
                        .into_any()
                }
                Photo::Missing(miss) => view! { <span class="tile-note">{miss_note(miss)}</span> }.into_any(),
                Photo::Waiting => ().into_any(),
            }}
        </button>
    }
}

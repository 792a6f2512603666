//! One thumbnail: the ThumbHash placeholder at once, the signed `thumb` image
//! from the object store over it when it arrives.

use leptos::prelude::*;
use proofline_core::Image;
use proofline_core::placeholder::thumbhash_data_url;
use proofline_core::route::Route;

use crate::use_hash_route::push;

#[component]
pub fn Tile(image: Image, open: Route, from_grid: RwSignal<bool>) -> impl IntoView {
    let (loaded, set_loaded) = signal(false);
    let (failed, set_failed) = signal(false);
    let thumb = image.renditions.thumb.clone();
    let placeholder = thumbhash_data_url(&image.thumbhash)
        .map(|url| format!("background-image:url({url})"))
        .unwrap_or_default();
    let label = format!("Open {}", image.alt);
    view! {
        <button
            type="button"
            class="tile"
            id=format!("tile-{}", image.id)
            aria-label=label
            style=placeholder
            on:click=move |_| {
                from_grid.set(true);
                push(&open);
            }
        >
            <img
                src=thumb.url
                alt=image.alt
                width=thumb.width
                height=thumb.height
                loading="lazy"
                decoding="async"
                crossorigin="anonymous"
                class:loaded=loaded
                on:load=move |_| set_loaded.set(true)
                on:error=move |_| set_failed.set(true)
            />
            <Show when=move || failed.get()>
                <span class="tile-note">"Not available right now"</span>
            </Show>
        </button>
    }
}

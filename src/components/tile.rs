//! One thumbnail: the ThumbHash placeholder at once; the `thumb` rendition
//! over it once the tile is near the screen (from the device when saved, else
//! from the object store); a note, never a broken image, when it cannot load.

use leptos::html;
use leptos::prelude::*;
use proofline_core::Image;
use proofline_core::loading::Priority;
use proofline_core::placeholder::thumbhash_data_url;
use proofline_core::route::Route;
use wasm_bindgen::JsCast as _;
use wasm_bindgen::closure::Closure;

use crate::use_hash_route::push;
use crate::use_photo::{Photo, miss_note, use_photo};

#[component]
pub fn Tile(image: Image, open: Route, from_grid: RwSignal<bool>) -> impl IntoView {
    let node = NodeRef::<html::Button>::new();
    let visible = use_near_screen(node);
    let photo = use_photo(image.renditions.thumb.clone(), Priority::Visible, visible);
    let thumb = image.renditions.thumb.clone();
    let placeholder = thumbhash_data_url(&image.thumbhash)
        .map(|url| format!("background-image:url({url})"))
        .unwrap_or_default();
    let label = format!("Open {}", image.alt);
    let alt = image.alt.clone();
    view! {
        <button
            type="button"
            class="tile"
            id=format!("tile-{}", image.id)
            aria-label=label
            style=placeholder
            node_ref=node
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

/// True once the element comes within a screen's margin of the viewport.
fn use_near_screen(node: NodeRef<html::Button>) -> Signal<bool> {
    let (near, set_near) = signal(false);
    let observer = StoredValue::new_local(None::<web_sys::IntersectionObserver>);
    type Callback = Closure<dyn Fn(js_sys::Array, web_sys::IntersectionObserver)>;
    // Dropped with the tile (after the observer is disconnected).
    let held = StoredValue::new_local(None::<Callback>);
    Effect::new(move |_| {
        let Some(el) = node.get() else { return };
        let callback = Callback::new(
            move |entries: js_sys::Array, obs: web_sys::IntersectionObserver| {
                let hit = entries.iter().any(|e| {
                    e.unchecked_into::<web_sys::IntersectionObserverEntry>()
                        .is_intersecting()
                });
                if hit {
                    obs.disconnect();
                    set_near.set(true);
                }
            },
        );
        let options = web_sys::IntersectionObserverInit::new();
        options.set_root_margin("300px");
        if let Ok(obs) = web_sys::IntersectionObserver::new_with_options(
            callback.as_ref().unchecked_ref(),
            &options,
        ) {
            obs.observe(&el);
            observer.set_value(Some(obs));
        }
        held.set_value(Some(callback));
    });
    on_cleanup(move || {
        if let Some(obs) = observer.try_get_value().flatten() {
            obs.disconnect();
        }
    });
    near.into()
}

//! The lightbox: one photo's `proof` rendition, previous/next with buttons and
//! arrow keys, Escape to close; Favourite (F), Select (S), approval and
//! comments (C). The open image is part of the URL, so Back
//! closes it and a link can point at one photo.

use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use proofline_core::route::Route;
use proofline_core::{ImageId, Manifest};

use crate::components::choice_buttons::{ChoiceButton, Toggle};
use crate::components::review::Review;
use crate::loader::Loader;
use crate::outbox::Outbox;
use crate::use_hash_route::replace;
use crate::use_photo::{Photo, miss_note, use_photo};
use proofline_core::loading::Priority;

#[component]
pub fn Lightbox(
    manifest: StoredValue<Manifest>,
    base: Route,
    image: ImageId,
    /// Whether the lightbox was opened by a tile (a history entry was pushed).
    from_grid: RwSignal<bool>,
) -> impl IntoView {
    let (index, total) =
        manifest.with_value(|m| (m.images.iter().position(|i| i.id == image), m.images.len()));
    let Some(index) = index else {
        // An image id the gallery doesn't have: back to the grid.
        replace(&base);
        return ().into_any();
    };
    let current = manifest.with_value(|m| m.images[index].clone());
    let neighbour = |delta: isize| -> Option<Route> {
        let i = index.checked_add_signed(delta).filter(|i| *i < total)?;
        Some(base.with_image(Some(manifest.with_value(|m| m.images[i].id.clone()))))
    };
    let (prev, next) = (neighbour(-1), neighbour(1));
    let close = {
        let base = base.clone();
        move || {
            // Opened from the grid: step back so Back/Forward stay meaningful.
            // Opened from a link: there is no grid entry to go back to.
            if from_grid.get_untracked() {
                from_grid.set(false);
                let _ = window().history().and_then(|h| h.back());
            } else {
                replace(&base);
            }
        }
    };
    let go = move |to: &Option<Route>| {
        if let Some(r) = to {
            replace(r);
        }
    };
    let outbox = expect_context::<Outbox>();
    let comment_box = NodeRef::<html::Textarea>::new();
    let keys = {
        let (prev, next, close) = (prev.clone(), next.clone(), close.clone());
        let id = current.id.clone();
        window_event_listener(ev::keydown, move |e| {
            if e.ctrl_key() || e.meta_key() || e.alt_key() {
                return;
            }
            match e.key().as_str() {
                "ArrowLeft" => go(&prev),
                "ArrowRight" => go(&next),
                "Escape" => close(),
                "f" | "F" => Toggle::Favourite.flip(outbox, &id),
                "s" | "S" => Toggle::Select.flip(outbox, &id),
                "c" | "C" => {
                    if let Some(t) = comment_box.get_untracked() {
                        e.prevent_default();
                        let _ = t.focus();
                    }
                }
                _ => {}
            }
        })
    };
    let tile_id = format!("tile-{}", current.id);
    on_cleanup(move || {
        keys.remove();
        // Give focus back to the photo's tile in the grid.
        if let Some(el) = document().get_element_by_id(&tile_id)
            && let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el)
        {
            let _ = el.focus();
        }
    });
    let dialog = NodeRef::<html::Div>::new();
    Effect::new(move |_| {
        if let Some(d) = dialog.get() {
            let _ = d.focus();
        }
    });
    let proof = current.renditions.proof.clone();
    let photo = use_photo(proof.clone(), Priority::Visible, Signal::derive(|| true));
    // Swiping on should be instant: fetch the neighbours' photos next.
    let loader = expect_context::<Loader>();
    for i in [index.checked_sub(1), Some(index + 1).filter(|i| *i < total)]
        .into_iter()
        .flatten()
    {
        let (loader, r) = (
            loader.clone(),
            manifest.with_value(|m| m.images[i].renditions.proof.clone()),
        );
        leptos::task::spawn_local(async move {
            let _ = loader.load(&r, Priority::Neighbour).await;
        });
    }
    let placeholder = proofline_core::placeholder::thumbhash_data_url(&current.thumbhash)
        .map(|url| format!("background-image:url({url})"))
        .unwrap_or_default();
    let alt = current.alt.clone();
    let position = format!("{} of {}", index + 1, total);
    let label = format!("{} ({position})", current.alt);
    let (has_prev, has_next) = (prev.is_some(), next.is_some());
    view! {
        <div
            class="lightbox"
            role="dialog"
            aria-modal="true"
            aria-label=label
            tabindex="-1"
            node_ref=dialog
        >
            {move || match photo.get() {
                Photo::Ready(src) => {
                    view! {
                        <img
                            class="proof"
                            src=src
                            alt=alt.clone()
                            width=proof.width
                            height=proof.height
                        />
                    }
                        .into_any()
                }
                other => {
                    view! {
                        <div
                            class="proof proof-placeholder"
                            role="img"
                            aria-label=alt.clone()
                            style=format!("{placeholder};aspect-ratio:{}/{}", proof.width, proof.height)
                        >
                            {match other {
                                Photo::Missing(miss) => Some(view! { <span class="tile-note">{miss_note(miss)}</span> }),
                                _ => None,
                            }}
                        </div>
                    }
                        .into_any()
                }
            }}
            <p class="caption">{current.alt.clone()} " · " {position}</p>
            <div class="lightbox-choices">
                <ChoiceButton toggle=Toggle::Favourite image=current.id.clone() alt=current.alt.clone() />
                <ChoiceButton toggle=Toggle::Select image=current.id.clone() alt=current.alt.clone() />
            </div>
            <Review image=current.id.clone() alt=current.alt.clone() comment_box />
            <button
                type="button"
                class="nav prev"
                aria-label="Previous photo"
                disabled=!has_prev
                on:click=move |_| go(&prev)
            >
                "‹"
            </button>
            <button
                type="button"
                class="nav next"
                aria-label="Next photo"
                disabled=!has_next
                on:click=move |_| go(&next)
            >
                "›"
            </button>
            <button type="button" class="close" aria-label="Close" on:click=move |_| close()>
                "×"
            </button>
        </div>
    }
    .into_any()
}

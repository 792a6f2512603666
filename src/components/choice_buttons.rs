//! The two choices on every photo, in the grid and the lightbox: Favourite
//! and Select. Each is a toggle button (`aria-pressed`) named for the photo.

use leptos::prelude::*;
use proofline_core::ImageId;
use proofline_core::proofing::Action;

use crate::outbox::Outbox;

#[component]
pub fn FavouriteButton(image: ImageId, alt: String) -> impl IntoView {
    let outbox = expect_context::<Outbox>();
    let on = {
        let image = image.clone();
        Memo::new(move |_| outbox.view.with(|v| v.is_favourite(&image)))
    };
    view! {
        <button
            type="button"
            class="choice favourite"
            aria-pressed=move || on.get().to_string()
            aria-label=format!("Favourite {alt}")
            title="Favourite (F)"
            on:click=move |e| {
                e.stop_propagation();
                outbox.record(Action::Favourite { image: image.clone(), on: !on.get_untracked() });
            }
        >
            {move || if on.get() { "♥" } else { "♡" }}
        </button>
    }
}

#[component]
pub fn SelectButton(image: ImageId, alt: String) -> impl IntoView {
    let outbox = expect_context::<Outbox>();
    let on = {
        let image = image.clone();
        Memo::new(move |_| outbox.view.with(|v| v.is_selected(&image)))
    };
    view! {
        <button
            type="button"
            class="choice select"
            aria-pressed=move || on.get().to_string()
            aria-label=format!("Select {alt}")
            title="Select for the order (S)"
            on:click=move |e| {
                e.stop_propagation();
                outbox.record(Action::Select { image: image.clone(), on: !on.get_untracked() });
            }
        >
            {move || if on.get() { "✓ Selected" } else { "Select" }}
        </button>
    }
}

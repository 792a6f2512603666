//! The customer's app shell: picks the page for the current hash route. A
//! studio route goes to the studio's own app ([`STUDIO_APP_PATH`]): links
//! printed before the studio pages had a bundle of their own keep working.

use leptos::prelude::*;
use proofline_core::route::{Route, STUDIO_APP_PATH};

use crate::browser::hash_route::{self, use_hash_route};
use crate::ui::components::message::Message;
use crate::ui::pages::gallery::GalleryPage;

#[component]
pub fn App() -> impl IntoView {
    let route = use_hash_route().route;
    // Only a change of gallery or token reloads the page; opening an image does not.
    let gallery = Memo::new(move |_| match route.get() {
        Route::Gallery { gallery, token, .. } => Some((gallery, token)),
        _ => None,
    });
    move || match gallery.get() {
        Some((gallery, token)) => view! { <GalleryPage gallery token route /> }.into_any(),
        None => match route.get() {
            // (Never from the studio's own path: an unknown file under it
            // falls back to this page, and must not go round in a loop.)
            r if r.is_studio() && !hash_route::path().starts_with(STUDIO_APP_PATH) => {
                hash_route::move_to_path(STUDIO_APP_PATH);
                ().into_any()
            }
            Route::Home => home().into_any(),
            _ => not_found().into_any(),
        },
    }
}

fn not_found() -> impl IntoView {
    view! {
        <Message title="Page not found">
            "This address doesn't lead to a gallery. Check the link the studio sent you."
        </Message>
    }
}

fn home() -> impl IntoView {
    view! {
        <Message title="Proofline">
            "Open the gallery link your photographer sent you to see your proofs."
        </Message>
    }
}

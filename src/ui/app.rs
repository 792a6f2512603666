//! The app shell: picks the page for the current hash route.

use leptos::prelude::*;
use proofline_core::route::Route;

use crate::browser::hash_route::use_hash_route;
use crate::ui::components::message::Message;
use crate::ui::pages::gallery::GalleryPage;
use crate::ui::pages::studio::{StudioHome, StudioPage};

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
            Route::Studio { gallery, token } => view! { <StudioPage gallery token /> }.into_any(),
            Route::StudioHome { token } => view! { <StudioHome token /> }.into_any(),
            Route::NotFound => view! {
                <Message title="Page not found">
                    "This address doesn't lead to a gallery. Check the link the studio sent you."
                </Message>
            }
            .into_any(),
            _ => view! {
                <Message title="Proofline">
                    "Open the gallery link your photographer sent you to see your proofs."
                </Message>
            }
            .into_any(),
        },
    }
}

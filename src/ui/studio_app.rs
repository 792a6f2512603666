//! The studio's app shell (`studio.html`, under `/studio/`): the page for
//! one gallery or for every gallery, from the hash route.

use leptos::prelude::*;
use proofline_core::route::Route;

use crate::browser::hash_route::use_hash_route;
use crate::ui::components::message::Message;
use crate::ui::pages::studio::{StudioHome, StudioPage};

#[component]
pub fn StudioApp() -> impl IntoView {
    let route = use_hash_route().route;
    move || match route.get() {
        Route::Studio { gallery, token } => view! { <StudioPage gallery token /> }.into_any(),
        Route::StudioHome { token } => view! { <StudioHome token /> }.into_any(),
        _ => view! {
            <Message title="Studio page not found">
                "Open the studio link `proofline publish` or `proofline studio-link` printed."
            </Message>
        }
        .into_any(),
    }
}

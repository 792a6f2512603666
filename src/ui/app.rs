//! The customer's app shell: picks the page for the current hash route. A
//! studio route goes to the studio's own app ([`STUDIO_APP_PATH`]): links
//! printed before the studio pages had a bundle of their own keep working.

use leptos::prelude::*;
use proofline_core::route::{Route, STUDIO_APP_PATH, pasted_gallery_link};
use proofline_core::wording::labels::{
    OPEN_GALLERY, PAGE_NOT_FOUND, PAGE_NOT_FOUND_TEXT, PASTE_LINK_PLACEHOLDER,
};
use proofline_core::wording::{HOME_INTRO, HOME_TITLE, NOT_A_GALLERY_LINK, PASTE_LINK_LABEL};

use crate::browser::hash_route::{self, use_hash_route};
use crate::ui::brand::SmallPrint;
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
        <Message title=PAGE_NOT_FOUND>
            {PAGE_NOT_FOUND_TEXT}
        </Message>
    }
}

/// No gallery named, as when the app is opened from a home screen icon:
/// a box to paste the gallery's link into (such an app has no address bar).
fn home() -> impl IntoView {
    let pasted = RwSignal::new(String::new());
    let error = RwSignal::new(false);
    let open = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let link = pasted.get_untracked();
        match pasted_gallery_link(&link) {
            Some((address, route)) => hash_route::open_pasted(address, &route, &link),
            None => error.set(true),
        }
    };
    view! {
        <main class="message">
            <h1>{HOME_TITLE}</h1>
            <p>{HOME_INTRO}</p>
            <form class="paste-link" novalidate on:submit=open>
                <label>
                    {PASTE_LINK_LABEL}
                    " "
                    <input
                        type="url"
                        autocomplete="off"
                        placeholder=PASTE_LINK_PLACEHOLDER
                        prop:value=move || pasted.get()
                        on:input=move |e| {
                            pasted.set(event_target_value(&e));
                            error.set(false);
                        }
                    />
                </label>
                <button type="submit" class="action">{OPEN_GALLERY}</button>
            </form>
            {move || error.get().then(|| view! { <p role="alert">{NOT_A_GALLERY_LINK}</p> })}
            <SmallPrint />
        </main>
    }
}

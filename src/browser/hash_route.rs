//! The location: its hash as the app's route, the session history, and the
//! page's own origin. Share links are `#/g/{gallery}/{token}`, so the app
//! works from any static host (origin, CDN, or a cached copy) without
//! server-side routes. Parsing lives in `proofline_core::route`.

use leptos::ev;
use leptos::prelude::*;
use proofline_core::route::Route;

/// The current route, updated on every `hashchange` (including the back button).
pub struct HashRoute {
    pub route: ReadSignal<Route>,
}

pub fn use_hash_route() -> HashRoute {
    let (route, set_route) = signal(current());
    let handle = window_event_listener(ev::hashchange, move |_| set_route.set(current()));
    on_cleanup(move || handle.remove());
    HashRoute { route }
}

fn current() -> Route {
    Route::parse(&window().location().hash().unwrap_or_default())
}

/// Goes to `route`, adding a history entry (so Back returns).
pub fn push(route: &Route) {
    let _ = window().location().set_hash(&route.to_hash());
}

/// Goes to `route` in place (no new history entry).
pub fn replace(route: &Route) {
    let location = window().location();
    let href = location.href().unwrap_or_default();
    let base = href.split('#').next().unwrap_or_default();
    let _ = location.replace(&format!("{base}{}", route.to_hash()));
}

/// Opens a gallery link the customer pasted: here if it names this page
/// (or is only its route), otherwise at its own address (`link`, whole).
pub fn open_pasted(address: &str, route: &Route, link: &str) {
    let location = window().location();
    let href = location.href().unwrap_or_default();
    let here = href.split('#').next().unwrap_or_default();
    if address.is_empty() || address == here {
        push(route);
    } else {
        let _ = location.assign(link.trim());
    }
}

/// The location's path (`/`, `/studio/`).
pub fn path() -> String {
    window().location().pathname().unwrap_or_default()
}

/// Leaves for `path` on this origin, keeping the hash, in place (no new
/// history entry): a studio link opened in the customer's app.
pub fn move_to_path(path: &str) {
    let location = window().location();
    let hash = location.hash().unwrap_or_default();
    let _ = location.replace(&format!("{path}{hash}"));
}

/// The page's origin (`scheme://host[:port]`).
pub fn page_origin() -> Option<String> {
    web_sys::window()?.location().origin().ok()
}

/// Goes back one history entry (as the browser's Back button does).
pub fn back() {
    let _ = window().history().and_then(|h| h.back());
}

#[cfg(test)]
mod tests {
    use gloo_timers::future::TimeoutFuture;
    use proofline_core::ImageId;
    use wasm_bindgen_test::*;

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    const LINK: &str = "#/g/g1/AAAAAAAAAAAAAAAAAAAAAA";

    #[wasm_bindgen_test]
    async fn the_route_follows_the_hash_and_history() {
        let owner = Owner::new();
        owner.set();
        let route = use_hash_route().route;
        let history = window().history().unwrap();

        window().location().set_hash(LINK).unwrap();
        TimeoutFuture::new(50).await;
        let gallery = route.get_untracked();
        assert_eq!(gallery, Route::parse(LINK));

        // Opening a photo adds a history entry; moving between photos does not.
        let before = history.length().unwrap();
        push(&gallery.with_image(Some(ImageId::parse("a").unwrap())));
        TimeoutFuture::new(50).await;
        assert_eq!(history.length().unwrap(), before + 1);
        replace(&gallery.with_image(Some(ImageId::parse("b").unwrap())));
        TimeoutFuture::new(50).await;
        assert_eq!(history.length().unwrap(), before + 1);
        assert_eq!(
            route.get_untracked(),
            gallery.with_image(Some(ImageId::parse("b").unwrap()))
        );

        assert!(page_origin().is_some_and(|o| o.starts_with("http://")));

        // Back returns to the gallery itself.
        back();
        TimeoutFuture::new(100).await;
        assert_eq!(route.get_untracked(), gallery);
    }
}

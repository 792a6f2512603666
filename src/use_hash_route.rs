//! The location hash as a signal: share links are `#/g/{gallery}/{token}`, so
//! the app works from any static host (origin, CDN, or a cached copy) without
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

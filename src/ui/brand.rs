//! The studio's brand in the customer's app, which draws none of it: the
//! origin writes the studio's header (logo and name, `#brand`) and colour
//! into the page (`crates/server/src/http/brand.rs`), the app mounts below
//! that header, and the service worker keeps the page and what it names.
//! So the header is there before the app has downloaded, on every page
//! (loading, PIN, withdrawn, the gallery), offline too, at no cost to the
//! app's download. The app only names the software, once, in small print.

use leptos::prelude::*;
use proofline_core::wording::SMALL_PRINT;

/// "Proofline", in small print (under the gallery's photo count; at the
/// foot of the home screen).
#[component]
pub fn SmallPrint() -> impl IntoView {
    view! { <p class="small-print">{SMALL_PRINT}</p> }
}

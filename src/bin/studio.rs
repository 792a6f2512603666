//! The studio's app (`studio.html`, served under `/studio/`): the pages
//! for one gallery and for every gallery. Its own bundle, so the customer's
//! download carries none of it. It registers no service worker: the studio
//! page reads live answers and is not kept for offline use.
#![forbid(unsafe_code)]

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(proofline_client::StudioApp);
}

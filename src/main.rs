//! The customer's app: a shared gallery (`index.html`). The studio's pages
//! are a bundle of their own (`src/bin/studio.rs`).
#![forbid(unsafe_code)]

fn main() {
    console_error_panic_hook::set_once();
    // Registration goes ahead without being awaited; a failure only means
    // the app itself is not kept for offline use.
    let _registering = proofline_client::register_service_worker("./sw.js");
    leptos::mount::mount_to_body(proofline_client::App);
}

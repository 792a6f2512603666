//! Proofline's browser app: mounts [`app::App`] and nothing else.
#![forbid(unsafe_code)]

mod api;
mod app;
mod components;
mod pages;
mod use_hash_route;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}

//! Proofline's browser app: mounts [`app::App`] and nothing else.
#![forbid(unsafe_code)]

mod api;
mod app;
mod components;
mod failover;
mod gallery_source;
mod idb;
mod loader;
mod outbox;
mod pages;
mod storage;
mod use_hash_route;
mod use_photo;
mod withdrawn;

fn main() {
    console_error_panic_hook::set_once();
    storage::register_service_worker();
    leptos::mount::mount_to_body(app::App);
}

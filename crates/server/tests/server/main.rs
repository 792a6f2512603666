//! The server's integration tests, one test binary (one link step, one
//! process per `cargo test`): each module is one area, run against a real
//! origin over HTTP, real databases (a SQLite file, a throwaway PostgreSQL)
//! and real object stores (the embedded one, a Garage node), all started by
//! `proofline-test-support`.

mod activity;
mod app_files;
mod brand;
mod choices;
mod choices_crash;
mod cloudfront;
mod doctor;
mod downloads;
mod limits;
mod links;
mod manifest_cache;
mod notify;
mod operations;
mod origin_api;
mod origins;
mod postgres;
mod public_url;
mod publish;
mod publish_limits;
mod readonly_disk;
mod reminders;
mod replies;
mod revocation;
mod smtp_tls;
mod store_contract;
mod studio;

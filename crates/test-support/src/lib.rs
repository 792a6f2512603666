//! What the server's tests and benchmarks run against, all real: a throwaway
//! PostgreSQL server ([`postgres`], also the `pg-harness` binary the browser
//! tests use), a Garage node ([`garage`]) or the embedded store ([`store`]),
//! an origin started as `proofline serve` starts it ([`harness`]), a store
//! that fails on cue ([`faulty_store`]), fixtures ([`fixtures`]) and a
//! customer's device sending ops ([`ops_client`]).
//!
//! Only [`postgres`] is built without the default `server` feature: xtask
//! uses it before the server crate can be built.

pub mod postgres;

#[cfg(feature = "server")]
pub mod faulty_store;
#[cfg(feature = "server")]
pub mod fixtures;
#[cfg(feature = "server")]
pub mod garage;
#[cfg(feature = "server")]
pub mod harness;
#[cfg(feature = "server")]
pub mod ops_client;
#[cfg(feature = "server")]
pub mod store;

pub use postgres::{Durability, TempPostgres};

#[cfg(feature = "server")]
pub use faulty_store::{FaultyStore, Refusal};
#[cfg(feature = "server")]
pub use fixtures::{Phone, awkward_samples, cloudfront_fixture, now_ms, recorded_gallery, token};
#[cfg(feature = "server")]
pub use garage::Garage;
#[cfg(feature = "server")]
pub use harness::Harness;
#[cfg(feature = "server")]
pub use store::{Backend, TestStore};

/// Whether this process runs as root (tests then act as other users, or
/// mount a real file system).
pub fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// A TCP port free on 127.0.0.1 right now (the kernel's choice).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("a free port on 127.0.0.1")
        .local_addr()
        .expect("a bound socket's address")
        .port()
}

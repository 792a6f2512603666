//! What the server's tests and benchmarks run against, all real: a throwaway
//! PostgreSQL server ([`postgres`], also the `pg-harness` binary the browser
//! tests use), a Garage node ([`garage`]) or the embedded store ([`store`]),
//! an origin started as `proofline serve` starts it ([`harness`]), a store
//! that fails on cue ([`faulty_store`]), fixtures ([`fixtures`]), a
//! customer's device sending ops ([`ops_client`]) and an SMTP server taking
//! the studio's mail ([`smtp`]).
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
pub mod smtp;
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
pub use smtp::{SmtpServer, SmtpTls};
#[cfg(feature = "server")]
pub use store::{Backend, TestStore};

/// Whether this process runs as root (tests then act as other users, or
/// mount a real file system).
pub fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// A TCP port free on 127.0.0.1 right now, for a server a test starts.
///
/// Not the kernel's choice (binding port 0): that comes from the ephemeral
/// range (32768–60999 here), which outgoing connections draw from too, so
/// between this call and the server's bind a test's own HTTP client could
/// take it ("address already in use", seen in CI). These come from below
/// that range, each at most once per process, starting at a point that
/// differs between processes.
pub fn free_port() -> u16 {
    use std::sync::atomic::{AtomicU32, Ordering};
    const FIRST: u32 = 20_000;
    const SPAN: u32 = 12_000;
    static NEXT: AtomicU32 = AtomicU32::new(u32::MAX);
    if NEXT.load(Ordering::Relaxed) == u32::MAX {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let start = (std::process::id().wrapping_mul(7_919) ^ nanos) % SPAN;
        let _ = NEXT.compare_exchange(u32::MAX, start, Ordering::Relaxed, Ordering::Relaxed);
    }
    for _ in 0..SPAN {
        let port = (FIRST + NEXT.fetch_add(1, Ordering::Relaxed) % SPAN) as u16;
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!(
        "no free port on 127.0.0.1 from {FIRST} to {}",
        FIRST + SPAN - 1
    )
}

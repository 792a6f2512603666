//! The object stores a test runs against: the embedded one (which the origin
//! runs itself) or a Garage node (its own process), each named to the origin
//! by the same `--store-*` arguments `proofline serve` takes.

use std::net::SocketAddr;
use std::path::Path;

use proofline_server::settings::StoreArgs;

use crate::garage::Garage;

/// Which object store a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The store `proofline serve` embeds, started by the origin.
    Embedded,
    /// A single-node Garage cluster, its own process.
    Garage,
}

/// A store ready for an origin to use.
pub struct TestStore {
    /// The arguments naming it, as `proofline serve --store-*` takes them.
    pub args: StoreArgs,
    /// Its keys, when they are not the embedded store's own.
    pub credentials: Option<(String, String)>,
    /// The Garage node, stopped when this is dropped.
    pub garage: Option<Garage>,
}

impl Backend {
    /// Starts the store (a Garage node keeps its files in `dir`); the
    /// embedded one is only described: the origin starts it, on any free
    /// port.
    pub fn start(self, dir: &Path) -> TestStore {
        match self {
            Backend::Embedded => TestStore {
                args: StoreArgs {
                    store_listen: Some("127.0.0.1:0".parse().expect("a socket address")),
                    ..StoreArgs::default()
                },
                credentials: None,
                garage: None,
            },
            Backend::Garage => {
                let garage = Garage::start(dir);
                TestStore {
                    args: StoreArgs {
                        store_endpoint: Some(format!("http://{}", garage.s3)),
                        store_region: Some("garage".into()),
                        store_bucket: Some("proofline".into()),
                        store_prefix: Some("studio-a/".into()),
                        store_path_style: Some(true),
                        ..StoreArgs::default()
                    },
                    credentials: Some((garage.key_id.clone(), garage.secret.clone())),
                    garage: Some(garage),
                }
            }
        }
    }
}

impl TestStore {
    /// Where a store running as its own process listens (`None` for the
    /// embedded store, whose address the origin knows once started).
    pub fn addr(&self) -> Option<SocketAddr> {
        self.garage.as_ref().map(|g| g.s3)
    }
}

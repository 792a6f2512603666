//! What every request handler shares: the database, the store client, the
//! signing policy, the manifests signed this window, the record of manifest
//! mirrors written, the studio token `/readyz` last read, and the
//! notifications a submit queues.

use crate::db::Db;
use crate::notify::Notifier;
use crate::signing::{ManifestCache, Mirrors, SigningPolicy};
use crate::storage::ObjectStore;

/// The origin's shared state, cheap to clone (one per request).
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub store: ObjectStore,
    pub signing: SigningPolicy,
    /// Customers' manifests, their photos signed once per window.
    pub manifests: ManifestCache,
    pub mirrors: Mirrors,
    pub readiness: super::health::StudioMemo,
    /// The channels a submit queues, and the delivery worker's nudge.
    pub notify: Notifier,
}

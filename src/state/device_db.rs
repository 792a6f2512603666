//! The device store (IndexedDB), opened once per page and shared: `None`
//! where the browser forbids storage, and then photos and choices are simply
//! not kept.

use std::cell::RefCell;

use proofline_core::route::LinkKey;

use super::withdrawn;
use crate::browser::idb::{DB_NAME, Db};

thread_local! {
    static DEVICE_DB: RefCell<Option<Option<Db>>> = const { RefCell::new(None) };
}

/// The device store, opened on first use.
pub async fn device_db() -> Option<Db> {
    if let Some(db) = DEVICE_DB.with_borrow(|d| d.clone()) {
        return db;
    }
    let db = match Db::open(DB_NAME).await {
        Ok(db) => Some(db),
        Err(e) => {
            leptos::logging::warn!("photos will not be saved on this device: {e}");
            None
        }
    };
    DEVICE_DB.with_borrow_mut(|d| *d = Some(db.clone()));
    db
}

/// Moves what an older app kept for `link`'s gallery (filed under the
/// gallery id alone: saved copy, confirmed choices, queued choices, the
/// withdrawn record) under `link`, before anything of the link is read. See
/// `browser::idb::legacy` for why the link being opened is the right owner.
pub async fn adopt_legacy(db: &Db, link: &LinkKey) {
    let records = [(
        withdrawn::legacy_meta_key(link.gallery()),
        withdrawn::meta_key(link),
    )];
    if let Err(e) = db.adopt_legacy(link, &records).await {
        leptos::logging::warn!("could not move this gallery's older saved data: {e}");
    }
}

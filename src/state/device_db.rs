//! The device store (IndexedDB), opened once per page and shared: `None`
//! where the browser forbids storage, and then photos and choices are simply
//! not kept.

use std::cell::RefCell;

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

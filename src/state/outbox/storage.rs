//! The outbox on the device (IndexedDB, through [`crate::browser::idb`]):
//! the queue of ops, what the studio confirmed, and this device's id and
//! hybrid logical clock. A choice is on disk before it is shown.
//!
//! The clock is also kept in `localStorage` ([`shared_clock`]), read and
//! written synchronously around every stamp, so all tabs of the browser
//! stamp from one clock state.

use leptos::prelude::*;
use proofline_core::hlc::Hlc;
use proofline_core::proofing::{DeviceClock, DeviceId, Op};
use proofline_core::route::LinkKey;

use super::state::{Confirmed, random_id};
use super::{Outbox, spill};
use crate::browser::idb::{CLOCK_KEY, Db, DbError};
use crate::browser::local_storage;

/// The `meta` key of this browser's device id.
const DEVICE_KEY: &str = "device_id";

/// The `localStorage` key of the tabs' shared [`DeviceClock`].
const SHARED_CLOCK_KEY: &str = "proofline.clock";

/// The clock the browser's tabs share (the default where storage is
/// forbidden: then each tab keeps its own, still observing the others').
pub(super) fn shared_clock() -> DeviceClock {
    local_storage::get(SHARED_CLOCK_KEY)
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

pub(super) fn share_clock(clock: &DeviceClock) {
    if let Ok(json) = serde_json::to_string(clock) {
        local_storage::set(SHARED_CLOCK_KEY, &json);
    }
}

/// Everything the outbox starts from: the device's id and clock, what the
/// studio confirmed and the queue. Four independent reads, at once (this is
/// on the way to the first paint).
pub(super) async fn load(
    db: Option<&Db>,
    link: &LinkKey,
) -> (DeviceId, DeviceClock, Confirmed, Vec<Op>) {
    let (device, (clock, confirmed, pending)) = futures::join!(device_id(db), async {
        match db {
            Some(db) => futures::join!(
                async { read_json(db.get_meta(CLOCK_KEY).await).unwrap_or_default() },
                async { read_json(db.get_choices(link).await).unwrap_or_default() },
                read_ops(db, link),
            ),
            None => (Hlc::ZERO, Confirmed::default(), Vec::new()),
        }
    });
    let mut shared = shared_clock();
    shared.observe(clock);
    shared.observe(confirmed.choices.latest());
    for op in &pending {
        shared.observe(op.hlc);
    }
    (device, shared, confirmed, pending)
}

/// This browser's device id: made once, kept in IndexedDB.
async fn device_id(db: Option<&Db>) -> DeviceId {
    if let Some(db) = db
        && let Ok(Some(id)) = db.get_meta(DEVICE_KEY).await
        && let Ok(id) = DeviceId::parse(id)
    {
        return id;
    }
    let id = random_id(DeviceId::parse);
    if let Some(db) = db
        && let Err(e) = db.put_meta(DEVICE_KEY, id.as_str()).await
    {
        leptos::logging::warn!("could not save this device's id: {e}");
    }
    id
}

/// The link's queued ops, oldest first: those in IndexedDB and those
/// spilled to `localStorage` when it was full.
pub(crate) async fn read_ops(db: &Db, link: &LinkKey) -> Vec<Op> {
    let mut ops: Vec<Op> = match db.pending_ops(link).await {
        Ok(all) => all
            .iter()
            .filter_map(|json| serde_json::from_str(json).ok())
            .collect(),
        Err(e) => {
            leptos::logging::warn!("could not read the choices waiting on this device: {e}");
            Vec::new()
        }
    };
    for op in spill::read(link) {
        if !ops.iter().any(|o| o.id == op.id) {
            ops.push(op);
        }
    }
    ops.sort_by_key(Op::stamp);
    ops
}

fn read_json<T: serde::de::DeserializeOwned, E>(value: Result<Option<String>, E>) -> Option<T> {
    serde_json::from_str(&value.ok()??).ok()
}

/// Queues `op` under `link` and saves the device's clock with it, in one
/// transaction.
pub(super) async fn save_op(
    db: &Db,
    link: &LinkKey,
    op: &Op,
    clock_json: &str,
) -> Result<(), DbError> {
    let json = serde_json::to_string(op).unwrap_or_default();
    db.record_op(link, op.id.as_str(), &json, clock_json).await
}

/// Removes the settled ops from the queue and saves what the studio
/// confirmed, in one transaction.
pub(super) async fn save_settled(
    db: &Db,
    link: &LinkKey,
    settled: &[String],
    confirmed: &Confirmed,
) {
    spill::forget(link, Some(settled));
    let json = serde_json::to_string(confirmed).unwrap_or_default();
    if let Err(e) = db.settle_ops(link, settled, &json).await {
        leptos::logging::warn!("could not save the studio's receipts on this device: {e}");
    }
}

impl Outbox {
    /// Reads the queue and confirmed state again (another tab changed them).
    pub(super) async fn reload(&self) {
        let inner = self.inner.get_value();
        let (db, link) = {
            let i = inner.borrow();
            (i.db.clone(), i.link.clone())
        };
        let Some(db) = db else { return };
        let stored = read_ops(&db, &link).await;
        let confirmed: Option<Confirmed> = read_json(db.get_choices(&link).await);
        {
            let mut i = inner.borrow_mut();
            let unwritten: Vec<Op> = i
                .pending
                .iter()
                .filter(|op| i.unwritten.contains(&op.id) || i.not_on_disk.contains(&op.id))
                .cloned()
                .collect();
            let seen = stored.iter().map(|op| op.hlc);
            let seen = seen.chain(confirmed.as_ref().map(|c| c.choices.latest()));
            i.observe(seen.max().unwrap_or(Hlc::ZERO), None);
            i.pending = stored;
            i.pending.extend(unwritten);
            if let Some(c) = confirmed {
                i.confirmed = c;
            }
        }
        self.refresh();
    }
}

//! The outbox: every choice the customer makes becomes an op, saved in
//! IndexedDB before the screen changes, then delivered to the studio in
//! batches until the studio has given a receipt for it. Nothing is dropped
//! silently: a choice the studio refuses stays listed with the reason.
//!
//! By concern:
//! - [`state`]: what the outbox holds in memory, and what the screen is
//!   shown from it ([`Outbox::view`], [`Outbox::delivery`]).
//! - [`storage`]: the queue, the confirmed choices, the device's id and
//!   clock, in IndexedDB.
//! - [`delivery`]: batches to the studio's first origin that answers (see
//!   [`crate::net::failover`]), retried with backoff and jitter only when no
//!   origin answered or the studio had a problem; receipts and refusals;
//!   other devices' choices, asked for while the page is visible. Delivery
//!   starts on load, when the browser comes online, when the page becomes
//!   visible, and after each choice.
//! - [`locking`]: tabs of one link share the queue through IndexedDB, tell
//!   each other about changes on a `BroadcastChannel`, and only the tab
//!   holding the link's Web Lock sends.
//!
//! Everything is kept per share link ([`LinkKey`]), not per gallery: choices
//! queued under one link are only ever sent with that link's token.
//!
//! The rules (merge, selection limits) are `proofline_core::proofing`'s and
//! the sentences `proofline_core::wording`'s; this module only stores, sends
//! and tells.

mod delivery;
mod locking;
pub(crate) mod spill;
mod state;
mod storage;

use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};
use std::rc::Rc;

use leptos::prelude::*;
use proofline_core::Manifest;
use proofline_core::expiry::ServerClock;
use proofline_core::proofing::{Action, Choices, Policy};
use proofline_core::route::{LinkKey, ShareToken};
use proofline_core::wording;

pub use self::state::Delivery;
use self::state::Inner;
pub(crate) use self::storage::read_ops;
use crate::browser::idb::DbError;
use crate::state::loader::{Loader, RECORD_ROOM};

/// The outbox of one link of a gallery; cheap to copy into components.
#[derive(Clone, Copy)]
pub struct Outbox {
    /// The choices to show: confirmed by the studio, with this device's
    /// unconfirmed ones on top.
    pub view: RwSignal<Choices>,
    pub delivery: RwSignal<Delivery>,
    /// The latest refusal, for an alert.
    pub notice: RwSignal<Option<String>>,
    /// Set when the studio answered that the link was withdrawn or expired.
    pub gone: RwSignal<Option<String>>,
    inner: StoredValue<Rc<RefCell<Inner>>, LocalStorage>,
}

impl Outbox {
    /// Loads the link's queue and confirmed choices from the device and
    /// starts delivering them with its `token`.
    pub async fn start(
        room: Loader,
        link: LinkKey,
        token: ShareToken,
        manifest: &Manifest,
        server: ServerClock,
    ) -> Outbox {
        let db = room.db();
        let (device, clock, confirmed, pending) = storage::load(db.as_ref(), &link).await;
        let gallery = link.gallery().clone();
        let outbox = Outbox {
            view: RwSignal::new(Choices::default()),
            delivery: RwSignal::new(Delivery::default()),
            notice: RwSignal::new(None),
            gone: RwSignal::new(None),
            inner: StoredValue::new_local(Rc::new(RefCell::new(Inner {
                db,
                room,
                not_on_disk: HashSet::new(),
                link,
                gallery,
                token,
                device,
                clock,
                server,
                policy: Policy::default(),
                names: BTreeMap::new(),
                confirmed,
                pending,
                unwritten: HashSet::new(),
                attempt: 0,
                sending: false,
                retry: None,
                poll: None,
                channel: None,
                stopped: None,
            }))),
        };
        outbox.set_terms(manifest, server);
        outbox.listen_to_other_tabs();
        outbox.poll_while_visible();
        outbox.refresh();
        outbox.pull();
        outbox.sync();
        outbox
    }

    /// New manifest: new rules, lock, photo names and server clock.
    pub fn set_terms(&self, manifest: &Manifest, server: ServerClock) {
        let Some(inner) = self.inner.try_get_value() else {
            return;
        };
        let mut inner = inner.borrow_mut();
        inner.server = server;
        inner.policy = Policy {
            rules: manifest.rules.clone(),
            locked_at: manifest.locked_at,
            images: manifest.images.iter().map(|i| i.id.clone()).collect(),
        };
        inner.names = manifest
            .images
            .iter()
            .map(|i| (i.id.clone(), i.alt.clone()))
            .collect();
    }

    /// Stops listening to other tabs and stops every timer (the gallery left
    /// the screen).
    pub fn close(&self) {
        if let Some(inner) = self.inner.try_get_value() {
            let mut inner = inner.borrow_mut();
            inner.channel = None;
            inner.retry = None;
            inner.poll = None;
        }
    }

    /// Whether `action` would be accepted now; the refusal's sentence if not.
    pub fn check(&self, action: &Action) -> Result<(), String> {
        let inner = self.inner.get_value();
        let inner = inner.borrow();
        let op = inner.op_for(action.clone(), inner.clock.hlc);
        inner
            .policy
            .check(&inner.intended(), &op, inner.server_now_ms())
            .map_err(|r| r.to_string())
    }

    /// What the customer has chosen on this page: what is shown, with the
    /// choices still being saved on the device on top. The rules are
    /// checked against it and a toggle flips it, so taps faster than the
    /// device saves each count (a double tap undoes, the maximum holds).
    pub fn intended(&self) -> Choices {
        self.inner.get_value().borrow().intended()
    }

    /// Records a choice: checked against the studio's rules, saved on the
    /// device, shown, then sent. A refusal is shown in `notice` instead.
    pub fn record(&self, action: Action) {
        if let Err(message) = self.check(&action) {
            self.notice.set(Some(message));
            return;
        }
        self.notice.set(None);
        self.enqueue(action);
    }

    /// Reports activity (see `Action::is_activity`: opened, saved offline)
    /// to the studio the way choices travel, so what happened offline
    /// arrives later. The customer is not told of it, and photos never
    /// make room for it.
    pub fn report(&self, activity: Action) {
        debug_assert!(activity.is_activity());
        self.enqueue(activity);
    }

    fn enqueue(&self, action: Action) {
        let choice = !action.is_activity();
        let inner = self.inner.get_value();
        let (op, db, link, clock_json, room) = {
            let mut inner = inner.borrow_mut();
            // After everything on screen: the click does what it shows.
            let hlc = inner.stamp(&self.view.get_untracked());
            let op = inner.op_for(action, hlc);
            inner.pending.push(op.clone());
            inner.unwritten.insert(op.id.clone());
            let clock_json = serde_json::to_string(&inner.clock.hlc).unwrap_or_default();
            let room = inner.room.clone();
            (op, inner.db.clone(), inner.link.clone(), clock_json, room)
        };
        let this = *self;
        leptos::task::spawn_local(async move {
            if let Some(db) = db {
                let mut saved = storage::save_op(&db, &link, &op, &clock_json).await;
                // The device is full: photos make way for the choice.
                if choice
                    && saved == Err(DbError::QuotaExceeded)
                    && room.make_room(RECORD_ROOM).await
                {
                    saved = storage::save_op(&db, &link, &op, &clock_json).await;
                }
                if let (Err(e), true) = (saved, choice)
                    && !spill::keep(&link, &op)
                {
                    // Not on disk, but not lost while this page is open;
                    // said until the studio has it.
                    this.notice
                        .set(Some(wording::choice_not_saved(e.to_string())));
                    inner.borrow_mut().not_on_disk.insert(op.id.clone());
                }
            }
            inner.borrow_mut().unwritten.remove(&op.id);
            this.refresh();
            this.announce();
            this.sync();
        });
    }
}

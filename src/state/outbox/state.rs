//! What the outbox holds in memory (the queue, what the studio confirmed,
//! timers and the tabs' channel), and what the screen is shown from it.

use std::collections::{BTreeMap, HashSet};

use leptos::prelude::*;
use proofline_core::expiry::ServerClock;
use proofline_core::hlc::Hlc;
use proofline_core::proofing::{
    Action, Choices, DeviceClock, DeviceId, Offset, Op, OpId, Policy, local_view,
};
use proofline_core::route::{LinkKey, ShareToken};
use proofline_core::wording::describe_choice;
use proofline_core::{GalleryId, ImageId};
use serde::{Deserialize, Serialize};

use super::{Outbox, storage};
use crate::browser::broadcast::Channel;
use crate::browser::clock::now_ms;
use crate::browser::idb::Db;
use crate::browser::random;
use crate::state::loader::Loader;

/// How the customer's choices are getting on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delivery {
    /// Choices on this device the studio has not confirmed yet (activity
    /// the outbox carries too is not counted).
    pub waiting: usize,
    /// The studio's newest receipt for this link and when it was given.
    pub last_receipt: Option<(String, i64)>,
    /// Choices the studio refused, each with its reason.
    pub not_sent: Vec<String>,
    /// The studio refused the requests themselves (e.g. the link was revoked).
    pub stopped: Option<String>,
    /// The studio's receipt for this device's "Submit selection".
    pub submit_receipt: Option<String>,
}

/// What the studio confirmed, as kept on the device.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Confirmed {
    pub(super) choices: Choices,
    pub(super) last_receipt: Option<(String, i64)>,
    #[serde(default)]
    pub(super) not_sent: Vec<String>,
    #[serde(default)]
    pub(super) submit_receipt: Option<String>,
}

pub(super) struct Inner {
    pub(super) db: Option<Db>,
    /// Makes room on a full device (photos give way to choices).
    pub(super) room: Loader,
    /// Ops the device could not save: the notice saying so stays until the
    /// studio has them all.
    pub(super) not_on_disk: HashSet<OpId>,
    /// What this link's queue, confirmed choices, lock and channel are named by.
    pub(super) link: LinkKey,
    pub(super) gallery: GalleryId,
    pub(super) token: ShareToken,
    pub(super) device: DeviceId,
    /// Stamps this device's ops; shared with the link's other tabs.
    pub(super) clock: DeviceClock,
    /// The manifest's reading of the server's clock, to the second: used
    /// until a request of the outbox's own has been measured.
    pub(super) server: ServerClock,
    pub(super) policy: Policy,
    pub(super) names: BTreeMap<ImageId, String>,
    pub(super) confirmed: Confirmed,
    /// Queued ops, oldest first; those in `unwritten` are still being saved.
    pub(super) pending: Vec<Op>,
    pub(super) unwritten: HashSet<OpId>,
    pub(super) attempt: u32,
    pub(super) sending: bool,
    pub(super) retry: Option<gloo_timers::callback::Timeout>,
    pub(super) poll: Option<gloo_timers::callback::Interval>,
    pub(super) channel: Option<Channel>,
    pub(super) stopped: Option<String>,
}

impl Inner {
    pub(super) fn server_now_ms(&self) -> u64 {
        let now = self
            .clock
            .server_now_ms(now_ms(), self.fallback_offset_ms());
        u64::try_from(now).unwrap_or(0)
    }

    pub(super) fn fallback_offset_ms(&self) -> i64 {
        self.server.offset().saturating_mul(1000)
    }

    /// Stamps a new op after everything this tab and the link's others have
    /// made or seen, and after all of `shown`; the tabs' shared clock moves
    /// on with it.
    pub(super) fn stamp(&mut self, shown: &Choices) -> Hlc {
        let fallback = self.fallback_offset_ms();
        let mut clock = storage::shared_clock();
        clock.join(&self.clock);
        let hlc = clock.stamp(shown, now_ms(), fallback);
        self.clock = clock;
        storage::share_clock(&clock);
        hlc
    }

    /// Learns of stamps made elsewhere (another tab, the studio), and of a
    /// reading of the server's clock.
    pub(super) fn observe(&mut self, seen: Hlc, reading: Option<Offset>) {
        let mut clock = storage::shared_clock();
        clock.join(&self.clock);
        clock.observe(seen);
        if let Some(offset) = reading {
            clock.measured(offset);
        }
        self.clock = clock;
        storage::share_clock(&clock);
    }

    pub(super) fn op_for(&self, action: Action, hlc: Hlc) -> Op {
        Op {
            id: random_id(OpId::parse),
            device: self.device.clone(),
            gallery: self.gallery.clone(),
            hlc,
            action,
        }
    }

    /// "Selecting “Ceremony 03”", for a refusal.
    pub(super) fn describe(&self, action: &Action) -> String {
        describe_choice(&self.names, action)
    }

    /// The confirmed choices with every queued op on top, saved or not.
    pub(super) fn intended(&self) -> Choices {
        local_view(&self.confirmed.choices, &self.pending)
    }

    /// Queued ops that are saved (and so may be shown and sent).
    pub(super) fn written(&self) -> impl Iterator<Item = &Op> {
        self.pending
            .iter()
            .filter(|op| !self.unwritten.contains(&op.id))
    }
}

/// A new random id (32 hex characters, which always parse; drawn again if
/// `parse` ever refused one).
pub(super) fn random_id<T, E>(parse: impl Fn(String) -> Result<T, E>) -> T {
    loop {
        if let Ok(id) = parse(random::hex_id()) {
            return id;
        }
    }
}

impl Outbox {
    /// Recomputes what is shown from the queue and the confirmed state.
    pub(super) fn refresh(&self) {
        let Some(inner) = self.inner.try_get_value() else {
            return;
        };
        let i = inner.borrow();
        self.view.set(local_view(&i.confirmed.choices, i.written()));
        self.delivery.set(Delivery {
            waiting: i
                .pending
                .iter()
                .filter(|op| !op.action.is_activity())
                .count(),
            last_receipt: i.confirmed.last_receipt.clone(),
            not_sent: i.confirmed.not_sent.clone(),
            stopped: i.stopped.clone(),
            submit_receipt: i.confirmed.submit_receipt.clone(),
        });
    }
}

//! The outbox: every choice the customer makes becomes an op, saved in
//! IndexedDB before the screen changes, then delivered to the studio in
//! batches until the studio has given a receipt for it. Nothing is dropped
//! silently: a choice the studio refuses stays listed with the reason.
//!
//! Each batch goes to the studio's first origin that answers (see
//! [`crate::failover`]: a batch one origin left unanswered goes to the next
//! at once). Delivery is retried with backoff and jitter only when no origin
//! answered or the studio had a problem, and started again on load, when the
//! browser comes online, when the page becomes visible, and after each
//! choice. Tabs of one gallery share the
//! queue through IndexedDB, tell each other about changes on a
//! `BroadcastChannel`, and only the tab holding the gallery's Web Lock sends.
//!
//! The rules (merge, selection limits) are `proofline_core::proofing`'s; this
//! module only stores, sends and tells.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};
use std::rc::Rc;

use js_sys::{Object, Promise, Reflect};
use leptos::prelude::*;
use proofline_core::expiry::ServerClock;
use proofline_core::hlc::Hlc;
use proofline_core::loading::backoff_ms;
use proofline_core::proofing::{
    Action, Choices, ChoicesReply, DeviceId, Op, OpId, OpStatus, Policy, SEND_BATCH, Verdict,
    local_view,
};
use proofline_core::route::ShareToken;
use proofline_core::{GalleryId, ImageId, Manifest};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast as _;
use wasm_bindgen::prelude::*;

use crate::api::{SendError, fetch_choices, post_ops};
use crate::idb::{CLOCK_KEY, Db};
use crate::loader::now_ms;

/// Retries start after about 1 s and wait at most 10 s: an origin that comes
/// back is noticed quickly.
const RETRY_BASE_MS: u64 = 1_000;
const RETRY_MAX_MS: u64 = 10_000;
const DEVICE_KEY: &str = "device_id";
/// How often a visible gallery asks the studio for other devices' choices.
const POLL_MS: u32 = 20_000;

/// How the customer's choices are getting on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delivery {
    /// Choices on this device the studio has not confirmed yet.
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
struct Confirmed {
    choices: Choices,
    last_receipt: Option<(String, i64)>,
    #[serde(default)]
    not_sent: Vec<String>,
    #[serde(default)]
    submit_receipt: Option<String>,
}

struct Inner {
    db: Option<Db>,
    gallery: GalleryId,
    token: ShareToken,
    device: DeviceId,
    clock: Hlc,
    server: ServerClock,
    policy: Policy,
    names: BTreeMap<ImageId, String>,
    confirmed: Confirmed,
    /// Queued ops, oldest first; those in `unwritten` are still being saved.
    pending: Vec<Op>,
    unwritten: HashSet<OpId>,
    attempt: u32,
    sending: bool,
    retry: Option<gloo_timers::callback::Timeout>,
    poll: Option<gloo_timers::callback::Interval>,
    channel: Option<web_sys::BroadcastChannel>,
    stopped: Option<String>,
}

/// The gallery's outbox; cheap to copy into components.
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
    /// Loads the gallery's queue and confirmed choices from the device and
    /// starts delivering.
    pub async fn start(
        db: Option<Db>,
        gallery: GalleryId,
        token: ShareToken,
        manifest: &Manifest,
        server: ServerClock,
    ) -> Outbox {
        // Four independent reads, at once (this is on the way to the first paint).
        let (device, (clock, confirmed, pending)) = futures::join!(device_id(db.as_ref()), async {
            match &db {
                Some(db) => futures::join!(
                    async { read_json(db.get_meta(CLOCK_KEY).await).unwrap_or_default() },
                    async { read_json(db.get_choices(&gallery).await).unwrap_or_default() },
                    read_ops(db, &gallery),
                ),
                None => (Hlc::ZERO, Confirmed::default(), Vec::new()),
            }
        });
        let channel = web_sys::BroadcastChannel::new(&format!("proofline-{gallery}")).ok();
        let outbox = Outbox {
            view: RwSignal::new(Choices::default()),
            delivery: RwSignal::new(Delivery::default()),
            notice: RwSignal::new(None),
            gone: RwSignal::new(None),
            inner: StoredValue::new_local(Rc::new(RefCell::new(Inner {
                db,
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
                channel: channel.clone(),
                stopped: None,
            }))),
        };
        outbox.set_terms(manifest, server);
        if let Some(channel) = channel {
            let on_message = Closure::<dyn Fn()>::new(move || {
                leptos::task::spawn_local(async move {
                    outbox.reload().await;
                    outbox.sync();
                });
            });
            channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            on_message.forget(); // one per opened gallery; the channel closes with it
        }
        // Other devices' choices arrive by asking: now, then while visible.
        let poll = gloo_timers::callback::Interval::new(POLL_MS, move || {
            if document().visibility_state() == web_sys::VisibilityState::Visible {
                outbox.pull();
            }
        });
        outbox.inner.get_value().borrow_mut().poll = Some(poll);
        outbox.refresh();
        outbox.pull();
        outbox.sync();
        outbox
    }

    /// Fetches what the studio holds for this link (other devices' choices
    /// included) and shows it under this device's unconfirmed ones.
    pub fn pull(&self) {
        let Some(inner) = self.inner.try_get_value() else {
            return;
        };
        let this = *self;
        leptos::task::spawn_local(async move {
            let (gallery, token) = {
                let i = inner.borrow();
                (i.gallery.clone(), i.token.clone())
            };
            match fetch_choices(&gallery, &token).await {
                Ok(reply) => this.settle(reply).await,
                Err(SendError::Gone(message)) => {
                    this.gone.try_set(Some(message));
                }
                Err(_) => {}
            }
        });
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

    /// Stops listening to other tabs (the gallery left the screen).
    pub fn close(&self) {
        if let Some(inner) = self.inner.try_get_value() {
            let mut inner = inner.borrow_mut();
            if let Some(c) = inner.channel.take() {
                c.close();
            }
            inner.retry = None;
            inner.poll = None;
        }
    }

    /// Whether `action` would be accepted now; the refusal's sentence if not.
    pub fn check(&self, action: &Action) -> Result<(), String> {
        let inner = self.inner.get_value();
        let inner = inner.borrow();
        let op = inner.op_for(action.clone(), inner.clock);
        let view = self.view.get_untracked();
        inner
            .policy
            .check(&view, &op, inner.server_now_ms())
            .map_err(|r| r.to_string())
    }

    /// Records a choice: checked against the studio's rules, saved on the
    /// device, shown, then sent. A refusal is shown in `notice` instead.
    pub fn record(&self, action: Action) {
        if let Err(message) = self.check(&action) {
            self.notice.set(Some(message));
            return;
        }
        self.notice.set(None);
        let inner = self.inner.get_value();
        let (op, db, clock_json) = {
            let mut inner = inner.borrow_mut();
            let now = inner.server_now_ms();
            inner.clock = inner.clock.tick(now);
            let op = inner.op_for(action, inner.clock);
            inner.pending.push(op.clone());
            inner.unwritten.insert(op.id.clone());
            let clock_json = serde_json::to_string(&inner.clock).unwrap_or_default();
            (op, inner.db.clone(), clock_json)
        };
        let this = *self;
        leptos::task::spawn_local(async move {
            if let Some(db) = db {
                let json = serde_json::to_string(&op).unwrap_or_default();
                if let Err(e) = db
                    .record_op(&op.gallery, op.id.as_str(), &json, &clock_json)
                    .await
                {
                    // Not on disk, but not lost while this page is open.
                    this.notice.set(Some(format!(
                        "This choice could not be saved on this device ({e}); keep this page open until it is sent."
                    )));
                }
            }
            inner.borrow_mut().unwritten.remove(&op.id);
            this.refresh();
            this.announce();
            this.sync();
        });
    }

    /// Delivers queued choices, unless another tab of this gallery already is.
    pub fn sync(&self) {
        let Some(inner) = self.inner.try_get_value() else {
            return;
        };
        {
            let inner = inner.borrow();
            if inner.sending || inner.pending.is_empty() {
                return;
            }
        }
        let this = *self;
        let name = format!("proofline-send-{}", inner.borrow().gallery);
        with_lock(&name, async move { this.send_all().await }, move || {
            // Another tab holds the lock: it sends; check back later in case
            // it closes first.
            this.schedule(5_000);
        });
    }

    async fn send_all(&self) {
        let inner = self.inner.get_value();
        inner.borrow_mut().sending = true;
        loop {
            let (batch, gallery, token) = {
                let mut i = inner.borrow_mut();
                i.retry = None;
                let mut ready: Vec<Op> = i
                    .pending
                    .iter()
                    .filter(|op| !i.unwritten.contains(&op.id))
                    .cloned()
                    .collect();
                ready.sort_by_key(Op::stamp);
                ready.truncate(SEND_BATCH);
                (ready, i.gallery.clone(), i.token.clone())
            };
            if batch.is_empty() {
                break;
            }
            // Every origin is tried before this answers (a batch one did
            // not answer goes to the next at once, same op ids): a retry
            // means none answered, so only then the backoff.
            match post_ops(&gallery, &token, &batch).await {
                Ok(reply) => {
                    inner.borrow_mut().attempt = 0;
                    inner.borrow_mut().stopped = None;
                    self.settle(reply).await;
                }
                Err(SendError::Retry) => {
                    let attempt = {
                        let mut i = inner.borrow_mut();
                        i.attempt += 1;
                        i.attempt
                    };
                    let wait =
                        backoff_ms(attempt, RETRY_BASE_MS, RETRY_MAX_MS, js_sys::Math::random());
                    self.schedule(wait as u32);
                    break;
                }
                Err(SendError::Rejected(message)) => {
                    inner.borrow_mut().stopped = Some(message);
                    break;
                }
                Err(SendError::Gone(message)) => {
                    // Nothing is dropped here: the page shows what was not
                    // sent before the device forgets the gallery.
                    inner.borrow_mut().stopped = Some(message.clone());
                    self.gone.try_set(Some(message));
                    break;
                }
            }
        }
        inner.borrow_mut().sending = false;
        self.refresh();
    }

    /// Applies the studio's answer: receipted and refused ops leave the
    /// queue (refusals are kept as sentences), the confirmed state is saved.
    async fn settle(&self, reply: ChoicesReply) {
        let inner = self.inner.get_value();
        let (db, gallery, settled, confirmed) = {
            let mut i = inner.borrow_mut();
            let mut settled = Vec::new();
            for receipt in &reply.receipts {
                let Some(id) = &receipt.op_id else { continue };
                let Some(op) = i.pending.iter().find(|op| op.id.as_str() == id).cloned() else {
                    continue;
                };
                match &receipt.outcome {
                    OpStatus::Applied { receipt, .. } | OpStatus::Duplicate { receipt, .. } => {
                        if op.action == Action::Submit {
                            i.confirmed.submit_receipt = Some(receipt.clone());
                        }
                    }
                    OpStatus::Refused { message, .. } | OpStatus::Invalid { message } => {
                        let what = i.describe(&op.action);
                        i.confirmed.not_sent.push(format!("{what}: {message}"));
                        self.notice.set(Some(message.clone()));
                    }
                }
                settled.push(id.clone());
            }
            i.pending
                .retain(|op| !settled.iter().any(|s| s == op.id.as_str()));
            i.confirmed.choices = reply.choices;
            i.confirmed.last_receipt = reply.last_receipt;
            (
                i.db.clone(),
                i.gallery.clone(),
                settled,
                serde_json::to_string(&i.confirmed).unwrap_or_default(),
            )
        };
        if let Some(db) = db
            && let Err(e) = db.settle_ops(&gallery, &settled, &confirmed).await
        {
            leptos::logging::warn!("could not save the studio's receipts on this device: {e}");
        }
        self.refresh();
        self.announce();
    }

    fn schedule(&self, ms: u32) {
        let this = *self;
        if let Some(inner) = self.inner.try_get_value() {
            inner.borrow_mut().retry =
                Some(gloo_timers::callback::Timeout::new(ms, move || this.sync()));
        }
    }

    /// Reads the queue and confirmed state again (another tab changed them).
    async fn reload(&self) {
        let inner = self.inner.get_value();
        let (db, gallery) = {
            let i = inner.borrow();
            (i.db.clone(), i.gallery.clone())
        };
        let Some(db) = db else { return };
        let stored = read_ops(&db, &gallery).await;
        let confirmed: Option<Confirmed> = read_json(db.get_choices(&gallery).await);
        {
            let mut i = inner.borrow_mut();
            let unwritten: Vec<Op> = i
                .pending
                .iter()
                .filter(|op| i.unwritten.contains(&op.id))
                .cloned()
                .collect();
            i.pending = stored;
            i.pending.extend(unwritten);
            if let Some(c) = confirmed {
                i.confirmed = c;
            }
        }
        self.refresh();
    }

    /// Tells the other tabs of this gallery that the queue changed.
    fn announce(&self) {
        if let Some(inner) = self.inner.try_get_value()
            && let Some(c) = &inner.borrow().channel
        {
            let _ = c.post_message(&JsValue::from_str("changed"));
        }
    }

    /// Recomputes what is shown from the queue and the confirmed state.
    fn refresh(&self) {
        let Some(inner) = self.inner.try_get_value() else {
            return;
        };
        let i = inner.borrow();
        let shown = i.pending.iter().filter(|op| !i.unwritten.contains(&op.id));
        self.view.set(local_view(&i.confirmed.choices, shown));
        self.delivery.set(Delivery {
            waiting: i.pending.len(),
            last_receipt: i.confirmed.last_receipt.clone(),
            not_sent: i.confirmed.not_sent.clone(),
            stopped: i.stopped.clone(),
            submit_receipt: i.confirmed.submit_receipt.clone(),
        });
    }
}

impl Inner {
    fn server_now_ms(&self) -> u64 {
        let offset_ms = self.server.offset() * 1000;
        u64::try_from(now_ms() + offset_ms).unwrap_or(0)
    }

    fn op_for(&self, action: Action, hlc: Hlc) -> Op {
        Op {
            id: OpId::parse(random_id()).expect("random ids are valid"),
            device: self.device.clone(),
            gallery: self.gallery.clone(),
            hlc,
            action,
        }
    }

    /// "Selecting “Ceremony 03”", for a refusal.
    fn describe(&self, action: &Action) -> String {
        describe(&self.names, action)
    }
}

/// What a choice was, in words: "Selecting “Ceremony 03”", "Your comment on
/// “Ceremony 03”: “Lighter, please”".
pub fn describe(names: &BTreeMap<ImageId, String>, action: &Action) -> String {
    let name = |image: &ImageId| {
        names
            .get(image)
            .cloned()
            .unwrap_or_else(|| image.to_string())
    };
    match action {
        Action::Favourite { image, on } => {
            format!(
                "{} “{}”",
                if *on { "Favouriting" } else { "Unfavouriting" },
                name(image)
            )
        }
        Action::Select { image, on } => {
            format!(
                "{} “{}”",
                if *on { "Selecting" } else { "Unselecting" },
                name(image)
            )
        }
        Action::Review { image, verdict } => {
            format!(
                "Your verdict on “{}”: {}",
                name(image),
                verdict_text(*verdict)
            )
        }
        Action::Comment { image, text } => format!("Your comment on “{}”: “{text}”", name(image)),
        Action::Submit => "Submitting the selection".into(),
    }
}

fn verdict_text(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Approved => "approved",
        Verdict::ChangesRequested => "changes requested",
        Verdict::Undecided => "undecided",
    }
}

/// This browser's device id: made once, kept in IndexedDB.
async fn device_id(db: Option<&Db>) -> DeviceId {
    if let Some(db) = db
        && let Ok(Some(id)) = db.get_meta(DEVICE_KEY).await
        && let Ok(id) = DeviceId::parse(id)
    {
        return id;
    }
    let id = DeviceId::parse(random_id()).expect("random ids are valid");
    if let Some(db) = db
        && let Err(e) = db.put_meta(DEVICE_KEY, id.as_str()).await
    {
        leptos::logging::warn!("could not save this device's id: {e}");
    }
    id
}

/// 128 random bits as 32 hex characters, from the browser's CSPRNG.
fn random_id() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) async fn read_ops(db: &Db, gallery: &GalleryId) -> Vec<Op> {
    let mut ops: Vec<Op> = match db.pending_ops(gallery).await {
        Ok(all) => all
            .iter()
            .filter_map(|json| serde_json::from_str(json).ok())
            .collect(),
        Err(e) => {
            leptos::logging::warn!("could not read the choices waiting on this device: {e}");
            Vec::new()
        }
    };
    ops.sort_by_key(Op::stamp);
    ops
}

fn read_json<T: serde::de::DeserializeOwned, E>(value: Result<Option<String>, E>) -> Option<T> {
    serde_json::from_str(&value.ok()??).ok()
}

/// Runs `job` holding the Web Lock `name` if no other tab holds it, else calls
/// `busy`. Without Web Locks (old browsers) it just runs: the studio applies
/// each op once, so two senders cost bandwidth, not correctness.
fn with_lock(name: &str, job: impl Future<Output = ()> + 'static, busy: impl FnOnce() + 'static) {
    let locks = web_sys::window()
        .map(|w| Reflect::get(&w.navigator(), &"locks".into()).unwrap_or(JsValue::UNDEFINED))
        .unwrap_or(JsValue::UNDEFINED);
    let request = Reflect::get(&locks, &"request".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let Some(request) = request.filter(|_| !locks.is_undefined()) else {
        leptos::task::spawn_local(job);
        return;
    };
    let options = Object::new();
    let _ = Reflect::set(&options, &"ifAvailable".into(), &JsValue::TRUE);
    let callback = Closure::once_into_js(move |lock: JsValue| -> Promise {
        if lock.is_null() {
            busy();
            return Promise::resolve(&JsValue::UNDEFINED);
        }
        wasm_bindgen_futures::future_to_promise(async move {
            job.await;
            Ok(JsValue::UNDEFINED)
        })
    });
    if request
        .call3(&locks, &name.into(), &options, &callback)
        .is_err()
    {
        leptos::logging::warn!("the Web Locks API refused a request");
    }
}

/// "All choices received by the studio at 10:42 · receipt 7F3A-91C2", or how
/// many are waiting, or what went wrong.
pub fn delivery_text(d: &Delivery, online: bool) -> Option<String> {
    let plural = |n: usize| if n == 1 { "choice" } else { "choices" };
    if let Some(reason) = &d.stopped {
        return Some(format!(
            "{} {} not sent: {reason}",
            d.waiting,
            plural(d.waiting)
        ));
    }
    if d.waiting > 0 {
        let n = d.waiting;
        return Some(if online {
            format!("{n} {} waiting to be sent.", plural(n))
        } else {
            format!(
                "{n} {} saved on this device; they will be sent when you're back online.",
                plural(n)
            )
        });
    }
    let (receipt, at) = d.last_receipt.as_ref()?;
    Some(format!(
        "All choices received by the studio at {} · receipt {receipt}",
        crate::gallery_source::saved_at(*at)
    ))
}

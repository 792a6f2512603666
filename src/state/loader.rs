//! Image loading: the device cache first, then the object store, in the order
//! the customer needs them, never more than six downloads at once.
//!
//! A rendition is found by its content SHA-256: bytes from IndexedDB are
//! verified before use (a corrupt or truncated entry is deleted and fetched
//! again, never shown); a download is verified before it is shown or stored.
//! The URL for a download is looked up at the last moment, so a manifest
//! refreshed in the background (new signatures) is used at once. Order,
//! retries and host cool-downs come from `proofline_core::loading`; the byte
//! budget and eviction from `proofline_core::cache`.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use futures::channel::oneshot;
use leptos::prelude::*;
use proofline_core::cache::verify;
use proofline_core::expiry::{ServerClock, is_usable};
use proofline_core::loading::{AfterFinish, DownloadEnd, Job, LoadQueue, Priority};
use proofline_core::{ContentHash, GalleryId, Manifest, Rendition};
use send_wrapper::SendWrapper;

use crate::browser::clock::{now_ms, now_secs};
use crate::browser::idb::{Db, DbError};
use crate::browser::{network, random};
use crate::net::photos::fetch_bytes;

/// A URL must stay valid this long after a download starts.
const URL_MARGIN_SECS: i64 = 10;

/// Why a photo cannot be shown (its placeholder stays, with a note).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Miss {
    /// Not on this device, and its signed URL has expired with no fresher one.
    NotOffline,
    /// Downloads failed repeatedly.
    Failed,
}

/// Shared by every photo of a page (a Leptos context, hence the
/// `SendWrapper`: the browser app has one thread).
#[derive(Clone)]
pub struct Loader {
    pub(super) state: SendWrapper<Rc<RefCell<State>>>,
    /// Set when the device refused to store more photos even after eviction.
    pub storage_full: RwSignal<bool>,
    /// Bumped whenever fresh URLs arrive: photos that could not load try again.
    pub fresh_urls: RwSignal<u32>,
    /// Downloads are failing and waiting to be tried again (no connection,
    /// or the store is down); cleared by the next that succeeds.
    pub stalled: RwSignal<bool>,
}

/// Who is waiting for a photo's bytes.
type Waiter = oneshot::Sender<Result<Vec<u8>, Miss>>;

pub(super) struct State {
    db: Option<Db>,
    queue: LoadQueue,
    /// The manifest on screen: its renditions' signed URLs are the freshest
    /// (CloudFront first, then the store itself, when both are given). Shared
    /// with the page, never copied: 20,000 URLs at 10,000 photos.
    current: Option<Arc<Manifest>>,
    /// Where each rendition of `current` is: the photo's index, and the
    /// rendition's in [`Renditions::each`](proofline_core::Renditions::each).
    index: HashMap<ContentHash, (u32, u8)>,
    /// Renditions asked for that `current` does not list (another
    /// gallery's, or one replaced since), with their own URLs.
    others: HashMap<ContentHash, Rendition>,
    clock: ServerClock,
    waiters: HashMap<ContentHash, Vec<Waiter>>,
    /// Device reads asked for and not yet begun: the tiles of a screen ask
    /// in one turn of the event loop and are read in one transaction.
    reads: Vec<(ContentHash, oneshot::Sender<Option<Vec<u8>>>)>,
    /// Sizes of stored entries, read once from IndexedDB.
    pub(super) sizes: Option<HashMap<ContentHash, u64>>,
    pub(super) budget: u64,
    pub(super) protect: Option<GalleryId>,
    /// The saved galleries' photo hashes, parsed once per record.
    parsed: room::Parsed,
    /// Galleries no longer saved for offline whose records may still say
    /// so: the write that says otherwise may need the very room it makes.
    pub(super) unkept: Vec<GalleryId>,
    wake: Option<gloo_timers::callback::Timeout>,
}

impl State {
    /// The rendition's URLs still usable at server time `now`, in order.
    fn usable_urls(&self, hash: &ContentHash, now: i64) -> Vec<String> {
        self.rendition(hash)
            .into_iter()
            .flat_map(Rendition::urls)
            .filter(|(_, exp)| is_usable(*exp, now, URL_MARGIN_SECS))
            .map(|(u, _)| u.get().into_owned())
            .collect()
    }

    /// The freshest copy of the rendition with content `hash`.
    fn rendition(&self, hash: &ContentHash) -> Option<&Rendition> {
        let in_current = self.index.get(hash).and_then(|&(photo, nth)| {
            let image = self.current.as_ref()?.images.get(photo as usize)?;
            Some(image.renditions.each().nth(usize::from(nth))?.1)
        });
        in_current.or_else(|| self.others.get(hash))
    }
}

impl Loader {
    /// A loader without a device store (until [`Loader::attach`]).
    pub fn new() -> Loader {
        Loader {
            state: SendWrapper::new(Rc::new(RefCell::new(State {
                db: None,
                queue: LoadQueue::new(),
                current: None,
                index: HashMap::new(),
                others: HashMap::new(),
                clock: ServerClock::default(),
                waiters: HashMap::new(),
                reads: Vec::new(),
                sizes: None,
                budget: proofline_core::cache::FALLBACK_BUDGET,
                protect: None,
                parsed: Default::default(),
                unkept: Vec::new(),
                wake: None,
            }))),
            storage_full: RwSignal::new(false),
            fresh_urls: RwSignal::new(0),
            stalled: RwSignal::new(false),
        }
    }

    /// Uses `db` for saved photos, within `budget` bytes.
    pub fn attach(&self, db: Option<Db>, budget: u64) {
        let mut s = self.state.borrow_mut();
        s.db = db;
        s.budget = budget;
        s.sizes = None;
    }

    pub fn db(&self) -> Option<Db> {
        self.state.borrow().db.clone()
    }

    /// Takes the URLs of a (new or refreshed) manifest and the clock to judge
    /// them by; the gallery on screen (the copies of all its links) is
    /// protected from eviction.
    pub fn set_manifest(&self, manifest: &Arc<Manifest>, clock: ServerClock) {
        self.fresh_urls.try_update(|n| *n += 1);
        let mut s = self.state.borrow_mut();
        s.clock = clock;
        s.protect = Some(manifest.gallery.clone());
        // The old index goes first: at 10,000 photos it is megabytes, and
        // wasm memory never shrinks below its highest mark.
        s.index = HashMap::new();
        let mut index = HashMap::with_capacity(manifest.images.len() * 2);
        for (photo, image) in manifest.images.iter().enumerate() {
            for (nth, (_, r)) in image.renditions.each().enumerate() {
                index.insert(r.sha256.clone(), (photo as u32, nth as u8));
            }
        }
        s.others.retain(|hash, _| !index.contains_key(hash));
        s.index = index;
        s.current = Some(Arc::clone(manifest));
    }

    /// Verified bytes from the device, if it has them. A bad entry is deleted.
    pub async fn cached(&self, r: &Rendition) -> Option<Vec<u8>> {
        let db = self.db()?;
        let bytes = self.read(&r.sha256).await?;
        match verify(&bytes, r) {
            Ok(()) => Some(bytes),
            Err(e) => {
                leptos::logging::warn!(
                    "dropping a damaged saved photo ({e}); downloading it again"
                );
                let _ = db.delete_entries(std::slice::from_ref(&r.sha256)).await;
                if let Some(sizes) = self.state.borrow_mut().sizes.as_mut() {
                    sizes.remove(&r.sha256);
                }
                None
            }
        }
    }

    /// The device's bytes of `hash`, unverified, read together with those
    /// the other photos ask for in the same turn.
    async fn read(&self, hash: &ContentHash) -> Option<Vec<u8>> {
        let (tx, rx) = oneshot::channel();
        let first = {
            let mut s = self.state.borrow_mut();
            s.reads.push((hash.clone(), tx));
            s.reads.len() == 1
        };
        if first {
            // Runs after the tasks already waiting: the rest of the screen.
            let this = self.clone();
            wasm_bindgen_futures::spawn_local(async move { this.read_together().await });
        }
        rx.await.ok().flatten()
    }

    /// Reads every waiting [`Loader::read`] in one transaction, answering
    /// each as its bytes arrive (on failure, the rest hear nothing: not
    /// on the device, so downloaded).
    async fn read_together(&self) {
        let reads = std::mem::take(&mut self.state.borrow_mut().reads);
        let Some(db) = self.db() else { return };
        let hashes: Vec<ContentHash> = reads.iter().map(|(h, _)| h.clone()).collect();
        let mut answers = reads.into_iter().map(|(_, tx)| tx);
        let _ = db
            .get_entries(&hashes, |bytes| {
                if let Some(tx) = answers.next() {
                    let _ = tx.send(bytes);
                }
            })
            .await;
    }

    /// Whether the device holds `hash` (by the size index; not verified).
    pub async fn is_stored(&self, hash: &ContentHash) -> bool {
        self.read_sizes().await;
        self.with_sizes(|s| s.contains_key(hash))
    }

    /// The rendition's bytes: from the device, else downloaded at `priority`.
    pub async fn load(&self, r: &Rendition, priority: Priority) -> Result<Vec<u8>, Miss> {
        if let Some(bytes) = self.cached(r).await {
            return Ok(bytes);
        }
        let rx = {
            let mut s = self.state.borrow_mut();
            let now = s.clock.server_now(now_secs());
            if !s.index.contains_key(&r.sha256) {
                s.others.insert(r.sha256.clone(), r.clone());
            }
            let Some(first) = s.usable_urls(&r.sha256, now).into_iter().next() else {
                return Err(Miss::NotOffline);
            };
            if !network::is_online() {
                return Err(Miss::Failed);
            }
            let host = host_of(&first);
            s.queue.request(Job {
                hash: r.sha256.clone(),
                host,
                priority,
            });
            let (tx, rx) = oneshot::channel();
            s.waiters.entry(r.sha256.clone()).or_default().push(tx);
            rx
        };
        self.pump();
        let guard = CancelOnDrop {
            loader: self.clone(),
            hash: r.sha256.clone(),
            armed: true,
        };
        let result = rx.await.unwrap_or(Err(Miss::Failed));
        let mut guard = guard;
        guard.armed = false;
        result
    }

    /// Waits until no download is queued or running (checked every 100 ms,
    /// so the photos a screen just asked for are in the queue), or for at
    /// most `cap_ms`.
    pub async fn quiet(&self, cap_ms: i64) {
        let until = now_ms() + cap_ms;
        loop {
            gloo_timers::future::TimeoutFuture::new(100).await;
            if self.state.borrow().queue.is_idle() || now_ms() >= until {
                return;
            }
        }
    }

    /// Withdraws every waiting background download (saving was cancelled).
    pub fn cancel_background(&self) {
        self.state
            .borrow_mut()
            .queue
            .cancel_priority(Priority::Background);
    }

    /// Starts every download the queue allows now, and wakes up for the rest.
    fn pump(&self) {
        let now = now_ms();
        let jobs: Vec<Job> = {
            let mut s = self.state.borrow_mut();
            std::iter::from_fn(|| s.queue.next(now)).collect()
        };
        for job in jobs {
            let this = self.clone();
            leptos::task::spawn_local(async move { this.run(job).await });
        }
        let mut s = self.state.borrow_mut();
        s.wake = s.queue.next_wake(now).map(|at| {
            let this = self.clone();
            let delay = (at - now).clamp(0, i64::from(i32::MAX)) as u32;
            gloo_timers::callback::Timeout::new(delay, move || this.pump())
        });
    }

    async fn run(&self, job: Job) {
        let urls = {
            let s = self.state.borrow();
            s.usable_urls(&job.hash, s.clock.server_now(now_secs()))
        };
        // Each URL in turn (CloudFront, then the store), until one answers
        // with the bytes the manifest promised.
        let mut verified = None;
        for url in urls {
            let Some(bytes) = fetch_bytes(&url).await else {
                continue;
            };
            if proofline_core::cache::sha256(&bytes) == job.hash {
                verified = Some(bytes);
                break;
            }
            leptos::logging::warn!("a downloaded photo did not match its hash; retrying");
        }
        let outcome = if verified.is_some() {
            DownloadEnd::Done
        } else {
            DownloadEnd::Failed
        };
        let after = {
            let mut s = self.state.borrow_mut();
            s.queue
                .finish(job.clone(), outcome, now_ms(), random::unit())
        };
        match after {
            AfterFinish::Done => self.stalled.set(false),
            AfterFinish::RetryAt(_) => self.stalled.set(true),
            AfterFinish::GaveUp => {}
        }
        match (after, verified) {
            (AfterFinish::Done, Some(bytes)) => {
                // Stored first, so "saved" means saved when the caller hears.
                self.store(&job.hash, &bytes).await;
                self.deliver(&job.hash, Ok(bytes));
            }
            (AfterFinish::GaveUp, _) => self.deliver(&job.hash, Err(Miss::Failed)),
            _ => {}
        }
        self.pump();
    }

    fn deliver(&self, hash: &ContentHash, result: Result<Vec<u8>, Miss>) {
        let waiters = self
            .state
            .borrow_mut()
            .waiters
            .remove(hash)
            .unwrap_or_default();
        for w in waiters {
            let _ = w.send(result.clone());
        }
    }

    /// A copy of the stored entries' sizes (for planning eviction).
    pub(super) async fn sizes(&self) -> HashMap<ContentHash, u64> {
        self.read_sizes().await;
        self.with_sizes(HashMap::clone)
    }

    /// Reads the stored entries' sizes from IndexedDB, the first time.
    async fn read_sizes(&self) {
        if self.state.borrow().sizes.is_some() {
            return;
        }
        let sizes = match self.db() {
            Some(db) => db.entry_sizes().await.unwrap_or_default(),
            None => HashMap::new(),
        };
        // Another call may have read them (and stored more) meanwhile.
        self.state.borrow_mut().sizes.get_or_insert(sizes);
    }

    /// `f` of the stored entries' sizes (once read), in place: a photo is
    /// stored per download, 10,000 in a scroll through a large gallery.
    fn with_sizes<R>(&self, f: impl FnOnce(&HashMap<ContentHash, u64>) -> R) -> R {
        f(self
            .state
            .borrow()
            .sizes
            .as_ref()
            .unwrap_or(&HashMap::new()))
    }

    /// The bytes of photos stored (once read).
    fn used_bytes(&self) -> u64 {
        self.with_sizes(|s| s.values().sum())
    }

    /// Keeps verified bytes on the device within the budget: evicts the least
    /// recently viewed galleries first if needed, and once more if the browser
    /// itself says it is full; after that, says storage is full.
    pub(crate) async fn store(&self, hash: &ContentHash, bytes: &[u8]) {
        let Some(db) = self.db() else { return };
        let size = bytes.len() as u64;
        self.read_sizes().await;
        let used = self.used_bytes();
        let budget = self.state.borrow().budget;
        if used + size > budget && !self.evict(size, budget).await {
            // Even evicting every other gallery leaves no room: the photo is
            // shown but not kept.
            self.storage_full.set(true);
            return;
        }
        let mut result = db.put_entry(hash, bytes).await;
        if result == Err(DbError::QuotaExceeded) {
            // The browser's quota is below our budget: free `size` bytes more
            // than we hold now, then try once more.
            let used = self.used_bytes();
            if self.evict(size, used).await {
                result = db.put_entry(hash, bytes).await;
            }
        }
        match result {
            Ok(()) => {
                if let Some(s) = self.state.borrow_mut().sizes.as_mut() {
                    s.insert(hash.clone(), size);
                }
            }
            Err(DbError::QuotaExceeded) => self.storage_full.set(true),
            Err(e) => leptos::logging::warn!("could not save a photo on this device: {e}"),
        }
    }
}

/// Withdraws a waiting download whose every caller has gone (a tile that left
/// the page before its photo arrived).
struct CancelOnDrop {
    loader: Loader,
    hash: ContentHash,
    armed: bool,
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        let mut s = self.loader.state.borrow_mut();
        let empty = s.waiters.get_mut(&self.hash).is_none_or(|w| {
            w.retain(|tx| !tx.is_canceled());
            w.is_empty()
        });
        if empty {
            s.waiters.remove(&self.hash);
            s.queue.cancel(&self.hash);
        }
    }
}

fn host_of(url: &str) -> String {
    url.split('/').take(3).collect::<Vec<_>>().join("/")
}

mod room;

pub use room::RECORD_ROOM;

#[cfg(test)]
pub(crate) mod tests;

//! The IndexedDB adapter: the device's copy of galleries and image bytes.
//!
//! Thin on purpose: it stores and returns bytes and records; what may be
//! shown, kept or evicted is decided in `proofline_core::cache`.
//!
//! Two rules from the field (see ARCHITECTURE.md):
//! - A transaction auto-commits as soon as the event loop goes idle, so inside
//!   one nothing is awaited but its own requests: bytes are hashed and checked
//!   *before* a write transaction opens, and every method ends by awaiting its
//!   transaction's `complete` (a write is durable when the method returns).
//! - Image bytes are stored as `Uint8Array`, never as `Blob` (Safari has lost
//!   Blobs in IndexedDB repeatedly). Object URLs are made on display.
//!
//! Stores: `entries` (content SHA-256 → bytes), `entry_sizes` (SHA-256 → byte
//! count, so the budget is summed without reading any bytes) and `galleries`
//! (link → [`SavedGallery`] as JSON); since version 2, `outbox` (`{link}/{op
//! id}` → op JSON: choices not yet confirmed by the studio), `choices` (link →
//! what the studio last confirmed, JSON) and `meta` (this device's id and
//! clock, and records the layers above name).
//!
//! Per link, not per gallery: a [`LinkKey`] names each share link's data, so
//! two links of one gallery never share a queue. Photo bytes are shared by
//! content. An older app filed the same records under the bare gallery id;
//! [`Db::adopt_legacy`] moves them under the first link of that gallery
//! opened since.

use std::collections::HashMap;
use std::sync::Arc;

use js_sys::{Array, Promise, Uint8Array};
use proofline_core::route::LinkKey;
use proofline_core::wording;
use proofline_core::{ContentHash, GalleryId};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbRequest, IdbTransaction, IdbTransactionMode};

pub const DB_NAME: &str = "proofline";
const VERSION: u32 = 2;
const ENTRIES: &str = "entries";
const SIZES: &str = "entry_sizes";
const GALLERIES: &str = "galleries";
const OUTBOX: &str = "outbox";
const META: &str = "meta";
const CHOICES: &str = "choices";

/// Why the device store failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DbError {
    /// The browser refused the write for lack of space.
    #[error("{}", wording::DEVICE_FULL)]
    QuotaExceeded,
    /// IndexedDB cannot be used at all (some private modes, disabled storage).
    #[error("{}", wording::storage_unavailable(.0))]
    Unavailable(String),
    #[error("{}", wording::device_store_failed(.0))]
    Failed(String),
}

/// A gallery as kept on the device, for one link (filed under its
/// [`LinkKey`]).
#[derive(Debug, Clone, PartialEq)]
pub struct SavedGallery {
    pub gallery: GalleryId,
    /// The manifest as received (validated again when read); shared with
    /// the page that shows it.
    pub manifest: Arc<String>,
    /// Where it came from: `origin` or `mirror`.
    pub source: String,
    /// Server time minus device time, in seconds, as last observed from the
    /// origin: how expiry is judged while only this copy is available.
    pub clock_offset: i64,
    /// When the customer last had it on screen (device ms), for eviction.
    pub last_viewed: f64,
    /// The customer asked to keep the whole gallery for offline use.
    pub keep_offline: bool,
}

/// An open device store.
#[derive(Clone)]
pub struct Db {
    db: IdbDatabase,
}

impl Db {
    /// Opens (creating or upgrading) the database `name`.
    pub async fn open(name: &str) -> Result<Db, DbError> {
        let factory = web_sys::window()
            .and_then(|w| w.indexed_db().ok().flatten())
            .ok_or_else(|| DbError::Unavailable("no IndexedDB".into()))?;
        let open = factory
            .open_with_u32(name, VERSION)
            .map_err(|e| DbError::Unavailable(describe(&e)))?;
        let upgrade = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::Event)>::new(
            move |e: web_sys::Event| {
                let Some(req) = e.target().and_then(|t| t.dyn_into::<IdbRequest>().ok()) else {
                    return;
                };
                let Ok(db) = req.result().and_then(|r| r.dyn_into::<IdbDatabase>()) else {
                    return;
                };
                let names = db.object_store_names();
                for store in [ENTRIES, SIZES, GALLERIES, OUTBOX, META, CHOICES] {
                    if !names.contains(store) {
                        let _ = db.create_object_store(store);
                    }
                }
            },
        );
        open.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
        let result = request(&open).await;
        open.set_onupgradeneeded(None);
        drop(upgrade);
        let db = result
            .map_err(|e| DbError::Unavailable(e.to_string()))?
            .dyn_into::<IdbDatabase>()
            .map_err(|_| DbError::Unavailable("not a database".into()))?;
        // A newer version of the app in another tab wants to upgrade: let it.
        let close = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::Event)>::new({
            let db = db.clone();
            move |_| db.close()
        });
        db.set_onversionchange(Some(close.as_ref().unchecked_ref()));
        close.forget(); // lives as long as the connection: once per page
        Ok(Db { db })
    }

    fn tx(&self, stores: &[&str], mode: IdbTransactionMode) -> Result<IdbTransaction, DbError> {
        let names = Array::new();
        for s in stores {
            names.push(&JsValue::from_str(s));
        }
        self.db
            .transaction_with_str_sequence_and_mode(&names, mode)
            .map_err(|e| DbError::Failed(describe(&e)))
    }

    /// The stored bytes of `hash`, unchecked (the caller verifies them).
    #[cfg(test)]
    pub async fn get_entry(&self, hash: &ContentHash) -> Result<Option<Vec<u8>>, DbError> {
        let mut found = None;
        self.get_entries(std::slice::from_ref(hash), |bytes| found = bytes)
            .await?;
        Ok(found)
    }

    /// The stored bytes of each of `hashes`, unchecked (the caller verifies
    /// them), read in one transaction: `each` hears of them in the order of
    /// `hashes`, each as soon as it is read. A screen of tiles asks at once, and
    /// one transaction costs the browser far less than one per photo.
    pub async fn get_entries(
        &self,
        hashes: &[ContentHash],
        mut each: impl FnMut(Option<Vec<u8>>),
    ) -> Result<(), DbError> {
        let tx = self.tx(&[ENTRIES], IdbTransactionMode::Readonly)?;
        let store = tx.object_store(ENTRIES).map_err(failed)?;
        // Every request is listened to before any is awaited, so none can
        // succeed unheard while an earlier one is awaited.
        let mut gets = Vec::with_capacity(hashes.len());
        for hash in hashes {
            let get = store.get(&hash.as_str().into()).map_err(failed)?;
            let answer = answered(&get);
            gets.push((get, answer));
        }
        for (get, answer) in gets {
            let value = settle(&get, answer.await)?;
            each(value.dyn_into::<Uint8Array>().ok().map(|a| a.to_vec()));
        }
        Ok(())
    }

    /// Stores `bytes` under `hash` with its size, in one transaction that has
    /// committed when this returns.
    pub async fn put_entry(&self, hash: &ContentHash, bytes: &[u8]) -> Result<(), DbError> {
        let tx = self.tx(&[ENTRIES, SIZES], IdbTransactionMode::Readwrite)?;
        let key = JsValue::from_str(hash.as_str());
        let array = Uint8Array::from(bytes);
        tx.object_store(ENTRIES)
            .and_then(|s| s.put_with_key(&array, &key))
            .map_err(failed)?;
        tx.object_store(SIZES)
            .and_then(|s| s.put_with_key(&JsValue::from_f64(bytes.len() as f64), &key))
            .map_err(failed)?;
        done(&tx).await
    }

    /// Deletes the database `name` (tests start from an empty one).
    #[cfg(test)]
    pub async fn delete(name: &str) {
        let factory = web_sys::window().and_then(|w| w.indexed_db().ok().flatten());
        if let Some(deleting) = factory.and_then(|f| f.delete_database(name).ok()) {
            let _ = request(&deleting).await;
        }
    }

    /// Hashes `bytes` (before any transaction opens) and stores them.
    #[cfg(test)]
    pub async fn put_entry_hashed(&self, bytes: &[u8]) -> Result<(), DbError> {
        let hash = proofline_core::cache::sha256(bytes);
        self.put_entry(&hash, bytes).await
    }

    /// Deletes entries and their sizes, in one transaction.
    pub async fn delete_entries(&self, hashes: &[ContentHash]) -> Result<(), DbError> {
        if hashes.is_empty() {
            return Ok(());
        }
        let tx = self.tx(&[ENTRIES, SIZES], IdbTransactionMode::Readwrite)?;
        let (entries, sizes) = (
            tx.object_store(ENTRIES).map_err(failed)?,
            tx.object_store(SIZES).map_err(failed)?,
        );
        for h in hashes {
            let key = JsValue::from_str(h.as_str());
            entries.delete(&key).map_err(failed)?;
            sizes.delete(&key).map_err(failed)?;
        }
        done(&tx).await
    }

    /// Every stored entry and its size, read without touching any bytes.
    pub async fn entry_sizes(&self) -> Result<HashMap<ContentHash, u64>, DbError> {
        let tx = self.tx(&[SIZES], IdbTransactionMode::Readonly)?;
        let store = tx.object_store(SIZES).map_err(failed)?;
        let keys = store.get_all_keys().map_err(failed)?;
        let values = store.get_all().map_err(failed)?;
        let (keys, values) = (request(&keys).await?, request(&values).await?);
        let (keys, values) = (Array::from(&keys), Array::from(&values));
        Ok(keys
            .iter()
            .zip(values.iter())
            .filter_map(|(k, v)| {
                let hash = ContentHash::parse(k.as_string()?).ok()?;
                Some((hash, v.as_f64()? as u64))
            })
            .collect())
    }

    pub async fn get_gallery(&self, link: &LinkKey) -> Result<Option<SavedGallery>, DbError> {
        Ok(self
            .gallery_record(link)
            .await?
            .and_then(|v| record::decode(&v)))
    }

    /// Whether the device has a copy of `link`'s gallery, and whether it is
    /// saved for offline: read without its manifest.
    pub async fn gallery_kept(&self, link: &LinkKey) -> Result<Option<bool>, DbError> {
        let record = self.gallery_record(link).await?;
        Ok(record.and_then(|v| record::decode_kept(&v)))
    }

    async fn gallery_record(&self, link: &LinkKey) -> Result<Option<JsValue>, DbError> {
        let tx = self.tx(&[GALLERIES], IdbTransactionMode::Readonly)?;
        let store = tx.object_store(GALLERIES).map_err(failed)?;
        let value = request(&store.get(&link.as_str().into()).map_err(failed)?).await?;
        Ok((!value.is_undefined()).then_some(value))
    }

    pub async fn put_gallery(&self, link: &LinkKey, saved: &SavedGallery) -> Result<(), DbError> {
        let tx = self.tx(&[GALLERIES], IdbTransactionMode::Readwrite)?;
        let record = record::encode(saved)?;
        tx.object_store(GALLERIES)
            .and_then(|s| s.put_with_key(&record, &link.as_str().into()))
            .map_err(failed)?;
        done(&tx).await
    }

    pub async fn all_galleries(&self) -> Result<Vec<SavedGallery>, DbError> {
        let tx = self.tx(&[GALLERIES], IdbTransactionMode::Readonly)?;
        let store = tx.object_store(GALLERIES).map_err(failed)?;
        let all = request(&store.get_all().map_err(failed)?).await?;
        Ok(Array::from(&all)
            .iter()
            .filter_map(|v| record::decode(&v))
            .collect())
    }

    /// Queues an op and saves the device's clock, in one transaction that has
    /// committed when this returns: a choice is on disk before it is shown.
    pub async fn record_op(
        &self,
        link: &LinkKey,
        op_id: &str,
        op_json: &str,
        clock_json: &str,
    ) -> Result<(), DbError> {
        let tx = self.tx(&[OUTBOX, META], IdbTransactionMode::Readwrite)?;
        tx.object_store(OUTBOX)
            .and_then(|s| s.put_with_key(&op_json.into(), &outbox_key(link.as_str(), op_id)))
            .map_err(failed)?;
        tx.object_store(META)
            .and_then(|s| s.put_with_key(&clock_json.into(), &CLOCK_KEY.into()))
            .map_err(failed)?;
        done(&tx).await
    }

    /// The link's queued ops (JSON), in no particular order.
    pub async fn pending_ops(&self, link: &LinkKey) -> Result<Vec<String>, DbError> {
        let tx = self.tx(&[OUTBOX], IdbTransactionMode::Readonly)?;
        let store = tx.object_store(OUTBOX).map_err(failed)?;
        let range = outbox_range(link.as_str())?;
        let all = request(&store.get_all_with_key(&range).map_err(failed)?).await?;
        Ok(Array::from(&all)
            .iter()
            .filter_map(|v| v.as_string())
            .collect())
    }

    /// Removes confirmed (or refused) ops from the queue and saves what the
    /// studio confirmed, in one transaction.
    pub async fn settle_ops(
        &self,
        link: &LinkKey,
        op_ids: &[String],
        choices_json: &str,
    ) -> Result<(), DbError> {
        let tx = self.tx(&[OUTBOX, CHOICES], IdbTransactionMode::Readwrite)?;
        let outbox = tx.object_store(OUTBOX).map_err(failed)?;
        for id in op_ids {
            outbox
                .delete(&outbox_key(link.as_str(), id))
                .map_err(failed)?;
        }
        tx.object_store(CHOICES)
            .and_then(|s| s.put_with_key(&choices_json.into(), &link.as_str().into()))
            .map_err(failed)?;
        done(&tx).await
    }

    /// What the studio last confirmed for the link (JSON).
    pub async fn get_choices(&self, link: &LinkKey) -> Result<Option<String>, DbError> {
        self.get_string(CHOICES, link.as_str()).await
    }

    pub async fn get_meta(&self, key: &str) -> Result<Option<String>, DbError> {
        self.get_string(META, key).await
    }

    pub async fn put_meta(&self, key: &str, value: &str) -> Result<(), DbError> {
        let tx = self.tx(&[META], IdbTransactionMode::Readwrite)?;
        tx.object_store(META)
            .and_then(|s| s.put_with_key(&value.into(), &key.into()))
            .map_err(failed)?;
        done(&tx).await
    }

    async fn get_string(&self, store: &str, key: &str) -> Result<Option<String>, DbError> {
        let tx = self.tx(&[store], IdbTransactionMode::Readonly)?;
        let store = tx.object_store(store).map_err(failed)?;
        Ok(request(&store.get(&key.into()).map_err(failed)?)
            .await?
            .as_string())
    }

    /// Forgets a link's saved copy and confirmed choices, and (when
    /// `with_ops`) its queued ops, in one transaction. The gallery's other
    /// links keep theirs.
    pub async fn forget_link(&self, link: &LinkKey, with_ops: bool) -> Result<(), DbError> {
        let tx = self.tx(&[GALLERIES, CHOICES, OUTBOX], IdbTransactionMode::Readwrite)?;
        let key: JsValue = link.as_str().into();
        tx.object_store(GALLERIES)
            .and_then(|s| s.delete(&key))
            .map_err(failed)?;
        tx.object_store(CHOICES)
            .and_then(|s| s.delete(&key))
            .map_err(failed)?;
        if with_ops {
            let range = outbox_range(link.as_str())?;
            tx.object_store(OUTBOX)
                .and_then(|s| s.delete(&range))
                .map_err(failed)?;
        }
        done(&tx).await
    }

    pub async fn delete_meta(&self, key: &str) -> Result<(), DbError> {
        let tx = self.tx(&[META], IdbTransactionMode::Readwrite)?;
        tx.object_store(META)
            .and_then(|s| s.delete(&key.into()))
            .map_err(failed)?;
        done(&tx).await
    }

    /// Deletes the saved copies of these galleries, every link's (and one an
    /// older app kept), in one transaction: eviction, which goes by gallery
    /// since a gallery's links share its photos. Choices are left alone.
    pub async fn delete_galleries(&self, ids: &[GalleryId]) -> Result<(), DbError> {
        if ids.is_empty() {
            return Ok(());
        }
        let tx = self.tx(&[GALLERIES], IdbTransactionMode::Readwrite)?;
        let store = tx.object_store(GALLERIES).map_err(failed)?;
        for id in ids {
            store.delete(&id.as_str().into()).map_err(failed)?;
            let links = prefix_range(&LinkKey::gallery_prefix(id))?;
            store.delete(&links).map_err(failed)?;
        }
        done(&tx).await
    }
}

/// The `meta` key of the device's hybrid logical clock.
pub const CLOCK_KEY: &str = "clock";

/// An op's key: `{owner}/{op id}`, the owner being a link key (or, in what an
/// older app queued, a gallery id).
fn outbox_key(owner: &str, op_id: &str) -> JsValue {
    format!("{owner}/{op_id}").into()
}

/// Every op queued under `owner`: keys starting `{owner}/`. Neither a gallery
/// id nor a link key contains `/`, so no other owner's ops are in it.
fn outbox_range(owner: &str) -> Result<web_sys::IdbKeyRange, DbError> {
    prefix_range(&format!("{owner}/"))
}

/// Every key starting with `prefix` (keys are ASCII here).
fn prefix_range(prefix: &str) -> Result<web_sys::IdbKeyRange, DbError> {
    web_sys::IdbKeyRange::bound(&prefix.into(), &format!("{prefix}\u{ffff}").into()).map_err(failed)
}

/// Resolves with a request's result. Awaiting this inside a transaction is
/// safe: the continuation runs as a microtask of the success event, while the
/// transaction is still active.
async fn request(req: &IdbRequest) -> Result<JsValue, DbError> {
    let answer = answered(req);
    settle(req, answer.await)
}

/// Listens for `req`'s outcome, from now on.
fn answered(req: &IdbRequest) -> JsFuture {
    JsFuture::from(Promise::new(&mut |resolve, reject| {
        req.set_onsuccess(Some(&resolve));
        req.set_onerror(Some(&reject));
    }))
}

/// `req`'s result, once [`answered`] has said how it went.
fn settle(req: &IdbRequest, outcome: Result<JsValue, JsValue>) -> Result<JsValue, DbError> {
    req.set_onsuccess(None);
    req.set_onerror(None);
    match outcome {
        Ok(_) => req.result().map_err(failed),
        Err(_) => Err(match req.error() {
            Ok(Some(e)) => classify(&e),
            _ => DbError::Failed("request failed".into()),
        }),
    }
}

/// Resolves when the transaction has committed; fails if it aborted.
async fn done(tx: &IdbTransaction) -> Result<(), DbError> {
    let promise = Promise::new(&mut |resolve, reject| {
        tx.set_oncomplete(Some(&resolve));
        tx.set_onerror(Some(&reject));
        tx.set_onabort(Some(&reject));
    });
    let outcome = JsFuture::from(promise).await;
    match outcome {
        Ok(_) => Ok(()),
        Err(_) => Err(match tx.error() {
            Some(e) => classify(&e),
            None => DbError::Failed("transaction aborted".into()),
        }),
    }
}

fn classify(e: &web_sys::DomException) -> DbError {
    if e.name() == "QuotaExceededError" {
        DbError::QuotaExceeded
    } else {
        DbError::Failed(format!("{}: {}", e.name(), e.message()))
    }
}

fn failed(e: JsValue) -> DbError {
    match e.dyn_ref::<web_sys::DomException>() {
        Some(d) => classify(d),
        None => DbError::Failed(describe(&e)),
    }
}

fn describe(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| format!("{e:?}"))
}

mod legacy;
mod record;
#[cfg(test)]
mod tests;

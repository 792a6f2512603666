//! The device store in a real browser (headless Chromium): round trips,
//! verification, eviction order, the storage-full path, and the transaction
//! rule (nothing but IndexedDB requests awaited inside a transaction).

use futures::future::join_all;
use proofline_core::cache::sha256;
use proofline_core::{Manifest, Rendition};
use wasm_bindgen_test::*;

use super::*;
use crate::loader::Loader;
use leptos::prelude::GetUntracked as _;

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh, empty database per test.
async fn fresh(name: &str) -> Db {
    let factory = web_sys::window().unwrap().indexed_db().unwrap().unwrap();
    let _ = request(&factory.delete_database(name).unwrap()).await;
    Db::open(name).await.expect("IndexedDB opens")
}

fn rendition(bytes: &[u8]) -> Rendition {
    Rendition {
        width: 1,
        height: 1,
        bytes: bytes.len() as u64,
        sha256: sha256(bytes),
        url: "https://store.example/x.jpg".into(),
        expires_at: 1,
        fallbacks: Vec::new(),
    }
}

/// A saved gallery whose manifest refers to `photos` (thumb and proof alike).
fn saved(id: &str, last_viewed: f64, photos: &[&[u8]]) -> SavedGallery {
    let images: Vec<String> = photos
        .iter()
        .enumerate()
        .map(|(i, bytes)| {
            let r = serde_json::to_string(&rendition(bytes)).unwrap();
            format!(
                r#"{{"id":"p{i}","file_name":"p{i}.jpg","alt":"p{i}","width":4,"height":3,
                   "thumbhash":"1QcSHQRnh493V4dIh4eXh1h4kJUI","renditions":{{"thumb":{r},"proof":{r}}}}}"#
            )
        })
        .collect();
    let manifest = format!(
        r#"{{"version":1,"gallery":"{id}","title":"{id}","server_time":1,"images":[{}]}}"#,
        images.join(",")
    );
    Manifest::from_json(&manifest).expect("a valid manifest");
    SavedGallery {
        gallery: GalleryId::parse(id).unwrap(),
        manifest,
        source: "origin".into(),
        clock_offset: 0,
        last_viewed,
        keep_offline: false,
    }
}

#[wasm_bindgen_test]
async fn bytes_round_trip_with_their_size_and_are_deleted_together() {
    let db = fresh("t-roundtrip").await;
    let bytes = vec![7u8; 1000];
    let hash = sha256(&bytes);
    assert_eq!(db.get_entry(&hash).await.unwrap(), None);
    db.put_entry(&hash, &bytes).await.unwrap();
    assert_eq!(db.get_entry(&hash).await.unwrap(), Some(bytes));
    assert_eq!(db.entry_sizes().await.unwrap().get(&hash), Some(&1000));
    db.delete_entries(std::slice::from_ref(&hash))
        .await
        .unwrap();
    assert_eq!(db.get_entry(&hash).await.unwrap(), None);
    assert!(db.entry_sizes().await.unwrap().is_empty());
}

#[wasm_bindgen_test]
async fn a_damaged_entry_is_never_returned_and_is_deleted() {
    let db = fresh("t-verify").await;
    let bytes = b"a real jpeg, honestly".to_vec();
    let r = rendition(&bytes);
    let loader = Loader::new();
    loader.attach(Some(db.clone()), u64::MAX);

    db.put_entry(&r.sha256, &bytes).await.unwrap();
    assert_eq!(loader.cached(&r).await, Some(bytes.clone()));

    let mut damaged = bytes.clone();
    damaged[3] ^= 0xff;
    db.put_entry(&r.sha256, &damaged).await.unwrap();
    assert_eq!(loader.cached(&r).await, None, "a flipped byte is caught");
    assert_eq!(db.get_entry(&r.sha256).await.unwrap(), None, "and dropped");

    db.put_entry(&r.sha256, &bytes[..10]).await.unwrap();
    assert_eq!(loader.cached(&r).await, None, "a truncated entry is caught");
}

#[wasm_bindgen_test]
async fn the_least_recently_viewed_gallery_is_evicted_first_never_the_one_on_screen() {
    let db = fresh("t-evict").await;
    let (a, b, c, d) = (
        vec![1u8; 400],
        vec![2u8; 400],
        vec![3u8; 400],
        vec![4u8; 400],
    );
    let oldest = saved("oldest", 1.0, &[&a]);
    let older = saved("older", 2.0, &[&b]);
    // On screen, yet viewed longest ago of all: still protected.
    let current = saved("current", 0.5, &[&c, &d]);
    for g in [&oldest, &older, &current] {
        db.put_gallery(g).await.unwrap();
    }
    let loader = Loader::new();
    loader.attach(Some(db.clone()), 1_300);
    let current_manifest = Manifest::from_json(&current.manifest).unwrap();
    loader.set_manifest(&current_manifest, Default::default());
    for bytes in [&a, &b, &c] {
        loader.store(&sha256(bytes), bytes).await;
    }
    // 1,200 bytes held; 400 more exceed 1,300: "oldest" goes, nothing else.
    loader.store(&sha256(&d), &d).await;
    let sizes = db.entry_sizes().await.unwrap();
    assert!(
        !sizes.contains_key(&sha256(&a)),
        "oldest gallery's photo evicted"
    );
    for kept in [&b, &c, &d] {
        assert!(sizes.contains_key(&sha256(kept)));
    }
    let left: Vec<String> = db
        .all_galleries()
        .await
        .unwrap()
        .into_iter()
        .map(|g| g.gallery.to_string())
        .collect();
    assert_eq!(left, vec!["current", "older"]);
    assert!(!loader.storage_full.get_untracked());
}

#[wasm_bindgen_test]
async fn when_nothing_can_be_evicted_storage_full_is_reported_and_nothing_is_lost() {
    let db = fresh("t-full").await;
    let kept = vec![5u8; 300];
    let current = saved("current", 1.0, &[&kept]);
    db.put_gallery(&current).await.unwrap();
    let loader = Loader::new();
    loader.attach(Some(db.clone()), 500);
    loader.set_manifest(
        &Manifest::from_json(&current.manifest).unwrap(),
        Default::default(),
    );
    loader.store(&sha256(&kept), &kept).await;
    let big = vec![6u8; 400];
    loader.store(&sha256(&big), &big).await;
    assert!(loader.storage_full.get_untracked(), "the customer is told");
    let sizes = db.entry_sizes().await.unwrap();
    assert!(
        sizes.contains_key(&sha256(&kept)),
        "the gallery on screen keeps its photos"
    );
    assert!(!sizes.contains_key(&sha256(&big)));
}

#[wasm_bindgen_test]
fn the_browsers_quota_error_is_recognised() {
    let e = web_sys::DomException::new_with_message_and_name("full", "QuotaExceededError").unwrap();
    assert_eq!(classify(&e), DbError::QuotaExceeded);
    assert_eq!(failed(e.into()), DbError::QuotaExceeded);
    let other = web_sys::DomException::new_with_message_and_name("x", "DataError").unwrap();
    assert!(matches!(classify(&other), DbError::Failed(m) if m.contains("DataError")));
}

#[wasm_bindgen_test]
async fn many_concurrent_writes_all_commit_and_are_readable_at_once() {
    let db = fresh("t-concurrent").await;
    let blobs: Vec<Vec<u8>> = (0..40u8).map(|i| vec![i; 100 + i as usize]).collect();
    let results = join_all(blobs.iter().map(|b| db.put_entry_hashed(b))).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let sizes = db.entry_sizes().await.unwrap();
    assert_eq!(sizes.len(), 40);
    for b in &blobs {
        assert_eq!(sizes.get(&sha256(b)), Some(&(b.len() as u64)));
    }
}

/// Why the adapter never awaits anything but IndexedDB inside a transaction:
/// a transaction left idle across a timer has committed, and the next request
/// on it fails. If a browser ever changed this, this test would say so.
#[wasm_bindgen_test]
async fn a_transaction_does_not_survive_awaiting_a_timer() {
    let db = fresh("t-autocommit").await;
    let tx = db.tx(&[ENTRIES], IdbTransactionMode::Readwrite).unwrap();
    let store = tx.object_store(ENTRIES).unwrap();
    request(
        &store
            .put_with_key(&Uint8Array::from(&[1u8][..]), &"a".into())
            .unwrap(),
    )
    .await
    .expect("first request, while active");
    gloo_timers::future::TimeoutFuture::new(20).await;
    let second = store.put_with_key(&Uint8Array::from(&[2u8][..]), &"b".into());
    let err = second.expect_err("the transaction auto-committed");
    let name = err.dyn_into::<web_sys::DomException>().unwrap().name();
    assert_eq!(name, "TransactionInactiveError");
}

#[wasm_bindgen_test]
async fn queued_choices_survive_until_settled_and_stay_per_gallery() {
    let db = fresh("proofline-test-outbox").await;
    let (a, b) = (
        GalleryId::parse("wedding").unwrap(),
        GalleryId::parse("wedding2").unwrap(),
    );
    db.record_op(&a, "op-1", "{\"n\":1}", "{\"wall_ms\":5,\"counter\":0}")
        .await
        .unwrap();
    db.record_op(&a, "op-2", "{\"n\":2}", "{\"wall_ms\":6,\"counter\":0}")
        .await
        .unwrap();
    db.record_op(&b, "op-3", "{\"n\":3}", "{\"wall_ms\":7,\"counter\":0}")
        .await
        .unwrap();
    // A gallery whose id starts with another's does not see its ops.
    let mut pending = db.pending_ops(&a).await.unwrap();
    pending.sort();
    assert_eq!(pending, ["{\"n\":1}", "{\"n\":2}"]);
    assert_eq!(
        db.get_meta(CLOCK_KEY).await.unwrap().as_deref(),
        Some("{\"wall_ms\":7,\"counter\":0}")
    );
    // Settling removes exactly the confirmed ops and saves the state with them.
    db.settle_ops(&a, &["op-1".into()], "{\"confirmed\":true}")
        .await
        .unwrap();
    assert_eq!(db.pending_ops(&a).await.unwrap(), ["{\"n\":2}"]);
    assert_eq!(
        db.get_choices(&a).await.unwrap().as_deref(),
        Some("{\"confirmed\":true}")
    );
    assert_eq!(db.pending_ops(&b).await.unwrap().len(), 1);
    // Reopening (a reload) finds the same queue.
    let again = Db::open("proofline-test-outbox").await.unwrap();
    assert_eq!(again.pending_ops(&a).await.unwrap(), ["{\"n\":2}"]);
}

#[wasm_bindgen_test]
async fn a_version_1_store_is_upgraded_and_keeps_its_photos() {
    let name = "proofline-test-upgrade";
    let factory = web_sys::window().unwrap().indexed_db().unwrap().unwrap();
    let _ = request(&factory.delete_database(name).unwrap()).await;
    // Version 1 as the previous release made it.
    let open = factory.open_with_u32(name, 1).unwrap();
    let upgrade = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::Event)>::new(
        move |e: web_sys::Event| {
            let req = e.target().unwrap().dyn_into::<IdbRequest>().unwrap();
            let db = req.result().unwrap().dyn_into::<IdbDatabase>().unwrap();
            for store in [ENTRIES, SIZES, GALLERIES] {
                db.create_object_store(store).unwrap();
            }
        },
    );
    open.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let v1 = Db {
        db: request(&open)
            .await
            .unwrap()
            .dyn_into::<IdbDatabase>()
            .unwrap(),
    };
    v1.put_entry_hashed(b"kept photo").await.unwrap();
    v1.db.close();
    let v2 = Db::open(name).await.unwrap();
    assert_eq!(
        v2.get_entry(&sha256(b"kept photo"))
            .await
            .unwrap()
            .as_deref(),
        Some(&b"kept photo"[..])
    );
    let g = GalleryId::parse("g1").unwrap();
    v2.record_op(&g, "op-1", "{}", "{}").await.unwrap();
    assert_eq!(v2.pending_ops(&g).await.unwrap().len(), 1);
}

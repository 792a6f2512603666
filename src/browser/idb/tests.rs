//! The device store in a real browser (headless Chromium): round trips,
//! the storage-full error, concurrent writes, the queue of choices, the
//! upgrade from version 1, and the transaction rule (nothing but IndexedDB
//! requests awaited inside a transaction). How the loader verifies and
//! evicts through it is tested in `state::loader`.

use futures::future::join_all;
use proofline_core::cache::sha256;
use wasm_bindgen_test::*;

use super::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh, empty database per test.
async fn fresh(name: &str) -> Db {
    Db::delete(name).await;
    Db::open(name).await.expect("IndexedDB opens")
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

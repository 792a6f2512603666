//! The device store in a real browser (headless Chromium): round trips,
//! the storage-full error, concurrent writes, the queue of choices, the
//! upgrade from version 1, two links of one gallery kept apart, an older
//! app's per-gallery data adopted by a link, and the transaction rule (nothing but IndexedDB
//! requests awaited inside a transaction). How the loader verifies and
//! evicts through it is tested in `state::loader`.

use futures::future::join_all;
use proofline_core::cache::sha256;
use wasm_bindgen_test::*;

use proofline_core::route::ShareToken;

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

/// The key of `gallery`'s link with `token` (tokens are 16+ characters).
fn link(gallery: &str, token: &str) -> LinkKey {
    LinkKey::new(
        &GalleryId::parse(gallery).unwrap(),
        &ShareToken::parse(token).unwrap(),
    )
}

const BRIDE: &str = "bride-token-0000000001";
const PARENTS: &str = "parents-token-00000002";

#[wasm_bindgen_test]
async fn queued_choices_survive_until_settled_and_stay_per_gallery() {
    let db = fresh("proofline-test-outbox").await;
    let (a, b) = (link("wedding", BRIDE), link("wedding2", BRIDE));
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
    let g = link("g1", BRIDE);
    v2.record_op(&g, "op-1", "{}", "{}").await.unwrap();
    assert_eq!(v2.pending_ops(&g).await.unwrap().len(), 1);
}

/// A saved copy of `gallery`, its manifest marked `mark` to tell copies apart.
fn saved(gallery: &str, mark: &str) -> SavedGallery {
    SavedGallery {
        gallery: GalleryId::parse(gallery).unwrap(),
        manifest: format!("{{\"for\":\"{mark}\"}}").into(),
        source: "origin".into(),
        clock_offset: 3,
        last_viewed: 1.0,
        keep_offline: true,
    }
}

/// Writes `value` under `key` in `store` as it is (an older app's records).
async fn put_raw(db: &Db, store: &str, key: &str, value: &str) {
    let tx = db.tx(&[store], IdbTransactionMode::Readwrite).unwrap();
    tx.object_store(store)
        .unwrap()
        .put_with_key(&value.into(), &key.into())
        .unwrap();
    done(&tx).await.unwrap();
}

/// A saved copy as an older app filed it: under the gallery id alone, its
/// record written by serde (the manifest second, escaped within).
async fn put_legacy_copy(db: &Db, gallery: &str) {
    let s = saved(gallery, "older app");
    let json = serde_json::json!({
        "gallery": s.gallery.as_str(),
        "manifest": s.manifest.as_str(),
        "source": s.source,
        "clock_offset": s.clock_offset,
        "last_viewed": s.last_viewed,
        "keep_offline": s.keep_offline,
    });
    put_raw(db, GALLERIES, gallery, &json.to_string()).await;
}

#[wasm_bindgen_test]
async fn two_links_of_one_gallery_keep_their_own_copy_queue_and_choices() {
    let db = fresh("proofline-test-links").await;
    let (bride, parents) = (link("wedding", BRIDE), link("wedding", PARENTS));
    assert_ne!(bride, parents);
    db.put_gallery(&bride, &saved("wedding", "bride"))
        .await
        .unwrap();
    db.put_gallery(&parents, &saved("wedding", "parents"))
        .await
        .unwrap();
    db.record_op(&bride, "op-b", "{\"by\":\"bride\"}", "{}")
        .await
        .unwrap();
    db.record_op(&parents, "op-p", "{\"by\":\"parents\"}", "{}")
        .await
        .unwrap();
    db.settle_ops(&parents, &[], "{\"parents\":true}")
        .await
        .unwrap();
    assert_eq!(
        db.pending_ops(&bride).await.unwrap(),
        ["{\"by\":\"bride\"}"]
    );
    assert_eq!(
        db.pending_ops(&parents).await.unwrap(),
        ["{\"by\":\"parents\"}"]
    );
    assert_eq!(db.get_choices(&bride).await.unwrap(), None);
    assert_eq!(
        db.get_gallery(&bride).await.unwrap(),
        Some(saved("wedding", "bride"))
    );

    // Forgetting the bride's link leaves the parents' alone.
    db.forget_link(&bride, true).await.unwrap();
    assert_eq!(db.get_gallery(&bride).await.unwrap(), None);
    assert!(db.pending_ops(&bride).await.unwrap().is_empty());
    assert_eq!(
        db.get_gallery(&parents).await.unwrap(),
        Some(saved("wedding", "parents"))
    );
    assert_eq!(db.pending_ops(&parents).await.unwrap().len(), 1);
    assert_eq!(
        db.get_choices(&parents).await.unwrap().as_deref(),
        Some("{\"parents\":true}")
    );
}

#[wasm_bindgen_test]
async fn eviction_deletes_every_saved_copy_of_a_gallery_and_no_other() {
    let db = fresh("proofline-test-evict-links").await;
    let (bride, parents, other) = (
        link("wedding", BRIDE),
        link("wedding", PARENTS),
        link("wedding2", BRIDE),
    );
    for (g, l) in [
        ("wedding", &bride),
        ("wedding", &parents),
        ("wedding2", &other),
    ] {
        db.put_gallery(l, &saved(g, l.as_str())).await.unwrap();
    }
    put_legacy_copy(&db, "wedding").await;
    db.record_op(&bride, "op-1", "{}", "{}").await.unwrap();
    db.delete_galleries(&[GalleryId::parse("wedding").unwrap()])
        .await
        .unwrap();
    let left: Vec<_> = db.all_galleries().await.unwrap();
    assert_eq!(left, [saved("wedding2", other.as_str())]);
    assert_eq!(
        db.pending_ops(&bride).await.unwrap().len(),
        1,
        "choices stay"
    );
}

#[wasm_bindgen_test]
async fn what_an_older_app_kept_per_gallery_is_adopted_by_the_first_link_opened() {
    let db = fresh("proofline-test-adopt").await;
    // Version 2 as the previous release filled it: everything under the
    // gallery id, and another gallery whose id starts the same.
    put_legacy_copy(&db, "wedding").await;
    put_raw(&db, CHOICES, "wedding", "{\"confirmed\":1}").await;
    put_raw(&db, OUTBOX, "wedding/op-1", "{\"n\":1}").await;
    put_raw(&db, OUTBOX, "wedding/op-2", "{\"n\":2}").await;
    put_raw(&db, META, "withdrawn/wedding", "{\"unsent\":[]}").await;
    put_legacy_copy(&db, "wedding2").await;
    put_raw(&db, OUTBOX, "wedding2/op-3", "{\"n\":3}").await;

    let (bride, parents) = (link("wedding", BRIDE), link("wedding", PARENTS));
    let withdrawn = |l: &LinkKey| [("withdrawn/wedding".to_string(), format!("withdrawn/{l}"))];
    db.adopt_legacy(&bride, &withdrawn(&bride)).await.unwrap();

    let copy = db.get_gallery(&bride).await.unwrap();
    assert_eq!(copy, Some(saved("wedding", "older app")), "moved whole");
    assert_eq!(
        db.get_choices(&bride).await.unwrap().as_deref(),
        Some("{\"confirmed\":1}")
    );
    let mut ops = db.pending_ops(&bride).await.unwrap();
    ops.sort();
    assert_eq!(ops, ["{\"n\":1}", "{\"n\":2}"]);
    assert_eq!(
        db.get_meta(&format!("withdrawn/{bride}"))
            .await
            .unwrap()
            .as_deref(),
        Some("{\"unsent\":[]}")
    );
    // Nothing is left under the gallery id, so another link adopts nothing.
    assert_eq!(db.get_meta("withdrawn/wedding").await.unwrap(), None);
    assert_eq!(db.get_string(GALLERIES, "wedding").await.unwrap(), None);
    assert_eq!(db.get_string(CHOICES, "wedding").await.unwrap(), None);
    db.adopt_legacy(&parents, &withdrawn(&parents))
        .await
        .unwrap();
    assert_eq!(db.get_gallery(&parents).await.unwrap(), None);
    assert!(db.pending_ops(&parents).await.unwrap().is_empty());
    // The other gallery keeps its copy and queue until one of its links is
    // opened.
    assert!(
        db.get_string(GALLERIES, "wedding2")
            .await
            .unwrap()
            .is_some()
    );
    let other = link("wedding2", PARENTS);
    db.adopt_legacy(&other, &[]).await.unwrap();
    assert_eq!(db.pending_ops(&other).await.unwrap(), ["{\"n\":3}"]);
    assert_eq!(db.all_galleries().await.unwrap().len(), 2);
}

#[wasm_bindgen_test]
async fn adoption_keeps_a_links_newer_copy_and_still_moves_every_queued_choice() {
    let db = fresh("proofline-test-adopt-both").await;
    let bride = link("wedding", BRIDE);
    let own = saved("wedding", "bride");
    db.put_gallery(&bride, &own).await.unwrap();
    db.settle_ops(&bride, &[], "{\"own\":true}").await.unwrap();
    // A tab of the older app, still open, wrote under the gallery id since.
    put_legacy_copy(&db, "wedding").await;
    put_raw(&db, CHOICES, "wedding", "{\"old\":true}").await;
    put_raw(&db, OUTBOX, "wedding/op-1", "{\"n\":1}").await;

    db.adopt_legacy(&bride, &[]).await.unwrap();
    assert_eq!(db.get_gallery(&bride).await.unwrap(), Some(own));
    assert_eq!(db.get_string(GALLERIES, "wedding").await.unwrap(), None);
    assert_eq!(
        db.get_choices(&bride).await.unwrap().as_deref(),
        Some("{\"own\":true}")
    );
    assert_eq!(db.pending_ops(&bride).await.unwrap(), ["{\"n\":1}"]);
    assert_eq!(db.all_galleries().await.unwrap().len(), 1);
}

#[wasm_bindgen_test]
async fn a_gallery_record_keeps_its_manifest_exactly_and_says_whether_it_is_kept_without_it() {
    let db = fresh("proofline-test-record").await;
    let key = link("wedding", BRIDE);
    assert_eq!(db.gallery_kept(&key).await, Ok(None), "no copy yet");
    // Quotes, backslashes, control characters and text beyond ASCII, as a
    // studio's titles and file names may hold.
    let mut copy = saved("wedding", "bride");
    copy.manifest = "{\"title\":\"Zoë & Amélie's \\\"big\\\" day\\n\\u0001 ☀\"}"
        .to_owned()
        .into();
    copy.keep_offline = false;
    db.put_gallery(&key, &copy).await.unwrap();
    assert_eq!(db.get_gallery(&key).await.unwrap(), Some(copy.clone()));
    assert_eq!(db.gallery_kept(&key).await, Ok(Some(false)));
    copy.keep_offline = true;
    db.put_gallery(&key, &copy).await.unwrap();
    assert_eq!(db.gallery_kept(&key).await, Ok(Some(true)));

    // An older app's record (no keep_offline yet) reads, and a damaged one
    // is no copy at all.
    put_raw(
        &db,
        GALLERIES,
        key.as_str(),
        r#"{"gallery":"wedding","manifest":"{}","source":"origin","clock_offset":0,"last_viewed":2}"#,
    )
    .await;
    let older = db.get_gallery(&key).await.unwrap().expect("read");
    assert_eq!((older.manifest.as_str(), older.keep_offline), ("{}", false));
    for damaged in [
        "{\"gallery\":\"wedding\"",
        "{\"gallery\":\"wedding\",\"manifest\":3}",
        "[]",
    ] {
        put_raw(&db, GALLERIES, key.as_str(), damaged).await;
        assert_eq!(db.get_gallery(&key).await.unwrap(), None, "{damaged}");
        assert_eq!(db.gallery_kept(&key).await, Ok(None), "{damaged}");
    }
}

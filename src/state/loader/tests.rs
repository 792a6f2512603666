//! The loader over a real device store (headless Chromium): saved bytes are
//! verified before use (photos asking at once are read together, each
//! answered with its own bytes), eviction goes least recently viewed first
//! and never touches the gallery on screen, a gallery saved for two links is
//! evicted as one, a full device is reported, and room made for a choice
//! comes from a dropped save, then galleries saved elsewhere, then the one on
//! screen.

use leptos::prelude::GetUntracked as _;
use proofline_core::cache::sha256;
use proofline_core::route::{LinkKey, ShareToken};
use proofline_core::{GalleryId, Manifest, Rendition};
use wasm_bindgen_test::*;

use super::*;
use crate::browser::idb::SavedGallery;

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh, empty database per test.
async fn fresh(name: &str) -> Db {
    Db::delete(name).await;
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

/// A saved gallery whose manifest refers to `photos` (thumb and proof alike),
/// with the key of its link.
fn saved(id: &str, last_viewed: f64, photos: &[&[u8]]) -> (LinkKey, SavedGallery) {
    saved_for(id, "a-share-token-0000001", last_viewed, photos)
}

/// The same, for the link with `token` (other modules' tests use it).
pub(crate) fn saved_for(
    id: &str,
    token: &str,
    last_viewed: f64,
    photos: &[&[u8]],
) -> (LinkKey, SavedGallery) {
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
    let gallery = GalleryId::parse(id).unwrap();
    let link = LinkKey::new(&gallery, &ShareToken::parse(token).unwrap());
    let saved = SavedGallery {
        gallery,
        manifest: manifest.into(),
        source: "origin".into(),
        clock_offset: 0,
        last_viewed,
        keep_offline: false,
    };
    (link, saved)
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
async fn a_screen_of_photos_asking_at_once_each_gets_its_own_bytes() {
    let db = fresh("t-together").await;
    let loader = Loader::new();
    loader.attach(Some(db.clone()), u64::MAX);
    // Every third is not on the device, every fifth is damaged there.
    let photos: Vec<Vec<u8>> = (0..40u8).map(|i| vec![i; 100 + usize::from(i)]).collect();
    for (i, bytes) in photos.iter().enumerate() {
        let stored = match i {
            i if i % 3 == 0 => continue,
            i if i % 5 == 0 => &bytes[1..],
            _ => &bytes[..],
        };
        db.put_entry(&sha256(bytes), stored).await.unwrap();
    }
    let renditions: Vec<Rendition> = photos.iter().map(|b| rendition(b)).collect();
    let found = futures::future::join_all(renditions.iter().map(|r| loader.cached(r))).await;
    for (i, (found, bytes)) in found.into_iter().zip(&photos).enumerate() {
        let expected = (i % 3 != 0 && i % 5 != 0).then(|| bytes.clone());
        assert_eq!(found, expected, "photo {i}");
    }
    // The damaged ones were dropped; the next screen reads again.
    assert_eq!(db.entry_sizes().await.unwrap().len(), 40 - 14 - 5);
    assert_eq!(loader.cached(&renditions[1]).await, Some(photos[1].clone()));
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
    for (link, g) in [&oldest, &older, &current] {
        db.put_gallery(link, g).await.unwrap();
    }
    let loader = Loader::new();
    loader.attach(Some(db.clone()), 1_300);
    let current_manifest = Arc::new(Manifest::from_json(&current.1.manifest).unwrap());
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
async fn a_gallery_saved_for_two_links_is_evicted_as_one_by_its_latest_view() {
    let db = fresh("t-evict-links").await;
    let (a, b, c) = (vec![1u8; 400], vec![2u8; 400], vec![3u8; 400]);
    // The couple's link was viewed long ago, the parents' lately: the gallery
    // counts as viewed lately, so "newer" (viewed between) goes first.
    let couple = saved_for("shared", "couple-token-000000001", 1.0, &[&a]);
    let parents = saved_for("shared", "parents-token-00000001", 5.0, &[&a]);
    let newer = saved("newer", 3.0, &[&b]);
    let current = saved("current", 0.5, &[&c]);
    for (link, g) in [&couple, &parents, &newer, &current] {
        db.put_gallery(link, g).await.unwrap();
    }
    let loader = Loader::new();
    loader.attach(Some(db.clone()), 1_000);
    loader.set_manifest(
        &Arc::new(Manifest::from_json(&current.1.manifest).unwrap()),
        Default::default(),
    );
    for bytes in [&a, &b] {
        loader.store(&sha256(bytes), bytes).await;
    }
    loader.store(&sha256(&c), &c).await;
    let sizes = db.entry_sizes().await.unwrap();
    assert!(!sizes.contains_key(&sha256(&b)), "newer's photo evicted");
    assert!(sizes.contains_key(&sha256(&a)) && sizes.contains_key(&sha256(&c)));
    let mut left: Vec<SavedGallery> = db.all_galleries().await.unwrap();
    left.retain(|g| g.gallery.as_str() == "shared");
    assert_eq!(left.len(), 2, "both links' copies kept");
}

#[wasm_bindgen_test]
async fn when_nothing_can_be_evicted_storage_full_is_reported_and_nothing_is_lost() {
    let db = fresh("t-full").await;
    let kept = vec![5u8; 300];
    let (link, current) = saved("current", 1.0, &[&kept]);
    db.put_gallery(&link, &current).await.unwrap();
    let loader = Loader::new();
    loader.attach(Some(db.clone()), 500);
    loader.set_manifest(
        &Arc::new(Manifest::from_json(&current.manifest).unwrap()),
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
fn a_download_takes_the_freshest_manifests_urls_still_usable_in_order() {
    let bytes = vec![7u8; 10];
    let (_, saved) = saved("urls", 1.0, &[&bytes]);
    let hash = sha256(&bytes);
    let signed = |sig: &str, expires_at: i64, fallback: Option<(&str, i64)>| {
        let mut m = Manifest::from_json(&saved.manifest).unwrap();
        // The thumb and the proof are the same bytes here.
        let renditions = &mut m.images[0].renditions;
        for r in [&mut renditions.thumb, &mut renditions.proof] {
            r.url = format!("https://cdn.example/x.jpg?{sig}").into();
            r.expires_at = expires_at;
            r.fallbacks = fallback
                .map(|(url, expires_at)| proofline_core::Fallback {
                    url: url.into(),
                    expires_at,
                })
                .into_iter()
                .collect();
        }
        Arc::new(m)
    };
    let loader = Loader::new();
    let urls = |now| loader.state.borrow().usable_urls(&hash, now);
    loader.set_manifest(&signed("old", 1_000, None), Default::default());
    assert_eq!(urls(500), ["https://cdn.example/x.jpg?old"]);
    // Refreshed in the background: the new signatures, CloudFront first.
    let store = "https://store.example/x.jpg?new";
    loader.set_manifest(
        &signed("new", 2_000, Some((store, 5_000))),
        Default::default(),
    );
    assert_eq!(urls(500), ["https://cdn.example/x.jpg?new", store]);
    // One expired (within the margin a download needs): the other is left.
    assert_eq!(urls(1_995), [store]);
    assert!(urls(5_000).is_empty(), "nothing usable: not offline");
    // A photo the manifest on screen does not list has no URL to use.
    assert!(
        loader
            .state
            .borrow()
            .usable_urls(&sha256(b"other"), 0)
            .is_empty()
    );
}

#[wasm_bindgen_test]
async fn at_the_budget_a_saved_gallery_is_read_once_not_once_per_photo() {
    let db = fresh("t-parse-once").await;
    let photos: Vec<Vec<u8>> = (0..6u8).map(|i| vec![i; 400]).collect();
    let all: Vec<&[u8]> = photos.iter().map(Vec::as_slice).collect();
    let current = saved("current", 1.0, &all);
    db.put_gallery(&current.0, &current.1).await.unwrap();
    let loader = Loader::new();
    // Room for two photos of the gallery on screen: the rest are shown but
    // not kept, and each of them asks what could be evicted.
    loader.attach(Some(db.clone()), 900);
    let manifest = Arc::new(Manifest::from_json(&current.1.manifest).unwrap());
    loader.set_manifest(&manifest, Default::default());
    for bytes in &photos[..5] {
        loader.store(&sha256(bytes), bytes).await;
    }
    assert!(loader.storage_full.get_untracked());
    assert_eq!(db.entry_sizes().await.unwrap().len(), 2);
    let parses = || loader.state.borrow().parsed.parses;
    assert_eq!(parses(), 1, "three photos over the budget, one reading");

    // A record whose text changed is read again; the unchanged are not.
    let changed = saved("current", 2.0, &all[..5]);
    db.put_gallery(&changed.0, &changed.1).await.unwrap();
    loader.store(&sha256(&photos[5]), &photos[5]).await;
    loader.store(&sha256(&photos[5]), &photos[5]).await;
    assert_eq!(parses(), 2);
    assert_eq!(db.entry_sizes().await.unwrap().len(), 2);
}

#[wasm_bindgen_test]
async fn a_full_device_takes_room_from_a_dropped_save_then_other_saved_galleries_then_the_one_on_screen()
 {
    let db = fresh("t-make-room").await;
    let (a, b, c, d) = (
        vec![1u8; 800],
        vec![2u8; 400],
        vec![3u8; 400],
        vec![4u8; 600],
    );
    let mut here = saved("here", 2.0, &[&a, &b]);
    let mut there = saved("there", 1.0, &[&c, &d]);
    for (link, g) in [&mut here, &mut there] {
        g.keep_offline = true;
        db.put_gallery(link, g).await.unwrap();
    }
    let loader = Loader::new();
    loader.attach(Some(db.clone()), u64::MAX);
    let manifest = Arc::new(Manifest::from_json(&here.1.manifest).unwrap());
    loader.set_manifest(&manifest, Default::default());
    for bytes in [&a, &b, &c, &d] {
        loader.store(&sha256(bytes), bytes).await;
    }
    let held = async || db.entry_sizes().await.unwrap();

    // Both saved for offline: the largest photo not on screen goes, not the
    // largest of all (which the customer is looking at).
    assert!(loader.make_room(500).await);
    let left = held().await;
    assert!(
        !left.contains_key(&sha256(&d)),
        "the other gallery's largest"
    );
    for kept in [&a, &b, &c] {
        assert!(left.contains_key(&sha256(kept)));
    }

    // The save of the gallery on screen is dropped (its record still says
    // saved: writing that it is not may need the room): its photos go first.
    loader.mark_kept(&GalleryId::parse("here").unwrap(), false);
    assert!(loader.make_room(300).await);
    let left = held().await;
    assert!(!left.contains_key(&sha256(&a)));
    assert!(left.contains_key(&sha256(&b)) && left.contains_key(&sha256(&c)));
}

//! Tests of the image cache's rules: verifying bytes, the budget, and
//! eviction plans that never drop what is on screen.

use std::collections::HashMap;

use proptest::prelude::*;

use super::*;

fn h(n: u8) -> ContentHash {
    ContentHash::from_digest(&[n; 32])
}

fn g(id: &str, last_viewed: i64, hashes: &[u8]) -> CachedGallery {
    CachedGallery {
        gallery: GalleryId::parse(id).unwrap(),
        last_viewed,
        hashes: hashes.iter().map(|&n| h(n)).collect(),
        kept_offline: false,
    }
}

fn kept(id: &str, last_viewed: i64, hashes: &[u8]) -> CachedGallery {
    CachedGallery {
        kept_offline: true,
        ..g(id, last_viewed, hashes)
    }
}

fn sizes(entries: &[(u8, u64)]) -> HashMap<ContentHash, u64> {
    entries.iter().map(|&(n, s)| (h(n), s)).collect()
}

fn rendition_of(bytes: &[u8]) -> Rendition {
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

#[test]
fn sha256_matches_the_known_vector() {
    assert_eq!(
        sha256(b"test").as_str(),
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    );
}

#[test]
fn verify_accepts_exact_bytes_and_names_what_is_wrong_otherwise() {
    let good = b"jpeg bytes".to_vec();
    let r = rendition_of(&good);
    assert_eq!(verify(&good, &r), Ok(()));
    assert_eq!(
        verify(&good[..4], &r),
        Err(VerifyError::WrongSize {
            expected: 10,
            found: 4
        })
    );
    let mut flipped = good.clone();
    flipped[3] ^= 1;
    let err = verify(&flipped, &r).unwrap_err();
    assert!(matches!(err, VerifyError::WrongHash { .. }), "{err}");
    assert!(err.to_string().contains(r.sha256.as_str()));
}

#[test]
fn budget_leaves_the_reserve_and_indexeddbs_overhead_or_is_a_fallback() {
    const MB: u64 = 1024 * 1024;
    // A small phone's 20 MB: 10.7 MB of photos, which with IndexedDB's 40%
    // overhead (15 MB) and the app shell (1.3 MB) leave room for choices.
    let budget = default_budget(Some(20 * MB));
    assert_eq!(budget, 16 * MB / 3 * 2);
    assert!(budget * 14 / 10 + 13 * MB / 10 + MB < 20 * MB);
    assert_eq!(default_budget(Some(MB)), 0);
    assert_eq!(default_budget(Some(0)), FALLBACK_BUDGET);
    assert_eq!(default_budget(None), FALLBACK_BUDGET);
}

#[test]
fn a_gallery_saved_for_offline_is_never_evicted_for_photos() {
    let now = GalleryId::parse("now").unwrap();
    let galleries = vec![
        kept("saved", 1, &[1, 2]),
        g("viewed", 2, &[3]),
        g("now", 3, &[4]),
    ];
    let entries = sizes(&[(1, 10), (2, 10), (3, 10), (4, 10)]);
    let plan = plan_eviction(&galleries, &entries, 40, 10, &now);
    assert_eq!(plan.galleries, vec![GalleryId::parse("viewed").unwrap()]);
    assert!(plan.fits);
    // More than the merely viewed one frees: refused, the saved one stays.
    let plan = plan_eviction(&galleries, &entries, 40, 25, &now);
    assert!(!plan.fits);
    assert!(!plan.galleries.contains(&GalleryId::parse("saved").unwrap()));
}

#[test]
fn room_for_a_save_is_what_saved_galleries_and_its_own_photos_leave() {
    let now = GalleryId::parse("now").unwrap();
    // Photo 2 is shared by the saved gallery and this one: counted once.
    let galleries = vec![
        kept("saved", 1, &[1, 2]),
        g("viewed", 2, &[3]),
        g("now", 3, &[2, 4]),
    ];
    let entries = sizes(&[(1, 10), (2, 10), (3, 10), (4, 10)]);
    assert_eq!(room_for_save(&galleries, &entries, 100, &now), 70);
    assert_eq!(room_for_save(&galleries, &entries, 20, &now), 0);
}

#[test]
fn nothing_is_evicted_while_the_budget_holds() {
    let plan = plan_eviction(
        &[g("a", 1, &[1])],
        &sizes(&[(1, 50)]),
        100,
        50,
        &GalleryId::parse("b").unwrap(),
    );
    assert_eq!(
        plan,
        EvictionPlan {
            fits: true,
            ..Default::default()
        }
    );
}

#[test]
fn least_recently_viewed_gallery_goes_first_and_only_as_many_as_needed() {
    let galleries = [
        g("old", 10, &[1, 2]),
        g("mid", 20, &[3]),
        g("now", 30, &[4]),
    ];
    let entries = sizes(&[(1, 40), (2, 40), (3, 40), (4, 40)]);
    let plan = plan_eviction(
        &galleries,
        &entries,
        160,
        50,
        &GalleryId::parse("now").unwrap(),
    );
    assert_eq!(plan.galleries, vec![GalleryId::parse("old").unwrap()]);
    assert_eq!(plan.hashes, vec![h(1), h(2)]);
    assert_eq!(plan.freed, 80);
    assert!(plan.fits);
}

#[test]
fn shared_photos_stay_while_a_kept_gallery_uses_them_and_orphans_go_first() {
    // Hash 2 is in both galleries; hash 9 belongs to no gallery any more.
    let galleries = [g("old", 10, &[1, 2]), g("now", 30, &[2, 3])];
    let entries = sizes(&[(1, 10), (2, 10), (3, 10), (9, 10)]);
    let now = GalleryId::parse("now").unwrap();
    let plan = plan_eviction(&galleries, &entries, 40, 15, &now);
    assert_eq!(plan.hashes, vec![h(9), h(1)]);
    assert_eq!(plan.galleries, vec![GalleryId::parse("old").unwrap()]);
    assert!(plan.fits);
}

#[test]
fn the_gallery_on_screen_is_never_evicted_even_if_nothing_else_fits() {
    let galleries = [g("now", 1, &[1, 2])];
    let entries = sizes(&[(1, 60), (2, 60)]);
    let now = GalleryId::parse("now").unwrap();
    let plan = plan_eviction(&galleries, &entries, 100, 10, &now);
    assert!(plan.galleries.is_empty());
    assert!(plan.hashes.is_empty());
    assert!(!plan.fits);
}

#[test]
fn gallery_hashes_lists_each_rendition_once() {
    use crate::manifest::{Image, Renditions};
    let image = |id: &str, thumb: &[u8], proof: &[u8]| Image {
        id: crate::ImageId::parse(id).unwrap(),
        file_name: format!("{id}.jpg"),
        alt: id.into(),
        width: 4,
        height: 3,
        thumbhash: "1QcSHQRnh493V4dIh4eXh1h4kJUI".into(),
        renditions: Renditions {
            thumb: rendition_of(thumb),
            proof: rendition_of(proof),
            download: None,
        },
        set: None,
    };
    let m = Manifest::new(
        GalleryId::parse("g").unwrap(),
        "G",
        1,
        vec![image("a", b"ta", b"same"), image("b", b"tb", b"same")],
    );
    let hashes = gallery_hashes(&m);
    assert_eq!(hashes, vec![sha256(b"ta"), sha256(b"same"), sha256(b"tb")]);
}

proptest! {
    /// Whatever the galleries, the plan never deletes a photo a kept gallery
    /// (or the protected one) still shows, never frees more than it reports,
    /// and says it fits exactly when the remaining bytes plus the new ones do.
    #[test]
    fn eviction_plans_are_safe_and_honest(
        galleries in prop::collection::vec((0i64..50, prop::collection::vec(0u8..12, 0..6)), 1..6),
        extra in prop::collection::vec((0u8..12, 1u64..100), 0..12),
        budget in 0u64..600,
        incoming in 0u64..200,
        protect in 0usize..6,
    ) {
        let galleries: Vec<CachedGallery> = galleries
            .iter()
            .enumerate()
            .map(|(i, (t, hs))| g(&format!("g{i}"), *t, hs))
            .collect();
        let mut entries: HashMap<ContentHash, u64> = extra.iter().map(|&(n, s)| (h(n), s)).collect();
        for gal in &galleries {
            for hash in &gal.hashes {
                entries.entry(hash.clone()).or_insert(10);
            }
        }
        let protect = GalleryId::parse(format!("g{protect}")).unwrap();
        let plan = plan_eviction(&galleries, &entries, budget, incoming, &protect);
        let kept: Vec<&CachedGallery> = galleries
            .iter()
            .filter(|gal| !plan.galleries.contains(&gal.gallery))
            .collect();
        prop_assert!(!plan.galleries.contains(&protect));
        for hash in &plan.hashes {
            prop_assert!(kept.iter().all(|gal| !gal.hashes.contains(hash)));
        }
        let freed: u64 = plan.hashes.iter().map(|hash| entries[hash]).sum();
        prop_assert_eq!(freed, plan.freed);
        let used: u64 = entries.values().sum::<u64>() - plan.freed;
        prop_assert_eq!(plan.fits, used + incoming <= budget);
    }
}

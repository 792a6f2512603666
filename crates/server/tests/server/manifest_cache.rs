//! Manifests are signed once per gallery and signing window
//! (`signing::cache`): customers visiting within a window get the photos
//! signed for the first of them, byte for byte, and any change to the
//! gallery (a publish, rules, a lock, its offline window or expiry) shows
//! on the very next request. A link closing within the window still gets
//! URLs that close with it. Signings are counted by the cache's own stats,
//! and each answer's window is read from its `server_time`: no test
//! depends on timing.

use std::collections::BTreeSet;
use std::sync::Arc;

use proofline_core::Manifest;
use proofline_core::downloads::Downloads;
use proofline_core::expiry::signing_window;
use proofline_core::proofing::SelectionRules;
use proofline_server::db::NewLink;
use proofline_server::signing::ManifestCache;
use proofline_test_support::{Backend, Harness, token};

/// One answer: its body as sent, and as read.
struct Answer {
    body: String,
    manifest: Manifest,
}

impl Answer {
    /// The photos (`images`) exactly as sent.
    fn images_json(&self) -> &str {
        let at = self
            .body
            .find(r#""images":"#)
            .expect("a manifest has images")
            + 9;
        let rest = &self.body[at..];
        let mut values = serde_json::Deserializer::from_str(rest).into_iter::<serde_json::Value>();
        values.next().expect("an array").expect("valid JSON");
        &rest[..values.byte_offset()]
    }

    /// The start of the signing window the origin signed this answer in.
    fn window_start(&self, h: &Harness) -> i64 {
        let policy = h.config.signing;
        signing_window(
            self.manifest.server_time,
            policy.window_secs,
            policy.validity_secs,
        )
        .start
    }
}

async fn visit(h: &Harness, gallery: &str, token: &str) -> Answer {
    let resp = h.get_manifest(gallery, Some(token)).await;
    assert_eq!(resp.status(), 200, "the manifest is answered");
    assert_eq!(
        resp.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    let body = resp.text().await.unwrap();
    let manifest = Manifest::from_json(&body).expect("a valid manifest");
    Answer { body, manifest }
}

fn signings(h: &Harness) -> u64 {
    h.server().manifest_cache().stats().signings
}

/// The latest any URL in the manifest works until, read from the URLs
/// (and as the manifest states it).
fn latest_url_expiry(m: &Manifest) -> i64 {
    m.images
        .iter()
        .flat_map(|i| [&i.renditions.thumb, &i.renditions.proof])
        .map(|r| {
            let signed = proofline_core::expiry::url_validity(&r.url.get()).unwrap();
            signed.expires_at.max(r.expires_at)
        })
        .max()
        .expect("photos")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customers_visiting_in_one_window_get_the_same_photos_signed_once() {
    let h = Harness::start(Backend::Embedded).await;
    let report = h.publish(&proofline_samples::numbered_set(3, 64, 48)).await;
    let gallery = report.gallery.as_str();
    let now = proofline_server::unix_now();
    let (_, second) =
        h.db.create_link(&report.gallery, &NewLink::default(), now)
            .unwrap();
    let before = signings(&h);

    let mut answers = Vec::new();
    for t in [token(&report), second.as_str(), token(&report)] {
        answers.push(visit(&h, gallery, t).await);
    }

    let windows: BTreeSet<i64> = answers.iter().map(|a| a.window_start(&h)).collect();
    assert_eq!(
        signings(&h) - before,
        windows.len() as u64,
        "one signing per window the visits fell in"
    );
    for pair in answers.windows(2) {
        if pair[0].window_start(&h) == pair[1].window_start(&h) {
            assert_eq!(pair[0].images_json(), pair[1].images_json());
        }
    }
    // Each link still gets its own mirror.
    assert_ne!(answers[0].manifest.mirror, answers[1].manifest.mirror);
    assert_eq!(answers[0].manifest.images.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_asks_for_the_compact_form_and_reads_the_same_photos() {
    let h = Harness::start(Backend::Embedded).await;
    let report = h
        .publish(&proofline_samples::numbered_set(12, 64, 48))
        .await;
    let gallery = report.gallery.as_str();
    let full = visit(&h, gallery, token(&report)).await;
    let compact = visit_compact(&h, gallery, token(&report), "").await;
    let version =
        |body: &str| serde_json::from_str::<serde_json::Value>(body).unwrap()["version"].clone();
    assert_eq!(
        version(&full.body),
        1,
        "other readers get every photo spelt out"
    );
    assert_eq!(version(&compact.body), 2);
    assert_eq!(compact.manifest.images.len(), 12);
    if compact.window_start(&h) == full.window_start(&h) {
        assert_eq!(
            compact.manifest.images, full.manifest.images,
            "the same photos, signed alike"
        );
    }
    let (small, whole) = (compact.images_json().len(), full.images_json().len());
    assert!(
        small * 3 < whole,
        "photos compact {small} B, in full {whole} B"
    );
}

/// A manifest as the app asks for it: compact, with `more` in the query.
async fn visit_compact(h: &Harness, gallery: &str, token: &str, more: &str) -> Answer {
    let resp = h
        .http
        .get(format!(
            "http://{}/api/galleries/{gallery}?form=compact{more}",
            h.origin
        ))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body = resp.text().await.unwrap();
    let manifest = Manifest::from_json(&body).expect("a valid manifest");
    Answer { body, manifest }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_screens_copy_lists_the_first_photos_and_says_how_many_there_are() {
    use proofline_core::manifest::{FIRST_SCREEN_PHOTOS, FIRST_SCREEN_QUERY};
    let h = Harness::start(Backend::Embedded).await;
    let count = FIRST_SCREEN_PHOTOS + 3;
    let report = h
        .publish(&proofline_samples::numbered_set(count, 16, 12))
        .await;
    let (gallery, token) = (report.gallery.as_str(), token(&report));
    let before = signings(&h);
    let first = visit_compact(&h, gallery, token, &format!("&{FIRST_SCREEN_QUERY}")).await;
    let whole = visit_compact(&h, gallery, token, "").await;

    assert_eq!(first.manifest.first_of, Some(count as u32));
    assert_eq!(first.manifest.photo_count(), count);
    assert_eq!(first.manifest.images.len(), FIRST_SCREEN_PHOTOS);
    assert_eq!(whole.manifest.first_of, None, "the whole manifest says all");
    assert_eq!(whole.manifest.images.len(), count);
    if first.window_start(&h) == whole.window_start(&h) {
        assert_eq!(
            first.manifest.images[..],
            whole.manifest.images[..FIRST_SCREEN_PHOTOS],
            "the same first photos, signed alike"
        );
        assert_eq!(signings(&h) - before, 1, "both from one signing");
    }
    assert_eq!(first.manifest.title, whole.manifest.title);
    assert!(
        first.body.len() < whole.body.len(),
        "first screen {} B, whole {} B",
        first.body.len(),
        whole.body.len()
    );

    // Readers of the full form are always answered every photo.
    let resp = h
        .http
        .get(format!(
            "http://{}/api/galleries/{gallery}?{FIRST_SCREEN_QUERY}",
            h.origin
        ))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let full = Manifest::from_json(&resp.text().await.unwrap()).unwrap();
    assert_eq!((full.images.len(), full.first_of), (count, None));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gallery_that_fits_a_first_screen_is_answered_whole() {
    let h = Harness::start(Backend::Embedded).await;
    let report = h.publish(&proofline_samples::numbered_set(5, 16, 12)).await;
    let answer = visit_compact(&h, report.gallery.as_str(), token(&report), "&part=first").await;
    assert_eq!(
        (answer.manifest.images.len(), answer.manifest.first_of),
        (5, None)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_to_the_gallery_shows_on_the_very_next_request() {
    let h = Harness::start(Backend::Embedded).await;
    let folder = h.dir.path().join("wedding");
    proofline_samples::write_all(&folder, &proofline_samples::numbered_set(2, 64, 48)).unwrap();
    let report = h.publish_dir(&folder).await.unwrap();
    let (id, t) = (&report.gallery, token(&report));
    let gallery = id.as_str();
    visit(&h, gallery, t).await;

    let rules = SelectionRules {
        min: 1,
        max: Some(2),
        deadline: None,
    };
    h.db.set_rules(id, &rules).unwrap();
    assert_eq!(visit(&h, gallery, t).await.manifest.rules, rules);

    let locked = proofline_server::unix_now();
    h.db.set_locked(id, Some(locked)).unwrap();
    assert_eq!(visit(&h, gallery, t).await.manifest.locked_at, Some(locked));

    h.db.set_offline_window(id, Some(5 * 3600)).unwrap();
    assert_eq!(
        visit(&h, gallery, t).await.manifest.offline_window,
        Some(5 * 3600)
    );

    // Publishing the folder again with a third photo.
    proofline_samples::write_all(&folder, &proofline_samples::numbered_set(3, 64, 48)).unwrap();
    h.publish_dir(&folder).await.unwrap();
    let before = signings(&h);
    let republished = visit(&h, gallery, t).await;
    assert_eq!(republished.manifest.images.len(), 3);
    assert_eq!(signings(&h), before + 1, "the new photos were signed");

    // The gallery closing in 20 minutes: its URLs close with it at once.
    let closes = proofline_server::unix_now() + 1200;
    h.db.set_gallery_expiry(id, Some(closes)).unwrap();
    let closing = visit(&h, gallery, t).await;
    assert_eq!(closing.manifest.expires_at, Some(closes));
    assert!(latest_url_expiry(&closing.manifest) <= closes);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_closing_within_the_window_gets_urls_that_close_with_it() {
    let h = Harness::start(Backend::Embedded).await;
    let report = h.publish(&proofline_samples::numbered_set(2, 64, 48)).await;
    let gallery = report.gallery.as_str();
    let now = proofline_server::unix_now();
    // Closes in 20 minutes: well inside the window's 6-hour URLs.
    let closes = now + 1200;
    let closing = NewLink {
        expires_at: Some(closes),
        ..Default::default()
    };
    let (_, short) = h.db.create_link(&report.gallery, &closing, now).unwrap();

    let open = visit(&h, gallery, token(&report)).await;
    assert!(latest_url_expiry(&open.manifest) > closes);
    let before = signings(&h);
    let capped = visit(&h, gallery, short.as_str()).await;
    assert!(
        latest_url_expiry(&capped.manifest) <= closes,
        "no URL outlives the link"
    );
    assert_eq!(signings(&h), before + 1, "signed for the link's own bound");

    // Each keeps its own: the open link's URLs still run the whole window.
    let again = visit(&h, gallery, token(&report)).await;
    assert!(latest_url_expiry(&again.manifest) > closes);
    if again.window_start(&h) == open.window_start(&h) {
        assert_eq!(again.images_json(), open.images_json());
    }
    let capped_again = visit(&h, gallery, short.as_str()).await;
    assert!(latest_url_expiry(&capped_again.manifest) <= closes);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cache_keeps_to_its_budget_and_to_the_current_window() {
    let h = Harness::start(Backend::Embedded).await;
    let mut galleries = Vec::new();
    for _ in 0..2 {
        let report = h.publish(&proofline_samples::numbered_set(2, 64, 48)).await;
        galleries.push(Arc::new(h.db.gallery(&report.gallery).unwrap().unwrap()));
    }
    let policy = h.config.signing;
    let now = proofline_server::unix_now();
    let window = signing_window(now, policy.window_secs, policy.validity_secs);

    // Room for one gallery: the second pushes the first out.
    let probe = ManifestCache::default();
    probe
        .images(&h.store, &galleries[0], window, Downloads::None)
        .await
        .unwrap();
    let one = probe.stats().bytes;
    let cache = ManifestCache::new(one * 3 / 2);
    for g in [&galleries[0], &galleries[1], &galleries[1]] {
        cache
            .images(&h.store, g, window, Downloads::None)
            .await
            .unwrap();
    }
    let stats = cache.stats();
    assert_eq!((stats.entries, stats.signings, stats.hits), (1, 2, 1));
    assert!(stats.bytes <= one * 3 / 2, "{stats:?}");
    cache
        .images(&h.store, &galleries[0], window, Downloads::None)
        .await
        .unwrap();
    assert_eq!(cache.stats().signings, 3, "the first was evicted");

    // A new window drops the last one's entries.
    let next = signing_window(
        now + policy.window_secs,
        policy.window_secs,
        policy.validity_secs,
    );
    cache
        .images(&h.store, &galleries[1], next, Downloads::None)
        .await
        .unwrap();
    assert_eq!(cache.stats().entries, 1);
    cache
        .images(&h.store, &galleries[1], next, Downloads::None)
        .await
        .unwrap();
    assert_eq!(cache.stats().signings, 4);

    // A gallery bigger than the whole budget is signed, never kept.
    let tiny = ManifestCache::new(one / 2);
    tiny.images(&h.store, &galleries[0], window, Downloads::None)
        .await
        .unwrap();
    assert_eq!(tiny.stats().entries, 0);
    assert_eq!(tiny.stats().bytes, 0);
}

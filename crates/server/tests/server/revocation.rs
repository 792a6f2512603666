//! Revocation and expiry that hold and say the truth: no URL handed to a
//! link outlives the link; a revoked link's offline copy (its manifest
//! mirror) is deleted and cannot be written again; when the store refuses
//! the delete, revoking says so, and the periodic sweep deletes it later.

use proofline_core::Manifest;
use proofline_server::db::NewLink;
use proofline_server::signing::LinkTerms;
use proofline_server::signing::mirror::{mirror_key, write_mirror};
use proofline_test_support::{Backend, FaultyStore, Harness};
use serde_json::Value;

/// Unix seconds at which a signed URL stops working, read from the URL.
fn url_expiry(url: &str) -> i64 {
    proofline_core::expiry::url_validity(url)
        .unwrap()
        .expires_at
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_url_handed_to_a_link_outlives_it() {
    let h = Harness::start(Backend::Embedded).await;
    let report = h.publish(&proofline_samples::numbered_set(2, 64, 48)).await;
    let now = proofline_server::unix_now();
    // Closes in 20 minutes: well inside the 6-hour URLs and 7-day mirror.
    let closes = now + 1200;
    let new = NewLink {
        expires_at: Some(closes),
        ..Default::default()
    };
    let (_, token) = h.db.create_link(&report.gallery, &new, now).unwrap();
    let answer = h
        .get_manifest(report.gallery.as_str(), Some(token.as_str()))
        .await;
    let manifest = Manifest::from_json(&answer.text().await.unwrap()).unwrap();
    for image in &manifest.images {
        for r in [&image.renditions.thumb, &image.renditions.proof] {
            assert!(r.expires_at <= closes, "{} > {closes}", r.expires_at);
            assert!(url_expiry(&r.url.get()) <= closes, "{}", r.url);
        }
    }
    assert!(url_expiry(manifest.mirror.as_deref().unwrap()) <= closes);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_links_mirror_is_deleted_or_revoking_says_why_not() {
    let h = Harness::start(Backend::Embedded).await;
    let report = h.publish(&proofline_samples::numbered_set(2, 64, 48)).await;
    let wide = proofline_server::secret::new_token();
    h.db.set_studio_wide_token(&proofline_server::secret::token_hash(wide.as_str()))
        .unwrap();
    // An origin whose store key may not delete (the proxy answers
    // AccessDenied to every DELETE, as S3 does without s3:DeleteObject).
    let proxy = FaultyStore::start(&h.settings).await;
    let settings = proxy.settings().clone();
    let origin = h.another_origin(|c| c.store = settings.clone()).await;
    let link = h.db.links(Some(&report.gallery)).unwrap().remove(0);
    let key = mirror_key(&report.gallery, &link.token_hash);
    // The link's mirror exists (publish wrote it).
    assert!(h.store.size_of(&key).await.unwrap().is_some());

    proxy.deny_deletes();
    let revoked: Value = h
        .http
        .post(format!(
            "http://{origin}/api/studio/galleries/{}/links/{}/revoke",
            report.gallery, link.id
        ))
        .bearer_auth(wide.as_str())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let notice = revoked["notice"].as_str().unwrap_or_default();
    assert!(
        notice.contains("refused to delete its offline copy") && notice.contains("AccessDenied"),
        "{revoked}"
    );
    let bounds = &revoked["revocation"];
    assert!(
        bounds["photo_urls_until"].as_i64().unwrap() <= bounds["offline_until"].as_i64().unwrap()
    );
    assert!(h.store.size_of(&key).await.unwrap().is_some(), "refused");

    // No write can bring a revoked link's mirror back…
    let gallery = h.db.gallery(&report.gallery).unwrap().unwrap();
    let now = proofline_server::unix_now();
    let rewrite = write_mirror(
        &h.db,
        &h.store,
        &gallery,
        &link.token_hash,
        LinkTerms::default(),
        &h.config.signing,
        now,
    )
    .await;
    assert!(rewrite.is_err(), "a revoked link's mirror is not written");

    // …and the sweep, with a key that may delete, removes what was left. A
    // write an earlier visit began before the revocation may still land
    // after a sweep (its own delete is refused here): the next sweep
    // removes that too.
    let mut swept = 0;
    for _ in 0..50 {
        swept += proofline_server::signing::Mirrors::default()
            .sweep(&h.db, &h.store, &h.config.signing, now)
            .await
            .unwrap();
        if h.store.size_of(&key).await.unwrap().is_none() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(swept >= 1, "the sweep removed the revoked link's mirror");
    assert_eq!(h.store.size_of(&key).await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_offline_window_bounds_the_mirror_and_is_told_to_devices_and_the_studio() {
    let h = Harness::start(Backend::Embedded).await;
    let report = h.publish(&proofline_samples::numbered_set(2, 64, 48)).await;
    let token = report.token.clone().unwrap();

    // The default (3 days) is not written, so older apps read the manifest.
    let manifest = h.manifest(&report).await;
    assert_eq!(manifest.offline_window, None);
    assert_eq!(
        manifest.offline_until(),
        manifest.server_time + proofline_core::offline::DEFAULT_SECS
    );
    let mirror = manifest.mirror.as_deref().unwrap();
    let start = proofline_core::expiry::url_validity(mirror)
        .unwrap()
        .not_before
        .unwrap();
    assert_eq!(
        url_expiry(mirror),
        start + proofline_core::offline::DEFAULT_SECS
    );

    // The studio shortens it to 2 hours: out of range is refused first.
    assert!(
        h.db.set_offline_window(&report.gallery, Some(59 * 60))
            .is_err()
    );
    assert!(
        h.db.set_offline_window(&report.gallery, Some(7_200))
            .unwrap()
    );
    let before = proofline_server::unix_now();
    let manifest = h.manifest(&report).await;
    assert_eq!(manifest.offline_window, Some(7_200));
    assert_eq!(manifest.offline_until(), manifest.server_time + 7_200);
    let mirror = manifest.mirror.as_deref().unwrap();
    let start = proofline_core::expiry::url_validity(mirror)
        .unwrap()
        .not_before
        .unwrap();
    assert_eq!(url_expiry(mirror), start + 7_200, "the mirror's URL");

    // The mirror's own copy carries the window, and its photo URLs end with it.
    let gallery = h.db.gallery(&report.gallery).unwrap().unwrap();
    let hash = proofline_server::secret::token_hash(token.as_str());
    // The manifest requests above each wrote the mirror from a spawned
    // task; on a loaded machine the first (made before the window was set)
    // can land after this write: write again until ours is the one read.
    let mut copy = None;
    for _ in 0..50 {
        let url = write_mirror(
            &h.db,
            &h.store,
            &gallery,
            &hash,
            LinkTerms::default(),
            &h.config.signing,
            before,
        )
        .await
        .unwrap();
        let text = h.http.get(url).send().await.unwrap().text().await.unwrap();
        let read = Manifest::from_json(&text).unwrap();
        if read.offline_window == Some(7_200) {
            copy = Some(read);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let copy = copy.expect("the mirror carries the window once written");
    for image in &copy.images {
        assert!(url_expiry(&image.renditions.proof.url.get()) <= start + 7_200);
    }

    // The studio is told the bound before revoking.
    let studio = proofline_server::secret::new_token();
    h.db.set_studio_token(
        &report.gallery,
        &proofline_server::secret::token_hash(studio.as_str()),
    )
    .unwrap();
    let answer: Value = h
        .http
        .get(format!(
            "http://{}/api/studio/galleries/{}",
            h.origin, report.gallery
        ))
        .bearer_auth(studio.as_str())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let until = answer["revocation"]["offline_until"].as_i64().unwrap();
    assert!(
        (before + 7_200..=proofline_server::unix_now() + 7_200).contains(&until),
        "{answer}"
    );
}

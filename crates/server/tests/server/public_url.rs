//! The store behind a proxy under its own host name: photo and mirror URLs
//! are signed for the host the browser uses (`--store-public-url`), and
//! SigV4 signs the host, so the same URL sent to another host is refused.

use proofline_test_support::{Backend, Harness, token};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photo_urls_are_signed_for_the_stores_public_host() {
    let h = Harness::start(Backend::Embedded).await;
    let report = h.publish(&proofline_samples::numbered_set(2, 64, 48)).await;
    let public = format!("http://photos.proofline.test:{}", h.store_addr.port());
    let origin = h
        .another_origin(|c| c.store.public_url = Some(public.clone()))
        .await;
    let manifest = h
        .http
        .get(format!("http://{origin}/api/galleries/{}", report.gallery))
        .bearer_auth(token(&report))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let manifest = proofline_core::Manifest::from_json(&manifest).unwrap();
    let thumb = &manifest.images[0].renditions.thumb.url.to_string();
    assert!(thumb.starts_with(&format!("{public}/")), "{thumb}");
    let mirror = manifest.mirror.as_deref().expect("a mirror URL");
    assert!(mirror.starts_with(&format!("{public}/")), "{mirror}");

    // A browser that resolves the public name to the store (as a proxy
    // passing the Host header on would) gets the photo.
    let browser = reqwest::Client::builder()
        .resolve("photos.proofline.test", h.store_addr)
        .build()
        .unwrap();
    let photo = browser.get(thumb.as_str()).send().await.unwrap();
    assert_eq!(photo.status(), 200);
    assert_eq!(photo.headers()["content-type"], "image/jpeg");

    // The same signature presented for another host is refused: SigV4
    // signed the public host.
    let elsewhere = thumb.replacen(
        &public,
        &format!("http://127.0.0.1:{}", h.store_addr.port()),
        1,
    );
    let refused = h.http.get(elsewhere).send().await.unwrap();
    assert_eq!(refused.status(), 403);
}

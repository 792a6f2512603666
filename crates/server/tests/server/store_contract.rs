//! The promise every store must keep, checked against the embedded store and
//! against a real Garage node: published bytes come back exactly through signed
//! URLs straight from the store, bad URLs are refused, and the app's origin may
//! read cross-origin.

use proofline_core::expiry::{SigningWindow, url_validity};
use proofline_core::{Manifest, RenditionKind};
use proofline_test_support::{Backend, Harness, awkward_samples};
use sha2::{Digest, Sha256};

async fn store_keeps_its_contract(backend: Backend) {
    let h = Harness::start(backend).await;
    let samples = awkward_samples();
    let report = h.publish(&samples).await;
    assert!(report.skipped.is_empty(), "skipped: {:?}", report.skipped);
    assert_eq!(report.published, samples.len());

    let manifest = h.manifest(&report).await;
    assert_eq!(manifest.images.len(), samples.len());

    // Every signed URL returns exactly the bytes the manifest promises, from the
    // store's address, never the origin's.
    for image in &manifest.images {
        let sample = samples
            .iter()
            .find(|s| s.file_name == image.file_name)
            .expect("image named after its file");
        assert_eq!(
            (image.width, image.height),
            (sample.width, sample.height),
            "{} is upright after EXIF orientation",
            image.file_name
        );
        for kind in RenditionKind::ALL {
            let r = image.renditions.get(kind);
            assert!(
                r.url
                    .get()
                    .starts_with(&format!("http://{}/", h.store_addr)),
                "{} points at the store: {}",
                image.file_name,
                r.url
            );
            let validity = url_validity(&r.url.get()).expect("a SigV4 URL");
            assert_eq!(
                validity.expires_at, r.expires_at,
                "stated expiry matches the URL"
            );
            if backend == Backend::Garage {
                assert!(
                    r.url.get().contains("/proofline/studio-a/galleries/"),
                    "key prefix used: {}",
                    r.url
                );
            }
            let resp = h.http.get(r.url.to_string()).send().await.unwrap();
            assert_eq!(
                resp.status(),
                200,
                "{} {kind:?}: {}",
                image.file_name,
                r.url
            );
            let bytes = resp.bytes().await.unwrap();
            assert_eq!(bytes.len() as u64, r.bytes);
            assert_eq!(hex::encode(Sha256::digest(&bytes)), r.sha256.as_str());
            let decoded = image::load_from_memory(&bytes).expect("a JPEG");
            assert_eq!((decoded.width(), decoded.height()), (r.width, r.height));
            assert!(
                !contains(&bytes, b"Exif"),
                "metadata stripped from {}",
                image.file_name
            );
        }
    }

    // A tampered URL is refused: another object's key under the same signature.
    let first = &manifest.images[0].renditions.thumb.url.to_string();
    let tampered = first.replacen("/thumb/", "/proof/", 1);
    assert_ne!(&tampered, first);
    let status = h.http.get(&tampered).send().await.unwrap().status();
    assert_eq!(status, 403, "tampered URL refused");
    let bad_signature = {
        let i = first.find("X-Amz-Signature=").unwrap() + "X-Amz-Signature=".len();
        let flipped = if &first[i..i + 1] == "0" { "1" } else { "0" };
        format!("{}{flipped}{}", &first[..i], &first[i + 1..])
    };
    let status = h.http.get(&bad_signature).send().await.unwrap().status();
    assert_eq!(status, 403, "URL with a changed signature refused");

    // An expired URL is refused (S3 says 403; Garage says 400 "Date is too old").
    let now = proofline_server::unix_now();
    let stored = h.db.gallery(&report.gallery).unwrap().expect("recorded");
    let key = &stored.images[0].thumb.object_key;
    let fresh = h
        .store
        .presign_get(
            key,
            SigningWindow {
                start: now - 60,
                expires_at: now + 600,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        h.http.get(&fresh).send().await.unwrap().status(),
        200,
        "control: {fresh}"
    );
    let expired = h
        .store
        .presign_get(
            key,
            SigningWindow {
                start: now - 7200,
                expires_at: now - 3600,
            },
        )
        .await
        .unwrap();
    let status = h.http.get(&expired).send().await.unwrap().status();
    let want = match backend {
        Backend::Embedded => 403,
        Backend::Garage => 400,
    };
    assert_eq!(status, want, "expired URL refused");

    // The manifest mirror: the same gallery read from the store alone (the app
    // does this when the origin is down), with URLs that outlive an outage.
    let mirror = manifest
        .mirror
        .as_deref()
        .expect("the origin names the mirror");
    assert!(
        mirror.starts_with(&format!("http://{}/", h.store_addr)),
        "{mirror}"
    );
    let resp = h
        .http
        .get(mirror)
        .header("Origin", h.app_origin())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "{mirror}");
    assert_eq!(header(&resp, "access-control-allow-origin"), h.app_origin());
    let mirrored = Manifest::from_json(&resp.text().await.unwrap()).expect("a valid manifest");
    assert_eq!(mirrored.gallery, manifest.gallery);
    let hashes = |m: &Manifest| -> Vec<_> {
        m.images
            .iter()
            .map(|i| {
                (
                    i.id.clone(),
                    i.renditions.thumb.sha256.clone(),
                    i.renditions.proof.sha256.clone(),
                )
            })
            .collect()
    };
    assert_eq!(hashes(&mirrored), hashes(&manifest));
    assert!(
        mirrored.mirror.is_some(),
        "the mirror names itself, for next time"
    );
    let thumb = &mirrored.images[0].renditions.thumb;
    // Days, not hours: the gallery's offline window (3 days by default)
    // from the signing window's start.
    let lasts = thumb.expires_at - mirrored.server_time;
    let offline = proofline_core::offline::DEFAULT_SECS;
    assert!(
        (offline - 3_600..=offline).contains(&lasts),
        "mirror URLs last the offline window, not hours: {lasts} s"
    );
    let bytes = h
        .http
        .get(thumb.url.to_string())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(hex::encode(Sha256::digest(&bytes)), thumb.sha256.as_str());

    // CORS: the app's origin may read images and see their ETag; others may not.
    let preflight = h
        .http
        .request(reqwest::Method::OPTIONS, first)
        .header("Origin", h.app_origin())
        .header("Access-Control-Request-Method", "GET")
        .header("Access-Control-Request-Headers", "range")
        .send()
        .await
        .unwrap();
    assert!(
        preflight.status().is_success(),
        "preflight: {}",
        preflight.status()
    );
    assert_eq!(
        header(&preflight, "access-control-allow-origin"),
        h.app_origin()
    );
    let get = h
        .http
        .get(first)
        .header("Origin", h.app_origin())
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 200);
    assert_eq!(header(&get, "access-control-allow-origin"), h.app_origin());
    assert!(
        header(&get, "access-control-expose-headers")
            .to_ascii_lowercase()
            .contains("etag"),
        "ETag exposed"
    );
    assert!(!header(&get, "etag").is_empty(), "the store sends an ETag");
    let stranger = h
        .http
        .get(first)
        .header("Origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(header(&stranger, "access-control-allow-origin"), "");
}

fn header(resp: &reqwest::Response, name: &str) -> String {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_store_serves_published_photos_through_signed_urls() {
    store_keeps_its_contract(Backend::Embedded).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garage_serves_published_photos_through_signed_urls() {
    store_keeps_its_contract(Backend::Garage).await;
}

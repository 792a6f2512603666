//! With a CloudFront distribution configured, every rendition in the origin's
//! manifest and in the manifest mirror reads from CloudFront first (signed with
//! one custom policy per gallery and window, over `galleries/{g}/*`, checked
//! here against the key pair's public key) and from the store straight as the
//! fallback (fetched here for real, embedded store).

use proofline_core::expiry::{
    SignatureScheme, cloudfront_base64_decode, signing_window, url_validity,
};
use proofline_core::{Manifest, Rendition};
use proofline_server::settings::SigningPolicy;
use proofline_server::storage::CloudFrontSettings;
use proofline_test_support::{Backend, Harness, awkward_samples, cloudfront_fixture};
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey as _;
use rsa::signature::Verifier as _;
use sha2::Digest as _;

const DOMAIN: &str = "https://d111111abcdef8.cloudfront.net";

async fn harness() -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("cloudfront.pem");
    std::fs::write(&key, cloudfront_fixture("private_key_pem_pkcs8")).unwrap();
    let cloudfront =
        CloudFrontSettings::load(DOMAIN, &cloudfront_fixture("key_pair_id"), &key).unwrap();
    Harness::start_with(Backend::Embedded, Some(cloudfront)).await
}

fn query(url: &str, name: &str) -> String {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == name)
        .unwrap_or_else(|| panic!("{name} missing from {url}"))
        .1
        .into_owned()
}

/// Checks the CloudFront URL's signature and expiry, then reads the
/// fallback from the store and compares the bytes with the manifest's hash.
async fn check_rendition(h: &Harness, r: &Rendition, expires_at: i64) {
    let verifier = VerifyingKey::<sha1::Sha1>::new(
        rsa::RsaPublicKey::from_public_key_pem(&cloudfront_fixture("public_key_pem")).unwrap(),
    );
    let url = r.url.to_string();
    let (resource, _) = url.split_once('?').unwrap();
    assert!(resource.starts_with(&format!("{DOMAIN}/")), "{}", r.url);
    assert_eq!(
        query(&url, "Key-Pair-Id"),
        cloudfront_fixture("key_pair_id")
    );
    let policy = cloudfront_base64_decode(&query(&url, "Policy")).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&policy).unwrap();
    let statement = &json["Statement"][0];
    let scope = statement["Resource"].as_str().unwrap();
    assert!(
        scope.starts_with(&format!("{DOMAIN}/galleries/")) && scope.ends_with("/*"),
        "one policy for the gallery's folder: {scope}"
    );
    assert!(
        resource.starts_with(scope.trim_end_matches('*')),
        "{resource} in {scope}"
    );
    assert_eq!(
        statement["Condition"]["DateLessThan"]["AWS:EpochTime"], expires_at,
        "valid until the window's end"
    );
    assert_eq!(r.expires_at, expires_at);
    let signature = cloudfront_base64_decode(&query(&url, "Signature")).unwrap();
    verifier
        .verify(&policy, &Signature::try_from(signature.as_slice()).unwrap())
        .expect("the signature verifies with the key pair's public key");
    // The client judges the URL's life as CloudFront will.
    let validity = url_validity(&url).unwrap();
    assert_eq!(validity.scheme, SignatureScheme::CloudFrontCustom);
    assert_eq!(validity.expires_at, expires_at);

    assert_eq!(r.fallbacks.len(), 1, "exactly one fallback: S3");
    let fallback = &r.fallbacks[0];
    assert_eq!(fallback.expires_at, expires_at);
    let sigv4 = url_validity(&fallback.url.get()).unwrap();
    assert_eq!(sigv4.scheme, SignatureScheme::SigV4);
    assert_eq!(sigv4.expires_at, expires_at);
    // Both name the same object: CloudFront's path is the store's minus the
    // bucket (path-style) segment.
    let s3_path = url::Url::parse(&fallback.url.get())
        .unwrap()
        .path()
        .to_owned();
    let cf_path = url::Url::parse(&url).unwrap().path().to_owned();
    assert_eq!(s3_path, format!("/proofline{cf_path}"));
    let resp = h.http.get(fallback.url.to_string()).send().await.unwrap();
    assert_eq!(resp.status(), 200, "{}", fallback.url);
    let bytes = resp.bytes().await.unwrap();
    assert_eq!(bytes.len() as u64, r.bytes);
    assert_eq!(hex::encode(sha2::Sha256::digest(&bytes)), r.sha256.as_str());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manifest_urls_go_through_cloudfront_with_the_store_as_fallback() {
    let h = harness().await;
    let report = h.publish(&awkward_samples()).await;
    let manifest = h.manifest(&report).await;
    let policy = SigningPolicy::default();
    let window = signing_window(
        manifest.server_time,
        policy.window_secs,
        policy.validity_secs,
    );
    assert_eq!(manifest.images.len(), 4);
    for image in &manifest.images {
        for r in [&image.renditions.thumb, &image.renditions.proof] {
            check_rendition(&h, r, window.expires_at).await;
        }
    }
    // One signature for the whole gallery: every URL carries the same query.
    let queries: std::collections::HashSet<String> = manifest
        .images
        .iter()
        .flat_map(|i| [&i.renditions.thumb.url, &i.renditions.proof.url])
        .map(|u| u.to_string().split_once('?').unwrap().1.to_owned())
        .collect();
    assert_eq!(queries.len(), 1);

    // Identical within a window: the same URLs, signature included.
    let again = h.manifest(&report).await;
    if signing_window(again.server_time, policy.window_secs, policy.validity_secs) == window {
        assert_eq!(again.images, manifest.images);
    }

    // The mirror carries the same pair, with the mirror's long validity
    // held to the gallery's offline window (3 days by default).
    let mirror_url = manifest.mirror.clone().expect("a mirror");
    let text = h
        .http
        .get(&mirror_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mirror = Manifest::from_json(&text).unwrap();
    let long = signing_window(
        mirror.server_time,
        policy.window_secs,
        policy.mirror_validity_secs,
    );
    let long = long.until(Some(long.start + proofline_core::offline::DEFAULT_SECS));
    assert_eq!(mirror.images.len(), 4);
    for image in &mirror.images {
        check_rendition(&h, &image.renditions.proof, long.expires_at).await;
    }
}

//! Several origins: two origins with the same configuration, sharing one
//! database and one object store, sign byte-identical manifests for a window,
//! list every origin in them (and in the manifest mirror), and let the app
//! served by one call the other (CORS on `/api`).

use proofline_core::Manifest;
use proofline_test_support::{Backend, Harness, awkward_samples, token};

const ORIGINS: [&str; 2] = ["http://a.proofline.test", "http://b.proofline.test:8080"];

/// An origin as its own process would be: its own database connection (the
/// same SQLite file), its own store client and signing cache, the same
/// configuration but for the studio's origins. Answers its address.
async fn origin(h: &Harness) -> std::net::SocketAddr {
    h.another_origin(|config| {
        config.origins = ORIGINS.iter().map(|s| s.to_string()).collect();
    })
    .await
}

async fn manifest_text(
    h: &Harness,
    at: std::net::SocketAddr,
    gallery: &str,
    token: &str,
) -> String {
    let resp = h
        .http
        .get(format!("http://{at}/api/galleries/{gallery}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    resp.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_origins_sign_identical_manifests_listing_both() {
    let h = Harness::start(Backend::Embedded).await;
    let report = h.publish(&awkward_samples()).await;
    let (a, b) = (origin(&h).await, origin(&h).await);
    let gallery = report.gallery.as_str();
    // `server_time` is each origin's clock in seconds: ask both within one
    // second (a second boundary, or once an hour a window's, may fall
    // between two requests: ask again).
    let mut compared = false;
    for _ in 0..5 {
        let (x, y) = tokio::join!(
            manifest_text(&h, a, gallery, token(&report)),
            manifest_text(&h, b, gallery, token(&report))
        );
        let (mx, my) = (
            Manifest::from_json(&x).unwrap(),
            Manifest::from_json(&y).unwrap(),
        );
        if mx.server_time != my.server_time {
            continue;
        }
        assert_eq!(x, y, "two origins, one window: byte-identical manifests");
        assert_eq!(mx.origins, ORIGINS);
        compared = true;
        break;
    }
    assert!(compared, "never got both answers within one second");

    // The manifest mirror (in the store, read without the origin) lists them too.
    let m = Manifest::from_json(&manifest_text(&h, a, gallery, token(&report)).await).unwrap();
    let mirror = h
        .http
        .get(m.mirror.expect("a mirror URL"))
        .send()
        .await
        .unwrap();
    assert_eq!(mirror.status(), 200);
    let mirror = Manifest::from_json(&mirror.text().await.unwrap()).unwrap();
    assert_eq!(mirror.origins, ORIGINS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_answers_preflights_from_the_studios_origins_only() {
    let h = Harness::start(Backend::Embedded).await;
    let report = h.publish(&awkward_samples()[..1]).await;
    let b = origin(&h).await;
    let url = format!("http://{b}/api/galleries/{}/ops", report.gallery);
    let preflight = |from: &'static str| {
        h.http
            .request(reqwest::Method::OPTIONS, &url)
            .header("Origin", from)
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "authorization,content-type,x-proofline-pass",
            )
            .send()
    };
    let ok = preflight(ORIGINS[0]).await.unwrap();
    assert!(ok.status().is_success(), "{}", ok.status());
    let header = |name: &str| {
        ok.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_ascii_lowercase())
            .unwrap_or_default()
    };
    assert_eq!(header("access-control-allow-origin"), ORIGINS[0]);
    assert!(header("access-control-allow-methods").contains("post"));
    assert!(header("access-control-allow-methods").contains("get"));
    for h in ["authorization", "content-type", "x-proofline-pass"] {
        assert!(header("access-control-allow-headers").contains(h), "{h}");
    }
    assert_eq!(header("access-control-max-age"), "600");

    // Another site gets no permission.
    let other = preflight("http://evil.example").await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());

    // An actual cross-origin GET from the other origin is allowed to read.
    let got = h
        .http
        .get(format!("http://{b}/api/galleries/{}", report.gallery))
        .bearer_auth(token(&report))
        .header("Origin", ORIGINS[1])
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(
        got.headers()["access-control-allow-origin"]
            .to_str()
            .unwrap(),
        ORIGINS[1]
    );
}

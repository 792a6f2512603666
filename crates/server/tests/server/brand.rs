//! The studio's brand over real HTTP, on SQLite and on PostgreSQL: the
//! studio page's panel sets the name, colour, logo and cover; mistakes are
//! refused in words and change nothing; the logo's files are served
//! content-named for a year; the cover reaches the customer's manifest.

use proofline_test_support::{Backend, Durability, Harness, TempPostgres, token};
use serde_json::{Value, json};

async fn brand_panel_story(h: &Harness) {
    let report = h.publish(&proofline_samples::numbered_set(3, 64, 48)).await;
    let own = report.studio_token.as_ref().unwrap().as_str().to_owned();
    let url = format!(
        "{}/api/studio/galleries/{}/brand",
        h.app_origin(),
        report.gallery
    );
    let post = |body: Value| h.http.post(&url).bearer_auth(&own).json(&body).send();
    let panel_now = || async {
        let r = h.http.get(&url).bearer_auth(&own).send().await.unwrap();
        r.json::<Value>().await.unwrap()
    };

    // Only a studio token opens it.
    let share = token(&report);
    let refused = h.http.get(&url).bearer_auth(share).send().await.unwrap();
    assert_eq!(refused.status(), 401);
    let panel = panel_now().await;
    assert_eq!(panel["photos"].as_array().unwrap().len(), 3);
    assert!(panel.get("name").is_none());
    let cover = panel["photos"][1].as_str().unwrap().to_owned();

    // Set; then mistakes, each explained, changing nothing.
    let set = post(json!({ "name": " Lumen & Co ", "accent": "#F5D90A", "cover": cover }))
        .await
        .unwrap();
    assert_eq!(set.status(), 200);
    let panel: Value = set.json().await.unwrap();
    assert_eq!(panel["name"], "Lumen & Co");
    assert_eq!(panel["accent"], "#f5d90a");
    assert_eq!(panel["cover"], cover.as_str());
    for (body, said) in [
        (json!({ "accent": "yellow", "name": "Other" }), "#rrggbb"),
        (json!({ "name": "a\nb" }), "one line"),
        (
            json!({ "cover": "nope.jpg" }),
            "There is no photo “nope.jpg”",
        ),
    ] {
        let r = post(body).await.unwrap();
        assert_eq!(r.status(), 400);
        let message: Value = r.json().await.unwrap();
        assert!(
            message["message"].as_str().unwrap().contains(said),
            "{message}"
        );
    }
    let panel = panel_now().await;
    assert_eq!(
        panel["name"], "Lumen & Co",
        "a refused change changes nothing"
    );

    // The cover is in the customer's manifest.
    let manifest = h.manifest(&report).await;
    assert_eq!(
        manifest.cover.as_ref(),
        Some(&manifest.images[1].id),
        "the cover named by its file"
    );

    // A logo: its files are served for a year; not a picture is refused.
    let logo_url = format!("{url}/logo");
    let logo = |bytes: Vec<u8>| h.http.post(&logo_url).bearer_auth(&own).body(bytes).send();
    let bad = logo(b"not a picture".to_vec()).await.unwrap();
    assert_eq!(bad.status(), 400);
    // Too large: the origin reads the body to its end before refusing it,
    // so the sender hears why rather than a reset connection.
    let too_big = logo(vec![0u8; 6_000_000]).await.unwrap();
    assert_eq!(too_big.status(), 413);
    let refusal: Value = too_big.json().await.unwrap();
    assert_eq!(
        refusal["message"],
        "A logo can be up to 5.0 MB; this one is 6.0 MB."
    );
    // A client that waits for "100 Continue" is answered at once, before
    // sending a byte of it.
    let answer = waiting_upload(&logo_url, &own, 6_000_000).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    let jpeg = proofline_samples::encode(&proofline_samples::numbered_set(1, 400, 100)[0]).unwrap();
    let panel: Value = logo(jpeg).await.unwrap().json().await.unwrap();
    let src = panel["logo"].as_str().unwrap().to_owned();
    assert!(
        src.starts_with("/brand/logo-") && src.ends_with(".png"),
        "{src}"
    );
    let served = h
        .http
        .get(format!("{}{src}", h.app_origin()))
        .send()
        .await
        .unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "image/png");
    assert!(
        served.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let served = served.bytes().await.unwrap();
    let decoded = image::load_from_memory(&served).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (400, 100));
    // Taken away: the files are gone too.
    let panel: Value = logo(Vec::new()).await.unwrap().json().await.unwrap();
    assert!(panel.get("logo").is_none());
    let gone = h
        .http
        .get(format!("{}{src}", h.app_origin()))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 404);
    // Cleared parts read as unset.
    let panel: Value = post(json!({ "name": "", "cover": "" }))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(panel.get("name").is_none() && panel.get("cover").is_none());
    assert_eq!(panel["accent"], "#f5d90a");
    assert!(h.manifest(&report).await.cover.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_studio_sets_its_brand_and_cover_on_sqlite() {
    brand_panel_story(&Harness::start(Backend::Embedded).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_studio_sets_its_brand_and_cover_on_postgres() {
    let pg = TempPostgres::start(Durability::Fast).unwrap();
    let h = Harness::start_on(Backend::Embedded, None, Some(pg.url("proofline"))).await;
    brand_panel_story(&h).await;
}

/// The answer's first bytes to a POST of `length` bytes to `url` that
/// says `Expect: 100-continue` and sends no body.
async fn waiting_upload(url: &str, token: &str, length: usize) -> String {
    use std::io::{Read as _, Write as _};
    let url = reqwest::Url::parse(url).unwrap();
    let host = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap());
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\
         Content-Length: {length}\r\nExpect: 100-continue\r\n\r\n",
        url.path()
    );
    tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(&host).unwrap();
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(5)))
            .unwrap();
        stream.write_all(head.as_bytes()).unwrap();
        let mut answer = [0u8; 64];
        let n = stream.read(&mut answer).expect("answered within 5 s");
        String::from_utf8_lossy(&answer[..n]).into_owned()
    })
    .await
    .unwrap()
}

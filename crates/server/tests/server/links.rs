//! Share links over real HTTP: several per gallery, each revocable alone;
//! revoked and expired links answer 410 with the reason; PIN links refuse
//! wrong PINs and lock after the limit; the manifest carries the expiry.

use proofline_core::links::PIN_ATTEMPTS;
use proofline_server::db::NewLink;
use proofline_test_support::{Backend, Harness, token};
use serde_json::Value;

async fn json(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_link_is_gone_and_its_mirror_deleted_while_other_links_work() {
    let h = Harness::start(Backend::Embedded).await;
    let report = h.publish(&proofline_samples::numbered_set(2, 64, 48)).await;
    let g = report.gallery.as_str();
    let now = proofline_server::unix_now();
    let (grandma, grandma_token) =
        h.db.create_link(
            &report.gallery,
            &NewLink {
                label: "Grandma".into(),
                ..Default::default()
            },
            now,
        )
        .unwrap();
    let first = h.manifest(&report).await;
    let mirror = first.mirror.clone().expect("a mirror URL");
    assert_eq!(h.http.get(&mirror).send().await.unwrap().status(), 200);

    // Revoke the first link (as `proofline link revoke` does).
    let first_link = h.db.links(Some(&report.gallery)).unwrap()[0].clone();
    let revoked = h.db.revoke_link(&first_link.id, now).unwrap().unwrap();
    proofline_server::signing::Mirrors::default()
        .delete(&h.store, &report.gallery, &revoked.token_hash)
        .await
        .unwrap();

    let (status, body) = json(h.get_manifest(g, Some(token(&report))).await).await;
    assert_eq!(status, 410);
    assert_eq!(body["error"], "revoked");
    assert!(body["message"].as_str().unwrap().contains("withdrawn"));
    // Choices on it are refused the same way.
    let ops = h
        .http
        .post(format!("{}/api/galleries/{g}/ops", h.app_origin()))
        .bearer_auth(token(&report))
        .json(&serde_json::json!({ "ops": [] }))
        .send()
        .await
        .unwrap();
    assert_eq!(ops.status(), 410);
    // Its mirror is gone from the store, so an outage does not reopen it.
    // The first visit's mirror write runs after its answer, and may still be
    // uploading: it checks the link again after its upload and deletes what
    // it wrote, so the mirror is gone within that upload, and stays gone.
    mirror_is_gone_for_good(&h, &mirror).await;

    // Grandma's link is untouched.
    let (status, body) = json(h.get_manifest(g, Some(grandma_token.as_str())).await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["images"].as_array().unwrap().len(), 2);
    assert!(!grandma.has_pin);
}

/// Waits (at most 10 s) for the mirror at `url` to answer 404, then checks
/// that it still does once any write in flight would have finished.
async fn mirror_is_gone_for_good(h: &Harness, url: &str) {
    let status = || async { h.http.get(url).send().await.unwrap().status().as_u16() };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while status().await != 404 {
        assert!(
            std::time::Instant::now() < deadline,
            "a revoked link's mirror is still served after 10 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    assert_eq!(status().await, 404, "a revoked link's mirror came back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expiring_link_says_when_and_is_gone_after() {
    let h = Harness::start(Backend::Embedded).await;
    let report = h.publish(&proofline_samples::numbered_set(1, 64, 48)).await;
    let g = report.gallery.as_str();
    let now = proofline_server::unix_now();
    let until = now + 3600;
    let (_, token) =
        h.db.create_link(
            &report.gallery,
            &NewLink {
                expires_at: Some(until),
                ..Default::default()
            },
            now,
        )
        .unwrap();
    let (status, body) = json(h.get_manifest(g, Some(token.as_str())).await).await;
    assert_eq!(status, 200);
    assert_eq!(body["expires_at"], until);

    // The gallery's own expiry, earlier, wins; once past, the link is gone.
    h.db.set_gallery_expiry(&report.gallery, Some(now - 1))
        .unwrap();
    let (status, body) = json(h.get_manifest(g, Some(token.as_str())).await).await;
    assert_eq!(status, 410);
    assert_eq!(body["error"], "expired");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("was available until"),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pin_link_refuses_wrong_pins_and_locks_after_the_limit() {
    let h = Harness::start(Backend::Embedded).await;
    let report = h.publish(&proofline_samples::numbered_set(1, 64, 48)).await;
    let g = report.gallery.as_str();
    let (_, token) =
        h.db.create_link(
            &report.gallery,
            &NewLink {
                pin: Some("4321".into()),
                ..Default::default()
            },
            proofline_server::unix_now(),
        )
        .unwrap();
    let pin = |pin: &str| {
        h.http
            .post(format!("{}/api/galleries/{g}/pin", h.app_origin()))
            .bearer_auth(token.as_str())
            .json(&serde_json::json!({ "pin": pin }))
            .send()
    };

    let (status, body) = json(h.get_manifest(g, Some(token.as_str())).await).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("pin_required"))
    );

    let (status, body) = json(pin("1111").await.unwrap()).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("wrong_pin")));
    let (status, body) = json(pin("4321").await.unwrap()).await;
    assert_eq!(status, 200);
    let pass = body["pass"].as_str().unwrap().to_owned();
    let with_pass = h
        .http
        .get(format!("{}/api/galleries/{g}", h.app_origin()))
        .bearer_auth(token.as_str())
        .header("x-proofline-pass", &pass)
        .send()
        .await
        .unwrap();
    assert_eq!(with_pass.status(), 200);
    // The pass belongs to this link: another link's token with it gets nothing.
    assert_eq!(
        h.http
            .get(format!("{}/api/galleries/{g}", h.app_origin()))
            .bearer_auth("AAAAAAAAAAAAAAAAAAAAAA")
            .header("x-proofline-pass", &pass)
            .send()
            .await
            .unwrap()
            .status(),
        401
    );

    for _ in 1..PIN_ATTEMPTS {
        let (status, _) = json(pin("0000").await.unwrap()).await;
        assert_eq!(status, 401);
    }
    let locked = pin("0000").await.unwrap();
    assert_eq!(locked.status(), 429);
    assert!(locked.headers().contains_key("retry-after"));
    let (status, body) = json(locked).await;
    assert_eq!((status, body["error"].as_str()), (429, Some("pin_locked")));
    // When it ends, for the app to say in the customer's time; in UTC in words.
    let until = body["until"].as_i64().expect("the lock's end");
    let wait = until - proofline_server::unix_now();
    assert!((14 * 60..=15 * 60).contains(&wait), "{wait}");
    assert!(
        body["message"].as_str().unwrap().ends_with(" (UTC)."),
        "{body}"
    );
    // Locked means locked: the right PIN is refused too, for now.
    let (status, _) = json(pin("4321").await.unwrap()).await;
    assert_eq!(status, 429);
    // A pass given before the lock still opens (the customer already proved it).
    let still = h
        .http
        .get(format!("{}/api/galleries/{g}", h.app_origin()))
        .bearer_auth(token.as_str())
        .header("x-proofline-pass", &pass)
        .send()
        .await
        .unwrap();
    assert_eq!(still.status(), 200);
}

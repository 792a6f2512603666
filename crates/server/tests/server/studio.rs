//! The studio page's API over real HTTP: the studio-wide token sees every
//! gallery and its links' states; a gallery's studio token sees only that
//! gallery; links made and revoked from the page behave as the CLI's do.

use proofline_test_support::{Backend, Harness, token};
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_studio_sees_every_gallery_and_makes_and_revokes_links() {
    let h = Harness::start(Backend::Embedded).await;
    let a = h.publish(&proofline_samples::numbered_set(3, 64, 48)).await;
    let b = h.publish(&proofline_samples::numbered_set(2, 64, 48)).await;
    let wide = proofline_server::secret::new_token();
    h.db.set_studio_wide_token(&proofline_server::secret::token_hash(wide.as_str()))
        .unwrap();
    let api = |path: &str| format!("{}/api/studio/{path}", h.app_origin());

    // The overview: newest gallery first, photo counts, live links.
    let overview = h.http.get(api("galleries")).bearer_auth(wide.as_str());
    let overview: Value = overview.send().await.unwrap().json().await.unwrap();
    let galleries = overview.as_array().unwrap();
    assert_eq!(galleries.len(), 2);
    assert_eq!(galleries[0]["gallery"], b.gallery.as_str());
    assert_eq!(galleries[1]["photos"], 3);
    assert_eq!(galleries[1]["links"][0]["state"]["state"], "live");

    // A gallery's own studio token opens that gallery, not the overview or others.
    let status = |r: reqwest::RequestBuilder| async move { r.send().await.unwrap().status() };
    let own = a.studio_token.as_ref().unwrap().as_str();
    assert_eq!(
        status(h.http.get(api("galleries")).bearer_auth(own)).await,
        401
    );
    let a_path = format!("galleries/{}", a.gallery);
    let b_path = format!("galleries/{}", b.gallery);
    assert_eq!(status(h.http.get(api(&a_path)).bearer_auth(own)).await, 200);
    assert_eq!(status(h.http.get(api(&b_path)).bearer_auth(own)).await, 401);
    assert_eq!(
        status(h.http.get(api(&a_path)).bearer_auth(token(&a))).await,
        401,
        "a share token opens no studio page"
    );

    // A link with a PIN and an expiry, made from the page.
    let made: Value = h
        .http
        .post(api(&format!("{a_path}/links")))
        .bearer_auth(wide.as_str())
        .json(&json!({ "label": "Grandma", "pin": "2468", "expires": "2099-12-31" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = made["token"].as_str().unwrap();
    let (status_code, _) = {
        let r = h.get_manifest(a.gallery.as_str(), Some(token)).await;
        (r.status().as_u16(), ())
    };
    assert_eq!(status_code, 401, "the PIN is asked for");
    for (body, why) in [
        (json!({ "pin": "12" }), "bad PIN"),
        (json!({ "expires": "2001-01-01" }), "past expiry"),
        (json!({ "expires": "soon" }), "not a date"),
    ] {
        let r = h
            .http
            .post(api(&format!("{a_path}/links")))
            .bearer_auth(wide.as_str())
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{why}");
        let message: Value = r.json().await.unwrap();
        assert!(!message["message"].as_str().unwrap().is_empty());
    }

    // Revoking from the page: that link is gone, the report says so.
    let id = made["id"].as_str().unwrap();
    let wrong_gallery = api(&format!("{b_path}/links/{id}/revoke"));
    assert_eq!(
        status(h.http.post(wrong_gallery).bearer_auth(wide.as_str())).await,
        404,
        "a link is revoked through its own gallery"
    );
    let report: Value = h
        .http
        .post(api(&format!("{a_path}/links/{id}/revoke")))
        .bearer_auth(own)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let link = report["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == id)
        .unwrap();
    assert_eq!(link["state"]["state"], "revoked");
    assert_eq!(link["label"], "Grandma");
    assert_eq!(link["pin"], true);
    let r = h.get_manifest(a.gallery.as_str(), Some(token)).await;
    assert_eq!(r.status(), 410);
    // The first link is untouched.
    let r = h
        .get_manifest(a.gallery.as_str(), Some(proofline_test_support::token(&a)))
        .await;
    assert_eq!(r.status(), 200);
}

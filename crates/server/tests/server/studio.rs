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

/// The studio page sets what `proofline rules`, `lock` and `expire` set, and
/// customers get it: the manifest's rules, a lock that refuses their next
/// change, the gallery's last day. Bad input changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_studio_page_sets_rules_lock_and_expiry() {
    let h = Harness::start(Backend::Embedded).await;
    let a = h.publish(&proofline_samples::numbered_set(4, 64, 48)).await;
    let own = a.studio_token.as_ref().unwrap().as_str().to_owned();
    let settings = format!(
        "{}/api/studio/galleries/{}/settings",
        h.app_origin(),
        a.gallery
    );
    let post = |body: Value| h.http.post(&settings).bearer_auth(&own).json(&body).send();

    let report: Value = post(json!({
        "rules": { "min": 2, "max": 3, "deadline": "2099-06-30" },
        "locked": true,
        "expires": "2099-12-31",
    }))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(report["rules"]["min"], 2);
    assert_eq!(report["rules"]["max"], 3);
    let locked_at = report["locked_at"].as_i64().expect("locked");
    assert_eq!(
        report["expires_at"].as_i64(),
        Some(proofline_core::calendar::end_of_day("2099-12-31").unwrap())
    );
    let manifest: Value = h
        .get_manifest(a.gallery.as_str(), Some(token(&a)))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(manifest["rules"]["min"], 2);
    assert_eq!(manifest["rules"]["max"], 3);

    // Locking again keeps the day it was locked; unlocking and "never" clear.
    let report: Value = post(json!({ "locked": true }))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(report["locked_at"].as_i64(), Some(locked_at));
    let report: Value = post(json!({ "locked": false, "expires": "" }))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(report["locked_at"], Value::Null);
    assert_eq!(report["expires_at"], Value::Null);
    assert_eq!(report["rules"]["max"], 3, "rules left as they were");

    // Bad input: a clear sentence, and nothing changed.
    for (body, says) in [
        (
            json!({ "rules": { "min": 3, "max": 2 } }),
            "below the minimum",
        ),
        (
            json!({ "rules": { "min": 5 } }),
            "more than the gallery's 4 photos",
        ),
        (json!({ "rules": { "max": 0 } }), "at least 1"),
        (json!({ "expires": "2001-01-01" }), "in the past"),
        (json!({ "rules": { "deadline": "someday" } }), "not a date"),
        // Not the shape asked for: axum's 422, naming the field.
        (json!({ "locked": "yes" }), "locked"),
        (json!({ "colour": "red" }), "colour"),
    ] {
        let r = post(body.clone()).await.unwrap();
        assert!(matches!(r.status().as_u16(), 400 | 422), "{body}");
        let text = r.text().await.unwrap();
        assert!(text.contains(says), "{body}: {text}");
    }
    let report: Value = h
        .http
        .get(format!(
            "{}/api/studio/galleries/{}",
            h.app_origin(),
            a.gallery
        ))
        .bearer_auth(&own)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            report["rules"]["min"].as_i64(),
            report["rules"]["max"].as_i64()
        ),
        (Some(2), Some(3))
    );

    // A share token changes nothing.
    let r = h
        .http
        .post(&settings)
        .bearer_auth(token(&a))
        .json(&json!({ "locked": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

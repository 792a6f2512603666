//! Customers' choices at the origin: each op applied at most once, the
//! studio's rules enforced, bad ops refused one by one, and the server's
//! clock in every answer. (An origin killed mid-sync: `choices_crash`.)

use std::collections::BTreeSet;

use proofline_core::proofing::{Action, ChoicesReply, Op, OpStatus, SelectionRules, Verdict};
use proofline_core::{GalleryId, ImageId};
use proofline_server::publish::PublishReport;
use proofline_test_support::{Backend, Harness, Phone, awkward_samples, token};
use serde_json::{Value, json};

fn ops_url(h: &Harness, report: &PublishReport) -> String {
    format!("http://{}/api/galleries/{}/ops", h.origin, report.gallery)
}

async fn post(
    h: &Harness,
    report: &PublishReport,
    body: serde_json::Value,
) -> (reqwest::StatusCode, serde_json::Value) {
    let resp = h
        .http
        .post(ops_url(h, report))
        .bearer_auth(token(report))
        .json(&body)
        .send()
        .await
        .unwrap();
    (resp.status(), resp.json().await.unwrap())
}

pub(super) async fn send(h: &Harness, report: &PublishReport, ops: &[Op]) -> ChoicesReply {
    let before = proofline_server::unix_now_ms() as i64;
    let (status, body) = post(h, report, json!({ "ops": ops })).await;
    let after = proofline_server::unix_now_ms() as i64;
    assert_eq!(status, 200, "{body}");
    let reply: ChoicesReply = serde_json::from_value(body).unwrap();
    // The server's clock in ms, read while it answered: what the device
    // reads its offset from.
    let server = reply.server_ms.expect("the server's clock in ms");
    assert!(
        (before..=after).contains(&server),
        "{before} ≤ {server} ≤ {after}"
    );
    reply
}

pub(super) async fn images(h: &Harness, report: &PublishReport) -> Vec<ImageId> {
    h.manifest(report)
        .await
        .images
        .into_iter()
        .map(|i| i.id)
        .collect()
}

#[tokio::test]
async fn replaying_the_same_batch_ten_times_changes_nothing() {
    let h = Harness::start(Backend::Embedded).await;
    let report = h.publish(&awkward_samples()).await;
    let ids = images(&h, &report).await;
    let mut phone = Phone::new("phone", &report.gallery);
    let batch = vec![
        phone.op(Action::Favourite {
            image: ids[0].clone(),
            on: true,
        }),
        phone.op(Action::Select {
            image: ids[1].clone(),
            on: true,
        }),
        phone.op(Action::Review {
            image: ids[2].clone(),
            verdict: Verdict::Approved,
        }),
        phone.op(Action::Comment {
            image: ids[2].clone(),
            text: "Crop tighter <b>please</b>".into(),
        }),
    ];
    let first = send(&h, &report, &batch).await;
    assert!(
        first
            .receipts
            .iter()
            .all(|r| matches!(r.outcome, OpStatus::Applied { .. }))
    );
    for _ in 0..10 {
        let again = send(&h, &report, &batch).await;
        assert_eq!(again.choices, first.choices);
        assert_eq!(again.op_count, 4);
        for (a, b) in again.receipts.iter().zip(&first.receipts) {
            assert!(matches!(a.outcome, OpStatus::Duplicate { .. }), "{a:?}");
            assert_eq!(
                a.outcome.receipt(),
                b.outcome.receipt(),
                "the same receipt again"
            );
        }
    }
    let c = &first.choices;
    assert!(c.is_favourite(&ids[0]) && c.is_selected(&ids[1]));
    assert_eq!(c.verdict(&ids[2]), Verdict::Approved);
    assert_eq!(
        c.comments[0].text, "Crop tighter <b>please</b>",
        "kept as text"
    );
    // GET answers the same state.
    let got: ChoicesReply = h
        .http
        .get(format!(
            "http://{}/api/galleries/{}/choices",
            h.origin, report.gallery
        ))
        .bearer_auth(token(&report))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got.choices, first.choices);
    assert_eq!(
        got.last_receipt,
        first.receipts[3]
            .outcome
            .receipt()
            .map(|(r, t)| (r.to_owned(), t))
    );
}

#[tokio::test]
async fn malformed_ops_are_refused_one_by_one_and_the_rest_applied() {
    let h = Harness::start(Backend::Embedded).await;
    let report = h.publish(&awkward_samples()).await;
    let ids = images(&h, &report).await;
    let mut phone = Phone::new("phone", &report.gallery);
    let good = phone.op(Action::Favourite {
        image: ids[0].clone(),
        on: true,
    });
    let mut bad_kind = serde_json::to_value(phone.op(Action::Favourite {
        image: ids[1].clone(),
        on: true,
    }))
    .unwrap();
    bad_kind["kind"] = json!("delete_everything");
    let mut other = Phone::new("other", &GalleryId::parse("someone-else").unwrap());
    let wrong_gallery = other.op(Action::Favourite {
        image: ids[1].clone(),
        on: true,
    });
    let unknown_image = phone.op(Action::Favourite {
        image: ImageId::parse("nope").unwrap(),
        on: true,
    });
    let (status, body) = post(
        &h,
        &report,
        json!({ "ops": [good, bad_kind, json!("not an op"), wrong_gallery, unknown_image] }),
    )
    .await;
    assert_eq!(status, 200);
    let reply: ChoicesReply = serde_json::from_value(body).unwrap();
    let statuses: Vec<_> = reply
        .receipts
        .iter()
        .map(|r| match &r.outcome {
            OpStatus::Applied { .. } => "applied".to_owned(),
            OpStatus::Invalid { message } => format!("invalid: {message}"),
            OpStatus::Refused { message, .. } => format!("refused: {message}"),
            OpStatus::Duplicate { .. } => "duplicate".to_owned(),
        })
        .collect();
    assert_eq!(statuses[0], "applied");
    assert!(
        statuses[1].starts_with("invalid: unknown kind \"delete_everything\""),
        "{}",
        statuses[1]
    );
    assert!(
        statuses[2].starts_with("invalid: the op is not valid"),
        "{}",
        statuses[2]
    );
    assert!(
        statuses[3].contains("is for gallery someone-else"),
        "{}",
        statuses[3]
    );
    assert_eq!(
        statuses[4],
        "refused: This photo is no longer in the gallery."
    );
    assert_eq!(reply.op_count, 1);

    // Whole requests that are not batches get a clear 400.
    let resp = h
        .http
        .post(ops_url(&h, &report))
        .bearer_auth(token(&report))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("the body must be {\"ops\": [...]}")
    );
    let too_many: Vec<_> = (0..501).map(|_| json!({})).collect();
    let (status, body) = post(&h, &report, json!({ "ops": too_many })).await;
    assert_eq!(status, 400);
    assert_eq!(
        body["message"],
        "send at most 500 choices per request (this one has 501)"
    );
    // A body over the limit is refused, with the limit in words.
    let huge = "x".repeat(2_000_000);
    let resp = h
        .http
        .post(ops_url(&h, &report))
        .bearer_auth(token(&report))
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 413);
    let refusal: Value = resp.json().await.unwrap();
    assert_eq!(
        refusal["message"],
        "A request to the studio's server can be up to 1.0 MB; this one is 2.0 MB."
    );
    // And without the link's token, nothing.
    let resp = h
        .http
        .post(ops_url(&h, &report))
        .bearer_auth("not-the-token")
        .json(&json!({ "ops": [] }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
}

#[tokio::test]
async fn two_phones_together_cannot_pass_the_maximum_and_a_lock_is_final() {
    let h = Harness::start(Backend::Embedded).await;
    let report = h.publish(&awkward_samples()).await;
    let rules = SelectionRules {
        min: 2,
        max: Some(2),
        deadline: None,
    };
    assert!(h.db.set_rules(&report.gallery, &rules).unwrap());
    assert_eq!(
        h.manifest(&report).await.rules,
        rules,
        "the manifest carries the rules"
    );
    let ids = images(&h, &report).await;
    let (mut a, mut b) = (
        Phone::new("phone-a", &report.gallery),
        Phone::new("phone-b", &report.gallery),
    );
    // Each phone selected two while offline; the first to arrive wins.
    let from_a = [0, 1].map(|i| {
        a.op(Action::Select {
            image: ids[i].clone(),
            on: true,
        })
    });
    let from_b = [2, 3].map(|i| {
        b.op(Action::Select {
            image: ids[i].clone(),
            on: true,
        })
    });
    send(&h, &report, &from_a).await;
    let reply = send(&h, &report, &from_b).await;
    for r in &reply.receipts {
        let OpStatus::Refused { message, .. } = &r.outcome else {
            panic!("{r:?}")
        };
        assert_eq!(
            message,
            "You have selected the most the studio allows (2). Unselect one to choose another."
        );
    }
    assert_eq!(reply.choices.selected_count(), 2);

    let submit = b.op(Action::Submit);
    let reply = send(&h, &report, std::slice::from_ref(&submit)).await;
    assert!(matches!(
        reply.receipts[0].outcome,
        OpStatus::Applied { .. }
    ));
    let late = a.op(Action::Select {
        image: ids[0].clone(),
        on: false,
    });
    let reply = send(&h, &report, &[late]).await;
    assert!(
        matches!(&reply.receipts[0].outcome, OpStatus::Refused { message, .. } if message.starts_with("Your selection was submitted on"))
    );

    assert!(
        h.db.set_locked(&report.gallery, Some(proofline_server::unix_now()))
            .unwrap()
    );
    let fav = a.op(Action::Favourite {
        image: ids[0].clone(),
        on: true,
    });
    let reply = send(&h, &report, &[fav]).await;
    assert!(
        matches!(&reply.receipts[0].outcome, OpStatus::Refused { message, .. } if message.starts_with("The studio locked this gallery on"))
    );
    assert!(h.manifest(&report).await.locked_at.is_some());

    // The studio's page: its own token, never a customer's.
    let studio_url = format!(
        "http://{}/api/studio/galleries/{}",
        h.origin, report.gallery
    );
    let resp = h
        .http
        .get(&studio_url)
        .bearer_auth(token(&report))
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        401,
        "a share token does not open the studio page"
    );
    let page: proofline_core::proofing::StudioReport = h
        .http
        .get(&studio_url)
        .bearer_auth(report.studio_token.as_ref().unwrap().as_str())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page.links.len(), 1);
    assert_eq!(page.links[0].selected.len(), 2);
    assert!(page.links[0].submitted_at.is_some());
    assert!(page.locked_at.is_some());

    let links = h.db.gallery_choices(&report.gallery).unwrap();
    let gallery = h.db.gallery(&report.gallery).unwrap().unwrap();
    let csv = proofline_server::choices::selection_csv(&gallery, &links);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("file_name,link,favourite,verdict,comments")
    );
    let names: BTreeSet<_> = lines
        .map(|l| l.split(',').next().unwrap().to_owned())
        .collect();
    let expected: BTreeSet<_> = gallery.images[..2]
        .iter()
        .map(|i| format!("\"{}\"", i.file_name))
        .collect();
    assert_eq!(names, expected);
}

/// Two processes on one SQLite file (two origins): each keeps the choices
/// it committed last, and takes them only while the row still counts the
/// same ops; a batch the other stored meanwhile is read, not lost.
#[test]
fn a_batch_starts_from_what_any_origin_stored_last() {
    use proofline_server::db::Db;
    use proofline_test_support::recorded_gallery;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("proofline.sqlite3");
    let (a, b) = (Db::open(&path).unwrap(), Db::open(&path).unwrap());
    let (gallery, token, ids) = recorded_gallery(&a, "g-two-origins", 4).unwrap();
    let link = proofline_server::secret::token_hash(&token);
    let mut phone = Phone::new("anna", &gallery);
    let mut favourite = |db: &Db, image: &ImageId| {
        let op = phone.op(Action::Favourite {
            image: image.clone(),
            on: true,
        });
        let reply = db
            .ingest(
                &gallery,
                &link,
                vec![Ok(op)],
                &[],
                proofline_server::unix_now_ms(),
            )
            .unwrap();
        let favourites: Vec<usize> = (0..ids.len())
            .filter(|&i| reply.choices.is_favourite(&ids[i]))
            .collect();
        (favourites, reply.op_count)
    };
    assert_eq!(favourite(&a, &ids[0]), (vec![0], 1));
    assert_eq!(favourite(&b, &ids[1]), (vec![0, 1], 2));
    // `a` kept {0} at one op; the row now counts two: it reads the row.
    assert_eq!(favourite(&a, &ids[2]), (vec![0, 1, 2], 3));
    // And then goes on from what it kept.
    assert_eq!(favourite(&a, &ids[3]), (vec![0, 1, 2, 3], 4));
    assert_eq!(favourite(&b, &ids[0]), (vec![0, 1, 2, 3], 5));
}

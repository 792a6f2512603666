//! The studio replies to a customer's comment from the studio page: the
//! reply reaches the link's devices with its choices, names a comment the
//! link really made, is checked like a comment, and is never a customer's.

use proofline_core::proofing::{Action, ChoicesReply, OpId, OpStatus, StudioReport};
use proofline_test_support::{Backend, Harness, Phone, token};
use serde_json::{Value, json};

use super::activity::studio;
use super::choices::{images, send};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_customer_sees_the_studios_reply_to_a_comment() {
    let h = Harness::start(Backend::Embedded).await;
    let report = h.publish(&proofline_samples::numbered_set(2, 64, 48)).await;
    let ids = images(&h, &report).await;
    let mut phone = Phone::new("phone", &report.gallery);
    let comment = phone.op(Action::Comment {
        image: ids[0].clone(),
        text: "Could this be warmer?".into(),
    });
    let sent = send(&h, &report, std::slice::from_ref(&comment)).await;
    let receipt = sent.last_receipt.clone();

    let studio_token = report.studio_token.as_ref().unwrap().as_str().to_owned();
    let studio = studio(&h, &report).await;
    let link = &studio.links[0];
    assert_eq!(link.comment_ids, [comment.id.as_str()]);
    let url = format!(
        "{}/api/studio/galleries/{}/links/{}/replies",
        h.app_origin(),
        report.gallery,
        link.id
    );
    let post = |body: Value, token: String| h.http.post(&url).bearer_auth(token).json(&body).send();

    // Bad replies change nothing, each with a sentence.
    for (body, says) in [
        (
            json!({ "to": comment.id.as_str(), "text": "   " }),
            "A comment must not be empty",
        ),
        (
            json!({ "to": "nobody-op-000001", "text": "Yes" }),
            "There is no such comment",
        ),
        (
            json!({ "to": comment.id.as_str(), "text": "x".repeat(2_001) }),
            "limited to 2000 characters",
        ),
    ] {
        let r = post(body.clone(), studio_token.clone()).await.unwrap();
        assert_eq!(r.status(), 400, "{body}");
        let text = r.text().await.unwrap();
        assert!(text.contains(says), "{body}: {text}");
    }
    // Only the studio replies: a share token is refused.
    let r = post(
        json!({ "to": comment.id.as_str(), "text": "Sure" }),
        token(&report).to_owned(),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 401);

    let r = post(
        json!({ "to": comment.id.as_str(), "text": "Yes, we'll warm it up." }),
        studio_token.clone(),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    let after: StudioReport = r.json().await.unwrap();
    assert_eq!(
        after.links[0].replies,
        [(comment.id.to_string(), "Yes, we'll warm it up.".to_owned())]
    );

    // The customer's devices get it with the choices; the customer's
    // receipt is still their comment's.
    let pulled: ChoicesReply = h
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
    let replies: Vec<&str> = pulled
        .choices
        .replies_to(&comment.id)
        .map(|r| r.text.as_str())
        .collect();
    assert_eq!(replies, ["Yes, we'll warm it up."]);
    assert_eq!(pulled.last_receipt, receipt);

    // A device cannot pass a reply off as the studio's.
    let forged = phone.op(Action::Reply {
        to: OpId::parse(comment.id.as_str()).unwrap(),
        text: "Approved by the studio".into(),
    });
    let reply = send(&h, &report, &[forged]).await;
    assert!(
        matches!(&reply.receipts[0].outcome, OpStatus::Invalid { message } if message == "a reply op is not taken from here"),
        "{:?}",
        reply.receipts
    );
    assert_eq!(reply.choices.replies.len(), 1);
}

//! Tests of ops: their wire form and what is wrong with a bad one.

use serde_json::json;

use super::*;
use crate::proofing::fixtures::{NOW_MS, img, op};

#[test]
fn an_op_round_trips_through_its_wire_form() {
    let original = op(
        "phone",
        1,
        NOW_MS,
        Action::Comment {
            image: img(3),
            text: "Less red, please".into(),
        },
    );
    let text = serde_json::to_value(&original).unwrap();
    assert_eq!(
        text,
        json!({
            "op_id": "phone-op-0001", "device_id": "phone-device", "gallery": "wedding",
            "image": "img3", "kind": "comment", "value": "Less red, please",
            "hlc": {"wall_ms": NOW_MS, "counter": 0}
        })
    );
    assert_eq!(Op::from_value(text).unwrap(), original);
    let submit = op("phone", 2, NOW_MS, Action::Submit);
    assert_eq!(
        Op::from_value(serde_json::to_value(&submit).unwrap()).unwrap(),
        submit
    );
    let reply = Action::Reply {
        to: OpId::parse("phone-op-0001").unwrap(),
        text: "We'll warm it up".into(),
    };
    for activity in [
        Action::Opened,
        Action::SavedOffline { photos: 40 },
        Action::Downloaded { photos: 12 },
        reply,
    ] {
        let op = op("phone", 3, NOW_MS, activity);
        let wire = serde_json::to_value(&op).unwrap();
        assert!(wire.get("image").is_none(), "{wire}");
        assert_eq!(Op::from_value(wire).unwrap(), op);
    }
}

#[test]
fn a_reply_names_its_comment_and_has_text() {
    let base = json!({
        "op_id": "op-000001", "device_id": "studio-0001", "gallery": "wedding",
        "kind": "reply", "value": {"to": "phone-op-0001", "text": " Yes "},
        "hlc": {"wall_ms": 1, "counter": 0}
    });
    assert_eq!(
        Op::from_value(base.clone()).unwrap().action,
        Action::Reply {
            to: OpId::parse("phone-op-0001").unwrap(),
            text: "Yes".into()
        }
    );
    let with = |value: serde_json::Value| {
        let mut v = base.clone();
        v["value"] = value;
        Op::from_value(v).unwrap_err().to_string()
    };
    assert!(with(json!("Yes")).starts_with("the `value` of a reply op must be"));
    assert!(with(json!({"to": "x", "text": "Yes"})).starts_with("`to` is invalid"));
    assert_eq!(
        with(json!({"to": "phone-op-0001", "text": "  "})),
        "a comment must not be empty"
    );
}

#[test]
fn activity_ops_are_checked_too() {
    let base = json!({
        "op_id": "op-000001", "device_id": "device-01", "gallery": "wedding",
        "kind": "saved_offline", "value": 12,
        "hlc": {"wall_ms": 1, "counter": 0}
    });
    let with = |key: &str, value: serde_json::Value| {
        let mut v = base.clone();
        v[key] = value;
        Op::from_value(v).unwrap_err().to_string()
    };
    assert_eq!(
        Op::from_value(base.clone()).unwrap().action,
        Action::SavedOffline { photos: 12 }
    );
    for bad in [json!(-1), json!(1.5), json!("12"), json!(5_000_000_000u64)] {
        assert_eq!(
            with("value", bad),
            "the `value` of a saved_offline op must be a number of photos"
        );
    }
    assert_eq!(
        with("image", json!("img1")),
        "a saved_offline op has no `image`"
    );
    let mut opened = base.clone();
    opened["kind"] = json!("opened");
    opened["image"] = json!("img1");
    assert_eq!(
        Op::from_value(opened).unwrap_err(),
        OpError::UnexpectedImage { kind: "opened" }
    );
}

#[test]
fn bad_ops_say_what_is_wrong() {
    let base = json!({
        "op_id": "op-000001", "device_id": "device-01", "gallery": "wedding",
        "image": "img1", "kind": "select", "value": true,
        "hlc": {"wall_ms": 1, "counter": 0}
    });
    let with = |key: &str, value: serde_json::Value| {
        let mut v = base.clone();
        v[key] = value;
        Op::from_value(v).unwrap_err().to_string()
    };
    assert!(Op::from_value(base.clone()).is_ok());
    assert_eq!(
        with("kind", json!("delete")),
        "unknown kind \"delete\" (expected favourite, select, review, comment, submit, opened, saved_offline or reply)"
    );
    assert_eq!(
        with("value", json!("yes")),
        "the `value` of a select op must be true or false"
    );
    assert!(with("op_id", json!("short")).starts_with("`op_id` is invalid"));
    assert!(with("image", json!("../etc")).starts_with("`image` is invalid"));
    let mut no_image = base.clone();
    no_image.as_object_mut().unwrap().remove("image");
    assert_eq!(
        Op::from_value(no_image).unwrap_err(),
        OpError::MissingImage { kind: "select" }
    );
    let mut long = base.clone();
    long["kind"] = json!("comment");
    long["value"] = json!("x".repeat(MAX_COMMENT_CHARS + 1));
    assert_eq!(
        Op::from_value(long).unwrap_err(),
        OpError::CommentTooLong {
            len: MAX_COMMENT_CHARS + 1,
            max: MAX_COMMENT_CHARS
        }
    );
    assert_eq!(
        with("kind", json!("comment")),
        "the `value` of a comment op must be text"
    );
    let mut blank = base.clone();
    blank["kind"] = json!("comment");
    blank["value"] = json!("   ");
    assert_eq!(Op::from_value(blank).unwrap_err(), OpError::EmptyComment);
    assert!(matches!(
        Op::from_value(json!([1, 2])),
        Err(OpError::Malformed(_))
    ));
    assert!(matches!(with("extra", json!(1)).as_str(), s if s.contains("unknown field")));
}

#[test]
fn a_batch_reads_each_op_on_its_own() {
    let good = serde_json::to_value(op("phone", 1, NOW_MS, Action::Submit)).unwrap();
    let body = json!({ "ops": [good, {"op_id": "op-000002", "kind": "select"}, 7] });
    let batch = read_batch(body.to_string().as_bytes(), 3).unwrap();
    assert_eq!(batch.len(), 3);
    assert_eq!(batch[0], Ok(op("phone", 1, NOW_MS, Action::Submit)));
    assert!(matches!(&batch[1], Err((Some(id), OpError::Malformed(_))) if id == "op-000002"));
    assert!(matches!(&batch[2], Err((None, OpError::Malformed(_)))));
}

#[test]
fn a_body_that_is_no_batch_is_refused_whole() {
    let err = read_batch(b"{not json", 500).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("the body must be {\"ops\": [...]}"),
        "{err}"
    );
    assert!(matches!(
        read_batch(br#"{"ops": {}}"#, 500),
        Err(BatchError::NotABatch(_))
    ));
    let too_many = json!({ "ops": vec![json!({}); 501] }).to_string();
    assert_eq!(
        read_batch(too_many.as_bytes(), 500)
            .unwrap_err()
            .to_string(),
        "send at most 500 choices per request (this one has 501)"
    );
}

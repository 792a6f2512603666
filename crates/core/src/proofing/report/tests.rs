//! Tests of the studio's answers: receipts and refusals on the wire, receipt ids.

use super::*;
use crate::proofing::fixtures::gallery;
use crate::proofing::{OpId, receipt_id};

#[test]
fn receipts_and_refusals_have_a_stable_wire_form() {
    let receipt = OpReceipt {
        op_id: Some("op-000001".into()),
        outcome: OpStatus::Refused {
            refusal: RuleRefusal::SelectionFull { max: 3 },
            message: RuleRefusal::SelectionFull { max: 3 }.to_string(),
        },
    };
    let v = serde_json::to_value(&receipt).unwrap();
    assert_eq!(v["status"], "refused");
    assert_eq!(v["refusal"]["code"], "selection_full");
    assert_eq!(serde_json::from_value::<OpReceipt>(v).unwrap(), receipt);
    let id = receipt_id(&gallery(), &OpId::parse("op-000001").unwrap(), 7);
    assert_eq!(id.len(), 9);
    assert_eq!(
        id,
        receipt_id(&gallery(), &OpId::parse("op-000001").unwrap(), 7)
    );
    assert_ne!(
        id,
        receipt_id(&gallery(), &OpId::parse("op-000001").unwrap(), 8)
    );
}

#[test]
fn a_link_names_each_photo_it_marked_once() {
    let link = LinkReport {
        selected: vec!["b.jpg".into(), "a.jpg".into()],
        favourites: vec!["a.jpg".into(), "c.jpg".into()],
        approved: vec!["b.jpg".into()],
        changes_requested: vec!["d.jpg".into()],
        comments: vec![
            ("e.jpg".into(), "crop".into()),
            ("a.jpg".into(), "lovely".into()),
        ],
        ..LinkReport::live("k7", "")
    };
    assert_eq!(
        link.named_files(),
        ["b.jpg", "a.jpg", "c.jpg", "d.jpg", "e.jpg"]
    );
}

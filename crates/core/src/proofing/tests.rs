use super::*;
use proptest::prelude::*;
use serde_json::json;

fn img(n: u32) -> ImageId {
    ImageId::parse(format!("img{n}")).unwrap()
}

fn gallery() -> GalleryId {
    GalleryId::parse("wedding").unwrap()
}

fn op(device: &str, n: u64, wall_ms: u64, action: Action) -> Op {
    Op {
        id: OpId::parse(format!("{device}-op-{n:04}")).unwrap(),
        device: DeviceId::parse(format!("{device}-device")).unwrap(),
        gallery: gallery(),
        hlc: Hlc {
            wall_ms,
            counter: 0,
        },
        action,
    }
}

fn policy(rules: SelectionRules) -> Policy {
    Policy {
        rules,
        locked_at: None,
        images: (0..10).map(img).collect(),
    }
}

const NOW_MS: u64 = 1_763_000_000_000;

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
        "unknown kind \"delete\" (expected favourite, select, review, comment or submit)"
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
fn the_later_choice_wins_per_photo_and_field() {
    let a = op(
        "a",
        1,
        100,
        Action::Select {
            image: img(1),
            on: true,
        },
    );
    let b = op(
        "b",
        1,
        200,
        Action::Select {
            image: img(1),
            on: false,
        },
    );
    let fav = op(
        "a",
        2,
        50,
        Action::Favourite {
            image: img(1),
            on: true,
        },
    );
    for order in [[&a, &b, &fav], [&fav, &b, &a]] {
        let state = Choices::from_ops(order);
        assert!(!state.is_selected(&img(1)));
        assert!(state.is_favourite(&img(1)), "other fields are independent");
    }
}

#[test]
fn the_same_clock_on_two_devices_is_settled_by_device_id() {
    let a = op(
        "a",
        1,
        100,
        Action::Select {
            image: img(1),
            on: true,
        },
    );
    let b = op(
        "b",
        1,
        100,
        Action::Select {
            image: img(1),
            on: false,
        },
    );
    assert!(!Choices::from_ops([&a, &b]).is_selected(&img(1)));
    assert!(!Choices::from_ops([&b, &a]).is_selected(&img(1)));
}

#[test]
fn comments_are_kept_all_once_in_clock_order() {
    let c1 = op(
        "a",
        1,
        300,
        Action::Comment {
            image: img(2),
            text: "second".into(),
        },
    );
    let c2 = op(
        "b",
        1,
        100,
        Action::Comment {
            image: img(2),
            text: "first".into(),
        },
    );
    let state = Choices::from_ops([&c1, &c2, &c1, &c2]);
    let texts: Vec<_> = state
        .comments_on(&img(2))
        .map(|c| c.text.as_str())
        .collect();
    assert_eq!(texts, ["first", "second"]);
    assert_eq!(state.comments_on(&img(3)).count(), 0);
}

#[test]
fn the_first_submit_is_the_one_kept() {
    let late = op("a", 1, 900, Action::Submit);
    let early = op("b", 1, 400, Action::Submit);
    assert_eq!(
        Choices::from_ops([&late, &early]).submitted,
        Some(early.stamp())
    );
}

#[test]
fn the_maximum_blocks_the_next_selection() {
    let rules = SelectionRules {
        min: 0,
        max: Some(2),
        deadline: None,
    };
    let p = policy(rules);
    let ops: Vec<_> = (0..2)
        .map(|i| {
            op(
                "a",
                i,
                NOW_MS,
                Action::Select {
                    image: img(i as u32),
                    on: true,
                },
            )
        })
        .collect();
    let state = Choices::from_ops(&ops);
    let third = op(
        "a",
        9,
        NOW_MS,
        Action::Select {
            image: img(5),
            on: true,
        },
    );
    let refusal = p.check(&state, &third, NOW_MS).unwrap_err();
    assert_eq!(refusal, Refusal::SelectionFull { max: 2 });
    assert_eq!(
        refusal.to_string(),
        "You have selected the most the studio allows (2). Unselect one to choose another."
    );
    // Re-selecting a selected photo or unselecting is always fine.
    let again = op(
        "a",
        10,
        NOW_MS,
        Action::Select {
            image: img(0),
            on: true,
        },
    );
    assert!(p.check(&state, &again, NOW_MS).is_ok());
    let off = op(
        "a",
        11,
        NOW_MS,
        Action::Select {
            image: img(0),
            on: false,
        },
    );
    assert!(p.check(&state, &off, NOW_MS).is_ok());
}

#[test]
fn submit_below_the_minimum_says_what_is_missing() {
    let p = policy(SelectionRules {
        min: 5,
        max: Some(8),
        deadline: None,
    });
    let ops: Vec<_> = (0..3)
        .map(|i| {
            op(
                "a",
                i,
                NOW_MS,
                Action::Select {
                    image: img(i as u32),
                    on: true,
                },
            )
        })
        .collect();
    let submit = op("a", 9, NOW_MS, Action::Submit);
    let refusal = p
        .check(&Choices::from_ops(&ops), &submit, NOW_MS)
        .unwrap_err();
    assert_eq!(
        refusal.to_string(),
        "Choose 2 more photos: the studio asks for at least 5 (you have 3)."
    );
}

#[test]
fn submit_over_the_maximum_says_how_many_to_drop() {
    // Two phones each selected within the maximum while offline.
    let p = policy(SelectionRules {
        min: 0,
        max: Some(2),
        deadline: None,
    });
    let ops: Vec<_> = (0..3)
        .map(|i| {
            op(
                "a",
                i,
                NOW_MS,
                Action::Select {
                    image: img(i as u32),
                    on: true,
                },
            )
        })
        .collect();
    let submit = op("a", 9, NOW_MS, Action::Submit);
    assert_eq!(
        p.check(&Choices::from_ops(&ops), &submit, NOW_MS)
            .unwrap_err()
            .to_string(),
        "The studio allows at most 2 photos; you have 3. Unselect 1 to submit."
    );
}

#[test]
fn a_submitted_selection_no_longer_changes_but_favourites_and_comments_do() {
    let p = policy(SelectionRules::default());
    let submit = op("a", 1, NOW_MS, Action::Submit);
    let state = Choices::from_ops([&submit]);
    let select = op(
        "a",
        2,
        NOW_MS,
        Action::Select {
            image: img(1),
            on: true,
        },
    );
    assert!(matches!(
        p.check(&state, &select, NOW_MS),
        Err(Refusal::Submitted { .. })
    ));
    let resubmit = op("b", 1, NOW_MS, Action::Submit);
    assert!(p.check(&state, &resubmit, NOW_MS).is_err());
    let fav = op(
        "a",
        3,
        NOW_MS,
        Action::Favourite {
            image: img(1),
            on: true,
        },
    );
    assert!(p.check(&state, &fav, NOW_MS).is_ok());
}

#[test]
fn a_locked_gallery_refuses_everything_with_the_date() {
    let mut p = policy(SelectionRules::default());
    p.locked_at = Some(1_762_905_600); // 12 Nov 2025
    let fav = op(
        "a",
        3,
        NOW_MS,
        Action::Favourite {
            image: img(1),
            on: true,
        },
    );
    let refusal = p.check(&Choices::default(), &fav, NOW_MS).unwrap_err();
    assert_eq!(
        refusal.to_string(),
        "The studio locked this gallery on 12 Nov 2025; this change was not sent."
    );
}

#[test]
fn the_deadline_is_judged_by_when_the_choice_was_made() {
    let deadline = (NOW_MS / 1000) as i64;
    let p = policy(SelectionRules {
        min: 0,
        max: None,
        deadline: Some(deadline),
    });
    let before = op(
        "a",
        1,
        NOW_MS - 60_000,
        Action::Select {
            image: img(1),
            on: true,
        },
    );
    let after = op(
        "a",
        2,
        NOW_MS + 60_000,
        Action::Select {
            image: img(1),
            on: true,
        },
    );
    // Made offline before the deadline, delivered after it: accepted.
    assert!(
        p.check(&Choices::default(), &before, NOW_MS + 3_600_000)
            .is_ok()
    );
    assert_eq!(
        p.check(&Choices::default(), &after, NOW_MS + 60_000),
        Err(Refusal::PastDeadline { deadline })
    );
    let fav = op(
        "a",
        3,
        NOW_MS + 60_000,
        Action::Favourite {
            image: img(1),
            on: true,
        },
    );
    assert!(p.check(&Choices::default(), &fav, NOW_MS + 60_000).is_ok());
}

#[test]
fn ops_from_a_clock_far_ahead_or_on_unknown_photos_are_refused() {
    let p = policy(SelectionRules::default());
    let ahead = op(
        "a",
        1,
        NOW_MS + MAX_CLOCK_AHEAD_MS + 1,
        Action::Favourite {
            image: img(1),
            on: true,
        },
    );
    assert_eq!(
        p.check(&Choices::default(), &ahead, NOW_MS),
        Err(Refusal::ClockAhead)
    );
    let unknown = op(
        "a",
        2,
        NOW_MS,
        Action::Favourite {
            image: img(77),
            on: true,
        },
    );
    assert!(matches!(
        p.check(&Choices::default(), &unknown, NOW_MS),
        Err(Refusal::UnknownImage { .. })
    ));
}

#[test]
fn rules_are_checked_and_summarised_for_customers() {
    let r = |min, max, deadline| SelectionRules { min, max, deadline };
    assert!(r(3, Some(2), None).validate().is_err());
    assert!(r(0, Some(0), None).validate().is_err());
    assert!(r(2, Some(2), None).validate().is_ok());
    assert_eq!(r(0, None, None).summary(), None);
    assert_eq!(
        r(10, Some(20), None).summary().unwrap(),
        "Choose 10 to 20 photos."
    );
    assert_eq!(r(1, Some(1), None).summary().unwrap(), "Choose 1 photo.");
    assert_eq!(
        r(0, Some(5), Some(1_762_905_600)).summary().unwrap(),
        "Choose up to 5 photos by 12 Nov 2025."
    );
    assert_eq!(
        r(0, None, Some(1_762_905_600)).summary().unwrap(),
        "Selections close on 12 Nov 2025."
    );
}

#[test]
fn receipts_and_refusals_have_a_stable_wire_form() {
    let receipt = OpReceipt {
        op_id: Some("op-000001".into()),
        outcome: Outcome::Refused {
            refusal: Refusal::SelectionFull { max: 3 },
            message: Refusal::SelectionFull { max: 3 }.to_string(),
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
fn deadlines_are_given_as_dates_and_include_the_whole_day() {
    assert_eq!(end_of_day("2026-12-31"), Ok(1_798_761_599));
    assert_eq!(
        end_of_day("2000-02-29").map(day_label).unwrap(),
        "29 Feb 2000"
    );
    assert!(end_of_day("2026-02-31").is_err());
    assert!(end_of_day("2026-13-01").is_err());
    assert!(end_of_day("31/12/2026").is_err());
    assert!(end_of_day("").is_err());
}

#[test]
fn day_labels_are_calendar_dates() {
    assert_eq!(day_label(0), "1 Jan 1970");
    assert_eq!(day_label(951_782_400), "29 Feb 2000");
    assert_eq!(day_label(1_798_761_599), "31 Dec 2026");
    assert_eq!(day_label(-1), "31 Dec 1969");
}

#[test]
fn the_device_shows_its_pending_choices_over_the_confirmed_ones() {
    let confirmed = Choices::from_ops([&op(
        "a",
        1,
        100,
        Action::Select {
            image: img(1),
            on: true,
        },
    )]);
    let pending = [op(
        "b",
        1,
        200,
        Action::Select {
            image: img(1),
            on: false,
        },
    )];
    assert!(!local_view(&confirmed, &pending).is_selected(&img(1)));
    assert!(confirmed.is_selected(&img(1)));
}

fn arb_action() -> impl Strategy<Value = Action> {
    let image = (0u32..4).prop_map(img);
    prop_oneof![
        (image.clone(), any::<bool>()).prop_map(|(image, on)| Action::Favourite { image, on }),
        (image.clone(), any::<bool>()).prop_map(|(image, on)| Action::Select { image, on }),
        (
            image.clone(),
            prop_oneof![
                Just(Verdict::Undecided),
                Just(Verdict::Approved),
                Just(Verdict::ChangesRequested)
            ]
        )
            .prop_map(|(image, verdict)| Action::Review { image, verdict }),
        (image, "[a-z ]{1,12}").prop_map(|(image, text)| Action::Comment { image, text }),
        Just(Action::Submit),
    ]
}

/// One device's log: its clock ticks on every op, from a clock that may jump.
fn arb_log(device: &'static str) -> impl Strategy<Value = Vec<Op>> {
    proptest::collection::vec((arb_action(), 0u64..50), 0..25).prop_map(move |steps| {
        let mut clock = Hlc::ZERO;
        steps
            .into_iter()
            .enumerate()
            .map(|(n, (action, now))| {
                clock = clock.tick(now);
                Op {
                    hlc: clock,
                    ..op(device, n as u64, 0, action)
                }
            })
            .collect()
    })
}

proptest! {
    /// Any interleaving, duplication and reordering of two devices' logs
    /// merges to the same state.
    #[test]
    fn two_devices_logs_merge_to_one_state_in_any_order(
        a in arb_log("phone-a"),
        b in arb_log("phone-b"),
        shuffle in proptest::collection::vec(any::<proptest::sample::Index>(), 0..120),
        dups in proptest::collection::vec(any::<proptest::sample::Index>(), 0..20),
    ) {
        let reference = {
            let mut all: Vec<&Op> = a.iter().chain(&b).collect();
            all.sort_by_key(|op| op.stamp());
            Choices::from_ops(all)
        };
        let mut delivered: Vec<&Op> = a.iter().chain(&b).collect();
        if !delivered.is_empty() {
            for d in &dups {
                let extra = *d.get(&delivered);
                delivered.push(extra);
            }
            for (i, s) in shuffle.iter().enumerate() {
                let len = delivered.len();
                delivered.swap(i % len, s.index(len));
            }
        }
        prop_assert_eq!(Choices::from_ops(delivered.iter().copied()), reference.clone());
        // Each device first merges its own, then the other's: same again.
        let mut on_a = Choices::from_ops(&a);
        let mut on_b = Choices::from_ops(&b);
        for op in &b { on_a.apply(op); }
        for op in &a { on_b.apply(op); }
        prop_assert_eq!(&on_a, &reference);
        prop_assert_eq!(&on_b, &reference);
    }
}

#[test]
fn merged_choices_round_trip_through_json() {
    let ops = [
        op(
            "a",
            1,
            100,
            Action::Select {
                image: img(1),
                on: true,
            },
        ),
        op(
            "a",
            2,
            100,
            Action::Comment {
                image: img(1),
                text: "hi".into(),
            },
        ),
        op("a", 3, 100, Action::Submit),
    ];
    let state = Choices::from_ops(&ops);
    let json = serde_json::to_string(&state).unwrap();
    assert_eq!(
        serde_json::from_str::<Choices>(&json).unwrap(),
        state,
        "{json}"
    );
}

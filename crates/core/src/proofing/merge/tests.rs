//! Tests of the merge: last writer wins per photo and field, comments and the
//! first submit, the device's local view, and that any delivery order of two
//! devices' logs merges to one state.

use proptest::prelude::*;

use super::*;
use crate::proofing::fixtures::{img, op};

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

//! Tests of the studio's selection rules: what they refuse, when, and in what words.

use super::*;
use crate::proofing::OpId;
use crate::proofing::fixtures::{NOW_MS, img, op};

fn policy(rules: SelectionRules) -> Policy {
    Policy {
        rules,
        locked_at: None,
        images: (0..10).map(img).collect(),
    }
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
    assert_eq!(refusal, RuleRefusal::SelectionFull { max: 2 });
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
        Err(RuleRefusal::Submitted { .. })
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
fn activity_passes_a_lock_a_deadline_and_a_submit_but_not_a_clock_far_ahead() {
    let mut p = policy(SelectionRules {
        min: 0,
        max: Some(1),
        deadline: Some((NOW_MS / 1000) as i64 - 3_600),
    });
    p.locked_at = Some(1_762_905_600);
    let submitted = Choices::from_ops(&[op("a", 1, NOW_MS - 5_000_000, Action::Submit)]);
    for action in [
        Action::Opened,
        Action::SavedOffline { photos: 3 },
        Action::Downloaded { photos: 2 },
    ] {
        assert_eq!(
            p.check(&submitted, &op("a", 2, NOW_MS, action.clone()), NOW_MS),
            Ok(())
        );
        let ahead = op("a", 3, NOW_MS + MAX_CLOCK_AHEAD_MS + 1, action);
        assert_eq!(
            p.check(&submitted, &ahead, NOW_MS),
            Err(RuleRefusal::ClockAhead)
        );
    }
}

#[test]
fn the_studio_replies_only_to_a_comment_it_has_even_when_locked() {
    let mut p = policy(SelectionRules::default());
    p.locked_at = Some(1_762_905_600);
    let comment = op(
        "a",
        1,
        NOW_MS - 5_000,
        Action::Comment {
            image: img(1),
            text: "Warmer?".into(),
        },
    );
    let state = Choices::from_ops(std::slice::from_ref(&comment));
    let reply = |to: &OpId| {
        op(
            "studio",
            1,
            NOW_MS,
            Action::Reply {
                to: to.clone(),
                text: "Yes".into(),
            },
        )
    };
    assert_eq!(p.check(&state, &reply(&comment.id), NOW_MS), Ok(()));
    let unknown = OpId::parse("nobody-op-0001").unwrap();
    assert_eq!(
        p.check(&state, &reply(&unknown), NOW_MS),
        Err(RuleRefusal::UnknownComment)
    );
    let answered = Choices::from_ops(&[comment.clone(), reply(&comment.id)]);
    assert_eq!(
        answered
            .replies_to(&comment.id)
            .map(|r| r.text.as_str())
            .collect::<Vec<_>>(),
        ["Yes"]
    );
    assert_eq!(answered.latest(), reply(&comment.id).hlc);
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
        Err(RuleRefusal::PastDeadline { deadline })
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
        Err(RuleRefusal::ClockAhead)
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
        Err(RuleRefusal::UnknownImage { .. })
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

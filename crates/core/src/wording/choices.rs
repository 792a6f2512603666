//! The customer's choices in words: what a choice was, where the choices
//! are (the outbox's line), the selection bar, and what a withdrawn
//! gallery's notice says about choices that never reached the studio. The
//! words are in `locales/en-GB/choices.ftl`; what is here picks among them.

use std::collections::BTreeMap;

use crate::ImageId;
use crate::proofing::{Action, Verdict};

include!(concat!(env!("OUT_DIR"), "/choices.rs"));

/// What a choice was, in words: "Selecting “Ceremony 03”", "Your comment on
/// “Ceremony 03”: “Lighter, please”". A photo is named by `names` (its alt
/// text or file name), else by its id.
pub fn describe_choice(names: &BTreeMap<ImageId, String>, action: &Action) -> String {
    let name = |image: &ImageId| {
        names
            .get(image)
            .cloned()
            .unwrap_or_else(|| image.to_string())
    };
    match action {
        Action::Favourite { image, on: true } => favouriting(name(image)),
        Action::Favourite { image, on: false } => unfavouriting(name(image)),
        Action::Select { image, on: true } => selecting(name(image)),
        Action::Select { image, on: false } => unselecting(name(image)),
        Action::Review { image, verdict } => {
            let verdict = match verdict {
                Verdict::Approved => "approved",
                Verdict::ChangesRequested => "changes",
                Verdict::Undecided => "undecided",
            };
            verdict_on(name(image), verdict)
        }
        Action::Comment { image, text } => comment_on(name(image), text),
        Action::Submit => SUBMITTING.into(),
        Action::Opened => TELLING_OPENED.into(),
        Action::Reply { text, .. } => studio_reply(text),
        Action::SavedOffline { .. } => TELLING_SAVED.into(),
        Action::Downloaded { .. } => TELLING_DOWNLOADED.into(),
    }
}

/// Where the customer's choices are, or nothing before the first:
/// - the studio refused the requests themselves: "2 choices not sent: why";
/// - some wait: "3 choices waiting to be sent." (online) or "… saved on
///   this device; they will be sent when you're back online.";
/// - none wait: "All choices received by the studio at 10:42 · receipt
///   7F3A-91C2", from the newest `(receipt, time)` (see
///   [`clock_time`](super::gallery::clock_time)).
pub fn delivery_line(
    waiting: usize,
    stopped: Option<&str>,
    received: Option<(&str, &str)>,
    online: bool,
) -> Option<String> {
    if let Some(reason) = stopped {
        return Some(choices_not_sent(waiting, reason));
    }
    if waiting > 0 {
        return Some(if online {
            choices_waiting(waiting)
        } else {
            choices_kept_offline(waiting)
        });
    }
    let (receipt, at) = received?;
    Some(all_received(at, receipt))
}

/// The selection bar: how many are selected, then whether the selection was
/// submitted (Unix seconds, and the studio's receipt once it has one), else
/// whether the studio locked the gallery, else its rules. `when` says a
/// time (the app: in the device's zone, [`super::day_time`]).
pub fn selection_status(
    selected: u32,
    submitted: Option<(i64, Option<&str>)>,
    locked_at: Option<i64>,
    rules: Option<&str>,
    when: &dyn Fn(i64) -> String,
) -> String {
    let count = selected_count(selected);
    match (submitted, locked_at) {
        (Some((at, receipt)), _) => {
            let submitted = submitted_on(&count, when(at));
            match receipt {
                Some(r) => format!("{submitted} {}", studio_receipt(r)),
                None => submitted,
            }
        }
        (None, Some(at)) => locked_on(&count, when(at)),
        (None, None) => match rules {
            Some(r) => count_and_rules(&count, r),
            None => count,
        },
    }
}

/// The heading of a withdrawn gallery's notice, with its title if known.
pub fn withdrawn_title(title: Option<&str>) -> String {
    match title {
        Some(t) => withdrawn_titled(t),
        None => WITHDRAWN_UNTITLED.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::day_label;

    fn id(s: &str) -> ImageId {
        ImageId::parse(s).unwrap()
    }

    #[test]
    fn choices_are_described_by_the_photos_name_else_its_id() {
        let names = BTreeMap::from([(id("c03"), "Ceremony 03".to_string())]);
        let say = |a: Action| describe_choice(&names, &a);
        assert_eq!(
            say(Action::Select {
                image: id("c03"),
                on: true
            }),
            "Selecting “Ceremony 03”"
        );
        assert_eq!(
            say(Action::Select {
                image: id("c03"),
                on: false
            }),
            "Unselecting “Ceremony 03”"
        );
        assert_eq!(
            say(Action::Favourite {
                image: id("x9"),
                on: true
            }),
            "Favouriting “x9”"
        );
        assert_eq!(
            say(Action::Favourite {
                image: id("c03"),
                on: false
            }),
            "Unfavouriting “Ceremony 03”"
        );
        assert_eq!(
            say(Action::Review {
                image: id("c03"),
                verdict: Verdict::ChangesRequested
            }),
            "Your verdict on “Ceremony 03”: changes requested"
        );
        assert_eq!(
            say(Action::Review {
                image: id("c03"),
                verdict: Verdict::Approved
            }),
            "Your verdict on “Ceremony 03”: approved"
        );
        assert_eq!(
            say(Action::Review {
                image: id("c03"),
                verdict: Verdict::Undecided
            }),
            "Your verdict on “Ceremony 03”: undecided"
        );
        assert_eq!(
            say(Action::Comment {
                image: id("c03"),
                text: "Lighter, please".into()
            }),
            "Your comment on “Ceremony 03”: “Lighter, please”"
        );
        assert_eq!(say(Action::Submit), "Submitting the selection");
    }

    #[test]
    fn refusals_and_failures_to_save() {
        assert_eq!(
            refused_choice("Selecting “A”", "Selections closed on 1 Jan 2026."),
            "Selecting “A”: Selections closed on 1 Jan 2026."
        );
        assert_eq!(
            choice_not_saved("this device has no more room for saved photos"),
            "This choice could not be saved on this device (this device has no more room for saved photos); keep this page open until it is sent."
        );
        assert_eq!(not_accepted_heading(2), "Not accepted by the studio (2)");
    }

    #[test]
    fn the_outbox_line_says_where_the_choices_are() {
        assert_eq!(delivery_line(0, None, None, true), None);
        assert_eq!(
            delivery_line(1, None, None, true).as_deref(),
            Some("1 choice waiting to be sent.")
        );
        assert_eq!(
            delivery_line(3, None, Some(("R", "10:42")), true).as_deref(),
            Some("3 choices waiting to be sent.")
        );
        assert_eq!(
            delivery_line(2, None, None, false).as_deref(),
            Some("2 choices saved on this device; they will be sent when you're back online.")
        );
        assert_eq!(
            delivery_line(1, Some("This link isn't valid any more."), None, true).as_deref(),
            Some("1 choice not sent: This link isn't valid any more.")
        );
        assert_eq!(
            delivery_line(0, None, Some(("7F3A-91C2", "10:42")), false).as_deref(),
            Some("All choices received by the studio at 10:42 · receipt 7F3A-91C2")
        );
    }

    #[test]
    fn the_selection_bar_says_submitted_then_locked_then_the_rules() {
        // 1 Dec 2026 and 2 Dec 2026, UTC.
        let (dec1, dec2) = (1_796_083_200, 1_796_169_600);
        assert_eq!(
            selection_status(
                3,
                Some((dec1, Some("7F3A"))),
                Some(dec2),
                Some("Choose 10 photos."),
                &day_label
            ),
            "3 selected · Selection submitted on 1 Dec 2026. Studio's receipt: 7F3A."
        );
        assert_eq!(
            selection_status(3, Some((dec1, None)), None, None, &day_label),
            "3 selected · Selection submitted on 1 Dec 2026."
        );
        assert_eq!(
            selection_status(0, None, Some(dec2), Some("Choose 10 photos."), &day_label),
            "0 selected · The studio locked this gallery on 2 Dec 2026."
        );
        assert_eq!(
            selection_status(4, None, None, Some("Choose 10 photos."), &day_label),
            "4 selected · Choose 10 photos."
        );
        assert_eq!(
            selection_status(4, None, None, None, &day_label),
            "4 selected"
        );
        assert_eq!(
            submit_question(12),
            "Submit 12 photos to the studio? The selection can't be changed afterwards."
        );
    }

    #[test]
    fn a_withdrawn_gallery_names_itself_and_counts_what_did_not_arrive() {
        assert_eq!(
            withdrawn_title(Some("Smith wedding")),
            "“Smith wedding” is no longer available"
        );
        assert_eq!(withdrawn_title(None), "This gallery is no longer available");
        assert_eq!(unsent_heading(1), "1 choice did not reach the studio");
        assert_eq!(unsent_heading(3), "3 choices did not reach the studio");
    }
}

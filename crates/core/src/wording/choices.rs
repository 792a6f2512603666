//! The customer's choices in words: what a choice was, where the choices
//! are (the outbox's line), the selection bar, and what a withdrawn
//! gallery's notice says about choices that never reached the studio.

use std::collections::BTreeMap;

use crate::ImageId;
use crate::proofing::{Action, Verdict};

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
        Action::Favourite { image, on } => {
            let verb = if *on { "Favouriting" } else { "Unfavouriting" };
            format!("{verb} “{}”", name(image))
        }
        Action::Select { image, on } => {
            let verb = if *on { "Selecting" } else { "Unselecting" };
            format!("{verb} “{}”", name(image))
        }
        Action::Review { image, verdict } => {
            format!(
                "Your verdict on “{}”: {}",
                name(image),
                verdict_text(*verdict)
            )
        }
        Action::Comment { image, text } => format!("Your comment on “{}”: “{text}”", name(image)),
        Action::Submit => "Submitting the selection".into(),
        Action::Opened => "Telling the studio the gallery was opened".into(),
        Action::Reply { text, .. } => format!("The studio's reply: “{text}”"),
        Action::SavedOffline { .. } => {
            "Telling the studio how many photos are saved for offline".into()
        }
        Action::Downloaded { .. } => "Telling the studio about a download".into(),
    }
}

fn verdict_text(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Approved => "approved",
        Verdict::ChangesRequested => "changes requested",
        Verdict::Undecided => "undecided",
    }
}

/// A choice the studio refused, kept in the list of those not accepted:
/// "Selecting “Ceremony 03”: Selections closed on 12 Nov 2026."
pub fn refused_choice(what: &str, reason: &str) -> String {
    format!("{what}: {reason}")
}

/// The device could not save a choice (it is kept while the page is open).
pub fn choice_not_saved(error: &str) -> String {
    format!(
        "This choice could not be saved on this device ({error}); keep this page open until it is sent."
    )
}

fn choices(n: usize) -> &'static str {
    if n == 1 { "choice" } else { "choices" }
}

/// Before the studio's reply to a comment, in the lightbox.
pub const STUDIO_REPLIED: &str = "The studio replied: ";

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
        return Some(format!("{waiting} {} not sent: {reason}", choices(waiting)));
    }
    if waiting > 0 {
        let n = waiting;
        return Some(if online {
            format!("{n} {} waiting to be sent.", choices(n))
        } else {
            format!(
                "{n} {} saved on this device; they will be sent when you're back online.",
                choices(n)
            )
        });
    }
    let (receipt, at) = received?;
    Some(format!(
        "All choices received by the studio at {at} · receipt {receipt}"
    ))
}

/// The heading over the choices the studio refused: "Not accepted by the
/// studio (2)".
pub fn not_accepted_heading(n: usize) -> String {
    format!("Not accepted by the studio ({n})")
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
    let count = format!("{selected} selected");
    match (submitted, locked_at) {
        (Some((at, receipt)), _) => {
            let receipt = receipt
                .map(|r| format!(" Studio's receipt: {r}."))
                .unwrap_or_default();
            format!("{count} · Selection submitted on {}.{receipt}", when(at))
        }
        (None, Some(at)) => format!("{count} · The studio locked this gallery on {}.", when(at)),
        (None, None) => match rules {
            Some(r) => format!("{count} · {r}"),
            None => count,
        },
    }
}

/// Asked before "Submit selection" is final.
pub fn submit_question(selected: u32) -> String {
    format!("Submit {selected} photos to the studio? The selection can't be changed afterwards.")
}

/// The heading of a withdrawn gallery's notice, with its title if known.
pub fn withdrawn_title(title: Option<&str>) -> String {
    match title {
        Some(t) => format!("“{t}” is no longer available"),
        None => "This gallery is no longer available".into(),
    }
}

/// "1 choice did not reach the studio", "3 choices did not reach the studio".
pub fn unsent_heading(n: usize) -> String {
    format!("{n} {} did not reach the studio", choices(n))
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

//! What the studio reads when a link submits its selection: the email's
//! subject and text (the webhook carries data, not sentences). And what a
//! customer reads in a reminder.

use super::numbers::{count, photo_count};
use super::studio::link_name;
use crate::calendar::{day_label, time_label};
use crate::notify::Reminder;
use crate::proofing::LinkReport;

/// "Anna submitted a selection — Smith wedding (12 photos)".
pub fn submitted_subject(gallery_title: &str, l: &LinkReport) -> String {
    format!(
        "{} submitted a selection — {gallery_title} ({})",
        link_name(l),
        photo_count(l.selected.len())
    )
}

/// The email's text: who submitted what and when, the other choices in
/// numbers, where to see them all, and what is attached.
pub fn submitted_body(
    gallery_title: &str,
    l: &LinkReport,
    studio_page: Option<&str>,
    attachment: &str,
) -> String {
    let when = l
        .submitted_at
        .map(|at| format!(" at {} UTC", time_label(at)))
        .unwrap_or_default();
    let mut counts = vec![format!("{} selected", count(l.selected.len()))];
    for (n, one, many) in [
        (l.favourites.len(), "favourite", "favourites"),
        (l.approved.len(), "approved", "approved"),
        (
            l.changes_requested.len(),
            "with changes requested",
            "with changes requested",
        ),
        (l.comments.len(), "comment", "comments"),
    ] {
        match n {
            0 => {}
            1 => counts.push(format!("1 {one}")),
            n => counts.push(format!("{} {many}", count(n))),
        }
    }
    let page = match studio_page {
        Some(url) => format!("Every choice and comment is on the studio page:\n{url}"),
        None => "Every choice and comment is on the studio page.".to_owned(),
    };
    format!(
        "{} submitted a selection of {} from {gallery_title}{when}.\n\n{}\n\n{page}\n\n\
         The selected files are attached as {attachment}, ready for your editing tool.\n",
        link_name(l),
        photo_count(l.selected.len()),
        counts.join(" · "),
    )
}

/// A reminder's subject: "“Smith wedding” closes on 8 Dec 2026: your
/// selection is not submitted yet".
pub fn reminder_subject(r: Reminder, gallery_title: &str, closes_at: Option<i64>) -> String {
    match (r, closes_at) {
        (Reminder::ClosesSoon, Some(at)) => format!(
            "“{gallery_title}” closes on {}: your selection is not submitted yet",
            day_label(at)
        ),
        _ => format!("Your selection from “{gallery_title}” is not finished"),
    }
}

/// A reminder's text, from `studio` (its name), ending with the address
/// that stops reminders. It carries no link to the gallery (the server
/// keeps only a hash of the share link): the customer opens the one the
/// studio sent.
pub fn reminder_body(
    r: Reminder,
    studio: &str,
    gallery_title: &str,
    closes_at: Option<i64>,
    selected: usize,
    unsubscribe: &str,
) -> String {
    let so_far = match selected {
        0 => String::new(),
        n => format!(" (you have selected {} so far)", photo_count(n)),
    };
    let lead = match (r, closes_at) {
        (Reminder::ClosesSoon, Some(at)) => format!(
            "The photos of “{gallery_title}” can be chosen until {} UTC, and {studio} has not \
             received your selection yet{so_far}.",
            time_label(at)
        ),
        _ => format!("{studio} is waiting for your selection from “{gallery_title}”{so_far}."),
    };
    format!(
        "Hello,\n\n{lead}\n\nTo finish, open the link {studio} sent you and press \
         “Submit selection”. Choices you made on your phone or computer are kept there.\n\n\
         You get at most one reminder of each kind. To stop them:\n{unsubscribe}\n"
    )
}

/// The unsubscribe page's question, over its one button
/// ([`UNSUBSCRIBE_BUTTON`]): a link scanner opening the page stops nothing.
pub fn unsubscribe_question(gallery_title: &str) -> String {
    format!("Stop the reminders about “{gallery_title}”?")
}

pub const UNSUBSCRIBE_BUTTON: &str = "Stop reminders";

/// The unsubscribe page once the reminders are stopped.
pub fn unsubscribed(gallery_title: &str) -> String {
    format!(
        "You will get no more reminders about “{gallery_title}”. Your choices and the link \
         still work as before."
    )
}

/// The unsubscribe page for a key the studio does not know.
pub const UNSUBSCRIBE_UNKNOWN: &str = "This link to stop reminders is not known here. The gallery may have been deleted, and then no reminder will come.";

#[cfg(test)]
mod tests {
    use super::*;

    // 3 Dec 2026, 14:05 UTC.
    const SUBMITTED: i64 = 1_796_256_000 + 14 * 3600 + 5 * 60;

    fn link(label: &str, selected: usize) -> LinkReport {
        LinkReport {
            submitted_at: Some(SUBMITTED),
            selected: (0..selected).map(|i| format!("{i}.jpg")).collect(),
            favourites: vec!["0.jpg".into()],
            comments: vec![("0.jpg".into(), "Crop it".into())],
            ..LinkReport::live("k7", label)
        }
    }

    #[test]
    fn the_subject_says_who_which_gallery_and_how_many() {
        assert_eq!(
            submitted_subject("Smith wedding", &link("Anna", 12)),
            "Anna submitted a selection — Smith wedding (12 photos)"
        );
        assert_eq!(
            submitted_subject("Smith wedding", &link("", 1)),
            "Link k7 submitted a selection — Smith wedding (1 photo)"
        );
    }

    #[test]
    fn the_text_gives_the_counts_the_page_and_the_attachment() {
        let body = submitted_body(
            "Smith wedding",
            &link("Anna", 12),
            Some("https://proofs.example/#/studio/g1/t"),
            "selection.csv",
        );
        assert_eq!(
            body,
            "Anna submitted a selection of 12 photos from Smith wedding at 14:05 on 3 Dec 2026 UTC.\n\n\
             12 selected · 1 favourite · 1 comment\n\n\
             Every choice and comment is on the studio page:\nhttps://proofs.example/#/studio/g1/t\n\n\
             The selected files are attached as selection.csv, ready for your editing tool.\n"
        );
        let without = submitted_body("Smith wedding", &link("Anna", 2), None, "a.csv");
        assert!(without.contains("\n\nEvery choice and comment is on the studio page.\n\n"));
    }

    #[test]
    fn reminders_say_when_it_closes_what_is_chosen_and_how_to_stop_them() {
        let closes = SUBMITTED + 5 * 86_400;
        assert_eq!(
            reminder_subject(Reminder::ClosesSoon, "Smith wedding", Some(closes)),
            "“Smith wedding” closes on 8 Dec 2026: your selection is not submitted yet"
        );
        assert_eq!(
            reminder_subject(Reminder::Unfinished, "Smith wedding", None),
            "Your selection from “Smith wedding” is not finished"
        );
        let body = reminder_body(
            Reminder::ClosesSoon,
            "Ada Studio",
            "Smith wedding",
            Some(closes),
            3,
            "https://proofs.example/unsubscribe/k",
        );
        assert_eq!(
            body,
            "Hello,\n\nThe photos of “Smith wedding” can be chosen until 14:05 on 8 Dec 2026 UTC, \
             and Ada Studio has not received your selection yet (you have selected 3 photos so far).\n\n\
             To finish, open the link Ada Studio sent you and press “Submit selection”. Choices you \
             made on your phone or computer are kept there.\n\n\
             You get at most one reminder of each kind. To stop them:\nhttps://proofs.example/unsubscribe/k\n"
        );
        let unfinished = reminder_body(
            Reminder::Unfinished,
            "Ada Studio",
            "Smith wedding",
            None,
            0,
            "u",
        );
        assert!(unfinished.starts_with(
            "Hello,\n\nAda Studio is waiting for your selection from “Smith wedding”.\n\n"
        ));
    }
}

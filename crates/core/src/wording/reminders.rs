//! What a customer reads in a reminder the studio asked for, and on the
//! page that stops reminders. The words are in
//! `locales/en-GB/reminders.ftl`; what is here picks among them.

use crate::calendar::{day_label, time_label};
use crate::notify::Reminder;

include!(concat!(env!("OUT_DIR"), "/reminders.rs"));

/// A reminder's subject: "“Smith wedding” closes on 8 Dec 2026: your
/// selection is not submitted yet".
pub fn reminder_subject(r: Reminder, gallery_title: &str, closes_at: Option<i64>) -> String {
    match (r, closes_at) {
        (Reminder::ClosesSoon, Some(at)) => closes_soon_subject(gallery_title, day_label(at)),
        _ => unfinished_subject(gallery_title),
    }
}

/// A reminder's text, from `studio` (its name), ending with the address
/// that stops reminders.
pub fn reminder_body(
    r: Reminder,
    studio: &str,
    gallery_title: &str,
    closes_at: Option<i64>,
    selected: usize,
    unsubscribe: &str,
) -> String {
    let lead = match (r, closes_at) {
        (Reminder::ClosesSoon, Some(at)) => {
            closes_soon_lead(gallery_title, time_label(at), studio, selected)
        }
        _ => unfinished_lead(studio, gallery_title, selected),
    };
    format!("{}\n", reminder_body_words(lead, studio, unsubscribe))
}

#[cfg(test)]
mod tests {
    use super::*;

    // 3 Dec 2026, 14:05 UTC.
    const SUBMITTED: i64 = 1_796_256_000 + 14 * 3600 + 5 * 60;

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

    #[test]
    fn the_unsubscribe_page_names_the_gallery() {
        assert_eq!(
            unsubscribe_question("Smith wedding"),
            "Stop the reminders about “Smith wedding”?"
        );
        assert!(
            unsubscribed("Smith wedding")
                .starts_with("You will get no more reminders about “Smith wedding”.")
        );
        assert_eq!(UNSUBSCRIBE_BUTTON, "Stop reminders");
    }
}

//! What the studio reads when a link submits its selection: the email's
//! subject and text (the webhook carries data, not sentences). In English,
//! outside the customer's catalogue (see [`super::reminders`] for what a
//! customer reads).

use super::numbers::{count, photo_count};
use super::studio::link_name;
use crate::calendar::time_label;
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
}

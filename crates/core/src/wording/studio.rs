//! The studio page's sentences: a gallery's summary, each link's state and
//! progress, the question before a link is revoked, and links compared.

use super::numbers::{count, photo_count};
use crate::calendar::{day_label, time_label};
use crate::downloads::Downloads;
use crate::proofing::{
    ComparedPhoto, LinkReport, Mark, RevocationBounds, SelectionRules, StudioReport,
};

/// "12 photos · Choose 20 to 30 photos · shared until 31 Dec 2026 · locked
/// on 2 Dec 2026".
pub fn gallery_summary(r: &StudioReport) -> String {
    let mut parts = vec![photo_count(r.photos)];
    parts.push(
        r.rules
            .summary()
            .unwrap_or_else(|| "No selection rules.".into())
            .trim_end_matches('.')
            .to_owned(),
    );
    if let Some(at) = r.expires_at {
        parts.push(format!("shared until {}", day_label(at)));
    }
    if let Some(at) = r.locked_at {
        parts.push(format!("locked on {}", day_label(at)));
    }
    parts.join(" · ")
}

/// "live · PIN · until 31 Dec 2026 · 12 selected · submitted 3 Dec 2026".
pub fn link_line(l: &LinkReport) -> String {
    let mut parts = vec![l.state.to_string()];
    if l.pin {
        parts.push("PIN".into());
    }
    if let Some(until) = l.pin_locked_until {
        parts.push(format!(
            "locked after wrong PINs until {} UTC",
            time_label(until)
        ));
    }
    if l.pin_failures > 0 {
        parts.push(match l.pin_failures {
            1 => "1 wrong PIN".into(),
            n => format!("{n} wrong PINs"),
        });
    }
    if let (Some(at), true) = (l.expires_at, l.state.is_live()) {
        parts.push(format!("until {}", day_label(at)));
    }
    match l.downloads {
        Downloads::None => {}
        Downloads::Web => parts.push("downloads web size".into()),
        Downloads::Full => parts.push("downloads full size".into()),
    }
    if l.download_pin && l.downloads != Downloads::None {
        parts.push("download PIN".into());
    }
    parts.push(format!("{} selected", l.selected.len()));
    parts.push(match l.submitted_at {
        Some(at) => format!("submitted {}", day_label(at)),
        None => "not submitted yet".into(),
    });
    parts.join(" · ")
}

/// A link's name: its label, else "Link {id}".
pub fn link_name(l: &LinkReport) -> String {
    if l.label.is_empty() {
        format!("Link {}", l.id)
    } else {
        l.label.clone()
    }
}

/// The overview's line for a link: "Grandma — live · 3 selected · …".
pub fn overview_line(l: &LinkReport) -> String {
    format!("{} — {}", link_name(l), link_line(l))
}

/// A link section's summary: its line, then favourites and comments.
pub fn link_summary(l: &LinkReport) -> String {
    format!(
        "{} · {} favourites · {} comments",
        link_line(l),
        l.favourites.len(),
        l.comments.len()
    )
}

/// A link's activity: "Opened first Tue 14 Jan, 14:05 · last Thu 16 Jan,
/// 09:12 · 3 visits on 2 devices · 40 photos saved offline · 3 more photos
/// to choose". `when` says a Unix time in the reader's own time zone.
pub fn activity_line(
    l: &LinkReport,
    rules: &SelectionRules,
    when: impl Fn(i64) -> String,
) -> String {
    let a = &l.activity;
    let mut parts = Vec::new();
    match (a.first_opened, a.last_opened) {
        (Some(first), Some(last)) if first == last => parts.push(format!("Opened {}", when(first))),
        (Some(first), Some(last)) => {
            parts.push(format!("Opened first {}", when(first)));
            parts.push(format!("last {}", when(last)));
        }
        _ => parts.push("Not opened yet".into()),
    }
    if a.opens > 0 {
        let visits = match a.opens {
            1 => "1 visit".to_string(),
            n => format!("{} visits", count(n as usize)),
        };
        parts.push(match a.devices {
            1 => format!("{visits} on 1 device"),
            n => format!("{visits} on {n} devices"),
        });
    }
    if a.saved_offline > 0 {
        let photos = photo_count(a.saved_offline as usize);
        parts.push(match a.devices_offline {
            1 => format!("{photos} saved offline"),
            n => format!("{photos} saved offline on {n} devices"),
        });
    }
    if a.downloaded > 0 {
        parts.push(format!(
            "{} downloaded",
            photo_count(usize::try_from(a.downloaded).unwrap_or(usize::MAX))
        ));
    }
    let chosen = l.selected.len() as u32;
    if l.submitted_at.is_none() && chosen < rules.min {
        parts.push(match rules.min - chosen {
            1 => "1 more photo to choose".into(),
            n => format!("{} more photos to choose", count(n as usize)),
        });
    }
    parts.join(" · ")
}

/// Where a link's reminders go: "Reminders go to anna@example.com", "No
/// reminders", or that the customer stopped them (`when` as for
/// [`activity_line`]).
pub fn reminders_line(l: &LinkReport, when: impl Fn(i64) -> String) -> String {
    match (&l.reminders_to, l.reminders_off_at) {
        (None, _) => "No reminders".into(),
        (Some(to), None) => format!("Reminders go to {to}"),
        (Some(to), Some(off)) => format!("{to} stopped the reminders on {}", when(off)),
    }
}

/// Under a link's reminder address: what is sent, and when.
pub const REMINDERS_HINT: &str = "The customer is emailed once when the link closes within \
    7 days and once when their selection has waited 3 days, with a link to stop them.";

/// "Selected (12)": the heading over a list of file names.
pub fn file_list_heading(title: &str, files: usize) -> String {
    format!("{title} ({files})")
}

/// The Revoke button's accessible name.
pub fn revoke_label(l: &LinkReport) -> String {
    if l.label.is_empty() {
        format!("Revoke link {}", l.id)
    } else {
        format!("Revoke the link for {}", l.label)
    }
}

/// Asked before a link is revoked: what stops at once, and the real bounds
/// of what does not (from the origin's signing settings).
pub fn revoke_question(name: &str, bounds: Option<RevocationBounds>) -> String {
    let mut q = format!(
        "Revoke the link for {name}? Devices that are online lose it now, and forget what they saved."
    );
    if let Some(b) = bounds {
        q.push_str(&format!(
            " A device that stays offline keeps what it saved until {} UTC, then hides it until it reaches the studio. Photo links already handed out stop working by {} UTC.",
            time_label(b.offline_until),
            time_label(b.photo_urls_until)
        ));
    }
    q
}

/// What a link did with a photo, in the comparison's table.
pub fn mark_words(mark: Mark) -> &'static str {
    match mark {
        Mark::None => "—",
        Mark::Favourite => "Favourite",
        Mark::Selected => "Selected",
        Mark::SelectedFavourite => "Selected · Favourite",
    }
}

/// Above the comparison of `names` (two or more links): "Both chose 1
/// photo · only Couple 2 photos · only Parents 1 photo", or for more links
/// "All 3 chose 1 photo · 4 photos chosen by some".
pub fn compare_summary(names: &[String], photos: &[ComparedPhoto]) -> String {
    let n = names.len();
    let all = photos.iter().filter(|p| p.chosen_by() == n).count();
    if n == 2 {
        let only = |i: usize| {
            photos
                .iter()
                .filter(|p| p.chosen_by() == 1 && p.marks[i].chosen())
                .count()
        };
        format!(
            "Both chose {} · only {} {} · only {} {}",
            photo_count(all),
            names[0],
            photo_count(only(0)),
            names[1],
            photo_count(only(1))
        )
    } else {
        format!(
            "All {n} chose {} · {} chosen by some",
            photo_count(all),
            photo_count(photos.len() - all)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::GalleryId;
    use crate::links::LinkState;
    use crate::proofing::SelectionRules;

    // 31 Dec 2026 23:59:59, 2 Dec 2026 and 3 Dec 2026 (UTC).
    const DEC31: i64 = 1_798_761_599;
    const DEC2: i64 = 1_796_169_600;
    const DEC3: i64 = 1_796_256_000;

    fn link(label: &str) -> LinkReport {
        LinkReport {
            selected: vec!["a.jpg".into(), "b.jpg".into()],
            favourites: vec!["a.jpg".into()],
            ..LinkReport::live("k7", label)
        }
    }

    #[test]
    fn a_link_says_what_it_may_download() {
        let mut l = link("Bride");
        assert!(!link_line(&l).contains("download"));
        l.downloads = Downloads::Web;
        assert!(link_line(&l).contains(" · downloads web size · "));
        l.downloads = Downloads::Full;
        assert!(link_line(&l).contains(" · downloads full size · "));
        l.download_pin = true;
        assert!(link_line(&l).contains(" · downloads full size · download PIN · "));
    }

    #[test]
    fn a_gallery_summary_lists_photos_rules_and_dates() {
        let mut r = StudioReport {
            gallery: GalleryId::parse("g1").unwrap(),
            title: "Smith wedding".into(),
            photos: 12,
            rules: SelectionRules::default(),
            locked_at: None,
            expires_at: None,
            links: Vec::new(),
            revocation: None,
            notice: None,
            shown: Vec::new(),
        };
        assert_eq!(gallery_summary(&r), "12 photos · No selection rules");
        r.photos = 1;
        r.expires_at = Some(DEC31);
        r.locked_at = Some(DEC2);
        assert_eq!(
            gallery_summary(&r),
            "1 photo · No selection rules · shared until 31 Dec 2026 · locked on 2 Dec 2026"
        );
    }

    #[test]
    fn a_link_line_says_its_state_and_progress() {
        let mut l = link("");
        assert_eq!(link_name(&l), "Link k7");
        assert_eq!(revoke_label(&l), "Revoke link k7");
        assert_eq!(link_line(&l), "live · 2 selected · not submitted yet");
        l.label = "Grandma".into();
        l.pin = true;
        l.expires_at = Some(DEC31);
        l.submitted_at = Some(DEC3);
        assert_eq!(link_name(&l), "Grandma");
        assert_eq!(revoke_label(&l), "Revoke the link for Grandma");
        assert_eq!(
            link_line(&l),
            "live · PIN · until 31 Dec 2026 · 2 selected · submitted 3 Dec 2026"
        );
        assert_eq!(
            overview_line(&l),
            "Grandma — live · PIN · until 31 Dec 2026 · 2 selected · submitted 3 Dec 2026"
        );
        assert_eq!(
            link_summary(&l),
            "live · PIN · until 31 Dec 2026 · 2 selected · submitted 3 Dec 2026 · 1 favourites · 0 comments"
        );
        // An expired link does not repeat its last day.
        l.state = LinkState::Expired { at: DEC31 };
        assert_eq!(
            link_line(&l),
            "expired 31 Dec 2026 · PIN · 2 selected · submitted 3 Dec 2026"
        );
        l.pin_locked_until = Some(DEC3 + 3600);
        l.pin_failures = 7;
        assert_eq!(
            link_line(&l),
            "expired 31 Dec 2026 · PIN · locked after wrong PINs until 01:00 on 3 Dec 2026 UTC · 7 wrong PINs · 2 selected · submitted 3 Dec 2026"
        );
        assert_eq!(file_list_heading("Selected", 2), "Selected (2)");
        assert_eq!(
            revoke_question("Grandma", None),
            "Revoke the link for Grandma? Devices that are online lose it now, and forget what they saved."
        );
        let bounds = RevocationBounds {
            photo_urls_until: DEC3 + 6 * 3600,
            offline_until: DEC3 + 3 * 86_400,
        };
        assert_eq!(
            revoke_question("Grandma", Some(bounds)),
            "Revoke the link for Grandma? Devices that are online lose it now, and forget what they saved. A device that stays offline keeps what it saved until 00:00 on 6 Dec 2026 UTC, then hides it until it reaches the studio. Photo links already handed out stop working by 06:00 on 3 Dec 2026 UTC."
        );
    }

    #[test]
    fn activity_says_when_where_and_what_is_left_to_choose() {
        use crate::proofing::LinkActivity;
        let when = |t: i64| format!("t{t}");
        let rules = SelectionRules {
            min: 5,
            max: None,
            deadline: None,
        };
        let mut l = link("Grandma");
        assert_eq!(
            activity_line(&l, &rules, when),
            "Not opened yet · 3 more photos to choose"
        );
        l.activity = LinkActivity {
            first_opened: Some(10),
            last_opened: Some(10),
            devices: 1,
            opens: 1,
            saved_offline: 0,
            devices_offline: 0,
            downloaded: 0,
        };
        l.submitted_at = Some(20);
        assert_eq!(
            activity_line(&l, &rules, when),
            "Opened t10 · 1 visit on 1 device"
        );
        l.activity = LinkActivity {
            first_opened: Some(10),
            last_opened: Some(90),
            devices: 2,
            opens: 1_200,
            saved_offline: 40,
            devices_offline: 2,
            downloaded: 13,
        };
        assert_eq!(
            activity_line(&l, &SelectionRules::default(), when),
            "Opened first t10 · last t90 · 1,200 visits on 2 devices · 40 photos saved offline on 2 devices · 13 photos downloaded"
        );
    }

    #[test]
    fn comparisons_say_what_both_or_all_chose() {
        use crate::proofing::{ComparedPhoto, Mark};
        let photo = |marks: Vec<Mark>| ComparedPhoto {
            file_name: "a.jpg".into(),
            marks,
        };
        let two = ["Couple".to_string(), "Parents".to_string()];
        let photos = [
            photo(vec![Mark::Favourite, Mark::Selected]),
            photo(vec![Mark::Selected, Mark::None]),
            photo(vec![Mark::SelectedFavourite, Mark::None]),
        ];
        assert_eq!(
            compare_summary(&two, &photos),
            "Both chose 1 photo · only Couple 2 photos · only Parents 0 photos"
        );
        let three = ["A".to_string(), "B".to_string(), "C".to_string()];
        let photos = [
            photo(vec![Mark::Selected; 3]),
            photo(vec![Mark::Selected, Mark::None, Mark::Favourite]),
        ];
        assert_eq!(
            compare_summary(&three, &photos),
            "All 3 chose 1 photo · 1 photo chosen by some"
        );
        assert_eq!(mark_words(Mark::None), "—");
    }

    #[test]
    fn reminders_say_where_they_go_or_who_stopped_them() {
        let when = |t: i64| format!("t{t}");
        let mut l = link("Anna");
        assert_eq!(reminders_line(&l, when), "No reminders");
        l.reminders_to = Some("anna@example.com".into());
        assert_eq!(reminders_line(&l, when), "Reminders go to anna@example.com");
        l.reminders_off_at = Some(7);
        assert_eq!(
            reminders_line(&l, when),
            "anna@example.com stopped the reminders on t7"
        );
    }
}

//! What commands print, formatted: a link's listing, a publish's summary and
//! its skipped files, and the studio's report of choices.

use proofline_core::calendar::day_label;
use proofline_core::downloads::Downloads;
use proofline_core::proofing::StudioReport;

use crate::db::Link;
use crate::publish::{PublishReport, Skipped};
use crate::settings::Settings;

/// ", PIN, expires 31 Dec 2026" for a link's listing.
pub(super) fn describe(link: &Link) -> String {
    let mut out = String::new();
    if link.has_pin {
        out.push_str(", PIN");
    }
    if let Some(at) = link.expires_at {
        out.push_str(&format!(", until {}", day_label(at)));
    }
    match link.downloads {
        Downloads::None => {}
        Downloads::Web => out.push_str(", downloads web size"),
        Downloads::Full => out.push_str(", downloads full size"),
    }
    if link.has_download_pin {
        out.push_str(", download PIN");
    }
    out
}

/// One line of `proofline link list`.
pub(super) fn link_row(l: &Link, now: i64) -> String {
    format!(
        "{:<8}  {:<10}  {:<22}  {}{}",
        l.id,
        l.gallery,
        l.state(now).to_string(),
        if l.label.is_empty() {
            "(no label)"
        } else {
            &l.label
        },
        describe(l)
    )
}

/// Prints the skipped files, one per line, for the terminal.
pub(super) fn print_skipped(skipped: &[Skipped]) {
    if skipped.is_empty() {
        return;
    }
    eprintln!("Skipped {} file(s):", skipped.len());
    for s in skipped {
        eprintln!("  {}: {}", s.file, s.reason);
    }
}

/// What a publish did, for the terminal: the share link of a new gallery,
/// or what changed in an existing one.
pub(super) fn print_report(settings: &Settings, r: &PublishReport) {
    print_skipped(&r.skipped);
    if !r.not_in_folder.is_empty() {
        eprintln!(
            "{} photo(s) in the gallery are no longer in the folder; they stay published \
             (customers may have chosen them):",
            r.not_in_folder.len()
        );
        for file in &r.not_in_folder {
            eprintln!("  {file}");
        }
    }
    let secs = r.elapsed.as_secs_f64();
    let rate = if r.added > 0 {
        format!(", {:.1} photos/s", r.added as f64 / secs.max(0.001))
    } else {
        String::new()
    };
    let sets = match r.sets {
        0 => String::new(),
        n => format!(" in {n} set(s)"),
    };
    match (&r.token, &r.studio_token) {
        (Some(token), Some(studio)) => {
            let resumed = if r.resumed {
                " (continuing the interrupted publish)"
            } else {
                ""
            };
            println!(
                "Published {} photo(s){sets} as gallery {}{resumed}; {} file(s) skipped. \
                 Uploads: {} done, {} already in the store. {secs:.1} s{rate}.",
                r.published,
                r.gallery,
                r.skipped.len(),
                r.uploads_done,
                r.uploads_skipped
            );
            println!(
                "Share link: {}",
                settings.share_link(r.gallery.as_str(), token.as_str())
            );
            println!(
                "Studio page: {}",
                settings.studio_link(r.gallery.as_str(), studio.as_str())
            );
        }
        _ => {
            let what = if r.added == 0 && r.downloads_added == 0 {
                "is up to date"
            } else {
                "is updated"
            };
            println!(
                "Gallery {} {what}: {} new photo(s), {} already published, {} file(s) skipped; \
                 {} photo(s){sets} in all. Uploads: {} done, {} already in the store. {secs:.1} s{rate}.",
                r.gallery,
                r.added,
                r.already_published,
                r.skipped.len(),
                r.published,
                r.uploads_done,
                r.uploads_skipped
            );
            if r.downloads_added > 0 {
                println!(
                    "{} photo(s) already published now have their download files.",
                    r.downloads_added
                );
            }
            println!(
                "Its {} share link(s) keep working; `proofline link create {}` makes another \
                 (`--new` publishes the folder as a new gallery).",
                r.live_links, r.gallery
            );
        }
    }
}

/// The studio's report for a terminal.
pub(super) fn report_text(r: &StudioReport) -> String {
    let mut out = format!("Gallery {} — {}\n", r.gallery, r.title);
    if let Some(rules) = r.rules.summary() {
        out.push_str(&format!("Rules: {rules}\n"));
    }
    if let Some(at) = r.locked_at {
        out.push_str(&format!("Locked on {}.\n", day_label(at)));
    }
    for link in &r.links {
        let label = if link.label.is_empty() {
            "(no label)"
        } else {
            &link.label
        };
        out.push_str(&format!(
            "\nLink {} {label} ({}): {} selected, {} favourite(s), {} comment(s), {} op(s) received; {}\n",
            link.id,
            link.state,
            link.selected.len(),
            link.favourites.len(),
            link.comments.len(),
            link.op_count,
            match link.submitted_at {
                Some(at) => format!("submitted {}", day_label(at)),
                None => "not submitted".into(),
            }
        ));
        for (what, files) in [
            ("Selected", &link.selected),
            ("Approved", &link.approved),
            ("Changes requested", &link.changes_requested),
        ] {
            if !files.is_empty() {
                out.push_str(&format!("  {what}: {}\n", files.join(", ")));
            }
        }
        for (file, text) in &link.comments {
            out.push_str(&format!("  Comment on {file}: {text:?}\n"));
        }
    }
    out
}

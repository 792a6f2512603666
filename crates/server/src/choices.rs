//! The studio's view of customers' choices, and a batch of ops as the API
//! reads it: [`read_batch`] (each entry on its own, so one bad op does not
//! refuse the batch), [`studio_report`] (every link's choices by file name,
//! for the studio page and the terminal) and [`selection_csv`] (the selected
//! files, for the studio's editing tool; every cell quoted, and one that a
//! spreadsheet would read as a formula shown as text, see [`csv_cell`]).
//! Storing and merging ops is the database's ([`crate::db::choices`]).

use proofline_core::ImageId;
use proofline_core::proofing::{self, Choices, LinkActivity, LinkReport, StudioReport, Verdict};

use crate::db::{Db, Incoming, LinkChoices, StoredGallery};

/// Reads a request body `{"ops": [...]}` into ops, each entry on its own
/// ([`proofing::read_batch`]); a body that is no batch at all is refused with
/// the sentence the API answers.
pub fn read_batch(body: &[u8], max_ops: usize) -> Result<Vec<Incoming>, String> {
    proofing::read_batch(body, max_ops).map_err(|e| e.to_string())
}

/// The studio's export: one row per selected photo and link, in gallery order,
/// ready to paste into an editing tool's filename filter. Every cell that
/// holds text from outside (file names, link labels, customers' comments)
/// goes through [`csv_cell`], so opening the file in a spreadsheet never
/// runs a formula hidden in a file name.
pub fn selection_csv(gallery: &StoredGallery, links: &[LinkChoices]) -> String {
    let mut out = String::from("file_name,link,favourite,verdict,comments\n");
    for link in links {
        for image in &gallery.images {
            if !link.choices.is_selected(&image.id) {
                continue;
            }
            let verdict = match link.choices.verdict(&image.id) {
                Verdict::Undecided => "",
                Verdict::Approved => "approved",
                Verdict::ChangesRequested => "changes requested",
            };
            let comments: Vec<&str> = link
                .choices
                .comments_on(&image.id)
                .map(|c| c.text.as_str())
                .collect();
            out.push_str(&format!(
                "{},{},{},{},{}\n",
                csv_cell(&image.file_name),
                csv_cell(&link.link.label),
                if link.choices.is_favourite(&image.id) {
                    "yes"
                } else {
                    "no"
                },
                verdict,
                csv_cell(&comments.join(" | "))
            ));
        }
    }
    out
}

/// One CSV cell that a spreadsheet shows as text: quoted, inner quotes
/// doubled (so commas and line breaks stay inside it), and, as OWASP
/// advises against formula injection, a leading `'` when the text starts
/// with a character that makes a spreadsheet read a formula (`=`, `+`, `-`,
/// `@`) or that it may drop before reading one (tab, carriage return).
pub fn csv_cell(text: &str) -> String {
    let guard = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        "'"
    } else {
        ""
    };
    format!("\"{guard}{}\"", text.replace('"', "\"\""))
}

/// Every link's choices by file name, for the studio's page and terminal.
pub fn studio_report(gallery: &StoredGallery, links: &[LinkChoices], now: i64) -> StudioReport {
    let name = |id: &ImageId| {
        gallery
            .images
            .iter()
            .find(|i| &i.id == id)
            .map_or_else(|| id.to_string(), |i| i.file_name.clone())
    };
    let files = |c: &Choices, keep: &dyn Fn(&Choices, &ImageId) -> bool| -> Vec<String> {
        gallery
            .images
            .iter()
            .filter(|i| keep(c, &i.id))
            .map(|i| i.file_name.clone())
            .collect()
    };
    StudioReport {
        gallery: gallery.id.clone(),
        title: gallery.title.clone(),
        photos: gallery.images.len(),
        rules: gallery.rules.clone(),
        locked_at: gallery.locked_at,
        expires_at: None,
        links: links
            .iter()
            .map(|l| {
                let c = &l.choices;
                LinkReport {
                    id: l.link.id.clone(),
                    label: l.link.label.clone(),
                    state: l.link.state(now),
                    created_at: l.link.created_at,
                    expires_at: l.link.expires_at,
                    pin: l.link.has_pin,
                    pin_locked_until: l.link.pin_locked_until.filter(|&until| until > now),
                    pin_failures: l.link.pin_failures_total,
                    reminders_to: l.link.reminders_to.clone(),
                    reminders_off_at: l.link.reminders_off_at,
                    downloads: l.link.downloads,
                    download_pin: l.link.has_download_pin,
                    op_count: l.op_count,
                    submitted_at: c.submitted_at(),
                    selected: files(c, &|c, i| c.is_selected(i)),
                    favourites: files(c, &|c, i| c.is_favourite(i)),
                    approved: files(c, &|c, i| c.verdict(i) == Verdict::Approved),
                    changes_requested: files(c, &|c, i| c.verdict(i) == Verdict::ChangesRequested),
                    comments: c
                        .comments
                        .iter()
                        .map(|m| (name(&m.image), m.text.clone()))
                        .collect(),
                    comment_ids: c.comments.iter().map(|m| m.stamp.op.to_string()).collect(),
                    replies: c
                        .replies
                        .iter()
                        .map(|r| (r.to.to_string(), r.text.clone()))
                        .collect(),
                    activity: LinkActivity::of(&l.devices),
                }
            })
            .collect(),
        revocation: None,
        notice: None,
        shown: Vec::new(),
    }
}

/// One gallery's report as of `now`, with the gallery's expiry: what the
/// studio page shows.
pub fn gallery_report(db: &Db, gallery: &StoredGallery, now: i64) -> anyhow::Result<StudioReport> {
    let links = db.gallery_choices(&gallery.id)?;
    let mut report = studio_report(gallery, &links, now);
    report.expires_at = db.gallery_expiry(&gallery.id)?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use proofline_core::hlc::Hlc;
    use proofline_core::proofing::{Action, DeviceId, Op, OpId};
    use proofline_core::{ContentHash, GalleryId};

    use super::*;
    use crate::db::{Link, StoredImage, StoredRendition};

    fn image(n: usize, file_name: &str) -> StoredImage {
        let rendition = StoredRendition {
            object_key: format!("k{n}"),
            width: 1,
            height: 1,
            bytes: 1,
            sha256: ContentHash::from_digest(&[0; 32]),
        };
        StoredImage {
            id: ImageId::parse(format!("img{n}")).expect("an id"),
            file_name: file_name.into(),
            alt: String::new(),
            width: 1,
            height: 1,
            thumbhash: String::new(),
            thumb: rendition.clone(),
            proof: rendition,
            web: None,
            full: None,
            set: None,
        }
    }

    fn op(n: u64, action: Action) -> Op {
        Op {
            id: OpId::parse(format!("test-op-{n:04}")).expect("an op id"),
            device: DeviceId::parse("test-device-1").expect("a device id"),
            gallery: GalleryId::parse("g1").expect("a gallery id"),
            hlc: Hlc {
                wall_ms: 1_000 + n,
                counter: 0,
            },
            action,
        }
    }

    /// Splits CSV text as RFC 4180 reads it: quoted cells may hold commas,
    /// doubled quotes and line breaks.
    fn parse_csv(text: &str) -> Vec<Vec<String>> {
        let (mut rows, mut row, mut cell) = (Vec::new(), Vec::new(), String::new());
        let mut chars = text.chars().peekable();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => cell.push(c),
                (false, '"') => quoted = true,
                (false, ',') => row.push(std::mem::take(&mut cell)),
                (false, '\n') => {
                    row.push(std::mem::take(&mut cell));
                    rows.push(std::mem::take(&mut row));
                }
                (false, c) => cell.push(c),
            }
        }
        assert!(!quoted && cell.is_empty() && row.is_empty(), "{text:?}");
        rows
    }

    #[test]
    fn cells_a_spreadsheet_would_run_are_shown_as_text() {
        let names = [
            "=HYPERLINK(\"http://x\",\"y\").jpg",
            "-2+3.jpg",
            "+1.jpg",
            "@SUM(A1).jpg",
            "\tx.jpg",
            "\rx.jpg",
            "plain, with comma.jpg",
            "multi\nline \"quoted\".jpg",
            "a=b-c.jpg",
        ];
        let gallery = StoredGallery {
            id: GalleryId::parse("g1").expect("a gallery id"),
            title: "T".into(),
            rules: Default::default(),
            locked_at: None,
            offline_window: None,
            cover: None,
            images: names.iter().enumerate().map(|(n, f)| image(n, f)).collect(),
        };
        let mut ops: Vec<Op> = gallery
            .images
            .iter()
            .enumerate()
            .map(|(n, i)| {
                op(
                    n as u64,
                    Action::Select {
                        image: i.id.clone(),
                        on: true,
                    },
                )
            })
            .collect();
        ops.push(op(
            100,
            Action::Comment {
                image: gallery.images[0].id.clone(),
                text: "=cmd|' /C calc'!A0".into(),
            },
        ));
        let link = LinkChoices {
            link: Link {
                id: "l1".into(),
                gallery: gallery.id.clone(),
                label: "@studio, \"front desk\"".into(),
                created_at: 0,
                expires_at: None,
                revoked_at: None,
                has_pin: false,
                pin_locked_until: None,
                pin_failures_total: 0,
                token_hash: vec![],
                reminders_to: None,
                reminders_off_at: None,
                downloads: Default::default(),
                has_download_pin: false,
            },
            choices: Choices::from_ops(&ops),
            op_count: ops.len() as u64,
            devices: Vec::new(),
        };

        let csv = selection_csv(&gallery, std::slice::from_ref(&link));
        let rows = parse_csv(&csv);
        assert_eq!(
            rows[0],
            ["file_name", "link", "favourite", "verdict", "comments"]
        );
        let rows = &rows[1..];
        assert_eq!(rows.len(), names.len(), "{csv}");
        let expected = [
            "'=HYPERLINK(\"http://x\",\"y\").jpg",
            "'-2+3.jpg",
            "'+1.jpg",
            "'@SUM(A1).jpg",
            "'\tx.jpg",
            "'\rx.jpg",
            "plain, with comma.jpg",
            "multi\nline \"quoted\".jpg",
            "a=b-c.jpg",
        ];
        for (row, name) in rows.iter().zip(expected) {
            assert_eq!(row.len(), 5, "{row:?}");
            assert_eq!(row[0], name);
            assert_eq!(row[1], "'@studio, \"front desk\"");
            assert_eq!(row[2], "no");
        }
        assert_eq!(rows[0][4], "'=cmd|' /C calc'!A0");
        assert!(
            csv.starts_with("file_name,link,favourite,verdict,comments\n\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\").jpg\","),
            "{csv}"
        );
    }

    #[test]
    fn every_cell_is_quoted() {
        assert_eq!(csv_cell(""), "\"\"");
        assert_eq!(csv_cell("a\"b"), "\"a\"\"b\"");
        assert_eq!(csv_cell("-"), "\"'-\"");
        assert_eq!(csv_cell(" =1"), "\" =1\"");
    }
}

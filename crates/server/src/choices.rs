//! The studio's view of customers' choices, and a batch of ops as the API
//! reads it: [`read_batch`] (each entry on its own, so one bad op does not
//! refuse the batch), [`studio_report`] (every link's choices by file name,
//! for the studio page and the terminal) and [`selection_csv`] (the selected
//! files, for the studio's editing tool). Storing and merging ops is the
//! database's ([`crate::db::choices`]).

use proofline_core::ImageId;
use proofline_core::proofing::{Choices, LinkReport, Op, StudioReport, Verdict};

use crate::db::{Db, Incoming, LinkChoices, StoredGallery};

/// Reads a request body `{"ops": [...]}` into ops, each entry on its own.
pub fn read_batch(body: &[u8], max_ops: usize) -> Result<Vec<Incoming>, String> {
    #[derive(serde::Deserialize)]
    struct Batch {
        ops: Vec<serde_json::Value>,
    }
    let batch: Batch = serde_json::from_slice(body)
        .map_err(|e| format!("the body must be {{\"ops\": [...]}}: {e}"))?;
    if batch.ops.len() > max_ops {
        return Err(format!(
            "send at most {max_ops} choices per request (this one has {})",
            batch.ops.len()
        ));
    }
    Ok(batch
        .ops
        .into_iter()
        .map(|value| {
            let op_id = value
                .get("op_id")
                .and_then(|v| v.as_str())
                .map(str::to_owned);
            Op::from_value(value).map_err(|e| (op_id, e))
        })
        .collect())
}

/// The studio's export: one row per selected photo and link, in gallery order,
/// ready to paste into an editing tool's filename filter.
pub fn selection_csv(gallery: &StoredGallery, links: &[LinkChoices]) -> String {
    fn field(s: &str) -> String {
        format!("\"{}\"", s.replace('"', "\"\""))
    }
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
                field(&image.file_name),
                field(&link.link.label),
                if link.choices.is_favourite(&image.id) {
                    "yes"
                } else {
                    "no"
                },
                verdict,
                field(&comments.join(" | "))
            ));
        }
    }
    out
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
                }
            })
            .collect(),
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

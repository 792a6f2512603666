//! Customers' choices in SQLite: each op stored at most once (unique op id per
//! gallery), in the same transaction as the rule check that admitted it, and
//! acknowledged only after that transaction is on disk (`synchronous=FULL`).
//!
//! The merged state of a link is the fold of its ops by
//! `proofline_core::proofing::Choices`, the same code the device runs; it is
//! kept in `link_state`, written in the same transaction as the ops, so a
//! batch reads one row rather than every op the link ever sent.

use std::collections::{BTreeSet, HashMap};

use crate::args;
use crate::db::{Db, StoredGallery, terms};
use crate::sql::Conn;
use anyhow::Context as _;
use proofline_core::calendar::day_label;
use proofline_core::proofing::{
    Choices, ChoicesReply, LinkReport, Op, OpError, OpReceipt, OpStatus, Policy, SelectionRules,
    StudioReport, Verdict, receipt_id,
};
use proofline_core::{GalleryId, ImageId};

/// One entry of a batch as read from the request: an op, or why it is not one
/// (with its `op_id` when that much could be read).
pub type Incoming = Result<Op, (Option<String>, OpError)>;

/// What the studio sees for one share link.
#[derive(Debug, Clone)]
pub struct LinkChoices {
    pub link: crate::links::Link,
    pub choices: Choices,
    pub op_count: u64,
}

impl Db {
    /// The gallery's rules, lock and image ids; `None` if there is no such gallery.
    pub fn policy(&self, gallery: &GalleryId) -> anyhow::Result<Option<Policy>> {
        self.read(|c| policy(c, gallery))
    }

    /// Applies a batch for one link: every new, admissible op is stored once and
    /// gets a receipt; a replayed op gets its first receipt again; the rest are
    /// refused or invalid, each with a sentence. All in one write transaction.
    pub fn ingest(
        &self,
        gallery: &GalleryId,
        link: &[u8],
        batch: Vec<Incoming>,
        now_ms: u64,
    ) -> anyhow::Result<ChoicesReply> {
        // One link's batches take turns (on PostgreSQL, across origins): the
        // rule check and the inserts see the same state. The unique op id per
        // gallery is the database's own guarantee underneath.
        let scope = format!("ops {gallery} {}", hex::encode(link));
        self.write(&scope, |tx| {
            let policy = policy(tx, gallery)?.context("the gallery disappeared")?;
            let mut state = link_choices(tx, gallery, link)?;
            let received_at = (now_ms / 1000) as i64;
            let mut stored = stored_receipts(tx, gallery, &batch)?;
            let mut receipts = Vec::with_capacity(batch.len());
            for entry in batch {
                let op = match entry {
                    Ok(op) if op.gallery != *gallery => {
                        receipts.push(OpReceipt {
                            op_id: Some(op.id.as_str().to_owned()),
                            outcome: OpStatus::Invalid {
                                message: OpError::WrongGallery {
                                    found: op.gallery.to_string(),
                                    expected: gallery.to_string(),
                                }
                                .to_string(),
                            },
                        });
                        continue;
                    }
                    Ok(op) => op,
                    Err((op_id, e)) => {
                        receipts.push(OpReceipt {
                            op_id,
                            outcome: OpStatus::Invalid {
                                message: e.to_string(),
                            },
                        });
                        continue;
                    }
                };
                let op_id = Some(op.id.as_str().to_owned());
                if let Some((receipt, received_at)) = stored.get(op.id.as_str()) {
                    receipts.push(OpReceipt {
                        op_id,
                        outcome: OpStatus::Duplicate {
                            receipt: receipt.clone(),
                            received_at: *received_at,
                        },
                    });
                    continue;
                }
                if let Err(refusal) = policy.check(&state, &op, now_ms) {
                    receipts.push(OpReceipt {
                        op_id,
                        outcome: OpStatus::Refused {
                            message: refusal.to_string(),
                            refusal,
                        },
                    });
                    continue;
                }
                let inserted = tx.query_opt(
                    "INSERT INTO ops (gallery_id, link_hash, op_id, device_id, hlc_wall, hlc_counter, body, receipt, received_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, '', ?8)
                     ON CONFLICT (gallery_id, op_id) DO NOTHING
                     RETURNING seq",
                    args![
                        gallery.as_str(),
                        link,
                        op.id.as_str(),
                        op.device.as_str(),
                        op.hlc.wall_ms,
                        op.hlc.counter,
                        serde_json::to_string(&op)?,
                        received_at
                    ],
                )?;
                let Some(row) = inserted else {
                    // Stored meanwhile under another link's turn: the same
                    // op id, so it is that op's first receipt that counts.
                    let outcome = earlier(tx, gallery, &op)?
                        .context("an op both conflicts and is missing")?;
                    receipts.push(OpReceipt { op_id, outcome });
                    continue;
                };
                let seq: i64 = row.get(0)?;
                let receipt = receipt_id(gallery, &op.id, seq as u64);
                tx.execute(
                    "UPDATE ops SET receipt = ?1 WHERE seq = ?2",
                    args![receipt, seq],
                )?;
                state.apply(&op);
                stored.insert(op.id.as_str().to_owned(), (receipt.clone(), received_at));
                receipts.push(OpReceipt {
                    op_id,
                    outcome: OpStatus::Applied {
                        receipt,
                        received_at,
                    },
                });
            }
            if receipts
                .iter()
                .any(|r| matches!(r.outcome, OpStatus::Applied { .. }))
            {
                tx.execute(
                    "INSERT INTO link_state (gallery_id, link_hash, choices) VALUES (?1, ?2, ?3)
                     ON CONFLICT (gallery_id, link_hash) DO UPDATE SET choices = excluded.choices",
                    args![gallery.as_str(), link, serde_json::to_string(&state)?],
                )?;
            }
            let mut reply = reply(tx, gallery, link, state, received_at)?;
            reply.receipts = receipts;
            Ok(reply)
        })
    }

    /// Everything the studio holds for one link.
    pub fn choices(
        &self,
        gallery: &GalleryId,
        link: &[u8],
        now: i64,
    ) -> anyhow::Result<ChoicesReply> {
        self.read(|c| {
            let state = link_choices(c, gallery, link)?;
            reply(c, gallery, link, state, now)
        })
    }

    /// Every link of a gallery with its choices, oldest link first.
    pub fn gallery_choices(&self, gallery: &GalleryId) -> anyhow::Result<Vec<LinkChoices>> {
        let links = self.links(Some(gallery))?;
        self.read(|c| {
            links
                .into_iter()
                .map(|link| {
                    Ok(LinkChoices {
                        choices: link_choices(c, gallery, &link.token_hash)?,
                        op_count: op_count(c, gallery, &link.token_hash)?,
                        link,
                    })
                })
                .collect()
        })
    }

    /// Sets the studio's selection rules; `false` if there is no such gallery.
    pub fn set_rules(&self, gallery: &GalleryId, rules: &SelectionRules) -> anyhow::Result<bool> {
        rules.validate().map_err(anyhow::Error::msg)?;
        let n = self.write(gallery.as_str(), |c| {
            c.execute(
                "UPDATE galleries SET min_select = ?2, max_select = ?3, deadline = ?4 WHERE id = ?1",
                args![gallery.as_str(), rules.min, rules.max, rules.deadline],
            )
        })?;
        Ok(n == 1)
    }

    /// Gives the gallery a new studio token (the old one stops working);
    /// `false` if there is no such gallery.
    pub fn set_studio_token(&self, gallery: &GalleryId, hash: &[u8; 32]) -> anyhow::Result<bool> {
        let n = self.write(gallery.as_str(), |c| {
            c.execute(
                "UPDATE galleries SET studio_token_hash = ?2 WHERE id = ?1",
                args![gallery.as_str(), hash],
            )
        })?;
        Ok(n == 1)
    }

    /// The hash of the gallery's studio token: `None` if there is no such
    /// gallery, `Some(None)` if it has no studio token.
    pub fn studio_token_hash(
        &self,
        gallery: &GalleryId,
    ) -> anyhow::Result<Option<Option<Vec<u8>>>> {
        self.read(|c| {
            c.query_opt(
                "SELECT studio_token_hash FROM galleries WHERE id = ?1",
                args![gallery.as_str()],
            )?
            .map(|r| r.get(0))
            .transpose()
        })
    }

    /// Locks (final: customers' changes are refused from now on) or unlocks a
    /// gallery; `false` if there is no such gallery.
    pub fn set_locked(&self, gallery: &GalleryId, at: Option<i64>) -> anyhow::Result<bool> {
        let n = self.write(gallery.as_str(), |c| {
            c.execute(
                "UPDATE galleries SET locked_at = ?2 WHERE id = ?1",
                args![gallery.as_str(), at],
            )
        })?;
        Ok(n == 1)
    }
}

fn policy(c: &mut Conn<'_>, gallery: &GalleryId) -> anyhow::Result<Option<Policy>> {
    let Some(terms) = terms(c, gallery)? else {
        return Ok(None);
    };
    let images = c
        .query(
            "SELECT image_id FROM images WHERE gallery_id = ?1",
            args![gallery.as_str()],
        )?
        .iter()
        .map(|r| Ok(ImageId::parse(r.get::<String>(0)?)?))
        .collect::<anyhow::Result<BTreeSet<_>>>()?;
    Ok(Some(Policy {
        rules: terms.rules,
        locked_at: terms.locked_at,
        images,
    }))
}

/// The receipts of the batch's ops stored before (one query for the batch).
fn stored_receipts(
    c: &mut Conn<'_>,
    gallery: &GalleryId,
    batch: &[Incoming],
) -> anyhow::Result<HashMap<String, (String, i64)>> {
    let ids: Vec<&str> = batch
        .iter()
        .filter_map(|e| e.as_ref().ok())
        .map(|op| op.id.as_str())
        .collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let marks: Vec<String> = (0..ids.len()).map(|i| format!("?{}", i + 2)).collect();
    let sql = format!(
        "SELECT op_id, receipt, received_at FROM ops WHERE gallery_id = ?1 AND op_id IN ({})",
        marks.join(", ")
    );
    let mut args = vec![crate::sql::ToValue::to_value(gallery.as_str())];
    args.extend(ids.iter().map(|id| crate::sql::ToValue::to_value(*id)));
    c.query(&sql, &args)?
        .iter()
        .map(|r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))
        .collect()
}

/// The first receipt of an op stored before, if it was.
fn earlier(c: &mut Conn<'_>, gallery: &GalleryId, op: &Op) -> anyhow::Result<Option<OpStatus>> {
    let Some(r) = c.query_opt(
        "SELECT receipt, received_at FROM ops WHERE gallery_id = ?1 AND op_id = ?2",
        args![gallery.as_str(), op.id.as_str()],
    )?
    else {
        return Ok(None);
    };
    Ok(Some(OpStatus::Duplicate {
        receipt: r.get(0)?,
        received_at: r.get(1)?,
    }))
}

fn link_choices(c: &mut Conn<'_>, gallery: &GalleryId, link: &[u8]) -> anyhow::Result<Choices> {
    let kept = c.query_opt(
        "SELECT choices FROM link_state WHERE gallery_id = ?1 AND link_hash = ?2",
        args![gallery.as_str(), link],
    )?;
    if let Some(r) = kept {
        return serde_json::from_str(&r.get::<String>(0)?)
            .context("a link's choices in the database are unreadable");
    }
    // No row yet: no op, or ops stored before `link_state` existed.
    let mut choices = Choices::default();
    for r in c.query(
        "SELECT body FROM ops WHERE gallery_id = ?1 AND link_hash = ?2 ORDER BY seq",
        args![gallery.as_str(), link],
    )? {
        let op: Op = serde_json::from_str(&r.get::<String>(0)?)
            .context("an op in the database is unreadable")?;
        choices.apply(&op);
    }
    Ok(choices)
}

fn op_count(c: &mut Conn<'_>, gallery: &GalleryId, link: &[u8]) -> anyhow::Result<u64> {
    c.query_one(
        "SELECT count(*) FROM ops WHERE gallery_id = ?1 AND link_hash = ?2",
        args![gallery.as_str(), link],
    )?
    .get(0)
}

fn reply(
    c: &mut Conn<'_>,
    gallery: &GalleryId,
    link: &[u8],
    choices: Choices,
    now: i64,
) -> anyhow::Result<ChoicesReply> {
    let last_receipt = match c.query_opt(
        "SELECT receipt, received_at FROM ops WHERE gallery_id = ?1 AND link_hash = ?2
         ORDER BY seq DESC LIMIT 1",
        args![gallery.as_str(), link],
    )? {
        Some(r) => Some((r.get(0)?, r.get(1)?)),
        None => None,
    };
    Ok(ChoicesReply {
        receipts: Vec::new(),
        choices,
        op_count: op_count(c, gallery, link)?,
        last_receipt,
        server_time: now,
    })
}

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

/// The studio's report for a terminal.
pub fn report_text(r: &StudioReport) -> String {
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

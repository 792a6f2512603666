//! Customers' choices in the database: each op stored at most once (unique op id per
//! gallery), in the same transaction as the rule check that admitted it, and
//! acknowledged only after that transaction is on disk (`synchronous=FULL`).
//!
//! The merged state of a link is the fold of its ops by
//! `proofline_core::proofing::Choices`, the same code the device runs; it is
//! kept in `link_state`, written in the same transaction as the ops, so a
//! batch reads one row rather than every op the link ever sent.
//!
//! A submit stored queues the studio's notifications in the same
//! transaction ([`super::notifications`]).

use std::collections::{BTreeSet, HashMap};

use anyhow::Context as _;
use proofline_core::proofing::{
    Action, Choices, ChoicesReply, MAX_OPS_PER_LINK, Op, OpError, OpReceipt, OpStatus, Policy,
    RuleRefusal, receipt_id,
};
use proofline_core::{GalleryId, ImageId};

use super::Db;
use super::galleries::terms;
use super::links::Link;
use super::notifications::{Channel, queue_submitted};
use super::sql::{Conn, ToValue};
use crate::args;

/// One entry of a batch as read from the request: an op, or why it is not one
/// (with its `op_id` when that much could be read).
pub type Incoming = Result<Op, (Option<String>, OpError)>;

/// What the studio sees for one share link.
#[derive(Debug, Clone)]
pub struct LinkChoices {
    pub link: Link,
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
    /// A link keeps at most [`MAX_OPS_PER_LINK`] ops; later ones are refused.
    /// A submit stored queues a notification to the studio for each of
    /// `notify`'s channels, in the same transaction.
    pub fn ingest(
        &self,
        gallery: &GalleryId,
        link: &[u8],
        batch: Vec<Incoming>,
        notify: &[Channel],
        now_ms: u64,
    ) -> anyhow::Result<ChoicesReply> {
        self.ingest_capped(gallery, link, batch, notify, now_ms, MAX_OPS_PER_LINK)
    }

    /// [`Db::ingest`] with a link keeping at most `max_ops` ops.
    pub fn ingest_capped(
        &self,
        gallery: &GalleryId,
        link: &[u8],
        batch: Vec<Incoming>,
        notify: &[Channel],
        now_ms: u64,
        max_ops: u64,
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
            let mut kept: u64 = tx
                .query_one(
                    "SELECT count(*) FROM ops WHERE gallery_id = ?1 AND link_hash = ?2",
                    args![gallery.as_str(), link],
                )?
                .get(0)?;
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
                let full = (kept >= max_ops).then_some(RuleRefusal::LinkFull { max: max_ops });
                if let Some(refusal) = full.or_else(|| policy.check(&state, &op, now_ms).err()) {
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
                if op.action == Action::Submit {
                    queue_submitted(tx, gallery, link, &op, notify, now_ms)?;
                }
                state.apply(&op);
                kept += 1;
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
    let mut args = vec![ToValue::to_value(gallery.as_str())];
    args.extend(ids.iter().map(|id| ToValue::to_value(*id)));
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

pub(super) fn link_choices(
    c: &mut Conn<'_>,
    gallery: &GalleryId,
    link: &[u8],
) -> anyhow::Result<Choices> {
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

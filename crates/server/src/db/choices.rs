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

use std::collections::HashMap;

use anyhow::Context as _;
use proofline_core::GalleryId;
use proofline_core::proofing::{
    Action, Choices, ChoicesReply, DeviceActivity, MAX_OPS_PER_LINK, Op, OpError, OpReceipt,
    OpStatus, Policy, RuleRefusal,
};

use super::links::Link;
use super::notifications::{Channel, queue_submitted};
use super::op_rows::{earlier, insert_ops};
use super::sql::Conn;
use super::{Db, activity, batch_reads};
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
    /// What each of its devices reported.
    pub devices: Vec<DeviceActivity>,
}

impl Db {
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
        self.ingest_from(
            gallery,
            link,
            batch,
            notify,
            now_ms,
            max_ops,
            Sender::Customer,
        )
    }

    /// A batch from the customer's device or from the studio's page: only
    /// the studio's may hold what the studio makes (a reply).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn ingest_from(
        &self,
        gallery: &GalleryId,
        link: &[u8],
        batch: Vec<Incoming>,
        notify: &[Channel],
        now_ms: u64,
        max_ops: u64,
        from: Sender,
    ) -> anyhow::Result<ChoicesReply> {
        // One link's batches take turns (on PostgreSQL, across origins): the
        // rule check and the inserts see the same state. The unique op id per
        // gallery is the database's own guarantee underneath.
        let scope = format!("ops {gallery} {}", hex::encode(link));
        let (reply, kept) = self.write(&scope, |tx| {
            let reads = batch_reads::read(tx, gallery, link, &batch)?;
            let policy = reads.policy.context("the gallery disappeared")?;
            let (mut state, count_before, other_before) =
                self.link_state_now(tx, gallery, link, reads.counts)?;
            let received_at = (now_ms / 1000) as i64;
            let stored = reads.stored;
            // First every op is judged, in order, against the state the ops
            // before it leave; then the admitted ones are stored, with their
            // receipts, in one statement (on PostgreSQL a batch of choices is
            // five round trips: BEGIN with its lock, the reads, the ops,
            // `link_state`, COMMIT).
            let before = state.clone();
            let slots = judge(
                batch,
                gallery,
                &policy,
                &mut state,
                &stored,
                count_before,
                max_ops,
                now_ms,
                from,
            );
            let new: Vec<&Op> = slots
                .iter()
                .filter_map(|s| match s {
                    Slot::New(op) => Some(op),
                    _ => None,
                })
                .collect();
            let receipts_of = insert_ops(tx, gallery, link, &new, received_at, reads.seqs)?;
            let stored_now: Vec<&Op> = new
                .iter()
                .copied()
                .filter(|op| receipts_of.contains_key(op.id.as_str()))
                .collect();
            activity::record(tx, gallery, link, &stored_now)?;
            // An op another link's batch stored meanwhile (the same op id) is
            // that op's, not this link's: the state is then folded again
            // from the ops this batch really stored.
            if stored_now.len() < new.len() {
                state = before;
                for op in &stored_now {
                    state.apply(op);
                }
            }
            let receipts = answer(
                tx,
                &slots,
                &receipts_of,
                gallery,
                link,
                notify,
                now_ms,
                received_at,
            )?;
            let op_count = count_before + receipts_of.len() as u64;
            let other_ops = other_before
                + stored_now
                    .iter()
                    .filter(|op| !op.action.is_customers_choice())
                    .count() as u64;
            let mut kept = None;
            if !receipts_of.is_empty() {
                let json = serde_json::to_string(&state)?;
                tx.execute(
                    "INSERT INTO link_state (gallery_id, link_hash, choices, op_count, other_ops)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (gallery_id, link_hash)
                     DO UPDATE SET choices = excluded.choices, op_count = excluded.op_count,
                         other_ops = excluded.other_ops",
                    args![gallery.as_str(), link, json.as_str(), op_count, other_ops],
                )?;
                kept = Some((op_count, state.clone(), json.len()));
            }
            // The link's last choice, when this batch stored one: its
            // newest (no other batch of the link runs meanwhile).
            let last = stored_now
                .iter()
                .filter(|op| op.action.is_customers_choice())
                .filter_map(|op| receipts_of.get(op.id.as_str()))
                .max_by_key(|(seq, _)| *seq)
                .map(|(_, receipt)| (receipt.clone(), received_at));
            let mut reply = reply(
                tx,
                gallery,
                link,
                state,
                received_at,
                op_count - other_ops,
                last,
            )?;
            reply.receipts = receipts;
            Ok((reply, kept))
        })?;
        // Committed: the next batch of the link may start from it.
        if let Some((op_count, choices, bytes)) = kept {
            self.links.put(gallery, link, op_count, choices, bytes);
        }
        Ok(reply)
    }

    /// [`link_state`], from the choices this process last committed for
    /// the link while its row (read as `counts`: `op_count`, `other_ops`)
    /// still counts the ops it counted then.
    fn link_state_now(
        &self,
        c: &mut Conn<'_>,
        gallery: &GalleryId,
        link: &[u8],
        counts: Option<(u64, u64)>,
    ) -> anyhow::Result<(Choices, u64, u64)> {
        if let Some((op_count, other_ops)) = counts
            && let Some(choices) = self.links.get(gallery, link, op_count)
        {
            return Ok((choices, op_count, other_ops));
        }
        link_state(c, gallery, link)
    }

    /// Everything the studio holds for one link.
    pub fn choices(
        &self,
        gallery: &GalleryId,
        link: &[u8],
        now: i64,
    ) -> anyhow::Result<ChoicesReply> {
        self.read(|c| {
            let (state, op_count, other) = link_state(c, gallery, link)?;
            reply(c, gallery, link, state, now, op_count - other, None)
        })
    }

    /// Every link of a gallery with its choices, oldest link first.
    pub fn gallery_choices(&self, gallery: &GalleryId) -> anyhow::Result<Vec<LinkChoices>> {
        let links = self.links(Some(gallery))?;
        self.read(|c| {
            links
                .into_iter()
                .map(|link| {
                    let (choices, op_count, other) = link_state(c, gallery, &link.token_hash)?;
                    Ok(LinkChoices {
                        choices,
                        op_count: op_count - other,
                        devices: activity::of_link(c, gallery, &link.token_hash)?,
                        link,
                    })
                })
                .collect()
        })
    }
}

/// Judges a batch in order, each op against the state the ops admitted
/// before it leave (applied to `state`): already stored, the same op again,
/// refused, or new.
#[allow(clippy::too_many_arguments)]
fn judge(
    batch: Vec<Incoming>,
    gallery: &GalleryId,
    policy: &Policy,
    state: &mut Choices,
    stored: &HashMap<String, (String, i64)>,
    mut kept: u64,
    max_ops: u64,
    now_ms: u64,
    from: Sender,
) -> Vec<Slot> {
    let mut slots = Vec::with_capacity(batch.len());
    let mut admitted: HashMap<String, usize> = HashMap::new();
    for entry in batch {
        let op = match entry {
            Ok(op) if op.gallery != *gallery => {
                slots.push(Slot::Done(OpReceipt {
                    op_id: Some(op.id.as_str().to_owned()),
                    outcome: OpStatus::Invalid {
                        message: OpError::WrongGallery {
                            found: op.gallery.to_string(),
                            expected: gallery.to_string(),
                        }
                        .to_string(),
                    },
                }));
                continue;
            }
            Ok(op) if op.action.is_studios() != (from == Sender::Studio) => {
                slots.push(Slot::Done(OpReceipt {
                    op_id: Some(op.id.as_str().to_owned()),
                    outcome: OpStatus::Invalid {
                        message: format!("a {} op is not taken from here", op.action.kind()),
                    },
                }));
                continue;
            }
            Ok(op) => op,
            Err((op_id, e)) => {
                slots.push(Slot::Done(OpReceipt {
                    op_id,
                    outcome: OpStatus::Invalid {
                        message: e.to_string(),
                    },
                }));
                continue;
            }
        };
        let op_id = Some(op.id.as_str().to_owned());
        if let Some((receipt, received_at)) = stored.get(op.id.as_str()) {
            slots.push(Slot::Done(OpReceipt {
                op_id,
                outcome: OpStatus::Duplicate {
                    receipt: receipt.clone(),
                    received_at: *received_at,
                },
            }));
            continue;
        }
        if let Some(&first) = admitted.get(op.id.as_str()) {
            slots.push(Slot::Again(first));
            continue;
        }
        // Activity keeps to the first half, so it never takes a choice's room.
        let cap = match op.action.is_activity() {
            true => max_ops / 2,
            false => max_ops,
        };
        let full = (kept >= cap).then_some(RuleRefusal::LinkFull { max: cap });
        if let Some(refusal) = full.or_else(|| policy.check(state, &op, now_ms).err()) {
            slots.push(Slot::Done(OpReceipt {
                op_id,
                outcome: OpStatus::Refused {
                    message: refusal.to_string(),
                    refusal,
                },
            }));
            continue;
        }
        state.apply(&op);
        kept += 1;
        admitted.insert(op.id.as_str().to_owned(), slots.len());
        slots.push(Slot::New(op));
    }
    slots
}

/// Each entry's receipt, in batch order, once the new ops are stored
/// (`stored`: their seq and receipt); queues a stored submit's
/// notifications.
#[allow(clippy::too_many_arguments)]
fn answer(
    tx: &mut Conn<'_>,
    slots: &[Slot],
    stored: &HashMap<String, (i64, String)>,
    gallery: &GalleryId,
    link: &[u8],
    notify: &[Channel],
    now_ms: u64,
    received_at: i64,
) -> anyhow::Result<Vec<OpReceipt>> {
    let mut receipts: Vec<OpReceipt> = Vec::with_capacity(slots.len());
    for slot in slots {
        let receipt = match slot {
            Slot::Done(receipt) => receipt.clone(),
            Slot::New(op) => {
                let op_id = Some(op.id.as_str().to_owned());
                match stored.get(op.id.as_str()) {
                    Some((_, receipt)) => {
                        if op.action == Action::Submit {
                            queue_submitted(tx, gallery, link, op, notify, now_ms)?;
                        }
                        OpReceipt {
                            op_id,
                            outcome: OpStatus::Applied {
                                receipt: receipt.clone(),
                                received_at,
                            },
                        }
                    }
                    None => OpReceipt {
                        op_id,
                        outcome: earlier(tx, gallery, op)?
                            .context("an op both conflicts and is missing")?,
                    },
                }
            }
            // The same op twice in one batch: the second gets the
            // first's receipt, as a replay would.
            Slot::Again(first) => {
                let first = &receipts[*first];
                let outcome = match &first.outcome {
                    OpStatus::Applied {
                        receipt,
                        received_at,
                    } => OpStatus::Duplicate {
                        receipt: receipt.clone(),
                        received_at: *received_at,
                    },
                    other => other.clone(),
                };
                OpReceipt {
                    op_id: first.op_id.clone(),
                    outcome,
                }
            }
        };
        receipts.push(receipt);
    }
    Ok(receipts)
}

/// Who sent a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Sender {
    Customer,
    Studio,
}

/// One entry of a batch, judged: its receipt already, an op to store, or
/// the same op id again as entry `usize` of the batch.
enum Slot {
    Done(OpReceipt),
    New(Op),
    Again(usize),
}

pub(super) fn link_choices(
    c: &mut Conn<'_>,
    gallery: &GalleryId,
    link: &[u8],
) -> anyhow::Result<Choices> {
    Ok(link_state(c, gallery, link)?.0)
}

/// A link's merged choices, how many ops it keeps in all (what its cap
/// counts), and how many of them are no choice of the customer's (activity,
/// the studio's replies), from its `link_state` row (one row, however many
/// ops).
fn link_state(
    c: &mut Conn<'_>,
    gallery: &GalleryId,
    link: &[u8],
) -> anyhow::Result<(Choices, u64, u64)> {
    let kept = c.query_opt(
        "SELECT choices, op_count, other_ops FROM link_state WHERE gallery_id = ?1 AND link_hash = ?2",
        args![gallery.as_str(), link],
    )?;
    if let Some(r) = kept {
        let choices = serde_json::from_str(&r.get::<String>(0)?)
            .context("a link's choices in the database are unreadable")?;
        return Ok((choices, r.get(1)?, r.get(2)?));
    }
    // No row yet: no op, or ops stored before `link_state` existed.
    let mut choices = Choices::default();
    let (mut count, mut other) = (0, 0);
    for r in c.query(
        "SELECT body FROM ops WHERE gallery_id = ?1 AND link_hash = ?2 ORDER BY seq",
        args![gallery.as_str(), link],
    )? {
        let op: Op = serde_json::from_str(&r.get::<String>(0)?)
            .context("an op in the database is unreadable")?;
        choices.apply(&op);
        count += 1;
        other += u64::from(!op.action.is_customers_choice());
    }
    Ok((choices, count, other))
}

/// The reply to a device: the link's choices, and the receipt of its last
/// choice (`last` when the caller knows it, else read).
fn reply(
    c: &mut Conn<'_>,
    gallery: &GalleryId,
    link: &[u8],
    choices: Choices,
    now: i64,
    op_count: u64,
    last: Option<(String, i64)>,
) -> anyhow::Result<ChoicesReply> {
    let last_receipt = match last {
        Some(last) => Some(last),
        None => last_receipt(c, gallery, link)?,
    };
    Ok(ChoicesReply {
        receipts: Vec::new(),
        choices,
        op_count,
        last_receipt,
        server_time: now,
        server_ms: None,
    })
}

/// The receipt of the link's last choice (activity is no choice).
fn last_receipt(
    c: &mut Conn<'_>,
    gallery: &GalleryId,
    link: &[u8],
) -> anyhow::Result<Option<(String, i64)>> {
    Ok(
        match c.query_opt(
            "SELECT receipt, received_at FROM ops
         WHERE gallery_id = ?1 AND link_hash = ?2 AND activity = 0
         ORDER BY seq DESC LIMIT 1",
            args![gallery.as_str(), link],
        )? {
            Some(r) => Some((r.get(0)?, r.get(1)?)),
            None => None,
        },
    )
}

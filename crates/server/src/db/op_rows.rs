//! Rows of the `ops` table as a batch writes them: the new ops, with their
//! receipts, in one statement, and an earlier op's first receipt (see
//! [`super::choices`], which judges the batch, and [`super::batch_reads`],
//! which reads what it is judged by).

use std::collections::{HashMap, HashSet};

use proofline_core::GalleryId;
use proofline_core::proofing::{Op, OpStatus, receipt_id};

use super::sql::{Conn, ToValue};
use crate::args;

/// Columns of `ops` an insert binds per op.
const OP_COLUMNS: usize = 9;

/// Stores `ops` with one statement, each with its receipt (those whose id
/// the gallery already has are skipped); answers each stored op's id, `seq`
/// and receipt. The seqs are taken first so that the receipts, made from
/// them, go in with the ops rather than in a second statement: on
/// PostgreSQL `reserved` (increasing, one per op of the batch, taken from
/// its sequence with the batch's reads), on SQLite [`next_seqs`].
pub(super) fn insert_ops(
    c: &mut Conn<'_>,
    gallery: &GalleryId,
    link: &[u8],
    ops: &[&Op],
    received_at: i64,
    reserved: Vec<i64>,
) -> anyhow::Result<HashMap<String, (i64, String)>> {
    if ops.is_empty() {
        return Ok(HashMap::new());
    }
    let seqs = if c.is_postgres() {
        anyhow::ensure!(
            reserved.len() >= ops.len(),
            "{} seqs were reserved for {} ops",
            reserved.len(),
            ops.len()
        );
        reserved
    } else {
        next_seqs(c, ops.len())?
    };
    let rows: Vec<String> = (0..ops.len())
        .map(|i| {
            let at = 3 + i * OP_COLUMNS;
            let marks: Vec<String> = (at..at + OP_COLUMNS).map(|n| format!("?{n}")).collect();
            format!("(?1, ?2, {})", marks.join(", "))
        })
        .collect();
    let sql = format!(
        "INSERT INTO ops (gallery_id, link_hash, seq, receipt, op_id, device_id, hlc_wall, hlc_counter, body, received_at, activity)
         VALUES {}
         ON CONFLICT (gallery_id, op_id) DO NOTHING
         RETURNING op_id",
        rows.join(", ")
    );
    let mut args = vec![gallery.as_str().to_value(), link.to_value()];
    let mut receipts = HashMap::with_capacity(ops.len());
    for (op, &seq) in ops.iter().zip(&seqs) {
        let receipt = receipt_id(gallery, &op.id, seq as u64);
        args.extend([
            seq.to_value(),
            receipt.to_value(),
            op.id.as_str().to_value(),
            op.device.as_str().to_value(),
            op.hlc.wall_ms.to_value(),
            op.hlc.counter.to_value(),
            serde_json::to_string(op)?.to_value(),
            received_at.to_value(),
            i64::from(!op.action.is_customers_choice()).to_value(),
        ]);
        receipts.insert(op.id.as_str().to_owned(), (seq, receipt));
    }
    let stored: HashSet<String> = c
        .query(&sql, &args)?
        .iter()
        .map(|r| r.get(0))
        .collect::<anyhow::Result<_>>()?;
    receipts.retain(|id, _| stored.contains(id));
    Ok(receipts)
}

/// SQLite: `n` values of `ops.seq` no op has, increasing, for ops about to
/// be stored in this write transaction (its only writer; an explicit seq
/// moves the table's counter on).
fn next_seqs(c: &mut Conn<'_>, n: usize) -> anyhow::Result<Vec<i64>> {
    let last: i64 = c
        .query_opt(
            "SELECT max(seq) FROM (SELECT seq FROM sqlite_sequence WHERE name = 'ops'
                                   UNION ALL SELECT max(seq) FROM ops)",
            args![],
        )?
        .map(|r| r.get::<Option<i64>>(0))
        .transpose()?
        .flatten()
        .unwrap_or(0);
    Ok((1..=n as i64).map(|i| last + i).collect())
}

/// The first receipt of an op stored before, if it was.
pub(super) fn earlier(
    c: &mut Conn<'_>,
    gallery: &GalleryId,
    op: &Op,
) -> anyhow::Result<Option<OpStatus>> {
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

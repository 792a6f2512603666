//! Rows of the `ops` table as a batch writes them: the new ops with one
//! statement, their receipts with another, and the receipts of ops stored
//! before (see [`super::choices`], which judges the batch).

use std::collections::HashMap;

use proofline_core::GalleryId;
use proofline_core::proofing::{Op, OpStatus};

use super::choices::Incoming;
use super::sql::{Conn, ToValue};
use crate::args;

/// Columns of `ops` an insert binds per op.
const OP_COLUMNS: usize = 7;

/// Stores `ops` with one statement (those whose id the gallery already has
/// are skipped); answers each stored op's id and `seq`.
pub(super) fn insert_ops(
    c: &mut Conn<'_>,
    gallery: &GalleryId,
    link: &[u8],
    ops: &[&Op],
    received_at: i64,
) -> anyhow::Result<Vec<(String, i64)>> {
    if ops.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<String> = (0..ops.len())
        .map(|i| {
            let at = 3 + i * OP_COLUMNS;
            let marks: Vec<String> = (at..at + OP_COLUMNS).map(|n| format!("?{n}")).collect();
            format!("(?1, ?2, {}, '')", marks.join(", "))
        })
        .collect();
    let sql = format!(
        "INSERT INTO ops (gallery_id, link_hash, op_id, device_id, hlc_wall, hlc_counter, body, received_at, activity, receipt)
         VALUES {}
         ON CONFLICT (gallery_id, op_id) DO NOTHING
         RETURNING op_id, seq",
        rows.join(", ")
    );
    let mut args = vec![gallery.as_str().to_value(), link.to_value()];
    for op in ops {
        args.extend([
            op.id.as_str().to_value(),
            op.device.as_str().to_value(),
            op.hlc.wall_ms.to_value(),
            op.hlc.counter.to_value(),
            serde_json::to_string(op)?.to_value(),
            received_at.to_value(),
            i64::from(!op.action.is_customers_choice()).to_value(),
        ]);
    }
    c.query(&sql, &args)?
        .iter()
        .map(|r| Ok((r.get(0)?, r.get(1)?)))
        .collect()
}

/// Writes each stored op's receipt (by `seq`) with one statement.
pub(super) fn write_receipts<'a>(
    c: &mut Conn<'_>,
    receipts: impl Iterator<Item = &'a (i64, String)>,
) -> anyhow::Result<()> {
    let mut args = Vec::new();
    let mut cases = String::new();
    let mut seqs = Vec::new();
    for (seq, receipt) in receipts {
        let n = args.len();
        cases.push_str(&format!(" WHEN ?{} THEN ?{}", n + 1, n + 2));
        seqs.push(format!("?{}", n + 1));
        args.extend([seq.to_value(), receipt.to_value()]);
    }
    if args.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "UPDATE ops SET receipt = CASE seq{cases} END WHERE seq IN ({})",
        seqs.join(", ")
    );
    c.execute(&sql, &args)?;
    Ok(())
}

/// The receipts of the batch's ops stored before (one query for the batch).
pub(super) fn stored_receipts(
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
    let mut args = vec![ToValue::to_value(gallery.as_str())];
    args.extend(ids.iter().map(|id| ToValue::to_value(*id)));
    let marks = (0..ids.len()).map(|i| format!("?{}", i + 2));
    let sql = if c.is_postgres() {
        // One probe of the (gallery, op id) index per id, whatever the
        // planner believes: with `op_id IN (…)`, PostgreSQL on a table that
        // grew faster than its statistics scanned every op of the gallery
        // (0.5 → 97 ms a batch as the ingest bench's gallery grew). SQLite
        // probes the index either way, faster with `IN`.
        let values: Vec<String> = marks.map(|m| format!("({m})")).collect();
        format!(
            "SELECT v.column1,
                    (SELECT receipt FROM ops WHERE gallery_id = ?1 AND op_id = v.column1),
                    (SELECT received_at FROM ops WHERE gallery_id = ?1 AND op_id = v.column1)
             FROM (VALUES {}) AS v",
            values.join(", ")
        )
    } else {
        let marks: Vec<String> = marks.collect();
        format!(
            "SELECT op_id, receipt, received_at FROM ops WHERE gallery_id = ?1 AND op_id IN ({})",
            marks.join(", ")
        )
    };
    // Ids not stored have no receipt (PostgreSQL's form answers them too).
    let mut stored = HashMap::new();
    for r in c.query(&sql, &args)? {
        if let (Some(receipt), Some(received_at)) = (r.get(1)?, r.get(2)?) {
            stored.insert(r.get(0)?, (receipt, received_at));
        }
    }
    Ok(stored)
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

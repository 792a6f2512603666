//! What a batch of ops reads before it is judged, in one statement: one
//! round trip to PostgreSQL (where the origin and the database may be
//! machines apart) rather than four. Its parts, each row tagged with which:
//!
//! 0. the gallery's rules and lock, and which of the photos the batch names
//!    are the gallery's (one row per named photo of the gallery, or one
//!    with no photo);
//! 1. the link's op counters (`link_state`);
//! 2. the receipts of the batch's ops stored before;
//! 3. PostgreSQL only: a seq for each op the batch may store (see
//!    [`super::op_rows::insert_ops`]).

use std::collections::{BTreeSet, HashMap};

use proofline_core::proofing::{Policy, SelectionRules};
use proofline_core::{GalleryId, ImageId};

use super::choices::Incoming;
use super::sql::{Conn, ToValue as _, Value};

/// Everything [`read`] found.
pub(super) struct BatchReads {
    /// `None`: there is no such gallery.
    pub policy: Option<Policy>,
    /// The link's `op_count` and `other_ops`, if it has a `link_state` row.
    pub counts: Option<(u64, u64)>,
    /// Op id → its first receipt and when it was received.
    pub stored: HashMap<String, (String, i64)>,
    /// PostgreSQL: seqs no op has, increasing, one per op of the batch
    /// (those it does not store leave gaps). SQLite: none.
    pub seqs: Vec<i64>,
}

/// Reads what judging `batch` for `link` needs, in one statement.
pub(super) fn read(
    c: &mut Conn<'_>,
    gallery: &GalleryId,
    link: &[u8],
    batch: &[Incoming],
) -> anyhow::Result<BatchReads> {
    let ops: Vec<&str> = batch
        .iter()
        .filter_map(|e| e.as_ref().ok())
        .map(|op| op.id.as_str())
        .collect();
    let named: BTreeSet<&str> = batch
        .iter()
        .filter_map(|e| e.as_ref().ok()?.action.image())
        .map(ImageId::as_str)
        .collect();
    let mut args = vec![gallery.as_str().to_value(), link.to_value()];
    let mut marks = |values: &mut dyn Iterator<Item = Value>| -> Vec<String> {
        values
            .map(|v| {
                args.push(v);
                format!("?{}", args.len())
            })
            .collect()
    };
    let image_marks = marks(&mut named.iter().map(|id| id.to_value()));
    let op_marks = marks(&mut ops.iter().map(|id| id.to_value()));
    let postgres = c.is_postgres();
    let seq_mark = (postgres && !ops.is_empty())
        .then(|| marks(&mut std::iter::once(ops.len().to_value())).remove(0));

    let (photos, image) = match image_marks.is_empty() {
        true => (String::new(), "NULL"),
        false => (
            format!(
                " LEFT JOIN images i ON i.gallery_id = g.id AND i.image_id IN ({})",
                image_marks.join(", ")
            ),
            "i.image_id",
        ),
    };
    let mut parts = vec![
        format!(
            "SELECT 0, g.min_select, g.max_select, g.deadline, g.locked_at, {image}, NULL
             FROM galleries g{photos} WHERE g.id = ?1"
        ),
        "SELECT 1, op_count, other_ops, NULL, NULL, NULL, NULL
         FROM link_state WHERE gallery_id = ?1 AND link_hash = ?2"
            .to_owned(),
    ];
    if !op_marks.is_empty() {
        parts.push(if postgres {
            // One probe of the (gallery, op id) index per id, whatever the
            // planner believes: with `op_id IN (…)`, PostgreSQL on a table
            // that grew faster than its statistics scanned every op of the
            // gallery (0.5 → 97 ms a batch as the ingest bench's gallery
            // grew). Ids not stored come back with no receipt.
            let values: Vec<String> = op_marks.iter().map(|m| format!("({m})")).collect();
            format!(
                "SELECT 2,
                    (SELECT received_at FROM ops WHERE gallery_id = ?1 AND op_id = v.column1),
                    NULL, NULL, NULL, v.column1,
                    (SELECT receipt FROM ops WHERE gallery_id = ?1 AND op_id = v.column1)
                 FROM (VALUES {}) AS v",
                values.join(", ")
            )
        } else {
            // SQLite probes the index either way, faster with `IN`.
            format!(
                "SELECT 2, received_at, NULL, NULL, NULL, op_id, receipt
                 FROM ops WHERE gallery_id = ?1 AND op_id IN ({})",
                op_marks.join(", ")
            )
        });
    }
    if let Some(n) = seq_mark {
        // Each value is given out once, whichever origin asks.
        parts.push(format!(
            "SELECT 3, nextval(pg_get_serial_sequence('ops', 'seq')), NULL, NULL, NULL, NULL, NULL
             FROM generate_series(1, {n})"
        ));
    }

    let mut reads = BatchReads {
        policy: None,
        counts: None,
        stored: HashMap::new(),
        seqs: Vec::new(),
    };
    let mut images = BTreeSet::new();
    for r in c.query(&parts.join(" UNION ALL "), &args)? {
        match r.get::<i64>(0)? {
            0 => {
                if let Some(id) = r.get::<Option<String>>(5)? {
                    images.insert(ImageId::parse(id)?);
                }
                if reads.policy.is_none() {
                    reads.policy = Some(Policy {
                        rules: SelectionRules {
                            min: r.get(1)?,
                            max: r.get(2)?,
                            deadline: r.get(3)?,
                        },
                        locked_at: r.get(4)?,
                        images: BTreeSet::new(),
                    });
                }
            }
            1 => reads.counts = Some((r.get(1)?, r.get(2)?)),
            2 => {
                if let (Some(received_at), Some(receipt)) = (r.get(1)?, r.get(6)?) {
                    reads.stored.insert(r.get(5)?, (receipt, received_at));
                }
            }
            3 => reads.seqs.push(r.get(1)?),
            other => anyhow::bail!("a batch's reads came back with part {other}"),
        }
    }
    if let Some(policy) = &mut reads.policy {
        policy.images = images;
    }
    reads.seqs.sort_unstable();
    Ok(reads)
}

#[cfg(test)]
mod tests {
    use proofline_core::hlc::Hlc;
    use proofline_core::proofing::{Action, DeviceId, Op, OpError, OpId, OpStatus};
    use proofline_test_support::{Durability, TempPostgres};

    use super::*;
    use crate::db::Db;
    use crate::db::links::{NewLink, Refusal};

    fn op(id: &str, action: Action) -> Incoming {
        Ok(Op {
            id: OpId::parse(id).unwrap(),
            device: DeviceId::parse("phone-device").unwrap(),
            gallery: GalleryId::parse("g1").unwrap(),
            hlc: Hlc::ZERO.tick(1_000),
            action,
        })
    }

    /// The same story on either backend: the one-statement reads find a
    /// gallery with no link, no gallery, a batch's photos that are not the
    /// gallery's, its stored receipts, and a batch with no op at all.
    fn batches_read_alike(db: &Db) {
        let g = GalleryId::parse("g1").unwrap();
        // A gallery with no link yet (as a publish leaves it for a moment).
        db.write("g1", |w| {
            w.execute(
                "INSERT INTO galleries (id, title, created_at) VALUES ('g1', 'G', 1)",
                crate::args![],
            )
        })
        .unwrap();
        let refused = |gallery: &str| {
            let gallery = GalleryId::parse(gallery).unwrap();
            db.open_link(&gallery, "token", None, 1)
                .unwrap()
                .unwrap_err()
        };
        assert_eq!(refused("g1"), Refusal::UnknownToken);
        assert_eq!(refused("g2"), Refusal::NoGallery);
        let (_, token) = db.create_link(&g, &NewLink::default(), 1).unwrap();
        let link = db.open_link(&g, token.as_str(), None, 2).unwrap().unwrap();
        let link = link.token_hash;

        let batch = || {
            vec![
                op("submit-op-1", Action::Submit),
                op(
                    "favourite-op-1",
                    Action::Favourite {
                        image: ImageId::parse("not-here").unwrap(),
                        on: true,
                    },
                ),
                Err((None, OpError::Malformed("no".into()))),
            ]
        };
        let first = db.ingest(&g, &link, batch(), &[], 5_000).unwrap();
        let outcomes: Vec<_> = first.receipts.iter().map(|r| &r.outcome).collect();
        let OpStatus::Applied { receipt, .. } = outcomes[0] else {
            panic!("{outcomes:?}");
        };
        assert!(
            matches!(outcomes[1], OpStatus::Refused { .. }),
            "{outcomes:?}"
        );
        assert!(
            matches!(outcomes[2], OpStatus::Invalid { .. }),
            "{outcomes:?}"
        );
        assert_eq!(first.op_count, 1);

        let again = db.ingest(&g, &link, batch(), &[], 6_000).unwrap();
        assert!(
            matches!(&again.receipts[0].outcome,
                OpStatus::Duplicate { receipt: r, received_at: 5 } if r == receipt),
            "{:?}",
            again.receipts
        );
        assert_eq!(again.op_count, 1);
        let none = db
            .ingest(
                &g,
                &link,
                vec![Err((None, OpError::Malformed("no".into())))],
                &[],
                7_000,
            )
            .unwrap();
        assert_eq!((none.receipts.len(), none.op_count), (1, 1));
    }

    #[test]
    fn on_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        batches_read_alike(&Db::open(&dir.path().join("p.sqlite3")).unwrap());
    }

    #[test]
    fn on_postgres() {
        let server = TempPostgres::start(Durability::Fast).unwrap();
        batches_read_alike(&Db::connect(&server.url("proofline")).unwrap());
    }
}

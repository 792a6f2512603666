//! [`Db::read`] on both backends: a read of several statements sees one
//! snapshot, so a write committed between its statements is in none of
//! them; on PostgreSQL it cannot write.

use proofline_test_support::{Durability, TempPostgres};

use super::Db;
use crate::args;

/// Counts galleries, lets `writer` commit one, counts again: all in one read.
fn counts_around_a_write(reader: &Db, writer: &Db) -> (i64, i64) {
    reader
        .read(|c| {
            let before: i64 = c
                .query_one("SELECT count(*) FROM galleries", args![])?
                .get(0)?;
            writer.write("g", |w| {
                w.execute(
                    "INSERT INTO galleries (id, title, created_at) VALUES ('g', 'G', 1)",
                    args![],
                )
            })?;
            let after: i64 = c
                .query_one("SELECT count(*) FROM galleries", args![])?
                .get(0)?;
            Ok((before, after))
        })
        .unwrap()
}

#[test]
fn a_sqlite_read_sees_one_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.sqlite3");
    // Two handles, two connections: a process reading, another writing.
    let (reader, writer) = (Db::open(&path).unwrap(), Db::open(&path).unwrap());
    assert_eq!(counts_around_a_write(&reader, &writer), (0, 0));
    assert_eq!(reader.gallery_count().unwrap(), 1);
}

#[test]
fn a_postgres_read_sees_one_snapshot_and_cannot_write() {
    let server = TempPostgres::start(Durability::Fast).unwrap();
    let db = Db::connect(&server.url("proofline")).unwrap();
    assert_eq!(counts_around_a_write(&db, &db), (0, 0));
    assert_eq!(db.gallery_count().unwrap(), 1);
    let err = db
        .read(|c| c.execute("DELETE FROM galleries", args![]))
        .unwrap_err();
    assert!(format!("{err:#}").contains("read-only"), "{err:#}");
    assert_eq!(db.gallery_count().unwrap(), 1);
}

//! The migrations on both backends: the file sets pair up; processes opening
//! a database together migrate it once; a database made by the runners
//! before these (SQLite: `user_version` counted by proofline itself;
//! PostgreSQL: `proofline_schema`) opens with its data and order kept; a
//! database from a newer proofline is refused and left as it was.

use proofline_core::GalleryId;
use proofline_test_support::{Durability, TempPostgres};
use rusqlite::{Connection, TransactionBehavior};

use super::{postgres, sqlite};
use crate::args;
use crate::db::sql::Pg;
use crate::db::{Db, FromFolder};

#[test]
fn the_file_sets_pair_up_and_are_all_listed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let on_disk = |backend: &str| {
        let mut names: Vec<String> = std::fs::read_dir(dir.join(backend))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    };
    let listed =
        |files: &[(&str, &str)]| files.iter().map(|(n, _)| n.to_string()).collect::<Vec<_>>();
    assert_eq!(on_disk("sqlite"), listed(sqlite::FILES));
    assert_eq!(on_disk("postgres"), listed(postgres::FILES));
    assert_eq!(listed(sqlite::FILES), listed(postgres::FILES));
    let versions: Vec<i64> = postgres::migrations()
        .unwrap()
        .iter()
        .map(|m| m.version)
        .collect();
    assert_eq!(
        versions,
        (1..=sqlite::FILES.len() as i64).collect::<Vec<_>>()
    );
}

#[test]
fn origins_opening_a_fresh_file_together_migrate_it_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.sqlite3");
    let opens: Vec<_> = (0..4)
        .map(|_| {
            let path = path.clone();
            std::thread::spawn(move || Db::open(&path).and_then(|db| db.gallery_count()))
        })
        .collect();
    for open in opens {
        assert_eq!(open.join().unwrap().unwrap(), 0);
    }
}

/// Rows made in the same second (and one earlier), in an order that is
/// neither their ids' nor their tokens': what the lists must keep.
fn old_rows(blob: fn(u8) -> String) -> String {
    format!(
        "INSERT INTO galleries (id, title, created_at, source_dir) VALUES
             ('gz', 'Z', 50, NULL), ('gb', 'B', 100, '/f'), ('ga', 'A', 100, '/f'), ('gc', 'C', 100, NULL);
         INSERT INTO links (token_hash, gallery_id, created_at, link_id) VALUES
             ({}, 'ga', 100, 'l3'), ({}, 'ga', 100, 'l1'), ({}, 'ga', 100, 'l2');
         INSERT INTO drafts (gallery_id, source_dir, created_at, label, min_select) VALUES
             ('dx', '/f', 100, '', 0), ('dw', '/f', 100, '', 0);",
        blob(3),
        blob(1),
        blob(2),
    )
}

/// The upgraded database lists the old rows as before, and new rows made
/// in the same second after them.
fn check_upgraded(db: &Db) {
    let ids = |db: &Db| -> Vec<String> {
        db.gallery_ids()
            .unwrap()
            .iter()
            .map(|g| g.as_str().to_owned())
            .collect()
    };
    let links = |db: &Db| -> Vec<String> {
        db.links(Some(&GalleryId::parse("ga").unwrap()))
            .unwrap()
            .into_iter()
            .map(|l| l.id)
            .collect()
    };
    let draft = |db: &Db| match db.gallery_from("/f").unwrap() {
        Some(FromFolder::Draft(id, _)) => id.as_str().to_owned(),
        other => panic!("expected a draft, found {other:?}"),
    };
    assert_eq!(ids(db), ["gc", "ga", "gb", "gz"]);
    assert_eq!(links(db), ["l3", "l1", "l2"]);
    assert_eq!(draft(db), "dw");
    let seqs: Vec<(String, i64)> = db
        .read(|c| {
            c.query("SELECT id, seq FROM galleries ORDER BY seq", args![])?
                .iter()
                .map(|r| Ok((r.get(0)?, r.get(1)?)))
                .collect()
        })
        .unwrap();
    let seqs: Vec<(&str, i64)> = seqs.iter().map(|(id, s)| (id.as_str(), *s)).collect();
    assert_eq!(seqs, [("gz", 1), ("gb", 2), ("ga", 3), ("gc", 4)]);

    db.write("test", |c| {
        c.execute(
            "INSERT INTO galleries (id, title, created_at) VALUES ('gn', 'N', 100)",
            args![],
        )?;
        c.execute(
            "INSERT INTO links (token_hash, gallery_id, created_at, link_id) VALUES (?1, 'ga', 100, 'l4')",
            args![[4u8]],
        )?;
        c.execute(
            "INSERT INTO drafts (gallery_id, source_dir, created_at, label, min_select)
             VALUES ('dv', '/f', 100, '', 0)",
            args![],
        )
    })
    .unwrap();
    assert_eq!(ids(db), ["gn", "gc", "ga", "gb", "gz"]);
    assert_eq!(links(db), ["l3", "l1", "l2", "l4"]);
    assert_eq!(draft(db), "dv");
}

/// What the runner before rusqlite_migration left: the first files run in
/// one transaction, their count in `user_version`.
fn old_sqlite_file(path: &std::path::Path) {
    let mut c = Connection::open(path).unwrap();
    c.pragma_update(None, "journal_mode", "WAL").unwrap();
    let tx = c
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .unwrap();
    for (_, sql) in &sqlite::FILES[..postgres::LEGACY as usize] {
        tx.execute_batch(sql).unwrap();
    }
    tx.pragma_update(None, "user_version", postgres::LEGACY)
        .unwrap();
    tx.execute_batch(&old_rows(|b| format!("X'{b:02x}'")))
        .unwrap();
    tx.commit().unwrap();
}

#[test]
fn a_file_from_the_previous_runner_upgrades_with_its_rows_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.sqlite3");
    old_sqlite_file(&path);
    // Opened by several processes at once, as `serve` and `publish` may.
    let opens: Vec<_> = (0..3)
        .map(|_| {
            let path = path.clone();
            std::thread::spawn(move || Db::open(&path).map(drop))
        })
        .collect();
    for open in opens {
        open.join().unwrap().unwrap();
    }
    let db = Db::open(&path).unwrap();
    let c = Connection::open(&path).unwrap();
    assert_eq!(sqlite::version(&c).unwrap(), sqlite::FILES.len() as i64);
    check_upgraded(&db);
}

#[test]
fn a_file_from_a_newer_proofline_is_refused_not_touched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.sqlite3");
    Db::open(&path).unwrap();
    let c = Connection::open(&path).unwrap();
    c.pragma_update(None, "user_version", 999).unwrap();
    let err = Db::open(&path).err().expect("refused").to_string();
    assert!(err.contains("newer than this proofline"), "{err}");
    assert_eq!(sqlite::version(&c).unwrap(), 999);
}

/// Runs SQL of several statements on PostgreSQL.
fn pg_batch(url: &str, sql: String) {
    let pg = Pg::connect(url).unwrap();
    pg.run(|pool| async move { sqlx::raw_sql(&sql).execute(&pool).await.map(drop) })
        .unwrap()
        .unwrap();
}

#[test]
fn a_postgres_database_from_the_previous_runner_is_bridged_with_its_rows_in_order() {
    let server = TempPostgres::start(Durability::Fast).unwrap();
    let url = server.url("proofline");
    // What the runner before sqlx's left: the first files (its migrations,
    // in PostgreSQL's types) and their count in `proofline_schema`.
    let mut old: String = postgres::FILES[..postgres::LEGACY as usize]
        .iter()
        .map(|(_, sql)| *sql)
        .collect();
    old.push_str(&format!(
        "CREATE TABLE proofline_schema (version BIGINT NOT NULL);
         INSERT INTO proofline_schema (version) VALUES ({});",
        postgres::LEGACY
    ));
    old.push_str(&old_rows(|b| format!("'\\x{b:02x}'::bytea")));
    pg_batch(&url, old);

    connect_together(&url, 3);
    let db = Db::connect(&url).unwrap();
    let recorded: Vec<(i64, bool)> = db
        .read(|c| {
            c.query(
                "SELECT version, success FROM _sqlx_migrations ORDER BY version",
                args![],
            )?
            .iter()
            .map(|r| Ok((r.get(0)?, r.get(1)?)))
            .collect()
        })
        .unwrap();
    let all = postgres::FILES.len() as i64;
    assert_eq!(recorded, (1..=all).map(|v| (v, true)).collect::<Vec<_>>());
    let counted: i64 = db
        .read(|c| {
            c.query_one("SELECT version FROM proofline_schema", args![])?
                .get(0)
        })
        .unwrap();
    assert_eq!(counted, all, "older proofline binaries are kept out");
    check_upgraded(&db);
}

/// Opens the database from `n` threads at once.
fn connect_together(url: &str, n: usize) {
    let opens: Vec<_> = (0..n)
        .map(|_| {
            let url = url.to_owned();
            std::thread::spawn(move || Db::connect(&url).map(drop))
        })
        .collect();
    for open in opens {
        open.join().unwrap().unwrap();
    }
}

#[test]
fn a_postgres_database_from_a_newer_proofline_is_refused_not_touched() {
    let server = TempPostgres::start(Durability::Fast).unwrap();
    let url = server.url("proofline");
    // Made by origins starting together.
    connect_together(&url, 4);
    let db = Db::connect(&url).unwrap();
    db.write("test", |c| {
        c.execute(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
             VALUES (9999, 'from the future', TRUE, ?1, 0)",
            args![[0u8]],
        )
    })
    .unwrap();
    let state = |db: &Db| -> (i64, i64) {
        db.read(|c| {
            let r = c.query_one(
                "SELECT (SELECT count(*) FROM _sqlx_migrations), (SELECT max(version) FROM proofline_schema)",
                args![],
            )?;
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap()
    };
    let before = state(&db);
    let err = Db::connect(&url).err().expect("refused").to_string();
    assert!(err.contains("newer than this proofline"), "{err}");
    assert!(err.contains("9999"), "{err}");
    assert_eq!(state(&db), before);
}

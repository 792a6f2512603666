//! Two origins on one real PostgreSQL server (Debian's, on loopback, in a
//! temporary directory): the same batches sent to both at once, replayed and
//! reordered, are applied once each; PINs, links and manifests agree across
//! origins; the schema migrates once however many origins start.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use proofline_core::ImageId;
use proofline_core::proofing::{Action, Choices, ChoicesReply, Op, OpStatus, Verdict};
use proofline_server::db::Db;
use proofline_server::db::NewLink;
use proofline_server::publish::PublishReport;
use proofline_test_support::{
    Backend, Durability, Harness, Phone, TempPostgres, awkward_samples, token,
};
use serde_json::json;

async fn two_origins(pg: &TempPostgres) -> (Harness, SocketAddr, String) {
    let url = pg.url("proofline");
    let h = Harness::start_on(Backend::Embedded, None, Some(url.clone())).await;
    let b = h.another_origin(|_| {}).await;
    (h, b, url)
}

async fn send(
    http: &reqwest::Client,
    origin: SocketAddr,
    report: &PublishReport,
    ops: &[Op],
) -> ChoicesReply {
    let resp = http
        .post(format!(
            "http://{origin}/api/galleries/{}/ops",
            report.gallery
        ))
        .bearer_auth(token(report))
        .json(&json!({ "ops": ops }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

async fn choices(
    http: &reqwest::Client,
    origin: SocketAddr,
    report: &PublishReport,
) -> ChoicesReply {
    let resp = http
        .get(format!(
            "http://{origin}/api/galleries/{}/choices",
            report.gallery
        ))
        .bearer_auth(token(report))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_origins_receiving_the_same_batches_apply_each_op_once() {
    let pg = TempPostgres::start(Durability::Fast).unwrap();
    let (h, b, _) = two_origins(&pg).await;
    let report = h.publish(&awkward_samples()).await;
    let ids: Vec<ImageId> = h
        .manifest(&report)
        .await
        .images
        .into_iter()
        .map(|i| i.id)
        .collect();

    // Three phones, 60 choices each, in batches of 12.
    let mut all = Vec::new();
    let mut batches = Vec::new();
    for p in 0..3 {
        let mut phone = Phone::new(&format!("phone{p}"), &report.gallery);
        let ops: Vec<Op> = (0..60)
            .map(|i| {
                let image = ids[(i + p) % ids.len()].clone();
                phone.op(match i % 4 {
                    0 => Action::Favourite {
                        image,
                        on: i % 8 == 0,
                    },
                    1 => Action::Select {
                        image,
                        on: i % 3 != 0,
                    },
                    2 => Action::Review {
                        image,
                        verdict: Verdict::Approved,
                    },
                    _ => Action::Comment {
                        image,
                        text: format!("phone {p}, note {i}"),
                    },
                })
            })
            .collect();
        all.extend(ops.iter().cloned());
        batches.extend(ops.chunks(12).map(<[Op]>::to_vec));
    }

    // Every batch to both origins at once, a reversed replay to each, and
    // each phone's whole history in one reordered batch: 4 copies of each op
    // arrive, in parallel, at two processes' worth of connections.
    let report = std::sync::Arc::new(report);
    let mut tasks = tokio::task::JoinSet::new();
    for batch in &batches {
        let mut reversed = batch.clone();
        reversed.reverse();
        for (origin, ops) in [
            (h.origin, batch.clone()),
            (b, batch.clone()),
            (b, reversed.clone()),
            (h.origin, reversed),
        ] {
            let (http, report) = (h.http.clone(), report.clone());
            tasks.spawn(async move { send(&http, origin, &report, &ops).await });
        }
    }
    let mut outcomes: BTreeMap<String, Vec<OpStatus>> = BTreeMap::new();
    while let Some(reply) = tasks.join_next().await {
        for r in reply.unwrap().receipts {
            outcomes
                .entry(r.op_id.unwrap())
                .or_default()
                .push(r.outcome);
        }
    }

    assert_eq!(outcomes.len(), all.len(), "every op got receipts");
    for (op, seen) in &outcomes {
        assert_eq!(seen.len(), 4, "{op}: one receipt per copy sent");
        let applied: Vec<&String> = seen
            .iter()
            .filter_map(|o| match o {
                OpStatus::Applied { receipt, .. } => Some(receipt),
                _ => None,
            })
            .collect();
        assert_eq!(applied.len(), 1, "{op} applied exactly once: {seen:?}");
        for o in seen {
            match o {
                OpStatus::Applied { .. } => {}
                OpStatus::Duplicate { receipt, .. } => {
                    assert_eq!(
                        receipt, applied[0],
                        "{op}: a replay answers the first receipt"
                    )
                }
                other => panic!("{op}: unexpected {other:?}"),
            }
        }
    }

    // The database holds each op once, and both origins report the state
    // every device computes from the same ops.
    let mut expected = Choices::default();
    for op in &all {
        expected.apply(op);
    }
    let (from_a, from_b) = (
        choices(&h.http, h.origin, &report).await,
        choices(&h.http, b, &report).await,
    );
    assert_eq!(from_a.op_count, all.len() as u64);
    assert_eq!(from_b.op_count, all.len() as u64);
    assert_eq!(from_a.choices, expected);
    assert_eq!(from_b.choices, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn links_pins_and_manifests_agree_across_origins() {
    let pg = TempPostgres::start(Durability::Fast).unwrap();
    let (h, b, url) = two_origins(&pg).await;
    let report = h.publish(&proofline_samples::numbered_set(3, 64, 48)).await;
    let g = report.gallery.as_str();

    // The same window: byte-identical manifests from either origin.
    let manifest = |origin: SocketAddr| {
        h.http
            .get(format!("http://{origin}/api/galleries/{g}"))
            .bearer_auth(token(&report))
            .send()
    };
    // `server_time` is each answer's own second: compare two answers given
    // within one (a second's or a window's boundary may fall between them).
    let mut compared = false;
    for _ in 0..5 {
        let (a, b_text) = tokio::join!(manifest(h.origin), manifest(b));
        let (a, b_text) = (
            a.unwrap().text().await.unwrap(),
            b_text.unwrap().text().await.unwrap(),
        );
        let time = |text: &str| {
            serde_json::from_str::<serde_json::Value>(text).unwrap()["server_time"].clone()
        };
        if time(&a) != time(&b_text) {
            continue;
        }
        assert!(a.contains("\"images\""), "{a}");
        assert_eq!(a, b_text, "stateless origins sign identical URLs");
        compared = true;
        break;
    }
    assert!(compared, "never got both answers within one second");

    // Wrong PINs are counted in the database: 3 on A and 2 on B lock it.
    let studio = Db::connect(&url).unwrap();
    let (_, pin_token) = studio
        .create_link(
            &report.gallery,
            &NewLink {
                pin: Some("2468".into()),
                ..Default::default()
            },
            proofline_server::unix_now(),
        )
        .unwrap();
    let pin = |origin: SocketAddr, pin: &'static str| {
        h.http
            .post(format!("http://{origin}/api/galleries/{g}/pin"))
            .bearer_auth(pin_token.as_str())
            .json(&json!({ "pin": pin }))
            .send()
    };
    for origin in [h.origin, h.origin, h.origin, b] {
        assert_eq!(pin(origin, "0000").await.unwrap().status(), 401);
    }
    assert_eq!(pin(b, "0000").await.unwrap().status(), 429, "locked");
    assert_eq!(
        pin(h.origin, "2468").await.unwrap().status(),
        429,
        "the lock holds on the other origin too"
    );

    // Revoked through one connection, refused by both origins.
    let link = studio.links(Some(&report.gallery)).unwrap()[0].clone();
    studio
        .revoke_link(&link.id, proofline_server::unix_now())
        .unwrap()
        .expect("revoked");
    for origin in [h.origin, b] {
        assert_eq!(manifest(origin).await.unwrap().status(), 410);
    }
}

#[test]
fn the_schema_migrates_once_however_many_origins_start() {
    let pg = TempPostgres::start(Durability::Fast).unwrap();
    let url = pg.url("proofline");
    let starts: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || Db::connect(&url).map(|db| db.gallery_count()))
        })
        .collect();
    for s in starts {
        assert_eq!(s.join().unwrap().unwrap().unwrap(), 0);
    }
    // And a database from a newer proofline is refused, not damaged.
    let db = Db::connect(&url).unwrap();
    db.write("test", |c| {
        c.execute("UPDATE proofline_schema SET version = 999", &[])
    })
    .unwrap();
    let err = Db::connect(&url).err().expect("refused").to_string();
    assert!(err.contains("newer than this proofline"), "{err}");
}

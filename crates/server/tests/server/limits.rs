//! What a client on the internet may not do to an origin: take forever to
//! send its headers (the connection is closed), keep a request going past
//! the request limit (408), pile up requests past the concurrency limit
//! (503 with `Retry-After`, at once), or make the studio keep choices and
//! comments without bound (refused with a sentence).

use std::time::{Duration, Instant};

use proofline_core::proofing::{Action, Op, OpStatus};
use proofline_server::http::serve::Limits;
use proofline_test_support::{Backend, Harness, Phone, awkward_samples, token};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// Reads until the server answers or closes; answers what it said.
async fn answer(stream: &mut TcpStream) -> String {
    let mut got = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut got)).await;
    String::from_utf8_lossy(&got).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_are_cut_off_and_a_full_origin_says_busy() {
    let h = Harness::start(Backend::Embedded).await;
    let limits = Limits {
        header_read: Duration::from_millis(500),
        request: Duration::from_secs(1),
        concurrent: 1,
    };
    let origin = h.another_origin(|c| c.serve.limits = limits).await;

    // Headers never finished: closed after the header-read limit.
    let started = Instant::now();
    let mut slowloris = TcpStream::connect(origin).await.unwrap();
    slowloris
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let said = answer(&mut slowloris).await;
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(400) && took < Duration::from_secs(3),
        "{took:?}"
    );
    assert!(
        said.is_empty() || said.starts_with("HTTP/1.1 408"),
        "{said}"
    );

    // A body that never arrives holds the one slot…
    let mut stuck = TcpStream::connect(origin).await.unwrap();
    stuck
        .write_all(
            b"POST /api/galleries/g1/ops HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"ops\":",
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    // …so the next request is refused at once, with when to come back.
    let busy = h
        .http
        .get(format!("http://{origin}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(busy.status(), 503);
    assert_eq!(busy.headers()["retry-after"], "1");
    // The stuck request ends at the request limit.
    let said = answer(&mut stuck).await;
    assert!(said.starts_with("HTTP/1.1 408"), "{said}");
    // And the slot is free again.
    let ok = h
        .http
        .get(format!("http://{origin}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn a_link_keeps_a_bounded_number_of_choices_and_says_so() {
    let h = Harness::start(Backend::Embedded).await;
    let report = h.publish(&awkward_samples()).await;
    let ids: Vec<_> = h
        .manifest(&report)
        .await
        .images
        .into_iter()
        .map(|i| i.id)
        .collect();
    let link = proofline_server::secret::token_hash(token(&report)).to_vec();
    let mut phone = Phone::new("phone", &report.gallery);
    let batch: Vec<Op> = (0..5)
        .map(|i| {
            phone.op(Action::Comment {
                image: ids[0].clone(),
                text: format!("note {i}"),
            })
        })
        .collect();
    let now_ms = proofline_server::unix_now_ms();
    let ingest = |ops: Vec<Op>| {
        h.db.ingest_capped(
            &report.gallery,
            &link,
            ops.into_iter().map(Ok).collect(),
            &[],
            now_ms,
            3,
        )
        .unwrap()
    };
    let reply = ingest(batch.clone());
    let outcomes: Vec<&OpStatus> = reply.receipts.iter().map(|r| &r.outcome).collect();
    assert!(matches!(outcomes[2], OpStatus::Applied { .. }));
    for refused in &outcomes[3..] {
        let OpStatus::Refused { message, .. } = refused else {
            panic!("{refused:?}")
        };
        assert_eq!(
            message,
            "This link has reached the most changes the studio keeps for one link (3). Please contact the studio; this change was not sent."
        );
    }
    // Replays of stored ops still get their receipts; nothing more is kept.
    let again = ingest(batch);
    assert!(matches!(
        again.receipts[0].outcome,
        OpStatus::Duplicate { .. }
    ));
    assert!(matches!(
        again.receipts[4].outcome,
        OpStatus::Refused { .. }
    ));
    assert_eq!(again.choices.comments.len(), 3);
}

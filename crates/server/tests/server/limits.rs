//! What a client on the internet may not do to an origin: take forever to
//! send its headers (the connection is closed), keep a request going past
//! the request limit (408), or pile up requests past the concurrency limit
//! (503 with `Retry-After`, at once).

use std::time::{Duration, Instant};

use proofline_server::http::serve::Limits;
use proofline_test_support::{Backend, Harness};
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

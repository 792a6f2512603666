//! An origin process stopped in the middle of a sync (`kill -9`, SIGTERM):
//! nothing it acknowledged is lost and a replay duplicates nothing.

use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use proofline_core::proofing::{Action, ChoicesReply, Op, OpStatus};
use proofline_core::{GalleryId, ImageId};
use proofline_test_support::{Phone, awkward_samples, free_port};
use serde_json::json;

/// A real `proofline serve` process on a real SQLite file.
struct Origin {
    child: Child,
    addr: String,
}

fn proofline() -> Command {
    Command::new(env!("CARGO_BIN_EXE_proofline"))
}

impl Origin {
    fn start(data: &std::path::Path, port: u16, store_port: u16) -> Origin {
        let child = proofline()
            .args(["serve", "--client-dir", "/nonexistent"])
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .args(["--store-listen", &format!("127.0.0.1:{store_port}")])
            .arg("--data-dir")
            .arg(data)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let addr = format!("127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(&addr).is_err() {
            assert!(Instant::now() < deadline, "the origin did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Origin { child, addr }
    }

    fn kill9(mut self) {
        self.child.kill().unwrap(); // SIGKILL
        self.child.wait().unwrap();
    }

    /// SIGTERM, as a service manager stops it; answers its exit status.
    fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .unwrap()
                .success()
        );
        self.child.wait().unwrap()
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Stop {
    Kill9,
    Terminate,
}

impl Drop for Origin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_loses_no_acknowledged_op_and_a_replay_duplicates_none() {
    stopped_mid_sync(Stop::Kill9).await;
}

/// A graceful stop (SIGTERM) finishes the batches it has started: every op
/// it stored was answered, so the devices know of each one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_in_flight_batches_before_exiting() {
    stopped_mid_sync(Stop::Terminate).await;
}

async fn stopped_mid_sync(stop: Stop) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let photos = dir.path().join("photos");
    proofline_samples::write_all(&photos, &awkward_samples()).unwrap();
    let (port, store_port) = (free_port(), free_port());
    let out = proofline()
        .arg("publish")
        .arg(&photos)
        .args([
            "--title",
            "Kill test",
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .args(["--store-listen", &format!("127.0.0.1:{store_port}")])
        .arg("--data-dir")
        .arg(&data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let link = stdout
        .lines()
        .find_map(|l| l.strip_prefix("Share link: "))
        .unwrap();
    let (gallery, token) = link.split_once("#/g/").unwrap().1.split_once('/').unwrap();
    let gallery = GalleryId::parse(gallery).unwrap();
    let token = token.to_owned();

    let origin = Origin::start(&data, port, store_port);
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let manifest: serde_json::Value = http
        .get(format!("http://{}/api/galleries/{gallery}", origin.addr))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<ImageId> = manifest["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| ImageId::parse(i["id"].as_str().unwrap()).unwrap())
        .collect();

    // 4 phones × 30 batches × 20 ops, sent 4 at a time; the origin is killed
    // while batches are in flight.
    let mut batches = Vec::new();
    for p in 0..4 {
        let mut phone = Phone::new(&format!("phone-{p}"), &gallery);
        for b in 0..30 {
            let batch: Vec<Op> = (0..20)
                .map(|i| {
                    let image = ids[(b + i) % ids.len()].clone();
                    phone.op(if i % 3 == 0 {
                        Action::Comment {
                            image,
                            text: format!("phone {p} batch {b} note {i}"),
                        }
                    } else {
                        Action::Favourite {
                            image,
                            on: i % 2 == 0,
                        }
                    })
                })
                .collect();
            batches.push(batch);
        }
    }
    let all: HashSet<String> = batches
        .iter()
        .flatten()
        .map(|op| op.id.as_str().to_owned())
        .collect();
    let url = format!("http://{}/api/galleries/{gallery}/ops", origin.addr);
    let acked = std::sync::Arc::new(std::sync::Mutex::new(HashSet::<String>::new()));
    let mut senders = tokio::task::JoinSet::new();
    for chunk in batches.chunks(batches.len() / 4) {
        let (chunk, http, url, token, acked) = (
            chunk.to_vec(),
            http.clone(),
            url.clone(),
            token.clone(),
            acked.clone(),
        );
        senders.spawn(async move {
            for batch in chunk {
                let Ok(resp) = http
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&json!({ "ops": batch }))
                    .send()
                    .await
                else {
                    return;
                };
                let Ok(reply) = resp.json::<ChoicesReply>().await else {
                    return;
                };
                let mut acked = acked.lock().unwrap();
                for r in reply.receipts {
                    assert!(
                        matches!(
                            r.outcome,
                            OpStatus::Applied { .. } | OpStatus::Duplicate { .. }
                        ),
                        "{r:?}"
                    );
                    acked.insert(r.op_id.unwrap());
                }
            }
        });
    }
    // Stop once about a third has been acknowledged.
    let deadline = Instant::now() + Duration::from_secs(60);
    while acked.lock().unwrap().len() < all.len() / 3 {
        assert!(Instant::now() < deadline, "no progress");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    match stop {
        Stop::Kill9 => origin.kill9(),
        Stop::Terminate => {
            let status = origin.terminate();
            assert!(status.success(), "a graceful stop exits 0: {status}");
        }
    }
    while let Some(r) = senders.join_next().await {
        r.expect("a sender panicked");
    }
    let acked_before_kill = acked.lock().unwrap().clone();
    assert!(
        acked_before_kill.len() < all.len(),
        "the kill came before the end"
    );

    // After a restart: everything acknowledged is there.
    let origin = Origin::start(&data, port, store_port);
    let url = format!("http://{}/api/galleries/{gallery}/ops", origin.addr);
    let stored = |reply: &ChoicesReply| reply.op_count;
    let empty: ChoicesReply = http
        .post(&url)
        .bearer_auth(&token)
        .json(&json!({ "ops": [] }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(stored(&empty) >= acked_before_kill.len() as u64);
    if stop == Stop::Terminate {
        assert_eq!(
            stored(&empty),
            acked_before_kill.len() as u64,
            "every batch the origin took in before SIGTERM was answered"
        );
    }
    // Replay every batch (the devices never heard back for some): each op is
    // then stored exactly once, and the acknowledged ones come back as duplicates.
    let mut last = empty;
    for batch in &batches {
        let reply: ChoicesReply = http
            .post(&url)
            .bearer_auth(&token)
            .json(&json!({ "ops": batch }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for r in &reply.receipts {
            let id = r.op_id.as_deref().unwrap();
            if acked_before_kill.contains(id) {
                assert!(
                    matches!(r.outcome, OpStatus::Duplicate { .. }),
                    "{id} was acknowledged before the kill: {r:?}"
                );
            } else {
                assert!(
                    matches!(
                        r.outcome,
                        OpStatus::Applied { .. } | OpStatus::Duplicate { .. }
                    ),
                    "{r:?}"
                );
            }
        }
        last = reply;
    }
    assert_eq!(last.op_count, all.len() as u64, "every op once, none twice");
    let comments = last.choices.comments.len();
    assert_eq!(
        comments,
        batches
            .iter()
            .flatten()
            .filter(|o| matches!(o.action, Action::Comment { .. }))
            .count()
    );
}

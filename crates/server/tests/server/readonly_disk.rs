//! The seed's own failure, on a real disk: the origin's data folder (its
//! SQLite file and the embedded store) sits on a loop-mounted ext4 image
//! mounted `errors=remount-ro`, and the test fails the file system through
//! `/sys/fs/ext4/<device>/trigger_fs_error`, as a failing disk does.
//!
//! Galleries keep being served (reads work); `/readyz` answers 503, so a
//! load balancer stops sending customers here; a batch of choices is refused
//! with 503 and `Retry-After`, so the device keeps it and sends it again.
//!
//! Mounting needs root (CI and this project's machines run tests as root);
//! elsewhere the test says so and does nothing.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use proofline_core::proofing::Action;
use proofline_test_support::{Backend, Harness, Phone, token};
use serde_json::{Value, json};

/// A loop-mounted ext4 image that remounts read-only on its first error.
struct LoopDisk {
    _image_dir: tempfile::TempDir,
    mount: PathBuf,
    /// The loop device's name (`loop3`), as `/sys/fs/ext4` names it.
    device: String,
}

fn run(cmd: &mut Command) {
    let out = cmd.output().expect("the command runs");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl LoopDisk {
    fn mount() -> LoopDisk {
        let image_dir = tempfile::tempdir().unwrap();
        let image = image_dir.path().join("disk.img");
        let mount = image_dir.path().join("mnt");
        std::fs::create_dir(&mount).unwrap();
        std::fs::File::create(&image)
            .unwrap()
            .set_len(256 << 20)
            .unwrap();
        run(Command::new("mkfs.ext4").args(["-q", "-F"]).arg(&image));
        run(Command::new("mount")
            .args(["-o", "loop,errors=remount-ro"])
            .arg(&image)
            .arg(&mount));
        let source = Command::new("findmnt")
            .args(["-n", "-o", "SOURCE"])
            .arg(&mount)
            .output()
            .unwrap();
        let source = String::from_utf8(source.stdout).unwrap();
        let device = Path::new(source.trim())
            .file_name()
            .expect("a loop device")
            .to_string_lossy()
            .into_owned();
        LoopDisk {
            _image_dir: image_dir,
            mount,
            device,
        }
    }

    /// Fails the file system; answers once the kernel has remounted it
    /// read-only.
    fn fail(&self) {
        std::fs::write(
            format!("/sys/fs/ext4/{}/trigger_fs_error", self.device),
            "1",
        )
        .expect("trigger an ext4 error");
        let started = Instant::now();
        while std::fs::write(self.mount.join("probe"), "x").is_ok() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "the disk never went read-only"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for LoopDisk {
    fn drop(&mut self) {
        // `-o loop` detaches the loop device when it is unmounted.
        let _ = Command::new("umount").arg("-l").arg(&self.mount).status();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disk_gone_read_only_keeps_galleries_served_and_readyz_says_not_ready() {
    if !proofline_test_support::is_root() {
        eprintln!("SKIPPED: mounting a loop device needs root");
        return;
    }
    let disk = LoopDisk::mount();
    let data = tempfile::tempdir_in(&disk.mount).unwrap();
    let h = Harness::start_in(Backend::Embedded, None, None, data).await;
    let report = h.publish(&proofline_samples::numbered_set(3, 64, 48)).await;
    let wide = proofline_server::secret::new_token();
    h.db.set_studio_wide_token(&proofline_server::secret::token_hash(wide.as_str()))
        .unwrap();
    let readyz = |studio: bool| {
        let req = h.http.get(format!("{}/readyz", h.app_origin()));
        let req = if studio {
            req.bearer_auth(wide.as_str())
        } else {
            req
        };
        async move {
            let resp = req.send().await.unwrap();
            (resp.status().as_u16(), resp.json::<Value>().await.unwrap())
        }
    };
    assert_eq!(readyz(false).await, (200, json!({ "ready": true })));
    assert_eq!(
        readyz(true).await,
        (
            200,
            json!({ "ready": true, "database": "ok", "store": "ok" })
        )
    );

    disk.fail();

    // Not ready, and the public learns nothing more.
    let (status, public) = readyz(false).await;
    println!("readyz during the read-only disk (public): {status} {public}");
    assert_eq!((status, public), (503, json!({ "ready": false })));
    let (status, details) = readyz(true).await;
    println!("readyz during the read-only disk (studio): {status} {details}");
    assert_eq!(status, 503);
    for part in ["database", "store"] {
        let problem = details[part].as_str().unwrap();
        assert!(problem.starts_with("cannot write"), "{part}: {problem}");
    }

    // The gallery is still served, photos and all.
    let manifest = h.manifest(&report).await;
    assert_eq!(manifest.images.len(), 3);
    let photo = h
        .http
        .get(manifest.images[0].renditions.thumb.url.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(photo.status(), 200, "the store still serves photos");

    // Choices are refused as "try again later", never as taken.
    let mut phone = Phone::new("phone", &report.gallery);
    let op = phone.op(Action::Favourite {
        image: manifest.images[0].id.clone(),
        on: true,
    });
    let resp = h
        .http
        .post(format!(
            "{}/api/galleries/{}/ops",
            h.app_origin(),
            report.gallery
        ))
        .bearer_auth(token(&report))
        .json(&json!({ "ops": [op] }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 503);
    assert!(resp.headers().contains_key("retry-after"));
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"], "unavailable", "{body}");
    drop(h);
}

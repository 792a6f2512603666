//! Downloads over real HTTP with the embedded store: what `publish
//! --downloads` makes, what each link's manifest offers, and the bytes its
//! signed URL answers.

use proofline_core::downloads::Downloads;
use proofline_core::{Manifest, Rendition};
use proofline_server::publish::render::{FullSize, RenderOptions};
use proofline_server::publish::{Destination, PublishReport, PublishRequest, publish};
use proofline_server::signing::LinkTerms;
use proofline_server::signing::mirror::write_mirror;
use proofline_test_support::{Backend, Harness, awkward_samples, token};
use sha2::{Digest, Sha256};

async fn publish_for(h: &Harness, dir: &std::path::Path, downloads: Downloads) -> PublishReport {
    publish_sized(h, dir, downloads, FullSize::Original).await
}

async fn publish_sized(
    h: &Harness,
    dir: &std::path::Path,
    downloads: Downloads,
    full_size: FullSize,
) -> PublishReport {
    publish(
        &h.db,
        &h.store,
        &PublishRequest {
            dir: dir.to_path_buf(),
            label: "bride".into(),
            destination: Destination::Auto,
            render: RenderOptions {
                downloads,
                full_size,
                ..RenderOptions::default()
            },
            signing: h.config.signing,
            ..PublishRequest::default()
        },
    )
    .await
    .expect("publish succeeds")
}

async fn manifest_of(h: &Harness, gallery: &str, token: &str) -> Manifest {
    let resp = h.get_manifest(gallery, Some(token)).await;
    assert_eq!(resp.status(), 200);
    Manifest::from_json(&resp.text().await.unwrap()).unwrap()
}

async fn bytes_of(h: &Harness, r: &Rendition) -> Vec<u8> {
    let resp = h.http.get(r.url.to_string()).send().await.unwrap();
    assert_eq!(resp.status(), 200, "{}", r.url);
    let bytes = resp.bytes().await.unwrap().to_vec();
    assert_eq!(bytes.len() as u64, r.bytes);
    assert_eq!(hex::encode(Sha256::digest(&bytes)), r.sha256.as_str());
    bytes
}

/// The link's mirror once it is written as `ready` says (it is written
/// after answering, so an earlier one may still be there). Up to 30 s: a
/// loaded CI machine took over 5 s once.
async fn mirrored(h: &Harness, url: &str, ready: impl Fn(&Manifest) -> bool) -> Manifest {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while std::time::Instant::now() < deadline {
        let resp = h.http.get(url).send().await.unwrap();
        if resp.status() == 200 {
            let m = Manifest::from_json(&resp.text().await.unwrap()).unwrap();
            if ready(&m) {
                return m;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the mirror is never written as expected");
}

fn downloads(m: &Manifest) -> Vec<Option<&Rendition>> {
    m.images
        .iter()
        .map(|i| i.renditions.download.as_ref())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_link_downloads_what_the_studio_allows_and_a_republish_adds_the_files() {
    let h = Harness::start(Backend::Embedded).await;
    let folder = h.dir.path().join("wedding");
    let samples = &awkward_samples()[..2];
    proofline_samples::write_all(&folder, samples).unwrap();
    let first = publish_for(&h, &folder, Downloads::None).await;
    let gallery = first.gallery.as_str();
    let bride = token(&first).to_owned();
    let link_id = h.db.links(Some(&first.gallery)).unwrap()[0].id.clone();

    // Published without download files: a web link has nothing to offer yet.
    h.db.set_link_downloads(&link_id, Downloads::Web).unwrap();
    let m = manifest_of(&h, gallery, &bride).await;
    assert_eq!(downloads(&m), [None, None]);

    // Published again for full-size downloads: the photos the gallery has
    // gain their files; nothing is added.
    let again = publish_for(&h, &folder, Downloads::Full).await;
    assert_eq!((again.added, again.downloads_added), (0, 2));
    assert_eq!(again.uploads_done, 4, "a web file and an original each");
    let m = manifest_of(&h, gallery, &bride).await;
    for image in &m.images {
        let sample = samples
            .iter()
            .find(|s| s.file_name == image.file_name)
            .unwrap();
        let web = image.renditions.download.as_ref().expect("a web download");
        assert_eq!(
            (web.width, web.height),
            (sample.width, sample.height),
            "never upscaled"
        );
        let bytes = bytes_of(&h, web).await;
        assert!(bytes.starts_with(&[0xFF, 0xD8]), "a JPEG");
        assert_ne!(web.sha256, image.renditions.proof.sha256);
    }
    // A third publish has nothing to add.
    let third = publish_for(&h, &folder, Downloads::Full).await;
    assert_eq!((third.downloads_added, third.uploads_done), (0, 0));

    // Full size: the original file, byte for byte.
    h.db.set_link_downloads(&link_id, Downloads::Full).unwrap();
    let m = manifest_of(&h, gallery, &bride).await;
    for image in &m.images {
        let full = image.renditions.download.as_ref().expect("the original");
        let original = std::fs::read(folder.join(&image.file_name)).unwrap();
        assert_eq!(bytes_of(&h, full).await, original);
    }

    // Another link of the same gallery, in the same signing window, gets
    // nothing: downloads are per link.
    let (_, other) =
        h.db.create_link(
            &first.gallery,
            &Default::default(),
            proofline_server::unix_now(),
        )
        .unwrap();
    let m = manifest_of(&h, gallery, other.as_str()).await;
    assert_eq!(downloads(&m), [None, None]);
    assert!(!m.to_json().contains("download"));

    // Taken back: the bride's next manifest offers nothing.
    h.db.set_link_downloads(&link_id, Downloads::None).unwrap();
    let m = manifest_of(&h, gallery, &bride).await;
    assert_eq!(downloads(&m), [None, None]);
    assert!(
        h.db.set_link_downloads("nosuchlink", Downloads::Web)
            .unwrap_err()
            .to_string()
            .contains("no share link nosuchlink")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reencoded_full_size_is_upright_at_full_resolution_without_the_camera_metadata() {
    let h = Harness::start(Backend::Embedded).await;
    let folder = h.dir.path().join("portraits");
    // Stored turned, with EXIF orientation 6.
    let sample = awkward_samples()
        .into_iter()
        .find(|s| s.orientation == Some(6))
        .unwrap();
    proofline_samples::write_all(&folder, std::slice::from_ref(&sample)).unwrap();
    let original = std::fs::read(folder.join(&sample.file_name)).unwrap();
    assert!(
        original.windows(4).any(|w| w == b"Exif"),
        "the sample has EXIF"
    );
    let report = publish_sized(&h, &folder, Downloads::Full, FullSize::Reencode).await;
    let link = h.db.links(Some(&report.gallery)).unwrap()[0].id.clone();
    h.db.set_link_downloads(&link, Downloads::Full).unwrap();
    let m = manifest_of(&h, report.gallery.as_str(), token(&report)).await;
    let image = &m.images[0];
    let full = image.renditions.download.as_ref().unwrap();
    assert_eq!(
        (full.width, full.height),
        (image.width, image.height),
        "full size, upright"
    );
    assert_eq!((image.width, image.height), (sample.width, sample.height));
    let bytes = bytes_of(&h, full).await;
    assert!(bytes.starts_with(&[0xFF, 0xD8]));
    assert!(!bytes.windows(4).any(|w| w == b"Exif"), "no EXIF left");
    let decoded = image::load_from_memory(&bytes).unwrap();
    assert_eq!(
        (decoded.width(), decoded.height()),
        (image.width, image.height)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_download_pin_holds_back_the_files_until_its_pass_and_the_studio_changes_it() {
    let h = Harness::start(Backend::Embedded).await;
    let folder = h.dir.path().join("wedding");
    proofline_samples::write_all(&folder, &awkward_samples()[..2]).unwrap();
    let report = publish_for(&h, &folder, Downloads::Web).await;
    let gallery = report.gallery.as_str();
    let bride = token(&report).to_owned();
    let studio = report.studio_token.as_ref().unwrap().as_str().to_owned();
    let link_id = h.db.links(Some(&report.gallery)).unwrap()[0].id.clone();
    let app = h.app_origin();
    let studio_api = format!("{app}/api/studio/galleries/{gallery}/links/{link_id}/downloads");
    let set = |body: serde_json::Value| {
        h.http
            .post(&studio_api)
            .bearer_auth(&studio)
            .json(&body)
            .send()
    };
    let try_pin = |pin: &'static str| {
        h.http
            .post(format!("{app}/api/galleries/{gallery}/download-pin"))
            .bearer_auth(&bride)
            .json(&serde_json::json!({ "pin": pin }))
            .send()
    };
    let with_pass = |pass: &str| {
        h.http
            .get(format!("{app}/api/galleries/{gallery}"))
            .bearer_auth(&bride)
            .header("x-proofline-download-pass", pass)
            .send()
    };
    let read = |text: String| Manifest::from_json(&text).unwrap();

    // Web downloads, no PIN: nothing to unlock.
    let resp = set(serde_json::json!({ "downloads": "web" }))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let m = manifest_of(&h, gallery, &bride).await;
    assert!(!m.download_pin && downloads(&m).iter().all(Option::is_some));
    assert_eq!(try_pin("1234").await.unwrap().status(), 400);
    // Its mirror, written after that answer, carries them.
    let mirror = m.mirror.clone().unwrap();
    let before = mirrored(&h, &mirror, |m| downloads(m).iter().all(Option::is_some)).await;
    assert!(!before.download_pin);

    // The studio sets a PIN: its report says so, and the manifest holds the
    // files back and asks for it.
    let resp = set(serde_json::json!({ "pin": "12" })).await.unwrap();
    assert_eq!(resp.status(), 400);
    assert!(
        resp.text()
            .await
            .unwrap()
            .contains("download PIN is not valid")
    );
    let resp = set(serde_json::json!({ "pin": " 4321 " })).await.unwrap();
    assert_eq!(resp.status(), 200);
    let studio_report: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(studio_report["links"][0]["download_pin"], true);
    assert_eq!(studio_report["links"][0]["downloads"], "web");
    let m = manifest_of(&h, gallery, &bride).await;
    assert!(m.download_pin);
    assert_eq!(downloads(&m), [None, None]);

    // A wrong PIN is counted; the right one answers a pass.
    let resp = try_pin("0000").await.unwrap();
    assert_eq!(resp.status(), 401);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["error"], "wrong_pin");
    let resp = try_pin("4321").await.unwrap();
    assert_eq!(resp.status(), 200);
    let pass = resp.json::<serde_json::Value>().await.unwrap()["pass"]
        .as_str()
        .unwrap()
        .to_owned();
    // With the pass, the files; they are the real thing.
    let m = read(with_pass(&pass).await.unwrap().text().await.unwrap());
    assert!(!m.download_pin);
    for web in downloads(&m) {
        let bytes = bytes_of(&h, web.expect("a web download")).await;
        assert!(bytes.starts_with(&[0xFF, 0xD8]));
    }
    // A made-up pass, or the link's own kind of pass, unlocks nothing.
    let m = read(
        with_pass("0".repeat(64).as_str())
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(m.download_pin && downloads(&m).iter().all(Option::is_none));

    // The mirror (anyone with the link can read it) no longer carries
    // them: the one written before the PIN was deleted with it, and the one
    // written since holds them back.
    // The first mirror found since is the new one.
    let after = mirrored(&h, &mirror, |_| true).await;
    assert!(after.download_pin && downloads(&after).iter().all(Option::is_none));
    // A mirror write that began before the PIN (signed with the download
    // URLs) and reaches the store only now is refused, and the mirror
    // stays the one without them.
    let stored = h.db.gallery(&report.gallery).unwrap().unwrap();
    let link = &h.db.links(Some(&report.gallery)).unwrap()[0];
    let old_terms = LinkTerms {
        expires_at: None,
        downloads: Downloads::Web,
        download_pin: false,
    };
    let now = proofline_server::unix_now();
    let (db, store, signing) = (&h.db, &h.store, &h.config.signing);
    let late = write_mirror(
        db,
        store,
        &stored,
        &link.token_hash,
        old_terms,
        signing,
        now,
    )
    .await;
    assert!(
        late.is_err(),
        "a mirror signed before the PIN is not written"
    );
    let still = mirrored(&h, &mirror, |_| true).await;
    assert!(still.download_pin && downloads(&still).iter().all(Option::is_none));

    // A new PIN voids the pass; no PIN opens downloads to the link again.
    assert_eq!(
        set(serde_json::json!({ "pin": "8642" }))
            .await
            .unwrap()
            .status(),
        200
    );
    let m = read(with_pass(&pass).await.unwrap().text().await.unwrap());
    assert!(m.download_pin && downloads(&m).iter().all(Option::is_none));
    let resp = set(serde_json::json!({ "pin": "" })).await.unwrap();
    let studio_report: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(studio_report["links"][0]["download_pin"], false);
    let m = manifest_of(&h, gallery, &bride).await;
    assert!(!m.download_pin && downloads(&m).iter().all(Option::is_some));
    // A share token changes nothing.
    let resp = h
        .http
        .post(&studio_api)
        .bearer_auth(&bride)
        .json(&serde_json::json!({ "pin": "1111" }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
}

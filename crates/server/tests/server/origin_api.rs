//! The origin's gallery API and the publishing rules, over real HTTP with the
//! embedded store and a real SQLite file.

use proofline_core::RenditionKind;
use proofline_samples::Sample;
use proofline_server::publish::object_key;
use proofline_test_support::{Backend, Harness, awkward_samples, token};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_or_missing_token_gets_401_and_unknown_gallery_404() {
    let h = Harness::start(Backend::Embedded).await;
    let report = h.publish(&awkward_samples()[..1]).await;
    let gallery = report.gallery.as_str();

    let wrong = h
        .get_manifest(gallery, Some("AAAAAAAAAAAAAAAAAAAAAA"))
        .await;
    assert_eq!(wrong.status(), 401);
    let body: serde_json::Value = wrong.json().await.unwrap();
    assert_eq!(body["error"], "unauthorized");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("link isn't valid")
    );

    assert_eq!(h.get_manifest(gallery, None).await.status(), 401);
    let other = h.get_manifest("nosuchgallery", Some(token(&report))).await;
    assert_eq!(other.status(), 404);
    assert_eq!(
        other.json::<serde_json::Value>().await.unwrap()["error"],
        "not_found"
    );
    assert_eq!(h.get_manifest("bad%2Fid", Some("x")).await.status(), 404);
    assert_eq!(
        h.get_manifest(gallery, Some(token(&report))).await.status(),
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_fetches_in_one_window_return_identical_urls() {
    let h = Harness::start(Backend::Embedded).await;
    let report = h.publish(&awkward_samples()).await;
    let a = h.manifest(&report).await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let b = h.manifest(&report).await;
    // A window boundary may fall between the two fetches (once an hour).
    let same_window =
        a.images[0].renditions.thumb.expires_at == b.images[0].renditions.thumb.expires_at;
    if same_window {
        assert_eq!(a.images, b.images, "identical URLs within a window");
    }
    assert!(b.server_time >= a.server_time);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_files_are_named_and_skipped() {
    let h = Harness::start(Backend::Embedded).await;
    let folder = h.dir.path().join("mixed");
    proofline_samples::write_all(&folder, &awkward_samples()[..2]).unwrap();
    std::fs::write(folder.join("empty.jpg"), b"").unwrap();
    std::fs::write(
        folder.join("broken.jpg"),
        b"\xFF\xD8\xFF\xE0 this is not really a jpeg",
    )
    .unwrap();
    std::fs::write(folder.join("notes.txt"), b"call the bride").unwrap();
    std::fs::write(folder.join(".DS_Store"), b"hidden").unwrap();
    // Complete structure, corrupt entropy data: libjpeg fails fatally.
    let whole = proofline_samples::encode(&awkward_samples()[0]).unwrap();
    std::fs::write(
        folder.join("scrambled.jpg"),
        proofline_samples::with_corrupt_entropy_data(&whole),
    )
    .unwrap();
    let report = h.publish_dir(&folder).await.unwrap();
    assert_eq!(report.published, 2);
    let mut skipped: Vec<_> = report.skipped.iter().map(|s| s.file.as_str()).collect();
    skipped.sort();
    assert_eq!(
        skipped,
        ["broken.jpg", "empty.jpg", "notes.txt", "scrambled.jpg"]
    );
    let scrambled = report.skipped.iter().find(|s| s.file == "scrambled.jpg");
    assert!(
        scrambled.unwrap().reason.starts_with("is damaged ("),
        "{scrambled:?}"
    );
    let empty = report
        .skipped
        .iter()
        .find(|s| s.file == "empty.jpg")
        .unwrap();
    assert_eq!(empty.reason, "the file is empty");
    let manifest = h.manifest(&report).await;
    assert_eq!(manifest.images.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identical_photos_are_published_once() {
    let h = Harness::start(Backend::Embedded).await;
    let one = awkward_samples()[0].clone();
    let twin = Sample {
        file_name: "photo 1 copy.jpg".into(),
        ..one.clone()
    };
    let report = h.publish(&[one, twin]).await;
    assert_eq!(report.published, 1);
    assert_eq!(report.skipped[0].file, "photo 1 copy.jpg");
    assert!(report.skipped[0].reason.contains("photo 1.jpg"));

    // The copy was never uploaded: its would-be object does not exist.
    let manifest = h.manifest(&report).await;
    let id = &manifest.images[0].id;
    let now = proofline_server::unix_now();
    let window = proofline_core::expiry::SigningWindow {
        start: now - 60,
        expires_at: now + 600,
    };
    for (stem, want) in [("photo 1", 200), ("photo 1 copy", 404)] {
        let key = object_key(&report.gallery, id, RenditionKind::Thumb.as_str(), stem);
        let url = h.store.presign_get(&key, window).await.unwrap();
        assert_eq!(
            h.http.get(&url).send().await.unwrap().status(),
            want,
            "{stem}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_upload_publishes_nothing() {
    let h = Harness::start(Backend::Embedded).await;
    // A store that is down: nothing listens on port 1.
    let mut settings = h.settings.clone();
    settings.endpoint = Some("http://127.0.0.1:1".into());
    let broken = proofline_server::storage::ObjectStore::connect(&settings)
        .await
        .unwrap();
    let folder = h.dir.path().join("photos");
    proofline_samples::write_all(&folder, &awkward_samples()).unwrap();
    let result = proofline_server::publish::publish(
        &h.db,
        &broken,
        &proofline_server::publish::PublishRequest {
            dir: folder,
            title: Some("Never visible".into()),
            label: String::new(),
            rules: Default::default(),
            offline_window: None,
            destination: Default::default(),
            render: Default::default(),
            ..Default::default()
        },
    )
    .await;
    assert!(result.is_err(), "publishing to a dead store fails");
    assert_eq!(
        h.db.gallery_count().unwrap(),
        0,
        "no half-published gallery"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_without_photos_is_an_error() {
    let h = Harness::start(Backend::Embedded).await;
    let folder = h.dir.path().join("nothing");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("readme.txt"), b"hi").unwrap();
    let err = h.publish_dir(&folder).await.unwrap_err().to_string();
    assert!(err.contains("no photos could be published"), "{err}");
}

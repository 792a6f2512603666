//! `proofline publish` on a real studio folder: sub-folders become sets, bad
//! files are named and skipped, publishing again adds only what is new (and
//! keeps ids and customers' choices), and an interrupted publish continues
//! without uploading again what made it; the manifest mirrors it writes are
//! signed with the configured policy, as `serve` signs them. Real SQLite
//! file, real object store.

use std::path::Path;

use proofline_core::proofing::{Action, ChoicesReply};
use proofline_core::{ImageId, Manifest};
use proofline_samples::Sample;
use proofline_server::db::FromFolder;
use proofline_server::publish::{Destination, PublishReport, PublishRequest, publish};
use proofline_server::settings::SigningPolicy;
use proofline_server::signing::mirror::mirror_url;
use proofline_test_support::{Backend, FaultyStore, Harness, Phone, Refusal, token};

/// Writes a generated photo at `rel` (folders created) under `dir`.
fn photo(dir: &Path, rel: &str, seed: u32) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let sample = Sample {
        file_name: rel.into(),
        width: 480 + seed * 8,
        height: 320,
        orientation: None,
        seed,
    };
    std::fs::write(path, proofline_samples::encode(&sample).unwrap()).unwrap();
}

/// A wedding folder: loose photos, two sets (one with a sub-folder), and the
/// files a real card dump has that are not photos.
fn wedding(dir: &Path) {
    photo(dir, "IMG 10.jpg", 1);
    photo(dir, "IMG 2.jpg", 2);
    photo(dir, "Part 10 Reception/Dance 1.jpg", 3);
    photo(dir, "Part 2 Ceremony/Vows 10.jpg", 4);
    photo(dir, "Part 2 Ceremony/Vows 9.jpg", 5);
    photo(dir, "Part 2 Ceremony/Family/Group.jpg", 6);
    std::fs::write(dir.join("Part 2 Ceremony/empty.jpg"), b"").unwrap();
    // A real JPEG cut off in the middle of its picture data, as a card pulled
    // out too early leaves it.
    let whole = proofline_samples::encode(&Sample {
        file_name: "x.jpg".into(),
        width: 640,
        height: 480,
        orientation: None,
        seed: 9,
    })
    .unwrap();
    std::fs::write(
        dir.join("Part 10 Reception/Cut short.jpg"),
        &whole[..whole.len() / 3],
    )
    .unwrap();
    std::fs::write(dir.join("notes.txt"), b"call the bride").unwrap();
    std::fs::write(
        dir.join("Part 10 Reception/spinner.gif"),
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
    )
    .unwrap();
    std::fs::write(dir.join(".DS_Store"), b"hidden").unwrap();
}

/// (set, file name) of every photo, in gallery order.
fn order(m: &Manifest) -> Vec<(Option<&str>, &str)> {
    m.images
        .iter()
        .map(|i| (i.set.as_deref(), i.file_name.as_str()))
        .collect()
}

/// The manifest without its signed URLs (which change with the time).
fn without_urls(mut m: Manifest) -> Manifest {
    for image in &mut m.images {
        image.renditions.thumb.url = "".into();
        image.renditions.proof.url = "".into();
    }
    m.server_time = 1;
    m.mirror = None;
    m
}

fn skipped(r: &PublishReport) -> Vec<(&str, &str)> {
    r.skipped
        .iter()
        .map(|s| (s.file.as_str(), s.reason.as_str()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sub_folders_become_sets_in_folder_order_and_bad_files_are_named() {
    let h = Harness::start(Backend::Embedded).await;
    let dir = h.dir.path().join("Smith wedding");
    wedding(&dir);
    let report = h.publish_dir(&dir).await.unwrap();

    let m = h.manifest(&report).await;
    assert_eq!(
        order(&m),
        [
            (None, "IMG 2.jpg"),
            (None, "IMG 10.jpg"),
            (Some("Part 2 Ceremony"), "Vows 9.jpg"),
            (Some("Part 2 Ceremony"), "Vows 10.jpg"),
            (Some("Part 2 Ceremony / Family"), "Group.jpg"),
            (Some("Part 10 Reception"), "Dance 1.jpg"),
        ]
    );
    let bad = skipped(&report);
    assert_eq!(
        bad.iter().map(|(f, _)| *f).collect::<Vec<_>>(),
        [
            "notes.txt",
            "Part 2 Ceremony/empty.jpg",
            "Part 10 Reception/Cut short.jpg",
            "Part 10 Reception/spinner.gif",
        ],
        "in gallery order: {bad:?}"
    );
    assert!(bad[0].1.contains("not a JPEG or PNG"), "{bad:?}");
    assert_eq!(bad[1].1, "the file is empty");
    assert!(bad[2].1.starts_with("is damaged"), "{bad:?}");
    assert!(bad[3].1.contains("GIF files are not supported"), "{bad:?}");

    assert_eq!(report.published, 6);
    assert_eq!((report.added, report.already_published), (6, 0));
    assert_eq!(report.sets, 3);
    assert_eq!((report.uploads_done, report.uploads_skipped), (12, 0));
    assert_eq!(report.live_links, 1);
    assert_eq!(m.title, "Test gallery");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publishing_the_same_folder_again_uploads_nothing_and_changes_nothing() {
    let h = Harness::start(Backend::Embedded).await;
    let dir = h.dir.path().join("wedding");
    wedding(&dir);
    let first = h.publish_dir(&dir).await.unwrap();
    let before = h.manifest(&first).await;

    let again = h.publish_dir(&dir).await.unwrap();
    assert_eq!(again.gallery, first.gallery, "the same gallery");
    assert!(again.token.is_none(), "no new share link");
    assert_eq!((again.added, again.already_published), (0, 6));
    assert_eq!((again.uploads_done, again.uploads_skipped), (0, 0));
    assert_eq!(again.published, 6);
    assert_eq!(again.live_links, 1);
    assert_eq!(skipped(&again), skipped(&first), "bad files said again");
    assert!(again.not_in_folder.is_empty());
    assert_eq!(h.db.gallery_count().unwrap(), 1);

    // The first link still opens it, identical apart from the URLs' signatures.
    let after = h.manifest(&first).await;
    assert_eq!(without_urls(after), without_urls(before));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_photos_are_added_in_place_and_customers_choices_stay() {
    let h = Harness::start(Backend::Embedded).await;
    let dir = h.dir.path().join("wedding");
    wedding(&dir);
    let first = h.publish_dir(&dir).await.unwrap();
    let before = h.manifest(&first).await;
    let ids: Vec<ImageId> = before.images.iter().map(|i| i.id.clone()).collect();

    // The customer chooses before the studio adds photos.
    let mut phone = Phone::new("phone", &first.gallery);
    let ops = [
        phone.op(Action::Select {
            image: ids[1].clone(),
            on: true,
        }),
        phone.op(Action::Favourite {
            image: ids[5].clone(),
            on: true,
        }),
    ];
    let url = format!("http://{}/api/galleries/{}/ops", h.origin, first.gallery);
    let sent = h
        .http
        .post(&url)
        .bearer_auth(token(&first))
        .json(&serde_json::json!({ "ops": ops }))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 200);

    photo(&dir, "IMG 5.jpg", 20);
    photo(&dir, "Part 10 Reception/Dance 2.jpg", 21);
    // A photo the studio took out of the folder stays published.
    std::fs::remove_file(dir.join("IMG 10.jpg")).unwrap();
    let again = h.publish_dir(&dir).await.unwrap();
    assert_eq!(again.gallery, first.gallery);
    assert_eq!((again.added, again.already_published), (2, 5));
    assert_eq!(
        again.uploads_done, 4,
        "exactly the two new photos' renditions"
    );
    assert_eq!(again.not_in_folder, ["IMG 10.jpg"]);
    assert_eq!(again.published, 8);

    let after = h.manifest(&first).await;
    assert_eq!(
        order(&after),
        [
            (None, "IMG 2.jpg"),
            (None, "IMG 5.jpg"),
            (None, "IMG 10.jpg"),
            (Some("Part 2 Ceremony"), "Vows 9.jpg"),
            (Some("Part 2 Ceremony"), "Vows 10.jpg"),
            (Some("Part 2 Ceremony / Family"), "Group.jpg"),
            (Some("Part 10 Reception"), "Dance 1.jpg"),
            (Some("Part 10 Reception"), "Dance 2.jpg"),
        ]
    );
    // Every earlier photo kept its id and its renditions.
    for old in &before.images {
        let now = after.image(&old.id).expect("still published");
        assert_eq!(
            (&now.renditions.proof.sha256, now.renditions.proof.bytes),
            (&old.renditions.proof.sha256, old.renditions.proof.bytes)
        );
    }
    let choices: ChoicesReply = h
        .http
        .get(format!(
            "http://{}/api/galleries/{}/choices",
            h.origin, first.gallery
        ))
        .bearer_auth(token(&first))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(choices.choices.is_selected(&ids[1]), "selection kept");
    assert!(choices.choices.is_favourite(&ids[5]), "favourite kept");
    assert_eq!(choices.op_count, 2);

    // `--new` makes a second gallery of the same folder; `--into` picks one.
    let copy = h
        .publish_with(&h.store, &dir, Destination::New)
        .await
        .unwrap();
    assert_ne!(copy.gallery, first.gallery);
    assert!(copy.token.is_some());
    assert_eq!(copy.published, 7, "the folder as it is now");
    let into = h
        .publish_with(&h.store, &dir, Destination::Into(first.gallery.clone()))
        .await
        .unwrap();
    assert_eq!(
        (into.gallery, into.uploads_done),
        (first.gallery.clone(), 0)
    );
}

async fn an_interrupted_publish_continues_where_it_stopped(backend: Backend) {
    let h = Harness::start(backend).await;
    let dir = h.dir.path().join("wedding");
    wedding(&dir);
    // The store goes away after 5 uploads: the publish's store client goes
    // through a proxy that answers every later upload 503.
    let proxy = FaultyStore::start(&h.settings).await;
    proxy.refuse_puts_after(5, Refusal::Unavailable);
    let failing = proofline_server::storage::ObjectStore::connect(proxy.settings())
        .await
        .unwrap();
    let err = h
        .publish_with(&failing, &dir, Destination::Auto)
        .await
        .unwrap_err();
    assert!(
        format!("{err:#}").contains("run the same command again"),
        "{err:#}"
    );
    assert!(proxy.refused() > 0, "the store refused the later uploads");
    assert_eq!(
        h.db.gallery_count().unwrap(),
        0,
        "customers see nothing yet"
    );

    // An object the store lost since is uploaded again, not trusted to the
    // record (the embedded store keeps objects as files).
    let mut lost = 0;
    if backend == Backend::Embedded {
        let source = std::fs::canonicalize(&dir).unwrap();
        let Some(FromFolder::Draft(draft, _)) =
            h.db.gallery_from(&source.to_string_lossy()).unwrap()
        else {
            panic!("the interrupted publish is a draft");
        };
        let recorded = h.db.uploads(&draft).unwrap();
        assert_eq!(recorded.len(), 5, "every upload that landed is recorded");
        let file = h
            .dir
            .path()
            .join("objects/proofline")
            .join(&recorded[0].object_key);
        std::fs::remove_file(&file).unwrap();
        lost = 1;
    }
    // Run again without repeating the title: the first run's is kept.
    let resumed = publish(
        &h.db,
        &h.store,
        &PublishRequest {
            dir: dir.clone(),
            title: None,
            label: String::new(),
            rules: Default::default(),
            offline_window: None,
            destination: Destination::Auto,
            render: Default::default(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(resumed.resumed);
    assert!(resumed.token.is_some(), "the gallery's first link");
    assert_eq!(
        (resumed.uploads_done, resumed.uploads_skipped),
        (7 + lost, 5 - lost),
        "only what did not make it"
    );
    assert_eq!(resumed.published, 6);
    let m = h.manifest(&resumed).await;
    assert_eq!(m.title, "Test gallery");
    for image in &m.images {
        let got = h
            .http
            .get(image.renditions.proof.url.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(got.status(), 200, "{}", image.file_name);
        assert_eq!(
            got.bytes().await.unwrap().len() as u64,
            image.renditions.proof.bytes
        );
    }
    let again = h.publish_dir(&dir).await.unwrap();
    assert_eq!(again.gallery, resumed.gallery);
    assert_eq!((again.uploads_done, again.uploads_skipped), (0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_publish_continues_where_it_stopped_embedded() {
    an_interrupted_publish_continues_where_it_stopped(Backend::Embedded).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_publish_continues_where_it_stopped_garage() {
    an_interrupted_publish_continues_where_it_stopped(Backend::Garage).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publish_signs_manifest_mirrors_with_the_configured_policy() {
    let h = Harness::start(Backend::Embedded).await;
    let dir = h.dir.path().join("signing");
    photo(&dir, "a.jpg", 1);
    // Not the default: a 10-minute window, mirrors valid for 2 days.
    let signing = SigningPolicy::new(600, 3600, 2 * 86_400).unwrap();
    let report = publish(
        &h.db,
        &h.store,
        &PublishRequest {
            dir,
            signing,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let link = proofline_server::secret::token_hash(token(&report));
    let now = proofline_server::unix_now();
    let gallery = h.db.gallery(&report.gallery).unwrap().unwrap();
    let url = mirror_url(&h.store, &gallery, &link, None, &signing, now)
        .await
        .unwrap();
    let resp = h.http.get(url).send().await.unwrap();
    assert_eq!(resp.status(), 200, "publish wrote the link's mirror");
    let mirror = Manifest::from_json(&resp.text().await.unwrap()).unwrap();
    let window = proofline_core::expiry::signing_window(mirror.server_time, 600, 2 * 86_400);
    for image in &mirror.images {
        assert_eq!(image.renditions.proof.expires_at, window.expires_at);
    }
}

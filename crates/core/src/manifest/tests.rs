use proptest::prelude::*;

use super::*;

const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const THUMBHASH: &str = "1QcSHQRnh493V4dIh4eXh1h4kJUI";

fn rendition(kind: &str, width: u32, height: u32) -> Rendition {
    Rendition {
        width,
        height,
        bytes: 12_345,
        sha256: ContentHash::parse(HASH).unwrap(),
        url: format!(
            "https://store.example/g1/{kind}.jpg?X-Amz-Date=20261125T000000Z&X-Amz-Expires=21600"
        ),
        expires_at: 1_764_050_400,
    }
}

fn image(id: &str) -> Image {
    Image {
        id: ImageId::parse(id).unwrap(),
        file_name: format!("{id}.jpg"),
        alt: format!("Photo {id}"),
        width: 6000,
        height: 4000,
        thumbhash: THUMBHASH.into(),
        renditions: Renditions {
            thumb: rendition("thumb", 400, 267),
            proof: rendition("proof", 1600, 1067),
        },
    }
}

fn sample() -> Manifest {
    Manifest {
        version: 1,
        gallery: GalleryId::parse("smith-wedding").unwrap(),
        title: "Smith wedding".into(),
        server_time: 1_764_028_800,
        images: vec![image("a1"), image("b2")],
    }
}

/// The sample as JSON, changed by `edit`.
fn edited(edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut v = serde_json::to_value(sample()).unwrap();
    edit(&mut v);
    v.to_string()
}

#[test]
fn manifest_round_trips_through_json() {
    let m = sample();
    assert_eq!(Manifest::from_json(&m.to_json()).unwrap(), m);
    assert_eq!(m.earliest_expiry(), Some(1_764_050_400));
    assert_eq!(
        m.image(&ImageId::parse("b2").unwrap()).unwrap().alt,
        "Photo b2"
    );
}

#[test]
fn text_that_is_not_json_is_rejected() {
    assert!(matches!(
        Manifest::from_json("<html>502</html>"),
        Err(ManifestError::NotJson(_))
    ));
    assert!(matches!(
        Manifest::from_json(""),
        Err(ManifestError::NotJson(_))
    ));
}

#[test]
fn manifest_without_version_is_rejected() {
    let text = edited(|v| {
        v.as_object_mut().unwrap().remove("version");
    });
    assert_eq!(
        Manifest::from_json(&text),
        Err(ManifestError::MissingField {
            path: "version".into()
        })
    );
}

#[test]
fn manifest_from_a_newer_app_version_is_rejected() {
    let two = edited(|v| v["version"] = 2.into());
    assert_eq!(
        Manifest::from_json(&two),
        Err(ManifestError::UnknownVersion { found: "2".into() })
    );
    let string = edited(|v| v["version"] = "1".into());
    assert_eq!(
        Manifest::from_json(&string),
        Err(ManifestError::UnknownVersion {
            found: "\"1\"".into()
        })
    );
    let err = Manifest::from_json(&two).unwrap_err().to_string();
    assert!(err.contains("version 2 is not supported"), "{err}");
}

#[test]
fn missing_field_deep_inside_is_named_by_its_path() {
    let text = edited(|v| {
        v["images"][1]["renditions"]["thumb"]
            .as_object_mut()
            .unwrap()
            .remove("sha256");
    });
    assert_eq!(
        Manifest::from_json(&text),
        Err(ManifestError::MissingField {
            path: "images[1].renditions.thumb.sha256".into()
        })
    );
    let top = edited(|v| {
        v.as_object_mut().unwrap().remove("title");
    });
    assert_eq!(
        Manifest::from_json(&top),
        Err(ManifestError::MissingField {
            path: "title".into()
        })
    );
}

#[test]
fn negative_sizes_are_rejected_with_their_path() {
    let width = edited(|v| v["images"][0]["width"] = (-6000).into());
    assert_eq!(
        Manifest::from_json(&width),
        Err(ManifestError::NegativeSize {
            path: "images[0].width".into(),
            value: -6000
        })
    );
    let bytes = edited(|v| v["images"][1]["renditions"]["proof"]["bytes"] = (-1).into());
    assert_eq!(
        Manifest::from_json(&bytes),
        Err(ManifestError::NegativeSize {
            path: "images[1].renditions.proof.bytes".into(),
            value: -1
        })
    );
}

#[test]
fn manifest_with_duplicate_image_ids_is_rejected() {
    let text = edited(|v| v["images"][1]["id"] = "a1".into());
    assert_eq!(
        Manifest::from_json(&text),
        Err(ManifestError::DuplicateImageId {
            id: ImageId::parse("a1").unwrap()
        })
    );
}

#[test]
fn urls_that_are_not_http_are_rejected() {
    for bad in [
        "javascript:alert(1)",
        "ftp://store.example/a.jpg",
        "/relative.jpg",
        "data:image/png;base64,AA",
        "https://",
    ] {
        let text = edited(|v| v["images"][0]["renditions"]["proof"]["url"] = bad.into());
        assert_eq!(
            Manifest::from_json(&text),
            Err(ManifestError::BadUrl {
                path: "images[0].renditions.proof.url".into(),
                url: bad.into()
            }),
            "{bad}"
        );
    }
}

#[test]
fn bad_hashes_ids_and_placeholders_are_rejected() {
    let hash = edited(|v| v["images"][0]["renditions"]["thumb"]["sha256"] = "abc".into());
    assert!(matches!(
        Manifest::from_json(&hash),
        Err(ManifestError::Invalid { path, .. }) if path == "images[0].renditions.thumb.sha256"
    ));
    let id = edited(|v| v["images"][0]["id"] = "../etc".into());
    assert!(matches!(
        Manifest::from_json(&id),
        Err(ManifestError::Invalid { path, .. }) if path == "images[0].id"
    ));
    let thumbhash = edited(|v| v["images"][0]["thumbhash"] = "%%%".into());
    assert!(matches!(
        Manifest::from_json(&thumbhash),
        Err(ManifestError::Invalid { path, .. }) if path == "images[0].thumbhash"
    ));
}

#[test]
fn zero_sizes_and_bad_server_time_are_rejected() {
    let zero = edited(|v| v["images"][0]["renditions"]["thumb"]["width"] = 0.into());
    assert!(matches!(
        Manifest::from_json(&zero),
        Err(ManifestError::Invalid { path, .. }) if path == "images[0].renditions.thumb"
    ));
    let time = edited(|v| v["server_time"] = 0.into());
    assert!(matches!(
        Manifest::from_json(&time),
        Err(ManifestError::Invalid { path, .. }) if path == "server_time"
    ));
}

#[test]
fn unknown_fields_and_wrong_types_are_rejected() {
    let extra = edited(|v| v["images"][0]["gps"] = "51.5,-0.1".into());
    assert!(
        matches!(Manifest::from_json(&extra), Err(ManifestError::Invalid { path, message }) if path == "images[0].gps" && message.contains("unknown field")),
        "{:?}",
        Manifest::from_json(&extra)
    );
    let wrong = edited(|v| v["images"] = "none".into());
    assert!(
        matches!(Manifest::from_json(&wrong), Err(ManifestError::Invalid { path, .. }) if path == "images")
    );
}

fn arb_rendition() -> impl Strategy<Value = Rendition> {
    (
        1u32..10_000,
        1u32..10_000,
        1u64..u64::MAX / 2,
        "[0-9a-f]{64}",
        "[a-zA-Z0-9 é#+%]{1,20}",
        any::<i64>(),
    )
        .prop_map(|(width, height, bytes, hash, key, expires_at)| Rendition {
            width,
            height,
            bytes,
            sha256: ContentHash::parse(hash).unwrap(),
            url: url::Url::parse_with_params("https://cdn.example/p", &[("k", key)])
                .unwrap()
                .to_string(),
            expires_at,
        })
}

fn arb_manifest() -> impl Strategy<Value = Manifest> {
    let image = (
        "[A-Za-z0-9_-]{1,64}",
        ".{0,40}",
        ".{0,40}",
        1u32..100_000,
        1u32..100_000,
        arb_rendition(),
        arb_rendition(),
    )
        .prop_map(|(id, file_name, alt, width, height, thumb, proof)| Image {
            id: ImageId::parse(id).unwrap(),
            file_name,
            alt,
            width,
            height,
            thumbhash: THUMBHASH.into(),
            renditions: Renditions { thumb, proof },
        });
    (
        "[a-z0-9-]{1,64}",
        ".{0,60}",
        1i64..i64::MAX,
        prop::collection::vec(image, 0..8),
    )
        .prop_map(|(gallery, title, server_time, mut images)| {
            let mut seen = std::collections::HashSet::new();
            images.retain(|i| seen.insert(i.id.clone()));
            Manifest {
                version: 1,
                gallery: GalleryId::parse(gallery).unwrap(),
                title,
                server_time,
                images,
            }
        })
}

proptest! {
    #[test]
    fn any_valid_manifest_round_trips(m in arb_manifest()) {
        prop_assert_eq!(Manifest::from_json(&m.to_json()), Ok(m));
    }

    #[test]
    fn from_json_never_panics_on_any_text(s in ".*") {
        let _ = Manifest::from_json(&s);
    }

    #[test]
    fn from_json_never_panics_on_a_damaged_manifest(cut in 0usize..2000, byte in any::<u8>()) {
        let mut text = sample().to_json().into_bytes();
        let at = cut % text.len();
        text[at] = byte;
        let _ = Manifest::from_json(&String::from_utf8_lossy(&text));
        let _ = Manifest::from_json(&String::from_utf8_lossy(&text[..at]));
    }
}

//! Tests of the manifest: parsing, round trips, and precise errors naming the
//! path of what is wrong.

use base64::Engine as _;

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
        )
        .into(),
        expires_at: 1_764_050_400,
        fallbacks: Vec::new(),
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
            download: None,
        },
        set: None,
    }
}

pub(super) fn sample() -> Manifest {
    Manifest::new(
        GalleryId::parse("smith-wedding").unwrap(),
        "Smith wedding",
        1_764_028_800,
        vec![image("a1"), image("b2")],
    )
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
    assert_eq!(m.image(&ImageId::parse("zz").unwrap()), None);
}

#[test]
fn manifest_with_no_images_is_valid() {
    let mut m = sample();
    m.images.clear();
    assert_eq!(Manifest::from_json(&m.to_json()), Ok(m.clone()));
    assert_eq!(m.earliest_expiry(), None);
}

#[test]
fn sizes_up_to_the_type_limits_round_trip() {
    let mut m = sample();
    m.images[0].width = u32::MAX;
    m.images[0].renditions.proof.bytes = u64::MAX;
    assert_eq!(Manifest::from_json(&m.to_json()), Ok(m));
}

#[test]
fn text_that_is_not_json_is_rejected() {
    for text in ["<html>502 Bad Gateway</html>", "", "{", "{\"version\":1,}"] {
        assert!(
            matches!(Manifest::from_json(text), Err(ManifestError::NotJson(_))),
            "{text:?}"
        );
    }
    let err = Manifest::from_json("<html>").unwrap_err().to_string();
    assert!(err.starts_with("the manifest is not valid JSON: "), "{err}");
}

#[test]
fn json_that_is_not_an_object_is_rejected() {
    for (text, kind) in [
        ("[]", "an array"),
        ("\"manifest\"", "a string"),
        ("1", "a number"),
        ("null", "null"),
        ("true", "true or false"),
    ] {
        assert_eq!(
            Manifest::from_json(text),
            Err(ManifestError::Invalid {
                path: "manifest".into(),
                message: format!("must be a JSON object, not {kind}")
            })
        );
    }
    // serde would read a struct from an array of its fields; we do not.
    let fields: Vec<serde_json::Value> = serde_json::to_value(sample())
        .unwrap()
        .as_object()
        .unwrap()
        .values()
        .cloned()
        .collect();
    let positional = serde_json::Value::Array(fields).to_string();
    assert!(matches!(
        Manifest::from_json(&positional),
        Err(ManifestError::Invalid { path, .. }) if path == "manifest"
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
    let three = edited(|v| v["version"] = 3.into());
    assert_eq!(
        Manifest::from_json(&three),
        Err(ManifestError::UnknownVersion { found: "3".into() })
    );
    let err = Manifest::from_json(&three).unwrap_err().to_string();
    assert_eq!(
        err,
        "manifest version 3 is not supported (this app reads versions 1 and 2)"
    );
}

#[test]
fn manifest_with_version_as_a_string_is_rejected() {
    let string = edited(|v| v["version"] = "1".into());
    assert_eq!(
        Manifest::from_json(&string),
        Err(ManifestError::UnknownVersion {
            found: "\"1\"".into()
        })
    );
    let float = edited(|v| v["version"] = 1.5.into());
    assert_eq!(
        Manifest::from_json(&float),
        Err(ManifestError::UnknownVersion {
            found: "1.5".into()
        })
    );
}

#[test]
fn missing_field_deep_inside_is_named_by_its_full_path() {
    for i in [0, 1] {
        let text = edited(|v| {
            v["images"][i]["renditions"]["thumb"]
                .as_object_mut()
                .unwrap()
                .remove("sha256");
        });
        assert_eq!(
            Manifest::from_json(&text),
            Err(ManifestError::MissingField {
                path: format!("images[{i}].renditions.thumb.sha256")
            })
        );
    }
    let text = edited(|v| {
        v["images"][0]["renditions"]
            .as_object_mut()
            .unwrap()
            .remove("proof");
    });
    let err = Manifest::from_json(&text).unwrap_err();
    assert_eq!(
        err,
        ManifestError::MissingField {
            path: "images[0].renditions.proof".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "the manifest is missing `images[0].renditions.proof`"
    );
}

#[test]
fn missing_top_level_field_is_named_alone() {
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
fn negative_image_width_is_rejected_with_its_path() {
    let width = edited(|v| v["images"][0]["width"] = (-6000).into());
    let err = Manifest::from_json(&width).unwrap_err();
    assert_eq!(
        err,
        ManifestError::NegativeSize {
            path: "images[0].width".into(),
            value: -6000
        }
    );
    assert_eq!(
        err.to_string(),
        "`images[0].width` must not be negative (got -6000)"
    );
}

#[test]
fn negative_rendition_bytes_are_rejected_with_their_path() {
    let bytes = edited(|v| v["images"][1]["renditions"]["proof"]["bytes"] = (-1).into());
    assert_eq!(
        Manifest::from_json(&bytes),
        Err(ManifestError::NegativeSize {
            path: "images[1].renditions.proof.bytes".into(),
            value: -1
        })
    );
    let height = edited(|v| v["images"][0]["renditions"]["thumb"]["height"] = i64::MIN.into());
    assert_eq!(
        Manifest::from_json(&height),
        Err(ManifestError::NegativeSize {
            path: "images[0].renditions.thumb.height".into(),
            value: i64::MIN
        })
    );
}

#[test]
fn sizes_that_are_fractional_or_too_large_are_rejected() {
    let fraction = edited(|v| v["images"][0]["height"] = 12.5.into());
    assert!(matches!(
        Manifest::from_json(&fraction),
        Err(ManifestError::Invalid { path, .. }) if path == "images[0].height"
    ));
    let huge = edited(|v| v["images"][0]["width"] = (u64::from(u32::MAX) + 1).into());
    assert!(matches!(
        Manifest::from_json(&huge),
        Err(ManifestError::Invalid { path, message })
            if path == "images[0].width" && message.contains("too large")
    ));
    let text = edited(|v| v["images"][0]["width"] = "6000".into());
    assert!(matches!(
        Manifest::from_json(&text),
        Err(ManifestError::Invalid { path, .. }) if path == "images[0].width"
    ));
}

#[test]
fn manifest_with_duplicate_image_ids_is_rejected() {
    let text = edited(|v| v["images"][1]["id"] = "a1".into());
    let err = Manifest::from_json(&text).unwrap_err();
    assert_eq!(
        err,
        ManifestError::DuplicateImageId {
            id: ImageId::parse("a1").unwrap()
        }
    );
    assert_eq!(err.to_string(), "image id `a1` appears more than once");
}

#[test]
fn urls_that_are_not_http_are_rejected() {
    for bad in [
        "javascript:alert(1)",
        "ftp://store.example/a.jpg",
        "/relative.jpg",
        "relative.jpg",
        "data:image/png;base64,AA",
        "file:///etc/passwd",
        "https://",
        "",
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
    let plain_http = edited(|v| {
        v["images"][0]["renditions"]["thumb"]["url"] = "http://127.0.0.1:9000/b/k.jpg".into();
    });
    assert!(Manifest::from_json(&plain_http).is_ok());
}

#[test]
fn rendition_with_a_bad_sha256_is_rejected() {
    for bad in ["abc", &HASH.to_uppercase(), &format!("{HASH}00")] {
        let text = edited(|v| v["images"][0]["renditions"]["thumb"]["sha256"] = bad.into());
        assert!(
            matches!(
                Manifest::from_json(&text),
                Err(ManifestError::Invalid { path, .. }) if path == "images[0].renditions.thumb.sha256"
            ),
            "{bad}"
        );
    }
}

#[test]
fn image_with_a_bad_thumbhash_is_rejected() {
    let real = base64::engine::general_purpose::STANDARD
        .decode(THUMBHASH)
        .unwrap();
    let truncated = base64::engine::general_purpose::STANDARD.encode(&real[..10]);
    for bad in ["%%%", "", "AAAAAAA=", &truncated] {
        let text = edited(|v| v["images"][1]["thumbhash"] = bad.into());
        assert!(
            matches!(
                Manifest::from_json(&text),
                Err(ManifestError::Invalid { path, .. }) if path == "images[1].thumbhash"
            ),
            "{bad:?}"
        );
    }
}

#[test]
fn image_id_that_is_not_url_safe_is_rejected() {
    let id = edited(|v| v["images"][0]["id"] = "../etc".into());
    assert!(matches!(
        Manifest::from_json(&id),
        Err(ManifestError::Invalid { path, message })
            if path == "images[0].id" && message.contains("'.'")
    ));
}

#[test]
fn zero_sizes_are_rejected() {
    for field in ["width", "height", "bytes"] {
        let zero = edited(|v| v["images"][0]["renditions"]["thumb"][field] = 0.into());
        assert!(
            matches!(
                Manifest::from_json(&zero),
                Err(ManifestError::Invalid { path, .. }) if path == "images[0].renditions.thumb"
            ),
            "{field}"
        );
    }
    let image = edited(|v| v["images"][1]["height"] = 0.into());
    assert!(matches!(
        Manifest::from_json(&image),
        Err(ManifestError::Invalid { path, .. }) if path == "images[1]"
    ));
}

#[test]
fn server_time_that_is_not_positive_is_rejected() {
    for t in [0, -1] {
        let time = edited(|v| v["server_time"] = t.into());
        assert!(matches!(
            Manifest::from_json(&time),
            Err(ManifestError::Invalid { path, .. }) if path == "server_time"
        ));
    }
}

#[test]
fn unknown_fields_are_rejected() {
    let deep = edited(|v| v["images"][0]["gps"] = "51.5,-0.1".into());
    assert!(
        matches!(Manifest::from_json(&deep), Err(ManifestError::Invalid { ref path, ref message }) if path == "images[0].gps" && message.contains("unknown field")),
        "{:?}",
        Manifest::from_json(&deep)
    );
    let top = edited(|v| v["owner"] = "studio".into());
    assert!(matches!(
        Manifest::from_json(&top),
        Err(ManifestError::Invalid { path, message }) if path == "owner" && message.contains("unknown field")
    ));
}

#[test]
fn fields_of_the_wrong_type_are_rejected() {
    let wrong = edited(|v| v["images"] = "none".into());
    assert!(
        matches!(Manifest::from_json(&wrong), Err(ManifestError::Invalid { path, .. }) if path == "images")
    );
    let wrong = edited(|v| v["images"][1]["renditions"]["proof"]["expires_at"] = "soon".into());
    assert!(matches!(
        Manifest::from_json(&wrong),
        Err(ManifestError::Invalid { path, .. }) if path == "images[1].renditions.proof.expires_at"
    ));
}

#[test]
fn validate_catches_what_a_program_builds_wrong() {
    let mut m = sample();
    m.version = 2;
    assert!(matches!(
        m.validate(),
        Err(ManifestError::UnknownVersion { .. })
    ));
    let mut m = sample();
    m.images[1].renditions.proof.url = "javascript:alert(1)".into();
    assert!(matches!(m.validate(), Err(ManifestError::BadUrl { .. })));
}

#[test]
fn mirror_url_is_optional_and_must_be_http() {
    let with = edited(|v| v["mirror"] = "https://store.example/m.json?sig=1".into());
    assert_eq!(
        Manifest::from_json(&with).unwrap().mirror.as_deref(),
        Some("https://store.example/m.json?sig=1")
    );
    let bad = edited(|v| v["mirror"] = "javascript:alert(1)".into());
    assert!(matches!(
        Manifest::from_json(&bad),
        Err(ManifestError::BadUrl { path, .. }) if path == "mirror"
    ));
    assert!(!sample().to_json().contains("mirror"));
}

/// The sample with a CloudFront URL first and the S3 URL as its fallback on
/// every rendition, as the origin signs it when CloudFront is configured.
fn with_fallbacks() -> Manifest {
    let mut m = sample();
    for image in &mut m.images {
        for r in [&mut image.renditions.thumb, &mut image.renditions.proof] {
            let s3 = std::mem::replace(
                &mut r.url,
                "https://d111111abcdef8.cloudfront.net/g1/x.jpg?Expires=1764050400&Signature=a~b_&Key-Pair-Id=K1".into(),
            );
            r.fallbacks = vec![Fallback {
                url: s3,
                expires_at: r.expires_at,
            }];
        }
    }
    m
}

#[test]
fn fallback_urls_round_trip_in_order_and_are_left_out_when_there_are_none() {
    let mut m = with_fallbacks();
    m.images[1].renditions.proof.fallbacks.push(Fallback {
        url: "http://127.0.0.1:7871/proofline/g1/x.jpg?X-Amz-Date=20261125T000000Z".into(),
        expires_at: 1_764_000_000,
    });
    let json = m.to_json();
    assert_eq!(json.matches("\"fallbacks\"").count(), 4);
    let back = Manifest::from_json(&json).unwrap();
    assert_eq!(back, m);
    let urls: Vec<String> = back.images[1]
        .renditions
        .proof
        .fallbacks
        .iter()
        .map(|f| f.url.to_string())
        .collect();
    assert_eq!(urls.len(), 2);
    assert!(urls[0].starts_with("https://store.example/"), "{urls:?}");
    assert!(urls[1].starts_with("http://127.0.0.1:7871/"), "{urls:?}");
    // The earliest expiry counts fallbacks too: the page refreshes before any URL dies.
    assert_eq!(back.earliest_expiry(), Some(1_764_000_000));
    assert!(!sample().to_json().contains("fallbacks"));
}

#[test]
fn a_fallback_url_that_is_not_http_is_rejected_with_its_path() {
    for bad in ["javascript:alert(1)", "s3://bucket/key.jpg", ""] {
        let mut m = with_fallbacks();
        m.images[1].renditions.proof.fallbacks[0].url = bad.into();
        let expected = ManifestError::BadUrl {
            path: "images[1].renditions.proof.fallbacks[0].url".into(),
            url: bad.into(),
        };
        assert_eq!(m.validate(), Err(expected.clone()), "{bad:?}");
        assert_eq!(Manifest::from_json(&m.to_json()), Err(expected), "{bad:?}");
    }
}

#[test]
fn a_damaged_fallback_is_named_by_its_full_path() {
    let good = serde_json::to_value(with_fallbacks()).unwrap();
    let mut missing = good.clone();
    missing["images"][0]["renditions"]["thumb"]["fallbacks"][0]
        .as_object_mut()
        .unwrap()
        .remove("expires_at");
    assert_eq!(
        Manifest::from_json(&missing.to_string()),
        Err(ManifestError::MissingField {
            path: "images[0].renditions.thumb.fallbacks[0].expires_at".into()
        })
    );
    let mut unknown = good.clone();
    unknown["images"][1]["renditions"]["proof"]["fallbacks"][0]["host"] = "cdn".into();
    assert!(matches!(
        Manifest::from_json(&unknown.to_string()),
        Err(ManifestError::Invalid { path, message })
            if path == "images[1].renditions.proof.fallbacks[0].host" && message.contains("unknown field")
    ));
    let mut not_a_list = good;
    not_a_list["images"][0]["renditions"]["proof"]["fallbacks"] =
        "https://store.example/x.jpg".into();
    assert!(matches!(
        Manifest::from_json(&not_a_list.to_string()),
        Err(ManifestError::Invalid { path, .. }) if path == "images[0].renditions.proof.fallbacks"
    ));
}

#[test]
fn a_photo_in_a_set_carries_its_name_and_one_at_the_top_carries_none() {
    let mut m = sample();
    m.images[1].set = Some("Ceremony / Family".into());
    let json = m.to_json();
    assert_eq!(json.matches("\"set\"").count(), 1, "no set: no field");
    let back = Manifest::from_json(&json).unwrap();
    assert_eq!(back.images[0].set, None);
    assert_eq!(back.images[1].set.as_deref(), Some("Ceremony / Family"));
    // A manifest written before sets existed still reads.
    let old = edited(|v| {
        v["images"][0].as_object_mut().unwrap().remove("set");
    });
    assert_eq!(Manifest::from_json(&old).unwrap().images[0].set, None);
}

#[test]
fn a_set_name_that_is_blank_or_too_long_is_rejected_with_its_path() {
    for (name, says) in [
        ("", "must not be empty"),
        ("   ", "must not be empty"),
        (
            &*"é".repeat(101),
            "at most 100 characters (this one has 101)",
        ),
    ] {
        let bad = edited(|v| v["images"][1]["set"] = name.into());
        match Manifest::from_json(&bad) {
            Err(ManifestError::Invalid { path, message }) => {
                assert_eq!(path, "images[1].set");
                assert!(message.contains(says), "{message}");
            }
            other => panic!("{name:?} was accepted: {other:?}"),
        }
    }
    let longest = edited(|v| v["images"][1]["set"] = "é".repeat(100).into());
    assert!(Manifest::from_json(&longest).is_ok());
    let wrong_type = edited(|v| v["images"][1]["set"] = 3.into());
    assert!(matches!(
        Manifest::from_json(&wrong_type),
        Err(ManifestError::Invalid { path, .. }) if path == "images[1].set"
    ));
}

#[test]
fn origins_are_listed_in_order_and_checked_by_name() {
    let text = edited(|v| {
        v["origins"] = serde_json::json!(["https://a.example", "http://b.example:8080"])
    });
    let m = Manifest::from_json(&text).unwrap();
    assert_eq!(m.origins, ["https://a.example", "http://b.example:8080"]);
    // Round trip; none listed means the field is absent.
    assert_eq!(Manifest::from_json(&m.to_json()).unwrap(), m);
    assert!(!sample().to_json().contains("origins"));
    let text = edited(|v| v["origins"] = serde_json::json!(["https://a.example/api"]));
    assert_eq!(
        Manifest::from_json(&text).unwrap_err(),
        ManifestError::BadUrl {
            path: "origins[0]".into(),
            url: "https://a.example/api".into()
        }
    );
    let text =
        edited(|v| v["origins"] = serde_json::json!(["https://a.example", "https://A.example/"]));
    assert!(matches!(
        Manifest::from_json(&text).unwrap_err(),
        ManifestError::Invalid { path, .. } if path == "origins[1]"
    ));
    let many: Vec<String> = (0..=crate::origins::MAX_ORIGINS)
        .map(|i| format!("https://o{i}.example"))
        .collect();
    let text = edited(|v| v["origins"] = serde_json::json!(many));
    assert!(matches!(
        Manifest::from_json(&text).unwrap_err(),
        ManifestError::Invalid { path, .. } if path == "origins"
    ));
}

mod properties;

#[test]
fn the_offline_window_is_kept_for_its_days_and_never_past_the_link() {
    let mut m = sample();
    assert_eq!(
        m.offline_until(),
        m.server_time + crate::offline::DEFAULT_SECS
    );
    m.offline_window = Some(3_600);
    let back = Manifest::from_json(&m.to_json()).unwrap();
    assert_eq!(back.offline_until(), m.server_time + 3_600);
    m.expires_at = Some(m.server_time + 60);
    assert_eq!(m.offline_until(), m.server_time + 60);
}

#[test]
fn an_offline_window_outside_an_hour_to_30_days_is_rejected() {
    for secs in [0, -1, 59 * 60, 31 * 86_400] {
        let text = edited(|v| v["offline_window"] = secs.into());
        assert!(
            matches!(
                Manifest::from_json(&text),
                Err(ManifestError::Invalid { path, .. }) if path == "offline_window"
            ),
            "{secs}"
        );
    }
}

#[test]
fn the_default_window_is_not_written_so_older_apps_still_read_it() {
    assert!(!sample().to_json().contains("offline_window"));
}

#[test]
fn paths_are_found_in_pretty_printed_manifests_and_in_keys_with_escapes() {
    let mut value: serde_json::Value = serde_json::from_str(&edited(|_| {})).unwrap();
    value["images"][1]["renditions"]["proof"]["bytes"] = (-1).into();
    // Read before the damage: strings holding what delimits JSON.
    value["images"][0]["alt"] = "A \"quoted\", {bracketed} [alt]: \\".into();
    let pretty = serde_json::to_string_pretty(&value).unwrap();
    assert_eq!(
        Manifest::from_json(&pretty),
        Err(ManifestError::NegativeSize {
            path: "images[1].renditions.proof.bytes".into(),
            value: -1
        })
    );
    value["images"][1]["renditions"]["proof"]["bytes"] = 10.into();
    value["images"][1]["renditions"]["proof"]
        .as_object_mut()
        .unwrap()
        .remove("sha256");
    let pretty = serde_json::to_string_pretty(&value).unwrap();
    assert_eq!(
        Manifest::from_json(&pretty),
        Err(ManifestError::MissingField {
            path: "images[1].renditions.proof.sha256".into()
        })
    );
}

#[test]
fn a_download_is_read_checked_and_left_out_when_the_link_has_none() {
    assert!(!sample().to_json().contains("download"));
    let mut m = sample();
    m.images[0].renditions.download = Some(rendition("web", 2048, 1365));
    let back = Manifest::from_json(&m.to_json()).unwrap();
    assert_eq!(back, m);
    let names: Vec<_> = back.images[0].renditions.each().map(|(n, _)| n).collect();
    assert_eq!(names, ["thumb", "proof", "download"]);
    m.images[0].renditions.download.as_mut().unwrap().url = "file:///etc/passwd".into();
    assert!(matches!(
        Manifest::from_json(&m.to_json()),
        Err(ManifestError::BadUrl { path, .. }) if path == "images[0].renditions.download.url"
    ));
}

//! Property tests of the manifest: any valid manifest round-trips, and no text,
//! however damaged, makes parsing panic.

use base64::Engine as _;
use proptest::prelude::*;

use super::*;

/// Some real ThumbHashes: opaque portrait, opaque landscape, with alpha.
fn arb_thumbhash() -> impl Strategy<Value = String> {
    (1usize..=32, 1usize..=32, any::<bool>(), any::<u8>()).prop_map(|(w, h, alpha, shade)| {
        let rgba: Vec<u8> = (0..w * h)
            .flat_map(|i| {
                let a = if alpha && i % 3 == 0 { 0 } else { 255 };
                [shade, (i % 256) as u8, (i / w * 7) as u8, a]
            })
            .collect();
        base64::engine::general_purpose::STANDARD.encode(thumbhash::rgba_to_thumb_hash(w, h, &rgba))
    })
}

fn arb_url() -> impl Strategy<Value = String> {
    (
        prop_oneof![Just("https"), Just("http")],
        // Never all digits (an IPv4 address) nor `xn--` (punycode).
        "[a-z]{1,10}(-[a-z0-9]{1,8})?(\\.[a-z]{2,6}){0,2}",
        prop::collection::vec(".{0,12}", 0..4),
        prop::collection::vec(("[A-Za-z-]{1,12}", ".{0,20}"), 0..4),
    )
        .prop_map(|(scheme, host, segments, query)| {
            let mut url = url::Url::parse(&format!("{scheme}://{host}/")).unwrap();
            url.path_segments_mut().unwrap().extend(&segments);
            if !query.is_empty() {
                url.query_pairs_mut().extend_pairs(&query);
            }
            url.to_string()
        })
}

fn arb_rendition() -> impl Strategy<Value = Rendition> {
    (
        1u32..=u32::MAX,
        1u32..=u32::MAX,
        1u64..=u64::MAX,
        "[0-9a-f]{64}",
        arb_url(),
        any::<i64>(),
        prop::collection::vec(
            (arb_url(), any::<i64>()).prop_map(|(url, expires_at)| Fallback {
                url: url.into(),
                expires_at,
            }),
            0..3,
        ),
    )
        .prop_map(
            |(width, height, bytes, hash, url, expires_at, fallbacks)| Rendition {
                width,
                height,
                bytes,
                sha256: ContentHash::parse(hash).unwrap(),
                url: url.into(),
                expires_at,
                fallbacks,
            },
        )
}

fn arb_manifest() -> impl Strategy<Value = Manifest> {
    let image = (
        "[A-Za-z0-9_-]{1,64}",
        ".{0,40}",
        ".{0,40}",
        1u32..=u32::MAX,
        1u32..=u32::MAX,
        arb_thumbhash(),
        arb_rendition(),
        arb_rendition(),
        prop::option::of("[^\\s]{1,100}"),
    )
        .prop_map(
            |(id, file_name, alt, width, height, thumbhash, thumb, proof, set)| Image {
                id: ImageId::parse(id).unwrap(),
                file_name,
                alt,
                width,
                height,
                thumbhash,
                renditions: Renditions {
                    thumb,
                    proof,
                    download: None,
                },
                set,
            },
        );
    (
        "[A-Za-z0-9_-]{1,64}",
        ".{0,60}",
        1i64..=i64::MAX,
        prop::collection::vec(image, 0..6),
    )
        .prop_map(|(gallery, title, server_time, mut images)| {
            let mut seen = std::collections::HashSet::new();
            images.retain(|i| seen.insert(i.id.clone()));
            Manifest::new(
                GalleryId::parse(gallery).unwrap(),
                title,
                server_time,
                images,
            )
        })
}

/// Any JSON scalar, including the awkward ones: negative, huge, fractional,
/// empty and non-ASCII.
fn arb_json_scalar() -> impl Strategy<Value = serde_json::Value> {
    prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<u64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        ".{0,20}".prop_map(serde_json::Value::from),
        Just(serde_json::json!([])),
        Just(serde_json::json!({})),
    ]
}

/// JSON Pointers to every value in `v`, for picking one to damage. (The
/// manifest's keys contain no `/` or `~`, so they need no escaping.)
fn pointers(v: &serde_json::Value, at: String, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                pointers(item, format!("{at}/{i}"), out);
            }
        }
        serde_json::Value::Object(map) => {
            for (key, item) in map {
                pointers(item, format!("{at}/{key}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

proptest! {
    #[test]
    fn any_valid_manifest_round_trips(m in arb_manifest()) {
        prop_assert_eq!(m.validate(), Ok(()));
        let json = m.to_json();
        prop_assert_eq!(Manifest::from_json(&json), Ok(m));
    }

    #[test]
    fn from_json_never_panics_on_any_text(s in ".*") {
        let _ = Manifest::from_json(&s);
    }

    /// Any one value replaced by any JSON scalar, or removed: never a panic, and
    /// whatever is still accepted is a manifest that round-trips.
    #[test]
    fn from_json_never_panics_when_a_value_is_replaced_or_removed(
        pick in any::<prop::sample::Index>(),
        replacement in arb_json_scalar(),
        remove in any::<bool>(),
    ) {
        let mut v = serde_json::to_value(sample()).unwrap();
        let mut all = Vec::new();
        pointers(&v, String::new(), &mut all);
        let target = &all[pick.index(all.len())];
        match target.rsplit_once('/') {
            Some((parent, key)) if remove => match v.pointer_mut(parent).unwrap() {
                serde_json::Value::Object(map) => {
                    map.remove(key);
                }
                serde_json::Value::Array(items) => {
                    items.remove(key.parse::<usize>().unwrap());
                }
                _ => unreachable!("only containers have children"),
            },
            _ => *v.pointer_mut(target).unwrap() = replacement,
        }
        if let Ok(m) = Manifest::from_json(&v.to_string()) {
            prop_assert_eq!(Manifest::from_json(&m.to_json()), Ok(m));
        }
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

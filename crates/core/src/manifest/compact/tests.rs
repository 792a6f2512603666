//! The compact form says a gallery's photos exactly, in under 300 bytes a
//! photo, or is not used.

use proptest::prelude::*;

use super::*;
use crate::Manifest;
use crate::ids::GalleryId;
use crate::manifest::splice;

const THUMBHASH: &str = "1QcSHQRnh493V4dIh4eXh1h4kJUI";
const S3: &str = "http://127.0.0.1:9000/proofline/studio/galleries/g1/";
const S3_QUERY: &str = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=proofline%2F20261202%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261202T120000Z&X-Amz-Expires=21600&X-Amz-SignedHeaders=host";
const CLOUDFRONT: &str = "https://d111111abcdef8.cloudfront.net/studio/galleries/g1/";
const CLOUDFRONT_QUERY: &str =
    "Policy=eyJTdGF0ZW1lbnQiOltdfQ__&Signature=abc~def&Key-Pair-Id=K2JCJMDEHXQW5F";
const EXPIRES: i64 = 1_764_698_400;

/// 64 hex digits made from `n` (a stand-in for a hash or a signature).
fn hex(n: u64, salt: &str) -> String {
    ContentHash::from_digest(
        &sha2::Digest::finalize(sha2::Digest::chain_update(
            <sha2::Sha256 as sha2::Digest>::new(),
            format!("{salt}{n}"),
        ))
        .into(),
    )
    .to_string()
}

/// A rendition as the origin signs it: S3 alone, or CloudFront then S3.
fn signed(key: &str, n: u64, size: (u32, u32), cloudfront: bool) -> Rendition {
    let s3 = format!("{S3}{key}?{S3_QUERY}&X-Amz-Signature={}", hex(n, key));
    let (url, fallbacks) = if cloudfront {
        let cf = format!("{CLOUDFRONT}{key}?{CLOUDFRONT_QUERY}");
        let s3 = Fallback {
            url: s3.into(),
            expires_at: EXPIRES,
        };
        (cf, vec![s3])
    } else {
        (s3, Vec::new())
    };
    Rendition {
        width: size.0,
        height: size.1,
        bytes: 20_000 + n,
        sha256: ContentHash::parse(hex(n, "file")).unwrap(),
        url: url.into(),
        expires_at: EXPIRES,
        fallbacks,
    }
}

/// A photo as `publish` lays it out.
fn photo(n: u64, file_name: &str, size: (u32, u32), cloudfront: bool) -> Image {
    let id = ImageId::parse(format!("{n:016x}")).unwrap();
    let stem = stem(file_name).to_owned();
    let file = |kind: &str, edge: u32| {
        let key = format!("{id}/{kind}/{}.jpg", encode_key(&stem));
        signed(&key, n, fit(size.0, size.1, edge), cloudfront)
    };
    Image {
        id: id.clone(),
        file_name: file_name.into(),
        alt: stem.clone(),
        width: size.0,
        height: size.1,
        thumbhash: THUMBHASH.into(),
        renditions: Renditions {
            thumb: file("thumb", 400),
            proof: file("proof", 1600),
            download: None,
        },
        set: None,
    }
}

fn gallery(images: Vec<Image>) -> Manifest {
    Manifest::new(
        GalleryId::parse("g1").unwrap(),
        "Smith wedding",
        1_764_676_800,
        images,
    )
}

fn camera_roll(count: u64, cloudfront: bool) -> Manifest {
    gallery(
        (1..=count)
            .map(|n| {
                let size = if n % 3 == 0 {
                    (4000, 6000)
                } else {
                    (6000, 4000)
                };
                photo(n, &format!("IMG_{n:04}.jpg"), size, cloudfront)
            })
            .collect(),
    )
}

fn version(json: &str) -> u64 {
    serde_json::from_str::<serde_json::Value>(json).unwrap()["version"]
        .as_u64()
        .unwrap()
}

#[test]
fn a_presigned_gallery_is_written_compact_and_read_back_exactly() {
    let m = camera_roll(1_000, false);
    let json = m.to_json();
    assert_eq!(version(&json), COMPACT_VERSION);
    assert_eq!(Manifest::from_json(&json).unwrap(), m);
    let per_photo = json.len() / 1_000;
    let full = m.to_full_json().len() / 1_000;
    assert!(per_photo <= 300, "{per_photo} bytes a photo (full: {full})");
    assert!(
        full > 3 * per_photo,
        "{per_photo} bytes a photo (full: {full})"
    );
}

#[test]
fn with_cloudfront_first_each_photo_carries_only_the_store_signature() {
    let m = camera_roll(200, true);
    let json = m.to_json();
    assert_eq!(Manifest::from_json(&json).unwrap(), m);
    let photos: Photos = serde_json::from_value(
        serde_json::from_str::<serde_json::Value>(&json).unwrap()["images"].clone(),
    )
    .unwrap();
    assert_eq!(photos.sources.len(), 2);
    assert_eq!(photos.sources[0].base, CLOUDFRONT);
    assert_eq!(photos.sources[0].query, CLOUDFRONT_QUERY);
    assert_eq!(
        photos.sources[0].signature, None,
        "one policy for the gallery"
    );
    assert_eq!(
        photos.sources[1].signature.as_deref(),
        Some("X-Amz-Signature")
    );
    assert!(
        json.len() / 200 <= 300,
        "{} bytes a photo",
        json.len() / 200
    );
}

#[test]
fn what_the_layout_does_not_say_is_kept_with_the_photo() {
    let mut m = camera_roll(3, false);
    // A name to encode, an alt and a set of the studio's, a thumb of
    // another size, a key elsewhere and a full-size download.
    let mut odd = photo(9, "Café terrace #2.jpg", (3000, 2000), false);
    odd.alt = "The terrace at dusk".into();
    odd.set = Some("Ceremony".into());
    odd.renditions.thumb = signed("elsewhere/t.jpg", 9, (300, 200), false);
    odd.renditions.download = Some(signed(
        &format!("{}/full/{}", odd.id, encode_key("Café terrace #2.jpg")),
        9,
        (3000, 2000),
        false,
    ));
    m.images.push(odd);
    let json = m.to_json();
    assert_eq!(version(&json), COMPACT_VERSION);
    assert_eq!(Manifest::from_json(&json).unwrap(), m);
    assert!(json.contains(r#",300,200,"elsewhere/t.jpg"]"#), "{json}");
}

#[test]
fn photos_the_compact_form_cannot_say_are_written_in_full() {
    type Edit = Box<dyn Fn(&mut Manifest)>;
    let cases: Vec<(&str, Edit)> = vec![
        (
            "a URL expiring apart",
            Box::new(|m| m.images[1].renditions.proof.expires_at += 1),
        ),
        (
            "a URL on another host",
            Box::new(|m| {
                let r = &mut m.images[1].renditions.thumb;
                r.url = r
                    .url
                    .get()
                    .replace("127.0.0.1:9000", "127.0.0.2:9000")
                    .into();
            }),
        ),
        (
            "a query of its own",
            Box::new(|m| {
                let r = &mut m.images[1].renditions.thumb;
                r.url = r
                    .url
                    .get()
                    .replace("X-Amz-Expires=21600", "X-Amz-Expires=600")
                    .into();
            }),
        ),
        (
            "a signature in capitals",
            Box::new(|m| {
                let r = &mut m.images[1].renditions.thumb;
                let url = r.url.to_string();
                let (head, sig) = url.rsplit_once('=').unwrap();
                r.url = format!("{head}={}", sig.to_uppercase()).into();
            }),
        ),
        (
            "a fallback more",
            Box::new(|m| {
                let r = &mut m.images[1].renditions.thumb;
                r.fallbacks.push(Fallback {
                    url: r.url.clone(),
                    expires_at: EXPIRES,
                });
            }),
        ),
    ];
    for (what, edit) in cases {
        let mut m = camera_roll(3, false);
        edit(&mut m);
        let json = m.to_json();
        assert_eq!(version(&json), MANIFEST_VERSION_FULL, "{what}");
        assert_eq!(Manifest::from_json(&json).unwrap(), m, "{what}");
    }
    assert_eq!(
        version(&gallery(Vec::new()).to_json()),
        MANIFEST_VERSION_FULL
    );
}

const MANIFEST_VERSION_FULL: u64 = crate::manifest::MANIFEST_VERSION;

#[test]
fn a_damaged_compact_manifest_says_which_photo_and_file() {
    let json = camera_roll(2, false).to_json();
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["images"]["list"][1][6][2] = serde_json::json!([]);
    let err = Manifest::from_json(&v.to_string()).unwrap_err().to_string();
    assert!(
        err.contains("photo 1: proof: 0 signatures for 1 signing sources"),
        "{err}"
    );
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["images"]["list"][0][5][1] = "not-a-hash".into();
    let err = Manifest::from_json(&v.to_string()).unwrap_err().to_string();
    assert!(err.contains("photo 0: thumb: sha256"), "{err}");
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["images"]["sources"] = serde_json::json!([]);
    let err = Manifest::from_json(&v.to_string()).unwrap_err().to_string();
    assert!(err.contains("at least one source"), "{err}");
    // A width without a height is still refused by validation.
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let thumb = &v["images"]["list"][0][5];
    v["images"]["list"][0][5] = serde_json::json!([10, thumb[1], thumb[2], 5, 0]);
    let err = Manifest::from_json(&v.to_string()).unwrap_err().to_string();
    assert!(err.contains("images[0].renditions.thumb"), "{err}");
}

#[test]
fn a_head_and_photos_splice_into_the_whole_manifest() {
    let m = camera_roll(5, false);
    let head = m.head().to_full_json();
    let photos = serde_json::to_string(&Photos::of(&m.images).unwrap()).unwrap();
    assert_eq!(splice(&head, &photos, true).unwrap(), m.to_json());
    let full = serde_json::to_string(&m.images).unwrap();
    assert_eq!(splice(&head, &full, false).unwrap(), m.to_full_json());
    assert_eq!(splice(&m.to_full_json(), &photos, true), None, "not a head");
}

#[test]
fn keys_are_encoded_as_the_store_signs_them() {
    assert_eq!(encode_key("a b/Café+1.jpg"), "a%20b/Caf%C3%A9%2B1.jpg");
    assert_eq!(encode_key("A-z_0.9~/"), "A-z_0.9~/");
    assert_eq!(fit(6000, 4000, 400), (400, 267));
    assert_eq!(fit(300, 200, 400), (300, 200));
    assert_eq!(fit(10_000, 1, 400), (400, 1));
}

proptest! {
    #[test]
    fn any_published_gallery_round_trips(
        photos in prop::collection::vec(
            ("\\PC{1,20}", 1u32..9000, 1u32..9000, any::<bool>(), prop::option::of("[A-Za-z]{1,12}")),
            1..12,
        ),
        cloudfront in any::<bool>(),
    ) {
        let images = photos
            .into_iter()
            .enumerate()
            .map(|(n, (name, w, h, download, set))| {
                let mut image = photo(n as u64 + 1, &format!("{name}.jpg"), (w, h), cloudfront);
                if download {
                    let key = format!("{}/web/{}.jpg", image.id, encode_key(stem(&image.file_name)));
                    image.renditions.download = Some(signed(&key, n as u64, fit(w, h, 2048), cloudfront));
                }
                image.set = set;
                image
            })
            .collect();
        let m = gallery(images);
        let json = m.to_json();
        prop_assert_eq!(Manifest::from_json(&json).unwrap(), m);
    }
}

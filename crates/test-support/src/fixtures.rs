//! Fixtures: photos with awkward file names, the CloudFront key pair and
//! vectors botocore made, a customer's device making ops, the share token
//! of a new gallery, and a large gallery recorded without its photos.

use proofline_core::hlc::Hlc;
use proofline_core::proofing::{Action, DeviceId, Op, OpId};
use proofline_core::{ContentHash, GalleryId, ImageId};
use proofline_samples::Sample;
use proofline_server::db::{
    Db, FirstLink, PublishCommit, StoredGallery, StoredImage, StoredRendition,
};
use proofline_server::publish::PublishReport;

/// A field of the CloudFront fixtures made by botocore
/// (`crates/core/tests/fixtures/cloudfront_signed_url_vectors.json`).
pub fn cloudfront_fixture(field: &str) -> String {
    let doc: serde_json::Value = serde_json::from_str(include_str!(
        "../../core/tests/fixtures/cloudfront_signed_url_vectors.json"
    ))
    .unwrap();
    doc[field].as_str().unwrap().to_owned()
}

/// The time now, in milliseconds since the Unix epoch (as the origin reads it).
pub fn now_ms() -> u64 {
    proofline_server::unix_now_ms()
}

/// A customer's device making ops with its own clock.
pub struct Phone {
    device: DeviceId,
    gallery: GalleryId,
    clock: Hlc,
    made: u64,
}

impl Phone {
    pub fn new(name: &str, gallery: &GalleryId) -> Phone {
        Phone {
            device: DeviceId::parse(format!("{name}-{}", proofline_server::secret::new_id(8)))
                .unwrap(),
            gallery: gallery.clone(),
            clock: Hlc::ZERO,
            made: 0,
        }
    }

    pub fn op(&mut self, action: Action) -> Op {
        self.clock = self.clock.tick(now_ms());
        self.made += 1;
        Op {
            id: OpId::parse(format!("{}-{:06}", self.device.as_str(), self.made)).unwrap(),
            device: self.device.clone(),
            gallery: self.gallery.clone(),
            hlc: self.clock,
            action,
        }
    }
}

/// The share token of a new gallery's first link.
pub fn token(report: &PublishReport) -> &str {
    report
        .token
        .as_ref()
        .expect("a new gallery has a first link")
        .as_str()
}

/// A gallery `id` of `n` photos as publishing would record it, for the
/// benchmarks (a manifest only signs keys: the objects need not exist).
/// Answers its first link's share token and the photos' ids.
pub fn recorded_gallery(
    db: &Db,
    id: &str,
    n: usize,
) -> anyhow::Result<(GalleryId, String, Vec<ImageId>)> {
    let id = GalleryId::parse(id)?;
    // Laid out as `publish` lays photos out: its keys, ids, sizes and alts.
    let rendition = |i: usize, image: &ImageId, kind: &str, edge: u32, bytes: u64| {
        let (width, height) = proofline_core::manifest::fit(6000, 4000, edge);
        StoredRendition {
            object_key: proofline_server::publish::object_key(
                &id,
                image,
                kind,
                &format!("DSC_{i:04}"),
            ),
            width,
            height,
            bytes,
            sha256: ContentHash::parse(format!("{:032x}{i:032x}", kind.len())).expect("hex"),
        }
    };
    let images: Vec<StoredImage> = (0..n)
        .map(|i| {
            let image = ImageId::parse(format!(
                "{:016x}",
                (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ))
            .expect("valid");
            StoredImage {
                thumb: rendition(i, &image, "thumb", 400, 25_000),
                proof: rendition(i, &image, "proof", 1600, 250_000),
                id: image,
                file_name: format!("DSC_{i:04}.jpg"),
                alt: format!("DSC_{i:04}"),
                width: 6000,
                height: 4000,
                thumbhash: "1QcSHQRnh493V4dIh4eXh1h4kJUI".into(),
                web: None,
                full: None,
                set: None,
            }
        })
        .collect();
    let ids = images.iter().map(|i| i.id.clone()).collect();
    let token = proofline_server::secret::new_token();
    db.commit_publish(&PublishCommit {
        gallery: &StoredGallery {
            id: id.clone(),
            title: "Benchmark".into(),
            rules: Default::default(),
            locked_at: None,
            offline_window: None,
            cover: None,
            images,
        },
        source_dir: &format!("/bench/{id}"),
        first_link: Some(FirstLink {
            token_hash: &proofline_server::secret::token_hash(token.as_str()),
            label: "bench",
            studio_token_hash: &[0; 32],
        }),
        update_terms: false,
        now: proofline_server::unix_now(),
    })?;
    Ok((id, token.as_str().to_owned(), ids))
}

/// Photos with the file names that break naive URL signing.
pub fn awkward_samples() -> Vec<Sample> {
    let s = |name: &str, w, h, orientation, seed| Sample {
        file_name: name.into(),
        width: w,
        height: h,
        orientation,
        seed,
    };
    vec![
        s("photo 1.jpg", 900, 600, None, 1),
        s("a+b=c&d.jpg", 600, 900, None, 2),
        s("café #1.jpg", 800, 600, Some(6), 3),
        s("Zoë's 100%.png", 500, 700, None, 4),
    ]
}

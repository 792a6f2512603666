//! Fixtures: photos with awkward file names, the CloudFront key pair and
//! vectors botocore made, a customer's device making ops, and the share
//! token of a new gallery.

use proofline_core::GalleryId;
use proofline_core::hlc::Hlc;
use proofline_core::proofing::{Action, DeviceId, Op, OpId};
use proofline_samples::Sample;
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

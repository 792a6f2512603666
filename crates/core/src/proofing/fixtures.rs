//! Test fixtures shared by the proofing tests: photo and gallery ids, and an
//! op from a named device at a given clock.

use super::{Action, DeviceId, Op, OpId};
use crate::hlc::Hlc;
use crate::ids::{GalleryId, ImageId};

pub(super) fn img(n: u32) -> ImageId {
    ImageId::parse(format!("img{n}")).unwrap()
}

pub(super) fn gallery() -> GalleryId {
    GalleryId::parse("wedding").unwrap()
}

pub(super) fn op(device: &str, n: u64, wall_ms: u64, action: Action) -> Op {
    Op {
        id: OpId::parse(format!("{device}-op-{n:04}")).unwrap(),
        device: DeviceId::parse(format!("{device}-device")).unwrap(),
        gallery: gallery(),
        hlc: Hlc {
            wall_ms,
            counter: 0,
        },
        action,
    }
}

pub(super) const NOW_MS: u64 = 1_763_000_000_000;

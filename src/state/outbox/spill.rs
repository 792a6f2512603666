//! Choices the device's IndexedDB refused even after photos made room for
//! them (a browser may count freed room late, or have let a save run past
//! its quota), kept in `localStorage` instead: a separate, small allowance,
//! so a choice made on a full device still survives a reload. They stay
//! there until the studio has them.

use proofline_core::proofing::Op;
use proofline_core::route::LinkKey;

use crate::browser::local_storage;

fn key(link: &LinkKey) -> String {
    format!("proofline.spilled-ops.{}", link.as_str())
}

/// The link's spilled ops.
pub fn read(link: &LinkKey) -> Vec<Op> {
    local_storage::get(&key(link))
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

/// Keeps `op` beside the link's other spilled ops; whether the browser did.
pub fn keep(link: &LinkKey, op: &Op) -> bool {
    let mut ops = read(link);
    if !ops.iter().any(|o| o.id == op.id) {
        ops.push(op.clone());
    }
    serde_json::to_string(&ops).is_ok_and(|json| local_storage::set(&key(link), &json))
}

/// Forgets the spilled ops among `settled` (all of them with `None`).
pub fn forget(link: &LinkKey, settled: Option<&[String]>) {
    let ops = read(link);
    if ops.is_empty() {
        return;
    }
    let left: Vec<Op> = match settled {
        Some(ids) => ops
            .into_iter()
            .filter(|op| !ids.iter().any(|id| id == op.id.as_str()))
            .collect(),
        None => Vec::new(),
    };
    match serde_json::to_string(&left) {
        Ok(json) if !left.is_empty() => {
            local_storage::set(&key(link), &json);
        }
        _ => local_storage::remove(&key(link)),
    }
}

#[cfg(test)]
mod tests {
    use proofline_core::hlc::Hlc;
    use proofline_core::ids::{GalleryId, ImageId};
    use proofline_core::proofing::{Action, DeviceId, OpId};
    use proofline_core::route::ShareToken;
    use wasm_bindgen_test::*;

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    fn op(gallery: &GalleryId, id: &str) -> Op {
        Op {
            id: OpId::parse(id).unwrap(),
            device: DeviceId::parse("device-spill-test").unwrap(),
            gallery: gallery.clone(),
            hlc: Hlc::ZERO,
            action: Action::Favourite {
                image: ImageId::parse("img1").unwrap(),
                on: true,
            },
        }
    }

    #[wasm_bindgen_test]
    fn spilled_ops_are_kept_once_per_link_until_settled() {
        let gallery = GalleryId::parse("wedding").unwrap();
        let bride = LinkKey::new(
            &gallery,
            &ShareToken::parse("bride-token-0000000001").unwrap(),
        );
        let parents = LinkKey::new(
            &gallery,
            &ShareToken::parse("parents-token-00000002").unwrap(),
        );
        forget(&bride, None);
        forget(&parents, None);
        assert!(read(&bride).is_empty());
        assert!(keep(&bride, &op(&gallery, "spill-op-1")));
        assert!(keep(&bride, &op(&gallery, "spill-op-2")));
        assert!(keep(&bride, &op(&gallery, "spill-op-1")));
        assert!(keep(&parents, &op(&gallery, "spill-op-3")));
        let ids = |link| {
            read(link)
                .iter()
                .map(|o| o.id.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&bride), ["spill-op-1", "spill-op-2"]);
        assert_eq!(ids(&parents), ["spill-op-3"]);
        forget(&bride, Some(&["spill-op-1".to_string()]));
        assert_eq!(ids(&bride), ["spill-op-2"]);
        forget(&bride, Some(&["spill-op-2".to_string()]));
        assert_eq!(local_storage::get(&key(&bride)), None);
        forget(&parents, None);
        assert!(read(&parents).is_empty());
    }
}

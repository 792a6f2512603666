//! Withdrawing one share link on a device that also holds another link of the
//! same gallery (headless Chromium, a real device store): the other link
//! keeps its saved copy, its photos, its choices and the studio's origins.

use proofline_core::cache::sha256;
use proofline_core::hlc::Hlc;
use proofline_core::proofing::{Action, DeviceId, Op, OpId};
use proofline_core::route::{LinkKey, ShareToken};
use proofline_core::{GalleryId, ImageId};
use wasm_bindgen_test::*;

use super::*;
use crate::browser::local_storage;
use crate::net::keys;
use crate::state::loader::tests::saved_for;

wasm_bindgen_test_configure!(run_in_browser);

const BRIDE: &str = "bride-token-0000000001";
const PARENTS: &str = "parents-token-00000002";

/// A favourite of photo `p0`, queued under `link`.
async fn queue_favourite(db: &Db, link: &LinkKey, id: &str) {
    let op = Op {
        id: OpId::parse(id).unwrap(),
        device: DeviceId::parse("device-1").unwrap(),
        gallery: link.gallery().clone(),
        hlc: Hlc::ZERO,
        action: Action::Favourite {
            image: ImageId::parse("p0").unwrap(),
            on: true,
        },
    };
    let json = serde_json::to_string(&op).unwrap();
    db.record_op(link, id, &json, "{}").await.unwrap();
}

#[wasm_bindgen_test]
async fn withdrawing_one_link_leaves_the_other_links_copy_photos_choices_and_origins() {
    let name = "t-withdrawn-links";
    Db::delete(name).await;
    let db = Db::open(name).await.unwrap();
    let gallery = GalleryId::parse("wedding-w").unwrap();
    let (bride_token, parents_token) = (
        ShareToken::parse(BRIDE).unwrap(),
        ShareToken::parse(PARENTS).unwrap(),
    );
    let (bride, parents) = (
        LinkKey::new(&gallery, &bride_token),
        LinkKey::new(&gallery, &parents_token),
    );
    let photos: [&[u8]; 2] = [b"photo one", b"photo two"];
    for token in [BRIDE, PARENTS] {
        let (link, saved) = saved_for("wedding-w", token, 1.0, &photos);
        db.put_gallery(&link, &saved).await.unwrap();
    }
    for p in photos {
        db.put_entry_hashed(p).await.unwrap();
    }
    queue_favourite(&db, &bride, "op-bride").await;
    queue_favourite(&db, &parents, "op-parents").await;
    db.settle_ops(&parents, &[], "{}").await.unwrap();
    crate::net::failover::learn(gallery.as_str(), &["https://b.example".into()]);

    let gone = forget(Some(&db), &bride, &bride_token, "withdrawn".into()).await;
    assert_eq!(gone.unsent, ["Favouriting “p0.jpg”"]);
    assert!(gone.photos_kept, "the customer is told the photos stay");
    assert_eq!(db.get_gallery(&bride).await.unwrap(), None);
    assert_eq!(
        db.pending_ops(&bride).await.unwrap().len(),
        1,
        "kept to show"
    );
    assert!(
        db.get_gallery(&parents).await.unwrap().is_some(),
        "B's copy"
    );
    let sizes = db.entry_sizes().await.unwrap();
    assert!(
        photos.iter().all(|p| sizes.contains_key(&sha256(p))),
        "B's photos"
    );
    assert_eq!(db.pending_ops(&parents).await.unwrap().len(), 1);
    assert!(db.get_choices(&parents).await.unwrap().is_some());
    assert!(
        local_storage::get(&keys::origins(gallery.as_str())).is_some(),
        "B still knows the studio's origins"
    );

    // The bride removes her unsent choice; then the parents' link goes too.
    dismiss(Some(&db), &bride).await;
    assert!(db.pending_ops(&bride).await.unwrap().is_empty());
    assert_eq!(db.get_meta(&meta_key(&bride)).await.unwrap(), None);
    let gone = forget(Some(&db), &parents, &parents_token, "withdrawn".into()).await;
    assert!(!gone.photos_kept);
    assert!(
        db.entry_sizes().await.unwrap().is_empty(),
        "no link uses them"
    );
    assert_eq!(local_storage::get(&keys::origins(gallery.as_str())), None);
}

//! A link the studio withdrew, or that expired: the device forgets the
//! gallery (its saved copy, its photos unless another saved gallery shares
//! them, the confirmed choices, the PIN pass) at once. Choices that never
//! reached the studio are not dropped silently: they are described in words,
//! kept until the customer has seen them (and copied them if they wish), and
//! removed only when the customer says so.

use std::collections::{BTreeMap, HashSet};

use proofline_core::cache::gallery_hashes;
use proofline_core::route::ShareToken;
use proofline_core::wording::describe_choice;
use proofline_core::{GalleryId, Manifest};
use serde::{Deserialize, Serialize};

use super::outbox::read_ops;
use crate::browser::idb::Db;
use crate::net::{failover, pass};

/// What the customer is shown about a withdrawn gallery.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withdrawn {
    /// Why, in the studio's words.
    pub message: String,
    /// The title, when the device still knew it.
    pub title: Option<String>,
    /// Each choice that did not reach the studio, in words, oldest first.
    pub unsent: Vec<String>,
}

fn meta_key(gallery: &GalleryId) -> String {
    format!("withdrawn/{gallery}")
}

/// Forgets everything the device kept for `gallery` except its unsent
/// choices, which are described (with the photos' names while the saved copy
/// still has them) and kept until [`dismiss`].
pub async fn forget(
    db: Option<&Db>,
    gallery: &GalleryId,
    token: &ShareToken,
    message: String,
) -> Withdrawn {
    pass::remember(token, None);
    failover::forget(gallery.as_str());
    let Some(db) = db else {
        return Withdrawn {
            message,
            ..Default::default()
        };
    };
    let earlier: Option<Withdrawn> = db
        .get_meta(&meta_key(gallery))
        .await
        .ok()
        .flatten()
        .and_then(|j| serde_json::from_str(&j).ok());
    let saved = db
        .get_gallery(gallery)
        .await
        .ok()
        .flatten()
        .and_then(|s| Manifest::from_json(&s.manifest).ok());
    let names: BTreeMap<_, _> = saved
        .iter()
        .flat_map(|m| &m.images)
        .map(|i| (i.id.clone(), i.file_name.clone()))
        .collect();
    let ops = read_ops(db, gallery).await;
    let withdrawn = match earlier {
        // Already forgotten on an earlier visit: the words were kept then.
        Some(earlier) if saved.is_none() => Withdrawn { message, ..earlier },
        _ => Withdrawn {
            message,
            title: saved.as_ref().map(|m| m.title.clone()),
            unsent: ops
                .iter()
                .map(|op| describe_choice(&names, &op.action))
                .collect(),
        },
    };
    if !withdrawn.unsent.is_empty()
        && let Ok(json) = serde_json::to_string(&withdrawn)
        && let Err(e) = db.put_meta(&meta_key(gallery), &json).await
    {
        leptos::logging::warn!("could not keep the list of unsent choices: {e}");
    }
    if let Some(manifest) = &saved {
        forget_photos(db, manifest).await;
    }
    if let Err(e) = db
        .forget_gallery(gallery, withdrawn.unsent.is_empty())
        .await
    {
        leptos::logging::warn!("could not remove the gallery from this device: {e}");
    }
    withdrawn
}

/// Deletes the gallery's photos that no other saved gallery uses.
async fn forget_photos(db: &Db, manifest: &Manifest) {
    let others: HashSet<_> = db
        .all_galleries()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|g| g.gallery != manifest.gallery)
        .filter_map(|g| Manifest::from_json(&g.manifest).ok())
        .flat_map(|m| gallery_hashes(&m))
        .collect();
    let hashes: Vec<_> = gallery_hashes(manifest)
        .into_iter()
        .filter(|h| !others.contains(h))
        .collect();
    if let Err(e) = db.delete_entries(&hashes).await {
        leptos::logging::warn!("could not remove the gallery's photos from this device: {e}");
    }
}

/// The customer has seen the unsent choices: remove them too.
pub async fn dismiss(db: Option<&Db>, gallery: &GalleryId) {
    let Some(db) = db else { return };
    if let Err(e) = db.forget_gallery(gallery, true).await {
        leptos::logging::warn!("could not remove the unsent choices: {e}");
    }
    let _ = db.delete_meta(&meta_key(gallery)).await;
}

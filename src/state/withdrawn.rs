//! A link the studio withdrew, or that expired: the device forgets what it
//! kept for that link (its saved copy, its photos unless another saved link
//! uses them, the confirmed choices, the PIN pass) at once. Another link of
//! the same gallery keeps all of its own, and the origins known for the
//! gallery while one is saved. Choices that never reached the studio are not
//! dropped silently: they are described in words, kept until the customer has
//! seen them (and copied them if they wish), and removed only when the
//! customer says so.

use std::collections::{BTreeMap, HashSet};

use proofline_core::cache::gallery_hashes;
use proofline_core::route::{LinkKey, ShareToken};
use proofline_core::wording::describe_choice;
use proofline_core::{GalleryId, Manifest};
use serde::{Deserialize, Serialize};

use super::outbox::{read_ops, spill};
use crate::browser::idb::{Db, SavedGallery};
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
    /// Another link of the gallery saved on this device keeps the photos
    /// (worked out on each visit, never stored).
    #[serde(skip)]
    pub photos_kept: bool,
}

/// The `meta` key of the link's [`Withdrawn`] record.
pub(crate) fn meta_key(link: &LinkKey) -> String {
    format!("withdrawn/{link}")
}

/// Where an older app kept it: under the gallery id alone.
pub(crate) fn legacy_meta_key(gallery: &GalleryId) -> String {
    format!("withdrawn/{gallery}")
}

/// Forgets everything the device kept for `link` except its unsent choices,
/// which are described (with the photos' names while the saved copy still
/// has them) and kept until [`dismiss`].
pub async fn forget(
    db: Option<&Db>,
    link: &LinkKey,
    token: &ShareToken,
    message: String,
) -> Withdrawn {
    pass::remember(token, None);
    let Some(db) = db else {
        failover::forget(link.gallery().as_str());
        return Withdrawn {
            message,
            ..Default::default()
        };
    };
    let earlier: Option<Withdrawn> = db
        .get_meta(&meta_key(link))
        .await
        .ok()
        .flatten()
        .and_then(|j| serde_json::from_str(&j).ok());
    let saved = db
        .get_gallery(link)
        .await
        .ok()
        .flatten()
        .and_then(|s| Manifest::from_json(&s.manifest).ok());
    let names: BTreeMap<_, _> = saved
        .iter()
        .flat_map(|m| &m.images)
        .map(|i| (i.id.clone(), i.file_name.clone()))
        .collect();
    let ops = read_ops(db, link).await;
    let mut withdrawn = match earlier {
        // Already forgotten on an earlier visit: the words were kept then.
        Some(earlier) if saved.is_none() => Withdrawn { message, ..earlier },
        _ => Withdrawn {
            message,
            title: saved.as_ref().map(|m| m.title.clone()),
            unsent: ops
                .iter()
                .filter(|op| !op.action.is_activity())
                .map(|op| describe_choice(&names, &op.action))
                .collect(),
            photos_kept: false,
        },
    };
    if !withdrawn.unsent.is_empty()
        && let Ok(json) = serde_json::to_string(&withdrawn)
        && let Err(e) = db.put_meta(&meta_key(link), &json).await
    {
        leptos::logging::warn!("could not keep the list of unsent choices: {e}");
    }
    if withdrawn.unsent.is_empty() {
        spill::forget(link, None);
    }
    if let Err(e) = db.forget_link(link, withdrawn.unsent.is_empty()).await {
        leptos::logging::warn!("could not remove the gallery from this device: {e}");
    }
    // What is saved now is other links' (this one's copy is gone).
    let others = db.all_galleries().await.unwrap_or_default();
    withdrawn.photos_kept = others.iter().any(|g| g.gallery == *link.gallery());
    // The studio's origins are the gallery's, not the link's: another link
    // of it still saved here needs them to reach the studio.
    if !withdrawn.photos_kept {
        failover::forget(link.gallery().as_str());
    }
    if let Some(manifest) = &saved {
        forget_photos(db, manifest, &others).await;
    }
    withdrawn
}

/// The withdrawal this device recorded for `link`, while it keeps unsent
/// choices: shown whatever the network does (offline, the studio down), as
/// the studio said it, until the customer removes them.
pub async fn recorded(db: Option<&Db>, link: &LinkKey) -> Option<Withdrawn> {
    let db = db?;
    let json = db.get_meta(&meta_key(link)).await.ok()??;
    let mut withdrawn: Withdrawn = serde_json::from_str(&json).ok()?;
    let saved = db.all_galleries().await.unwrap_or_default();
    withdrawn.photos_kept = saved.iter().any(|g| g.gallery == *link.gallery());
    Some(withdrawn)
}

/// Deletes the link's photos that no other saved link uses (another link of
/// the same gallery keeps them all).
async fn forget_photos(db: &Db, manifest: &Manifest, others: &[SavedGallery]) {
    let others: HashSet<_> = others
        .iter()
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
pub async fn dismiss(db: Option<&Db>, link: &LinkKey) {
    spill::forget(link, None);
    let Some(db) = db else { return };
    if let Err(e) = db.forget_link(link, true).await {
        leptos::logging::warn!("could not remove the unsent choices: {e}");
    }
    let _ = db.delete_meta(&meta_key(link)).await;
}

#[cfg(test)]
mod tests;

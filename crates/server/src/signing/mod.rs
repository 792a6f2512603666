//! Signing: every rendition of a gallery presigned for a signing window
//! ([`sign_manifest`]; through CloudFront first when a distribution is
//! configured), under the [`SigningPolicy`] every command shares, and the
//! manifest mirrors written with it ([`mirror`]).
//!
//! Domain layer: may import `settings`, `db`, `storage` and `secret`, never
//! `http` or `cli`.

pub mod mirror;

use proofline_core::expiry::SigningWindow;
use proofline_core::manifest::MANIFEST_VERSION;
use proofline_core::{Image, Manifest, Rendition, Renditions};

pub use crate::settings::SigningPolicy;
pub use mirror::Mirrors;

use crate::db::{StoredGallery, StoredRendition};
use crate::storage::ObjectStore;

/// Builds the manifest for `gallery` with every rendition signed for `window`
/// (through CloudFront first, with the store's URL as fallback, when a
/// distribution is configured).
pub async fn sign_manifest(
    store: &ObjectStore,
    gallery: &StoredGallery,
    window: SigningWindow,
    now: i64,
) -> anyhow::Result<Manifest> {
    let mut images = Vec::with_capacity(gallery.images.len());
    for image in &gallery.images {
        images.push(Image {
            id: image.id.clone(),
            file_name: image.file_name.clone(),
            alt: image.alt.clone(),
            width: image.width,
            height: image.height,
            thumbhash: image.thumbhash.clone(),
            renditions: Renditions {
                thumb: sign(store, &image.thumb, window).await?,
                proof: sign(store, &image.proof, window).await?,
            },
            set: image.set.clone(),
        });
    }
    let manifest = Manifest {
        version: MANIFEST_VERSION,
        gallery: gallery.id.clone(),
        title: gallery.title.clone(),
        server_time: now,
        mirror: None,
        // A studio with one origin lists none: the app uses the page's own,
        // and apps cached before `origins` existed still read the manifest.
        origins: match store.origins() {
            [_, _, ..] => store.origins().to_vec(),
            _ => Vec::new(),
        },
        rules: gallery.rules.clone(),
        locked_at: gallery.locked_at,
        expires_at: None,
        images,
    };
    manifest.validate()?;
    Ok(manifest)
}

async fn sign(
    store: &ObjectStore,
    r: &StoredRendition,
    window: SigningWindow,
) -> anyhow::Result<Rendition> {
    let (url, fallbacks) = store.image_urls(&r.object_key, window).await?;
    Ok(Rendition {
        width: r.width,
        height: r.height,
        bytes: r.bytes,
        sha256: r.sha256.clone(),
        url,
        expires_at: window.expires_at,
        fallbacks,
    })
}

//! Signing: every rendition of a gallery presigned for a signing window
//! ([`sign_manifest`]; through CloudFront first when a distribution is
//! configured), under the [`SigningPolicy`] every command shares; the
//! customers' manifests kept signed and serialised for their window
//! ([`cache`]); and the manifest mirrors written with it ([`mirror`]).
//!
//! Domain layer: may import `settings`, `db`, `storage` and `secret`, never
//! `http` or `cli`.

pub mod cache;
pub mod mirror;

use proofline_core::downloads::Downloads;
use proofline_core::expiry::SigningWindow;
use proofline_core::{Image, Manifest, Rendition, Renditions};

pub use crate::settings::SigningPolicy;
pub use cache::ManifestCache;
pub use mirror::Mirrors;

use crate::db::{StoredGallery, StoredImage, StoredRendition};
use crate::storage::ObjectStore;

/// What a share link's manifest holds of the link itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkTerms {
    /// When the customer loses access (the earlier of link and gallery expiry).
    pub expires_at: Option<i64>,
    /// What the customer is offered to download.
    pub downloads: Downloads,
    /// Whether to ask for the link's download PIN first (then `downloads`
    /// is none: see `db::Opened::offered`).
    pub download_pin: bool,
}

/// Builds the manifest for `gallery` with every rendition signed for `window`
/// (through CloudFront first, with the store's URL as fallback, when a
/// distribution is configured), each photo's download the one `downloads`
/// allows.
pub async fn sign_manifest(
    store: &ObjectStore,
    gallery: &StoredGallery,
    window: SigningWindow,
    downloads: Downloads,
    now: i64,
) -> anyhow::Result<Manifest> {
    let mut manifest = manifest_head(store, gallery, now);
    manifest.images = sign_images(store, &gallery.images, window, downloads).await?;
    manifest.validate()?;
    Ok(manifest)
}

/// The manifest of `gallery` at `now` without its photos: everything but
/// the part [`cache::ManifestCache`] keeps (`images` is empty).
pub fn manifest_head(store: &ObjectStore, gallery: &StoredGallery, now: i64) -> Manifest {
    Manifest {
        // A studio with one origin lists none: the app uses the page's own,
        // and apps cached before `origins` existed still read the manifest.
        origins: match store.origins() {
            [_, _, ..] => store.origins().to_vec(),
            _ => Vec::new(),
        },
        rules: gallery.rules.clone(),
        locked_at: gallery.locked_at,
        offline_window: gallery.offline_window,
        cover: gallery.cover.clone(),
        ..Manifest::new(gallery.id.clone(), &gallery.title, now, Vec::new())
    }
}

/// The manifest's photos, every rendition signed for `window`, with the
/// download `downloads` allows.
pub async fn sign_images(
    store: &ObjectStore,
    images: &[StoredImage],
    window: SigningWindow,
    downloads: Downloads,
) -> anyhow::Result<Vec<Image>> {
    let mut signed = Vec::with_capacity(images.len());
    for image in images {
        signed.push(Image {
            id: image.id.clone(),
            file_name: image.file_name.clone(),
            alt: image.alt.clone(),
            width: image.width,
            height: image.height,
            thumbhash: image.thumbhash.clone(),
            renditions: Renditions {
                thumb: sign(store, &image.thumb, window).await?,
                proof: sign(store, &image.proof, window).await?,
                download: match image.download(downloads) {
                    Some(r) => Some(sign(store, r, window).await?),
                    None => None,
                },
            },
            set: image.set.clone(),
        });
    }
    Ok(signed)
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
        url: url.into(),
        expires_at: window.expires_at,
        fallbacks,
    })
}

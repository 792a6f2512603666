//! `proofline publish DIR`: turn a folder of JPEG/PNG photos into a gallery.
//!
//! Each photo is decoded with its EXIF orientation applied, re-encoded into a
//! `thumb` and a `proof` JPEG (which drops all metadata, GPS included), hashed,
//! and uploaded. Only when every upload has succeeded is the gallery written to
//! the database, in one transaction: nothing half-published is ever visible.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};
use proofline_core::proofing::SelectionRules;
use proofline_core::route::ShareToken;
use proofline_core::{ContentHash, GalleryId, ImageId, RenditionKind};
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::{Db, StoredGallery, StoredImage, StoredRendition};
use crate::render::{Encoded, RenderOptions, render};
use crate::store::ObjectStore;

const UPLOAD_CONCURRENCY: usize = 4;

/// What to publish.
#[derive(Debug, Clone)]
pub struct PublishRequest {
    pub dir: PathBuf,
    pub title: String,
    /// Label of the first share link ("Bride and groom").
    pub label: String,
    /// The studio's selection rules.
    pub rules: SelectionRules,
    /// Rendition sizes and the studio's watermark.
    pub render: RenderOptions,
}

/// What was published, and what was left out and why.
#[derive(Debug)]
pub struct PublishReport {
    pub gallery: GalleryId,
    pub token: ShareToken,
    /// Opens the studio's page for this gallery.
    pub studio_token: ShareToken,
    pub published: usize,
    pub skipped: Vec<Skipped>,
}

/// A file that was not published, with the reason in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub file: String,
    pub reason: String,
}

/// One photo ready to upload.
struct Prepared {
    image: StoredImage,
    thumb: Vec<u8>,
    proof: Vec<u8>,
}

pub async fn publish(
    db: &Db,
    store: &ObjectStore,
    request: &PublishRequest,
) -> anyhow::Result<PublishReport> {
    let files = list_photos(&request.dir)?;
    let gallery = GalleryId::parse(crate::secret::new_id(10)).expect("generated ids are valid");
    let bar = progress(files.len() as u64, "Preparing");

    let prepared_bar = bar.clone();
    let gallery_for_keys = gallery.clone();
    let render_opts = request.render.clone();
    let (mut prepared, mut skipped) = tokio::task::spawn_blocking(move || {
        let results: Vec<_> = files
            .par_iter()
            .map(|path| {
                let r = prepare(path, &gallery_for_keys, &render_opts);
                prepared_bar.inc(1);
                (path.clone(), r)
            })
            .collect();
        split_results(results)
    })
    .await?;
    bar.finish_and_clear();
    if prepared.is_empty() {
        report_skipped(&skipped);
        anyhow::bail!(
            "no photos could be published from {} (JPEG and PNG files are supported)",
            request.dir.display()
        );
    }

    // Keep the folder's order (camera file names sort in shooting order), and
    // drop byte-identical copies before anything is uploaded.
    prepared.sort_by_cached_key(|p| file_order(&p.image.file_name));
    dedupe(&mut prepared, &mut skipped);

    let bar = progress(prepared.len() as u64 * 2, "Uploading");
    let semaphore = Arc::new(tokio::sync::Semaphore::new(UPLOAD_CONCURRENCY));
    let mut uploads = tokio::task::JoinSet::new();
    let mut images = Vec::with_capacity(prepared.len());
    for p in prepared {
        for (kind, bytes) in [
            (RenditionKind::Thumb, p.thumb),
            (RenditionKind::Proof, p.proof),
        ] {
            let key = p.image.rendition(kind).object_key.clone();
            let store = store.clone();
            let permit = semaphore.clone().acquire_owned().await?;
            let bar = bar.clone();
            uploads.spawn(async move {
                let r = store.put(&key, bytes, "image/jpeg").await;
                drop(permit);
                bar.inc(1);
                r
            });
        }
        images.push(p.image);
    }
    while let Some(r) = uploads.join_next().await {
        // Any failed upload aborts the publish before the gallery is recorded.
        r??;
    }
    bar.finish_and_clear();

    let stored = StoredGallery {
        id: gallery.clone(),
        title: request.title.clone(),
        rules: request.rules.clone(),
        locked_at: None,
        images,
    };
    let token = crate::secret::new_token();
    let studio_token = crate::secret::new_token();
    let published = stored.images.len();
    let db = db.clone();
    let hash = crate::secret::token_hash(token.as_str());
    let studio_hash = crate::secret::token_hash(studio_token.as_str());
    let label = request.label.clone();
    let now = crate::unix_now();
    let stored = tokio::task::spawn_blocking(move || {
        db.insert_gallery(&stored, &hash, &label, now)?;
        db.set_studio_token(&stored.id, &studio_hash)?;
        anyhow::Ok(stored)
    })
    .await??;
    // The gallery is published; its mirror is a fallback that `serve` rewrites
    // anyway, so failing to write it here is a warning, not an error.
    let policy = crate::api::SigningPolicy::default();
    if let Err(e) = crate::mirror::write_mirror(store, &stored, &hash, &policy, now).await {
        tracing::warn!("could not write the manifest mirror: {e:#}");
    }
    Ok(PublishReport {
        gallery,
        token,
        studio_token,
        published,
        skipped,
    })
}

/// Prints the skipped files, one per line, for the terminal.
pub fn report_skipped(skipped: &[Skipped]) {
    if skipped.is_empty() {
        return;
    }
    eprintln!("Skipped {} file(s):", skipped.len());
    for s in skipped {
        eprintln!("  {}: {}", s.file, s.reason);
    }
}

fn progress(len: u64, what: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{msg:>10} [{bar:30}] {pos}/{len} ({per_sec}, {eta} left)")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(what);
    bar
}

/// Photos in `dir`, in name order. Hidden files and folders are ignored.
fn list_photos(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the folder {}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        let hidden = name.to_string_lossy().starts_with('.');
        if !hidden && entry.file_type()?.is_file() {
            files.push(entry.path());
        }
    }
    files.sort();
    Ok(files)
}

fn split_results(
    results: Vec<(PathBuf, Result<Prepared, String>)>,
) -> (Vec<Prepared>, Vec<Skipped>) {
    let mut ok = Vec::new();
    let mut skipped = Vec::new();
    for (path, r) in results {
        match r {
            Ok(p) => ok.push(p),
            Err(reason) => skipped.push(Skipped {
                file: display_name(&path),
                reason,
            }),
        }
    }
    (ok, skipped)
}

/// Drops byte-identical photos (same id), keeping the first.
fn dedupe(photos: &mut Vec<Prepared>, skipped: &mut Vec<Skipped>) {
    let mut seen = std::collections::HashMap::new();
    photos.retain(|Prepared { image: img, .. }| match seen.get(&img.id) {
        Some(first) => {
            skipped.push(Skipped {
                file: img.file_name.clone(),
                reason: format!("the same photo as {first}"),
            });
            false
        }
        None => {
            seen.insert(img.id.clone(), img.file_name.clone());
            true
        }
    });
}

fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Folder order: by name without extension, naturally ("IMG 2" before "IMG 10",
/// "IMG 2" before "IMG 2 copy"), then by extension.
fn file_order(name: &str) -> (Vec<(String, u64)>, String) {
    let path = Path::new(name);
    let stem = path
        .file_stem()
        .map_or(name.into(), |s| s.to_string_lossy());
    let ext = path
        .extension()
        .map_or(String::new(), |e| e.to_string_lossy().to_lowercase());
    (natural_key(&stem), ext)
}

/// Sort key that puts "IMG 2" before "IMG 10".
fn natural_key(name: &str) -> Vec<(String, u64)> {
    let mut key = Vec::new();
    let mut text = String::new();
    let mut chars = name.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            let mut n = c.to_digit(10).unwrap_or(0) as u64;
            while let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                n = n.saturating_mul(10).saturating_add(d as u64);
                chars.next();
            }
            key.push((std::mem::take(&mut text), n));
        } else {
            text.extend(c.to_lowercase());
        }
    }
    key.push((text, 0));
    key
}

/// Reads, renders and hashes one photo.
fn prepare(path: &Path, gallery: &GalleryId, opts: &RenderOptions) -> Result<Prepared, String> {
    let name = display_name(path);
    let bytes = std::fs::read(path).map_err(|e| format!("cannot be read ({e})"))?;
    let rendered = render(&bytes, opts)?;

    let id = ImageId::parse(&hex::encode(Sha256::digest(&bytes))[..16]).expect("hex is a valid id");
    let stem = Path::new(&name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| id.to_string());
    let rendition = |kind: RenditionKind, r: &Encoded| StoredRendition {
        object_key: object_key(gallery, &id, kind, &stem),
        width: r.width,
        height: r.height,
        bytes: r.jpeg.len() as u64,
        sha256: ContentHash::from_digest(&Sha256::digest(&r.jpeg).into()),
    };
    Ok(Prepared {
        image: StoredImage {
            thumb: rendition(RenditionKind::Thumb, &rendered.thumb),
            proof: rendition(RenditionKind::Proof, &rendered.proof),
            id,
            file_name: name,
            alt: stem,
            width: rendered.width,
            height: rendered.height,
            thumbhash: rendered.thumbhash,
        },
        thumb: rendered.thumb.jpeg,
        proof: rendered.proof.jpeg,
    })
}

/// Where a rendition lives in the store, relative to the store's prefix. The
/// original file name stays in the key, so downloads and the bucket listing make
/// sense to the studio.
pub fn object_key(gallery: &GalleryId, image: &ImageId, kind: RenditionKind, stem: &str) -> String {
    format!("galleries/{gallery}/{image}/{}/{stem}.jpg", kind.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_puts_2_before_10() {
        let mut names = vec!["IMG 10.jpg", "img 2 copy.jpg", "img 2.jpg", "IMG 1.jpg"];
        names.sort_by_key(|n| file_order(n));
        assert_eq!(
            names,
            ["IMG 1.jpg", "img 2.jpg", "img 2 copy.jpg", "IMG 10.jpg"]
        );
    }
}

//! Rendering the new photos on every core while the finished ones upload,
//! each object recorded in the database as soon as it is in the store, so an
//! interrupted publish resumes without uploading it again.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use proofline_core::downloads::Downloads;
use proofline_core::{ContentHash, GalleryId, ImageId, RenditionKind};
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::folder::Photo;
use super::progress::{Reporter, Stage};
use super::render::{Encoded, RenderOptions, render_file};
use super::{Skipped, blocking};
use crate::db::{Db, StoredImage, StoredRendition, Upload};
use crate::storage::ObjectStore;

/// Photos uploading at once (each is two to four objects, one after the
/// other).
const UPLOAD_CONCURRENCY: usize = 4;

/// One photo ready to upload.
struct Prepared {
    image: StoredImage,
    /// Each file to put: as it is recorded, its bytes and their type.
    files: Vec<(StoredRendition, Vec<u8>, &'static str)>,
}

/// A photo to render: new to the gallery, or one it has that lacks the
/// download files this publish makes (`Some`: the gallery's record of it,
/// whose other files stay as they are).
pub(super) type ToRender = (Photo, ImageId, Option<StoredImage>);

/// What rendering and uploading the new photos gave.
#[derive(Default)]
pub(super) struct Uploaded {
    pub(super) images: Vec<StoredImage>,
    pub(super) skipped: Vec<Skipped>,
    /// Objects put.
    pub(super) done: usize,
    /// Objects already in the store from an interrupted run.
    pub(super) reused: usize,
}

/// Renders the new photos on every core while the finished ones upload.
/// Each object is recorded as soon as it is in the store, so if the run
/// fails or is killed, the next one does not upload it again.
pub(super) async fn upload_new(
    db: &Db,
    store: &ObjectStore,
    gallery: &GalleryId,
    photos: Vec<ToRender>,
    options: &RenderOptions,
    progress: &Reporter,
) -> anyhow::Result<Uploaded> {
    let mut out = Uploaded::default();
    if photos.is_empty() {
        return Ok(out);
    }
    let earlier = blocking(db, {
        let gallery = gallery.clone();
        move |db| db.uploads(&gallery)
    })
    .await?
    .into_iter()
    .map(|u| (u.object_key.clone(), u))
    .collect();
    let uploader = Arc::new(Uploader {
        db: db.clone(),
        store: store.clone(),
        gallery: gallery.clone(),
        earlier,
    });
    progress.begin(Stage::Publishing, photos.len() as u64);
    let (tx, mut rx) = tokio::sync::mpsc::channel(UPLOAD_CONCURRENCY * 2);
    let stop = Arc::new(AtomicBool::new(false));
    let render = {
        let (gallery, stop) = (gallery.clone(), stop.clone());
        let options = options.clone();
        tokio::task::spawn_blocking(move || {
            photos.into_par_iter().for_each(|(photo, id, kept)| {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                let r = prepare(&photo, id, kept, &gallery, &options);
                // A closed channel means the publish failed: stop.
                if tx.blocking_send((photo.rel, r)).is_err() {
                    stop.store(true, Ordering::Relaxed);
                }
            });
        })
    };
    let mut uploads = tokio::task::JoinSet::new();
    let mut failure = None;
    while let Some((rel, prepared)) = rx.recv().await {
        let p = match prepared {
            Ok(p) => p,
            Err(reason) => {
                out.skipped.push(Skipped { file: rel, reason });
                progress.advance(Stage::Publishing);
                continue;
            }
        };
        while uploads.len() >= UPLOAD_CONCURRENCY && failure.is_none() {
            let done = uploads.join_next().await.expect("uploads are running");
            failure = out.add(done).err();
            progress.advance(Stage::Publishing);
        }
        if failure.is_some() {
            break;
        }
        uploads.spawn(uploader.clone().photo(p));
    }
    // Let what is in flight land (and be recorded) even after a failure.
    stop.store(true, Ordering::Relaxed);
    drop(rx);
    while let Some(done) = uploads.join_next().await {
        if let Err(e) = out.add(done) {
            failure.get_or_insert(e);
        }
        progress.advance(Stage::Publishing);
    }
    render.await?;
    progress.end(Stage::Publishing);
    match failure {
        Some(e) => Err(e.context(format!(
            "publishing stopped; the {} upload(s) that finished are kept: \
             run the same command again to continue",
            out.done
        ))),
        None => Ok(out),
    }
}

/// One photo's uploads, as they ended.
struct PhotoUploads {
    image: StoredImage,
    done: usize,
    reused: usize,
    failed: Option<anyhow::Error>,
}

impl Uploaded {
    /// Counts a photo's uploads; its failure, if any, is the publish's.
    fn add(&mut self, done: Result<PhotoUploads, tokio::task::JoinError>) -> anyhow::Result<()> {
        let done = done?;
        self.done += done.done;
        self.reused += done.reused;
        match done.failed {
            Some(e) => Err(e),
            None => {
                self.images.push(done.image);
                Ok(())
            }
        }
    }
}

/// What every upload task needs.
struct Uploader {
    db: Db,
    store: ObjectStore,
    gallery: GalleryId,
    /// Objects an earlier run of this publish put in the store, by key.
    earlier: HashMap<String, Upload>,
}

impl Uploader {
    /// Uploads a photo's renditions and records each. One an earlier run
    /// uploaded with the same content is skipped if the store still has it.
    async fn photo(self: Arc<Self>, p: Prepared) -> PhotoUploads {
        let mut result = PhotoUploads {
            done: 0,
            reused: 0,
            failed: None,
            image: p.image,
        };
        for (r, bytes, content_type) in p.files {
            let upload = Upload {
                object_key: r.object_key,
                sha256: r.sha256,
                bytes: r.bytes,
            };
            match self.object(upload, bytes, content_type).await {
                Ok(true) => result.done += 1,
                Ok(false) => result.reused += 1,
                Err(e) => {
                    result.failed = Some(e);
                    break;
                }
            }
        }
        result
    }

    /// Puts one object unless it is already there; `true` if it was put.
    async fn object(
        &self,
        upload: Upload,
        bytes: Vec<u8>,
        content_type: &str,
    ) -> anyhow::Result<bool> {
        let key = &upload.object_key;
        if self.earlier.get(key) == Some(&upload)
            && self.store.size_of(key).await? == Some(upload.bytes)
        {
            return Ok(false);
        }
        self.store.put(key, bytes, content_type).await?;
        let gallery = self.gallery.clone();
        blocking(&self.db, move |db| {
            db.record_uploads(&gallery, &[upload], crate::unix_now())
        })
        .await?;
        Ok(true)
    }
}

/// Renders one photo ([`super::render`]), read as a stream, and hashes its
/// renditions; for full-size downloads, takes its original too. `id` is
/// its original's, from checking it. A photo the gallery has (`kept`)
/// keeps its record and files, and gains the download files it lacks.
fn prepare(
    photo: &Photo,
    id: ImageId,
    kept: Option<StoredImage>,
    gallery: &GalleryId,
    options: &RenderOptions,
) -> Result<Prepared, String> {
    let path = &photo.path;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let rendered = render_file(path, options)?;
    let stem = Path::new(&name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| id.to_string());
    let file = |bytes: Vec<u8>, width: u32, height: u32, key: String| {
        let r = StoredRendition {
            object_key: key,
            width,
            height,
            bytes: bytes.len() as u64,
            sha256: ContentHash::from_digest(&Sha256::digest(&bytes).into()),
        };
        let content_type = if bytes.starts_with(b"\x89PNG") {
            "image/png"
        } else {
            "image/jpeg"
        };
        (r, bytes, content_type)
    };
    // A rendered file, under its kind ("thumb", "proof", "web", "full").
    let rendition = |kind: &str, e: Encoded| {
        let key = object_key(gallery, &id, kind, &stem);
        file(e.jpeg, e.width, e.height, key)
    };
    let thumb = rendition(RenditionKind::Thumb.as_str(), rendered.thumb);
    let proof = rendition(RenditionKind::Proof.as_str(), rendered.proof);
    let web = rendered.web.map(|e| rendition("web", e));
    let full = match (rendered.full, options.downloads) {
        (Some(e), _) => Some(rendition("full", e)),
        (None, Downloads::Full) => {
            let bytes = std::fs::read(path).map_err(|e| format!("cannot be read again ({e})"))?;
            let key = format!("galleries/{gallery}/{id}/full/{}", safe_key_name(&name));
            Some(file(bytes, rendered.width, rendered.height, key))
        }
        _ => None,
    };
    let mut files = Vec::new();
    let is_new = kept.is_none();
    let mut image = match kept {
        Some(kept) => kept,
        None => StoredImage {
            thumb: thumb.0.clone(),
            proof: proof.0.clone(),
            web: None,
            full: None,
            id: id.clone(),
            file_name: name.clone(),
            alt: stem.clone(),
            width: rendered.width,
            height: rendered.height,
            thumbhash: rendered.thumbhash,
            set: photo.set.clone(),
        },
    };
    if is_new {
        // A kept photo's thumb and proof are in the store already.
        files.extend([thumb, proof]);
    }
    for (slot, new) in [(&mut image.web, web), (&mut image.full, full)] {
        if let (None, Some(new)) = (slot.as_ref(), new) {
            *slot = Some(new.0.clone());
            files.push(new);
        }
    }
    Ok(Prepared { image, files })
}

/// A file name as the last part of an object key: no path separators.
fn safe_key_name(name: &str) -> String {
    name.replace(['/', '\\'], "_")
}

/// Where a rendition lives in the store, relative to the store's prefix. The
/// original file name stays in the key, so downloads and the bucket listing make
/// sense to the studio.
pub fn object_key(gallery: &GalleryId, image: &ImageId, kind: &str, stem: &str) -> String {
    format!("galleries/{gallery}/{image}/{kind}/{stem}.jpg")
}

//! `proofline publish DIR`: turn a folder of JPEG/PNG photos into a gallery,
//! or bring the gallery published from that folder up to date.
//!
//! Sub-folders become sets ("Ceremony"; deeper ones "Ceremony / Family"); the
//! gallery shows top-level photos first, then each set in natural name order.
//! Each photo's id is the start of its original's SHA-256, so a re-publish
//! knows which photos the gallery already has: those are neither rendered nor
//! uploaded again, and keep their id and every customer's choices. New photos
//! are decoded with their EXIF orientation applied, re-encoded into a `thumb`
//! and a `proof` JPEG (which drops all metadata, GPS included), and uploaded
//! while the next ones render. Each finished upload is recorded, so a run that
//! was interrupted resumes without uploading it again; the gallery id of a
//! first publish is remembered (as a draft) before anything is uploaded.
//! Customers see nothing until every upload has succeeded: then the photos,
//! their sets and order (and, for a new gallery, its first share link) are
//! written to the database in one transaction.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};
use proofline_core::manifest::validate_set_name;
use proofline_core::proofing::SelectionRules;
use proofline_core::route::ShareToken;
use proofline_core::{ContentHash, GalleryId, ImageId, RenditionKind};
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::{
    Db, DraftTerms, FirstLink, FromFolder, PublishCommit, StoredGallery, StoredImage,
    StoredRendition, Upload,
};
use crate::render::{Encoded, RenderOptions, render};
use crate::store::ObjectStore;

/// Photos uploading at once (each is two objects, one after the other).
const UPLOAD_CONCURRENCY: usize = 4;

/// Which gallery a publish goes into.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Destination {
    /// The gallery last published from this folder (or the interrupted first
    /// publish of it); a new gallery if there is none.
    #[default]
    Auto,
    /// This existing gallery.
    Into(GalleryId),
    /// A new gallery, even if this folder was published before.
    New,
}

/// What to publish.
#[derive(Debug, Clone)]
pub struct PublishRequest {
    pub dir: PathBuf,
    /// Title customers see. A new gallery without one is named after its
    /// folder; given for an existing gallery, it replaces the title.
    pub title: Option<String>,
    /// Label of a new gallery's first share link ("Bride and groom").
    pub label: String,
    /// The studio's selection rules: a new gallery's; an existing gallery's
    /// rules are only replaced when these are not empty.
    pub rules: SelectionRules,
    pub destination: Destination,
    /// Rendition sizes and the studio's watermark.
    pub render: RenderOptions,
}

/// What was published, and what was left out and why.
#[derive(Debug)]
pub struct PublishReport {
    pub gallery: GalleryId,
    /// A new gallery's first share link; `None` when an existing gallery was
    /// updated (its links keep working; only hashes of tokens are kept).
    pub token: Option<ShareToken>,
    /// Opens the studio's page for a new gallery.
    pub studio_token: Option<ShareToken>,
    /// Whether this run finished an interrupted first publish.
    pub resumed: bool,
    /// Photos in the gallery now.
    pub published: usize,
    /// Photos this run added.
    pub added: usize,
    /// Photos of the folder the gallery already had: not rendered, not uploaded.
    pub already_published: usize,
    /// Photos in the gallery that are no longer in the folder (path relative
    /// to it). They stay published: customers may have chosen them.
    pub not_in_folder: Vec<String>,
    /// Files that were not published, with the reason.
    pub skipped: Vec<Skipped>,
    /// Objects this run put in the store.
    pub uploads_done: usize,
    /// Objects an interrupted earlier run had put there (checked in the store).
    pub uploads_skipped: usize,
    /// Sets in the gallery now.
    pub sets: usize,
    /// Share links of the gallery that work.
    pub live_links: usize,
    pub elapsed: Duration,
}

/// A file that was not published, with the reason in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Path relative to the published folder ("Ceremony/IMG_2.jpg").
    pub file: String,
    pub reason: String,
}

/// One photo ready to upload.
struct Prepared {
    image: StoredImage,
    thumb: Vec<u8>,
    proof: Vec<u8>,
}

/// A photo file found in the folder.
#[derive(Debug, Clone)]
struct Photo {
    path: PathBuf,
    /// Path relative to the published folder, `/`-separated.
    rel: String,
    file_name: String,
    set: Option<String>,
}

/// Where a publish goes, decided before anything is uploaded.
struct Target {
    id: GalleryId,
    /// The gallery as it is; `None` for a first publish (new or resumed).
    existing: Option<StoredGallery>,
    /// What the interrupted first publish this run resumes was asked for.
    resumed: Option<DraftTerms>,
}

pub async fn publish(
    db: &Db,
    store: &ObjectStore,
    request: &PublishRequest,
) -> anyhow::Result<PublishReport> {
    let started = Instant::now();
    let source = std::fs::canonicalize(&request.dir)
        .with_context(|| format!("cannot read the folder {}", request.dir.display()))?;
    let source_dir = source.to_string_lossy().into_owned();
    let (photos, mut skipped) = list_photos(&source)?;
    let (title, label, rules) = (&request.title, &request.label, &request.rules);
    let target = blocking(db, {
        let (destination, source_dir) = (request.destination.clone(), source_dir.clone());
        move |db| target(db, &destination, &source_dir)
    })
    .await?;

    // Which photos are new: hash every original (cheap next to decoding),
    // drop byte-identical copies, and leave alone what the gallery has.
    let bar = progress(photos.len() as u64, "Checking");
    let hashed = {
        let bar = bar.clone();
        tokio::task::spawn_blocking(move || {
            photos
                .into_par_iter()
                .map(|photo| {
                    let id = original_id(&photo.path);
                    bar.inc(1);
                    (photo, id)
                })
                .collect::<Vec<_>>()
        })
        .await?
    };
    bar.finish_and_clear();
    let mut existing: HashMap<ImageId, StoredImage> = target
        .existing
        .iter()
        .flat_map(|g| g.images.iter().map(|i| (i.id.clone(), i.clone())))
        .collect();
    let mut seen: HashMap<ImageId, String> = HashMap::new();
    let mut new = Vec::new();
    let mut images = Vec::new();
    for (photo, id) in hashed {
        let id = match id {
            Ok(id) => id,
            Err(reason) => {
                skipped.push(Skipped {
                    file: photo.rel,
                    reason,
                });
                continue;
            }
        };
        if let Some(first) = seen.get(&id) {
            skipped.push(Skipped {
                file: photo.rel,
                reason: format!("the same photo as {first}"),
            });
            continue;
        }
        seen.insert(id.clone(), photo.rel.clone());
        match existing.remove(&id) {
            // Already published: it only follows its folder (set) and order.
            Some(image) => images.push(StoredImage {
                set: photo.set,
                ..image
            }),
            None => new.push(photo),
        }
    }
    let already_published = images.len();
    let mut not_in_folder: Vec<String> = existing.values().map(rel_path).collect();
    not_in_folder.sort_by_cached_key(|rel| rel_order(rel));
    images.extend(existing.into_values());

    // A resumed publish keeps what its first run was asked for, unless
    // this run says otherwise.
    let terms = match &target.resumed {
        Some(draft) => DraftTerms {
            title: title.clone().or(draft.title.clone()),
            label: if label.is_empty() {
                draft.label.clone()
            } else {
                label.clone()
            },
            rules: if rules.is_empty() {
                draft.rules.clone()
            } else {
                rules.clone()
            },
        },
        None => DraftTerms {
            title: title.clone(),
            label: label.clone(),
            rules: rules.clone(),
        },
    };
    if target.existing.is_none() && target.resumed.is_none() && !new.is_empty() {
        // From here on, a re-run resumes into this gallery id.
        blocking(db, {
            let (id, source_dir, terms) = (target.id.clone(), source_dir.clone(), terms.clone());
            move |db| db.start_draft(&id, &source_dir, &terms, crate::unix_now())
        })
        .await?;
    }
    let uploaded = upload_new(db, store, &target.id, new, &request.render).await?;
    skipped.extend(uploaded.skipped);
    let added = uploaded.images.len();
    images.extend(uploaded.images);
    if target.existing.is_none() && images.is_empty() {
        report_skipped(&skipped);
        anyhow::bail!(
            "no photos could be published from {} (JPEG and PNG files are supported)",
            request.dir.display()
        );
    }
    images.sort_by_cached_key(|i| {
        (
            gallery_order(i.set.as_deref(), &i.file_name),
            i.file_name.clone(),
        )
    });
    skipped.sort_by_cached_key(|s| rel_order(&s.file));

    let now = crate::unix_now();
    let (gallery, first_link) = match target.existing {
        Some(g) => (
            StoredGallery {
                title: terms.title.unwrap_or(g.title),
                rules: if terms.rules.is_empty() {
                    g.rules
                } else {
                    terms.rules
                },
                images,
                ..g
            },
            None,
        ),
        None => {
            let folder_name = source
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| source_dir.clone());
            let gallery = StoredGallery {
                id: target.id.clone(),
                title: terms.title.unwrap_or(folder_name),
                rules: terms.rules,
                locked_at: None,
                images,
            };
            (
                gallery,
                Some((crate::secret::new_token(), crate::secret::new_token())),
            )
        }
    };
    let update_terms = title.is_some() || !rules.is_empty();
    let hashes = first_link.as_ref().map(|(token, studio)| {
        (
            crate::secret::token_hash(token.as_str()),
            crate::secret::token_hash(studio.as_str()),
        )
    });
    let (gallery, links) = blocking(db, {
        let label = terms.label;
        move |db| {
            db.commit_publish(&PublishCommit {
                gallery: &gallery,
                source_dir: &source_dir,
                first_link: hashes
                    .as_ref()
                    .map(|(token_hash, studio_token_hash)| FirstLink {
                        token_hash,
                        label: &label,
                        studio_token_hash,
                    }),
                update_terms,
                now,
            })?;
            let links: Vec<_> = db
                .live_links(now)?
                .into_iter()
                .filter(|(g, _, _)| *g == gallery.id)
                .map(|(_, hash, until)| (hash, until))
                .collect();
            Ok((gallery, links))
        }
    })
    .await?;
    // The gallery is published; mirrors are a fallback that `serve` rewrites
    // anyway, so failing to write one here is a warning, not an error.
    let policy = crate::api::SigningPolicy::default();
    for (hash, until) in &links {
        if let Err(e) =
            crate::mirror::write_mirror(store, &gallery, hash, *until, &policy, now).await
        {
            tracing::warn!("could not write a manifest mirror: {e:#}");
        }
    }
    let sets: HashSet<_> = gallery
        .images
        .iter()
        .filter_map(|i| i.set.as_ref())
        .collect();
    let (token, studio_token) = first_link.unzip();
    Ok(PublishReport {
        gallery: gallery.id.clone(),
        token,
        studio_token,
        resumed: target.resumed.is_some(),
        published: gallery.images.len(),
        added,
        already_published,
        not_in_folder,
        skipped,
        uploads_done: uploaded.done,
        uploads_skipped: uploaded.reused,
        sets: sets.len(),
        live_links: links.len(),
        elapsed: started.elapsed(),
    })
}

/// Picks the gallery, remembering nothing yet.
fn target(db: &Db, destination: &Destination, source_dir: &str) -> anyhow::Result<Target> {
    let fresh = || Target {
        id: GalleryId::parse(crate::secret::new_id(10)).expect("generated ids are valid"),
        existing: None,
        resumed: None,
    };
    let existing = |id: &GalleryId| -> anyhow::Result<Target> {
        let gallery = db.gallery(id)?.with_context(|| {
            format!("there is no gallery {id} to publish into (`--new` makes one)")
        })?;
        Ok(Target {
            id: id.clone(),
            existing: Some(gallery),
            resumed: None,
        })
    };
    match destination {
        Destination::New => Ok(fresh()),
        Destination::Into(id) => {
            let target = existing(id)?;
            // An interrupted run resumes into the same gallery without `--into`.
            db.set_source_dir(id, source_dir)?;
            Ok(target)
        }
        Destination::Auto => match db.gallery_from(source_dir)? {
            None => Ok(fresh()),
            Some(FromFolder::Draft(id, terms)) => Ok(Target {
                id,
                existing: None,
                resumed: Some(terms),
            }),
            Some(FromFolder::Gallery(id)) => existing(&id),
        },
    }
}

async fn blocking<T: Send + 'static>(
    db: &Db,
    f: impl FnOnce(&Db) -> anyhow::Result<T> + Send + 'static,
) -> anyhow::Result<T> {
    let db = db.clone();
    tokio::task::spawn_blocking(move || f(&db)).await?
}

/// The id a photo gets: the start of its original's SHA-256.
fn original_id(path: &Path) -> Result<ImageId, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot be read ({e})"))?;
    if bytes.is_empty() {
        return Err("the file is empty".into());
    }
    Ok(image_id_of(&bytes))
}

fn image_id_of(original: &[u8]) -> ImageId {
    ImageId::parse(&hex::encode(Sha256::digest(original))[..16]).expect("hex is a valid id")
}

/// What rendering and uploading the new photos gave.
#[derive(Default)]
struct Uploaded {
    images: Vec<StoredImage>,
    skipped: Vec<Skipped>,
    /// Objects put.
    done: usize,
    /// Objects already in the store from an interrupted run.
    reused: usize,
}

/// Renders the new photos on every core while the finished ones upload.
/// Each object is recorded as soon as it is in the store, so if the run
/// fails or is killed, the next one does not upload it again.
async fn upload_new(
    db: &Db,
    store: &ObjectStore,
    gallery: &GalleryId,
    photos: Vec<Photo>,
    options: &RenderOptions,
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
    let bar = progress(photos.len() as u64, "Publishing");
    let (tx, mut rx) = tokio::sync::mpsc::channel(UPLOAD_CONCURRENCY * 2);
    let stop = Arc::new(AtomicBool::new(false));
    let render = {
        let (gallery, stop) = (gallery.clone(), stop.clone());
        let options = options.clone();
        tokio::task::spawn_blocking(move || {
            photos.into_par_iter().for_each(|photo| {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                let r = prepare(&photo.path, &gallery, photo.set.clone(), &options);
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
                bar.inc(1);
                continue;
            }
        };
        while uploads.len() >= UPLOAD_CONCURRENCY && failure.is_none() {
            let done = uploads.join_next().await.expect("uploads are running");
            failure = out.add(done).err();
            bar.inc(1);
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
        bar.inc(1);
    }
    render.await?;
    bar.finish_and_clear();
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
        for (kind, bytes) in [
            (RenditionKind::Thumb, p.thumb),
            (RenditionKind::Proof, p.proof),
        ] {
            let r = result.image.rendition(kind);
            let upload = Upload {
                object_key: r.object_key.clone(),
                sha256: r.sha256.clone(),
                bytes: r.bytes,
            };
            match self.object(upload, bytes).await {
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
    async fn object(&self, upload: Upload, bytes: Vec<u8>) -> anyhow::Result<bool> {
        let key = &upload.object_key;
        if self.earlier.get(key) == Some(&upload)
            && self.store.size_of(key).await? == Some(upload.bytes)
        {
            return Ok(false);
        }
        self.store.put(key, bytes, "image/jpeg").await?;
        let gallery = self.gallery.clone();
        blocking(&self.db, move |db| {
            db.record_uploads(&gallery, &[upload], crate::unix_now())
        })
        .await?;
        Ok(true)
    }
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
        ProgressStyle::with_template(
            "{msg:>10} [{bar:30}] {pos}/{len} photos ({per_sec}, {eta} left)",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    bar.set_message(what);
    bar
}

/// Photo files under `dir`, in gallery order, and files that cannot be
/// published where they are. Hidden files and folders are ignored.
fn list_photos(dir: &Path) -> anyhow::Result<(Vec<Photo>, Vec<Skipped>)> {
    let mut photos = Vec::new();
    let mut skipped = Vec::new();
    walk(dir, &[], &mut photos, &mut skipped)?;
    photos.sort_by_cached_key(|p| gallery_order(p.set.as_deref(), &p.file_name));
    Ok((photos, skipped))
}

fn walk(
    dir: &Path,
    folders: &[String],
    photos: &mut Vec<Photo>,
    skipped: &mut Vec<Skipped>,
) -> anyhow::Result<()> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the folder {}", dir.display()))?;
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let kind = entry.file_type()?;
        let rel = folders
            .iter()
            .chain([&name])
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("/");
        if kind.is_dir() {
            let mut inner = folders.to_vec();
            inner.push(name);
            walk(&path, &inner, photos, skipped)?;
        } else if kind.is_file() || path.is_file() {
            // A sub-folder is a set; a deeper one is named by its whole path.
            let set = (!folders.is_empty()).then(|| folders.join(" / "));
            if let Some(Err(e)) = set.as_deref().map(validate_set_name) {
                skipped.push(Skipped {
                    file: rel,
                    reason: format!("its folder cannot name a set: {e}"),
                });
                continue;
            }
            photos.push(Photo {
                path,
                rel,
                file_name: name,
                set,
            });
        }
    }
    Ok(())
}

/// A photo's path relative to the folder it was published from.
fn rel_path(image: &StoredImage) -> String {
    match &image.set {
        Some(set) => format!("{}/{}", set.replace(" / ", "/"), image.file_name),
        None => image.file_name.clone(),
    }
}

type NaturalKey = Vec<(String, u64)>;
type GalleryOrder = (Option<Vec<NaturalKey>>, (NaturalKey, String));

/// Gallery order of a path relative to the published folder.
fn rel_order(rel: &str) -> GalleryOrder {
    match rel.rsplit_once('/') {
        Some((folders, name)) => gallery_order(Some(&folders.replace('/', " / ")), name),
        None => gallery_order(None, rel),
    }
}

/// Gallery order: top-level photos first, then sets in natural order (folder
/// by folder), each in folder order.
fn gallery_order(set: Option<&str>, file_name: &str) -> GalleryOrder {
    (
        set.map(|s| s.split(" / ").map(natural_key).collect()),
        file_order(file_name),
    )
}

/// Folder order: by name without extension, naturally ("IMG 2" before "IMG 10",
/// "IMG 2" before "IMG 2 copy"), then by extension.
fn file_order(name: &str) -> (NaturalKey, String) {
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
fn natural_key(name: &str) -> NaturalKey {
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

/// Renders one photo (`crate::render`) and hashes its renditions.
fn prepare(
    path: &Path,
    gallery: &GalleryId,
    set: Option<String>,
    options: &RenderOptions,
) -> Result<Prepared, String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let bytes = std::fs::read(path).map_err(|e| format!("cannot be read ({e})"))?;
    let rendered = render(&bytes, options)?;
    let id = image_id_of(&bytes);
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
            set,
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

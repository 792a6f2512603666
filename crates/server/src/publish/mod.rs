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
//!
//! Nothing in the folder stops a publish but the folder itself being
//! unreadable: a file that is not a JPEG or PNG (told from its first bytes,
//! reading no further), one over the pixel limit (told from its header,
//! decoding nothing), a symbolic link, or a sub-folder or file that cannot
//! be read is skipped and named with the reason. Files are read as streams,
//! never whole, so neither a huge file nor a huge picture takes the memory.
//!
//! [`folder`] lists the photos and orders them, [`original`] checks each
//! and hashes it, [`upload`] renders and uploads the new ones, [`render`]
//! makes each photo's renditions; how far
//! it is goes to a [`Progress`] (the CLI draws bars; the library draws
//! nothing). Domain layer: may import `signing`, `settings`, `db`, `storage`
//! and `secret`, never `http` or `cli`.

mod folder;
mod original;
mod progress;
pub mod render;
mod upload;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use proofline_core::downloads::Downloads;
use proofline_core::proofing::SelectionRules;
use proofline_core::route::ShareToken;
use proofline_core::{GalleryId, ImageId};
use rayon::prelude::*;

pub use progress::{Progress, Reporter, Stage};
pub use upload::object_key;

use crate::db::{
    Db, DraftTerms, FirstLink, FromFolder, LiveLink, PublishCommit, StoredGallery, StoredImage,
};
use crate::signing::{LinkTerms, SigningPolicy};
use crate::storage::ObjectStore;
use folder::{Photo, gallery_order, list_photos, rel_order, rel_path};
use render::RenderOptions;

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
#[derive(Debug, Clone, Default)]
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
    /// The gallery's offline window in seconds (`proofline_core::offline`);
    /// `None` keeps an existing gallery's and gives a new one the default.
    pub offline_window: Option<i64>,
    pub destination: Destination,
    /// Rendition sizes and the studio's watermark.
    pub render: RenderOptions,
    /// How the manifest mirrors written after publishing are signed: the
    /// same policy as `serve`'s.
    pub signing: SigningPolicy,
    /// Told how far the publish is.
    pub progress: Reporter,
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
    /// Photos the gallery had that this run gave download files (`publish
    /// --downloads` on a gallery published without).
    pub downloads_added: usize,
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

/// No photo of the folder could be published (a new gallery would be
/// empty); the files skipped and why come with it.
#[derive(Debug, thiserror::Error)]
#[error("no photos could be published from {} (JPEG and PNG files are supported)", dir.display())]
pub struct NothingPublished {
    pub dir: PathBuf,
    pub skipped: Vec<Skipped>,
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
    let target = blocking(db, {
        let (destination, source_dir) = (request.destination.clone(), source_dir.clone());
        move |db| target(db, &destination, &source_dir)
    })
    .await?;
    let sorted = sort_out(
        photos,
        target.existing.as_ref(),
        &request.render,
        &request.progress,
    )
    .await?;
    skipped.extend(sorted.skipped);
    let terms = terms(request, target.resumed.as_ref());
    if target.existing.is_none() && target.resumed.is_none() && !sorted.new.is_empty() {
        // From here on, a re-run resumes into this gallery id.
        blocking(db, {
            let (id, source_dir, terms) = (target.id.clone(), source_dir.clone(), terms.clone());
            move |db| db.start_draft(&id, &source_dir, &terms, crate::unix_now())
        })
        .await?;
    }
    let uploaded = upload::upload_new(
        db,
        store,
        &target.id,
        sorted.new,
        &request.render,
        &request.progress,
    )
    .await?;
    skipped.extend(uploaded.skipped);
    let mut images = sorted.images;
    let mut added = 0;
    let mut downloads_added = 0;
    for image in uploaded.images {
        // A photo the gallery has, with its download files now.
        match images.iter_mut().find(|i| i.id == image.id) {
            Some(kept) => {
                *kept = image;
                downloads_added += 1;
            }
            None => {
                images.push(image);
                added += 1;
            }
        }
    }
    if target.existing.is_none() && images.is_empty() {
        return Err(NothingPublished {
            dir: request.dir.clone(),
            skipped,
        }
        .into());
    }
    images.sort_by_cached_key(|i| {
        (
            gallery_order(i.set.as_deref(), &i.file_name),
            i.file_name.clone(),
        )
    });
    skipped.sort_by_cached_key(|s| rel_order(&s.file));

    let now = crate::unix_now();
    let folder_name = source
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| source_dir.clone());
    let resumed = target.resumed.is_some();
    let (mut gallery, first_link) = assemble(target, terms.clone(), images, folder_name);
    if let Some(secs) = request.offline_window {
        proofline_core::offline::check(secs).map_err(anyhow::Error::msg)?;
        gallery.offline_window = Some(secs);
    }
    let update_terms = request.title.is_some() || !request.rules.is_empty();
    let (gallery, links) = commit(
        db,
        gallery,
        first_link.as_ref(),
        terms.label,
        source_dir,
        update_terms,
        now,
    )
    .await?;
    write_mirrors(db, store, &gallery, &links, &request.signing, now).await;
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
        resumed,
        published: gallery.images.len(),
        added,
        downloads_added,
        already_published: sorted.already_published,
        not_in_folder: sorted.not_in_folder,
        skipped,
        uploads_done: uploaded.done,
        uploads_skipped: uploaded.reused,
        sets: sets.len(),
        live_links: links.len(),
        elapsed: started.elapsed(),
    })
}

/// The folder's photos sorted out against the gallery.
struct Sorted {
    /// Photos to render and upload, with their ids: those the gallery does
    /// not have yet, and those it has without the download files asked
    /// for (with their record, which stays in `images` until they have
    /// them: one that fails keeps what it had).
    new: Vec<upload::ToRender>,
    /// Photos the gallery keeps: those of the folder it already has (following
    /// their folder, the set), then those no longer in the folder.
    images: Vec<StoredImage>,
    already_published: usize,
    /// Paths of the gallery's photos that are no longer in the folder, in
    /// gallery order.
    not_in_folder: Vec<String>,
    /// Files that are not photos, over the limits or unreadable, and
    /// byte-identical copies.
    skipped: Vec<Skipped>,
}

/// Which photos are new: check and hash every original (cheap next to
/// decoding), drop byte-identical copies, and leave alone what the gallery
/// has.
async fn sort_out(
    photos: Vec<Photo>,
    existing: Option<&StoredGallery>,
    render: &RenderOptions,
    progress: &Reporter,
) -> anyhow::Result<Sorted> {
    let limits = render.limits;
    progress.begin(Stage::Checking, photos.len() as u64);
    let hashed = {
        let progress = progress.clone();
        tokio::task::spawn_blocking(move || {
            photos
                .into_par_iter()
                .map(|photo| {
                    let id = original::check(&photo.path, &limits);
                    progress.advance(Stage::Checking);
                    (photo, id)
                })
                .collect::<Vec<_>>()
        })
        .await?
    };
    progress.end(Stage::Checking);
    let mut existing: HashMap<ImageId, StoredImage> = existing
        .iter()
        .flat_map(|g| g.images.iter().map(|i| (i.id.clone(), i.clone())))
        .collect();
    let mut seen: HashMap<ImageId, String> = HashMap::new();
    let mut new = Vec::new();
    let mut images = Vec::new();
    let mut skipped = Vec::new();
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
            Some(image) => {
                let image = StoredImage {
                    set: photo.set.clone(),
                    ..image
                };
                if lacks_downloads(&image, render.downloads) {
                    new.push((photo, id, Some(image.clone())));
                }
                images.push(image);
            }
            None => new.push((photo, id, None)),
        }
    }
    let already_published = images.len();
    let mut not_in_folder: Vec<String> = existing.values().map(rel_path).collect();
    not_in_folder.sort_by_cached_key(|rel| rel_order(rel));
    images.extend(existing.into_values());
    Ok(Sorted {
        new,
        images,
        already_published,
        not_in_folder,
        skipped,
    })
}

/// Whether a photo lacks the download files `downloads` needs.
fn lacks_downloads(image: &StoredImage, downloads: Downloads) -> bool {
    match downloads {
        Downloads::None => false,
        Downloads::Web => image.web.is_none(),
        Downloads::Full => image.web.is_none() || image.full.is_none(),
    }
}

/// What this run asks for. A resumed publish keeps what its first run was
/// asked for, unless this run says otherwise.
fn terms(request: &PublishRequest, resumed: Option<&DraftTerms>) -> DraftTerms {
    let (title, label, rules) = (&request.title, &request.label, &request.rules);
    match resumed {
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
    }
}

/// The gallery as it will be after this publish; for a new gallery, with
/// the tokens of its first share link and studio page.
fn assemble(
    target: Target,
    terms: DraftTerms,
    images: Vec<StoredImage>,
    folder_name: String,
) -> (StoredGallery, Option<(ShareToken, ShareToken)>) {
    match target.existing {
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
            let gallery = StoredGallery {
                id: target.id,
                title: terms.title.unwrap_or(folder_name),
                rules: terms.rules,
                locked_at: None,
                offline_window: None,
                cover: None,
                images,
            };
            (
                gallery,
                Some((crate::secret::new_token(), crate::secret::new_token())),
            )
        }
    }
}

/// Makes the publish visible in one transaction; answers the gallery and
/// its live links (token hash, expiry).
async fn commit(
    db: &Db,
    gallery: StoredGallery,
    first_link: Option<&(ShareToken, ShareToken)>,
    label: String,
    source_dir: String,
    update_terms: bool,
    now: i64,
) -> anyhow::Result<(StoredGallery, Vec<(Vec<u8>, LinkTerms)>)> {
    let hashes = first_link.map(|(token, studio)| {
        (
            crate::secret::token_hash(token.as_str()),
            crate::secret::token_hash(studio.as_str()),
        )
    });
    blocking(db, move |db| {
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
            .filter(|(g, _, _, _)| *g == gallery.id)
            .map(
                |(_, hash, expires_at, (downloads, download_pin)): LiveLink| {
                    (
                        hash,
                        LinkTerms {
                            expires_at,
                            downloads,
                            download_pin,
                        },
                    )
                },
            )
            .collect();
        Ok((gallery, links))
    })
    .await
}

/// Writes each live link's manifest mirror. The gallery is published;
/// mirrors are a fallback that `serve` rewrites anyway, so failing to write
/// one here is a warning, not an error.
async fn write_mirrors(
    db: &Db,
    store: &ObjectStore,
    gallery: &StoredGallery,
    links: &[(Vec<u8>, LinkTerms)],
    policy: &SigningPolicy,
    now: i64,
) {
    for (hash, link) in links {
        if let Err(e) =
            crate::signing::mirror::write_mirror(db, store, gallery, hash, *link, policy, now).await
        {
            tracing::warn!("could not write a manifest mirror: {e:#}");
        }
    }
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

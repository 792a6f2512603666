//! The folder being published: its photo files in gallery order (top-level
//! photos first, then sets, sub-folders, in natural order: "IMG 2" before
//! "IMG 10"), files that cannot be published where they are, and each
//! photo's id (the start of its original's SHA-256).

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use proofline_core::ImageId;
use proofline_core::manifest::validate_set_name;
use sha2::{Digest, Sha256};

use super::Skipped;
use crate::db::StoredImage;

/// A photo file found in the folder.
#[derive(Debug, Clone)]
pub(super) struct Photo {
    pub(super) path: PathBuf,
    /// Path relative to the published folder, `/`-separated.
    pub(super) rel: String,
    pub(super) file_name: String,
    pub(super) set: Option<String>,
}

/// Photo files under `dir`, in gallery order, and files that cannot be
/// published where they are. Hidden files and folders are ignored.
pub(super) fn list_photos(dir: &Path) -> anyhow::Result<(Vec<Photo>, Vec<Skipped>)> {
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
pub(super) fn rel_path(image: &StoredImage) -> String {
    match &image.set {
        Some(set) => format!("{}/{}", set.replace(" / ", "/"), image.file_name),
        None => image.file_name.clone(),
    }
}

type NaturalKey = Vec<(String, u64)>;
type GalleryOrder = (Option<Vec<NaturalKey>>, (NaturalKey, String));

/// Gallery order of a path relative to the published folder.
pub(super) fn rel_order(rel: &str) -> GalleryOrder {
    match rel.rsplit_once('/') {
        Some((folders, name)) => gallery_order(Some(&folders.replace('/', " / ")), name),
        None => gallery_order(None, rel),
    }
}

/// Gallery order: top-level photos first, then sets in natural order (folder
/// by folder), each in folder order.
pub(super) fn gallery_order(set: Option<&str>, file_name: &str) -> GalleryOrder {
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

/// The id a photo gets: the start of its original's SHA-256.
pub(super) fn original_id(path: &Path) -> Result<ImageId, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot be read ({e})"))?;
    if bytes.is_empty() {
        return Err("the file is empty".into());
    }
    Ok(image_id_of(&bytes))
}

pub(super) fn image_id_of(original: &[u8]) -> ImageId {
    ImageId::parse(&hex::encode(Sha256::digest(original))[..16]).expect("hex is a valid id")
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

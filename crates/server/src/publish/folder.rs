//! The folder being published: its photo files in gallery order (top-level
//! photos first, then sets, sub-folders, in natural order: "IMG 2" before
//! "IMG 10"), and what cannot be published where it is. Symbolic links are
//! not followed, and a sub-folder or file that cannot be read is named with
//! the reason: neither stops the publish.

use std::fs::ReadDir;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use proofline_core::manifest::validate_set_name;

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

/// Photo files under `dir`, in gallery order, and what cannot be published
/// where it is. Hidden files and folders are ignored. Only `dir` itself
/// must be readable.
pub(super) fn list_photos(dir: &Path) -> anyhow::Result<(Vec<Photo>, Vec<Skipped>)> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the folder {}", dir.display()))?;
    let mut photos = Vec::new();
    let mut skipped = Vec::new();
    walk(entries, &[], &mut photos, &mut skipped);
    photos.sort_by_cached_key(|p| gallery_order(p.set.as_deref(), &p.file_name));
    Ok((photos, skipped))
}

fn walk(entries: ReadDir, folders: &[String], photos: &mut Vec<Photo>, skipped: &mut Vec<Skipped>) {
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let folder = match folders.join("/") {
                    top if top.is_empty() => ".".to_string(),
                    folder => folder,
                };
                skip(
                    skipped,
                    folder,
                    format!("is a folder that could not be read to the end ({e})"),
                );
                break;
            }
        };
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let rel = folders
            .iter()
            .chain([&name])
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("/");
        let kind = match entry.file_type() {
            Ok(kind) => kind,
            Err(e) => {
                skip(skipped, rel, format!("cannot be read ({e})"));
                continue;
            }
        };
        let path = entry.path();
        if kind.is_symlink() {
            skip(
                skipped,
                rel,
                "is a symbolic link: links are not followed (put the photo itself in the folder)"
                    .into(),
            );
        } else if kind.is_dir() {
            match std::fs::read_dir(&path) {
                Ok(inner_entries) => {
                    let mut inner = folders.to_vec();
                    inner.push(name);
                    walk(inner_entries, &inner, photos, skipped);
                }
                Err(e) => skip(
                    skipped,
                    rel,
                    format!("is a folder that cannot be read ({e}): nothing in it was published"),
                ),
            }
        } else if kind.is_file() {
            // A sub-folder is a set; a deeper one is named by its whole path.
            let set = (!folders.is_empty()).then(|| folders.join(" / "));
            if let Some(Err(e)) = set.as_deref().map(validate_set_name) {
                skip(skipped, rel, format!("its folder cannot name a set: {e}"));
                continue;
            }
            photos.push(Photo {
                path,
                rel,
                file_name: name,
                set,
            });
        } else {
            skip(
                skipped,
                rel,
                "is not a file (a device, pipe or socket)".into(),
            );
        }
    }
}

fn skip(skipped: &mut Vec<Skipped>, file: String, reason: String) {
    skipped.push(Skipped { file, reason });
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

    #[test]
    fn links_and_unreadable_folders_are_skipped_with_the_reason() {
        use std::os::unix::fs::{PermissionsExt as _, symlink};
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("elsewhere.jpg"), b"x").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("IMG 1.jpg"), b"x").unwrap();
        symlink(outside.path().join("elsewhere.jpg"), root.join("IMG 2.jpg")).unwrap();
        symlink(outside.path(), root.join("Linked set")).unwrap();
        symlink(root.join("missing.jpg"), root.join("IMG 3.jpg")).unwrap();
        let locked = root.join("Locked");
        std::fs::create_dir(&locked).unwrap();
        std::fs::write(locked.join("IMG 4.jpg"), b"x").unwrap();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
        // Root (as tests often run) reads any folder: then it is published.
        let privileged = std::fs::read_dir(&locked).is_ok();

        let (photos, mut skipped) = list_photos(root).unwrap();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
        skipped.sort_by_cached_key(|s| rel_order(&s.file));
        let rels: Vec<_> = photos.iter().map(|p| p.rel.as_str()).collect();
        let mut reasons: Vec<_> = skipped
            .iter()
            .map(|s| (s.file.as_str(), s.reason.as_str()))
            .collect();
        if privileged {
            assert_eq!(rels, ["IMG 1.jpg", "Locked/IMG 4.jpg"]);
        } else {
            assert_eq!(rels, ["IMG 1.jpg"]);
            let (file, reason) = reasons.pop().unwrap();
            assert_eq!(file, "Locked");
            assert!(
                reason.starts_with("is a folder that cannot be read (Permission denied"),
                "{reason}"
            );
        }
        let link =
            "is a symbolic link: links are not followed (put the photo itself in the folder)";
        assert_eq!(
            reasons,
            [
                ("IMG 2.jpg", link),
                ("IMG 3.jpg", link),
                ("Linked set", link)
            ]
        );
    }
}

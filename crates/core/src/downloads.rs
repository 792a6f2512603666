//! Downloads: what a share link lets its customer take away ([`Downloads`],
//! set by the studio per link), the names files get on the customer's
//! device ([`entry_names`]), and the ZIP archive the app builds on the
//! device from the photos' verified bytes ([`zip`]).

pub mod zip;

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::manifest::Image;

/// What a link may download: set by the studio per link.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Downloads {
    /// Nothing: the customer can only look (the default).
    #[default]
    None,
    /// The `web` rendition: 2048 px on the long edge, for sharing online.
    Web,
    /// The studio's full-size file.
    Full,
}

impl Downloads {
    pub const ALL: [Downloads; 3] = [Downloads::None, Downloads::Web, Downloads::Full];

    pub fn as_str(self) -> &'static str {
        match self {
            Downloads::None => "none",
            Downloads::Web => "web",
            Downloads::Full => "full",
        }
    }

    /// Reads the studio's word for it; the error says what is accepted.
    pub fn parse(text: &str) -> Result<Downloads, String> {
        Downloads::ALL
            .into_iter()
            .find(|d| d.as_str() == text)
            .ok_or_else(|| format!("downloads are `none`, `web` or `full` (got {text:?})"))
    }
}

/// Long edge of the `web` rendition, in pixels.
pub const WEB_EDGE: u32 = 2048;

/// Longest file name kept in a ZIP or a download, in characters (before
/// its extension); longer ones are cut.
const MAX_NAME_CHARS: usize = 120;

/// The name each photo's file gets on the customer's device: the studio's
/// published file name, inside a folder named after its set, made safe
/// for every file system (no path separators, control characters or
/// leading dots; Windows' reserved characters replaced) and unique within
/// one download (`IMG_1 (2).jpg`). The extension is the downloaded file's
/// (`.jpg` for a rendition the studio re-encoded).
pub fn entry_names(images: &[&Image], extension_of: impl Fn(&Image) -> String) -> Vec<String> {
    let mut taken = HashSet::new();
    images
        .iter()
        .map(|image| {
            let (stem, _) = split_extension(&image.file_name);
            let ext = extension_of(image);
            // A nested set ("Ceremony / Family") is a folder in a folder.
            let folder: String = image
                .set
                .iter()
                .flat_map(|set| set.split(" / "))
                .map(|part| format!("{}/", safe_component(part, "Set")))
                .collect();
            let stem = safe_component(stem, image.id.as_str());
            let mut name = format!("{folder}{stem}.{ext}");
            let mut n = 2;
            while !taken.insert(name.to_lowercase()) {
                name = format!("{folder}{stem} ({n}).{ext}");
                n += 1;
            }
            name
        })
        .collect()
}

/// The extension of a published file name (lowercase, without its dot),
/// `jpg` if it has none.
pub fn extension(file_name: &str) -> String {
    match split_extension(file_name) {
        (_, Some(ext)) => ext.to_lowercase(),
        (_, None) => "jpg".into(),
    }
}

fn split_extension(name: &str) -> (&str, Option<&str>) {
    match name.rsplit_once('.') {
        Some((stem, ext))
            if !stem.is_empty() && !ext.is_empty() && ext.chars().all(char::is_alphanumeric) =>
        {
            (stem, Some(ext))
        }
        _ => (name, None),
    }
}

/// One path component, safe on every file system; `fallback` if nothing
/// of it is left.
fn safe_component(text: &str, fallback: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .take(MAX_NAME_CHARS)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    if cleaned.is_empty() {
        fallback.to_owned()
    } else {
        cleaned.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::ImageId;

    fn image(id: &str, file_name: &str, set: Option<&str>) -> Image {
        let r = crate::Rendition {
            width: 1,
            height: 1,
            bytes: 1,
            sha256: crate::ContentHash::from_digest(&[0; 32]),
            url: "https://s/x".into(),
            expires_at: 1,
            fallbacks: vec![],
        };
        Image {
            id: ImageId::parse(id).unwrap(),
            file_name: file_name.into(),
            alt: String::new(),
            width: 1,
            height: 1,
            thumbhash: String::new(),
            renditions: crate::Renditions {
                thumb: r.clone(),
                proof: r,
                download: None,
            },
            set: set.map(str::to_owned),
        }
    }

    fn names(images: &[Image]) -> Vec<String> {
        let refs: Vec<&Image> = images.iter().collect();
        entry_names(&refs, |i| extension(&i.file_name))
    }

    #[test]
    fn published_names_are_kept_in_their_sets_and_made_unique() {
        let images = [
            image("a1", "Café terrace.jpg", None),
            image("a2", "IMG_1.JPG", Some("Ceremony")),
            image("a3", "img_1.jpg", Some("Ceremony")),
            image("a4", "IMG_1.jpg", Some("Ceremony / Family")),
            image("a5", "IMG_1.jpg", Some("Ceremony")),
        ];
        assert_eq!(
            names(&images),
            [
                "Café terrace.jpg",
                "Ceremony/IMG_1.jpg",
                "Ceremony/img_1 (2).jpg",
                "Ceremony/Family/IMG_1.jpg",
                "Ceremony/IMG_1 (3).jpg",
            ]
        );
    }

    #[test]
    fn names_cannot_leave_the_archive_or_hide() {
        let images = [
            image("b1", "../../etc/passwd.jpg", None),
            image("b2", ".hidden.png", Some("..")),
            image("b3", "a\u{0}b:c?.jpg", None),
            image("b4", "   .jpg", None),
            image("b5", "noext", None),
        ];
        assert_eq!(
            names(&images),
            [
                "_.._etc_passwd.jpg",
                "Set/hidden.png",
                "a_b_c_.jpg",
                "b4.jpg",
                "noext.jpg",
            ]
        );
        let long = image("c1", &format!("{}.jpg", "x".repeat(500)), None);
        assert_eq!(names(&[long])[0].chars().count(), MAX_NAME_CHARS + 4);
    }

    #[test]
    fn the_studio_setting_reads_back() {
        for d in Downloads::ALL {
            assert_eq!(Downloads::parse(d.as_str()), Ok(d));
        }
        assert!(Downloads::parse("all").unwrap_err().contains("`web`"));
        assert_eq!(Downloads::default(), Downloads::None);
    }
}

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

/// What a link offers a request: what it `allows`, or, while it has a
/// download PIN not yet `unlocked` by its pass, nothing, and `true`: ask
/// for the PIN. A link that downloads nothing never asks.
pub fn offered(allows: Downloads, unlocked: bool) -> (Downloads, bool) {
    match (allows, unlocked) {
        (Downloads::None, _) => (Downloads::None, false),
        (allows, true) => (allows, false),
        (_, false) => (Downloads::None, true),
    }
}

/// Long edge of the `web` rendition, in pixels.
pub const WEB_EDGE: u32 = 2048;

/// Longest file name kept in a ZIP or a download, in characters (before
/// its extension); longer ones are cut.
const MAX_NAME_CHARS: usize = 120;

/// The names files get on the customer's device, one download at a time:
/// the studio's published file name, inside a folder named after its set
/// (a nested set, "Ceremony / Family", is a folder in a folder), made safe
/// for every file system (no path separators, control characters or
/// leading dots; Windows' reserved characters replaced) and unique within
/// one download (`IMG_1 (2).jpg`, compared without case).
#[derive(Debug, Default)]
pub struct EntryNames {
    taken: HashSet<String>,
}

impl EntryNames {
    /// The next photo's name in the archive, with the downloaded file's
    /// extension (`jpg` for a rendition the studio re-encoded).
    pub fn name(&mut self, image: &Image, extension: &str) -> String {
        let (stem, _) = split_extension(&image.file_name);
        let folder: String = image
            .set
            .iter()
            .flat_map(|set| set.split(" / "))
            .map(|part| format!("{}/", safe_component(part, "Set")))
            .collect();
        let stem = safe_component(stem, image.id.as_str());
        let mut name = format!("{folder}{stem}.{extension}");
        let mut n = 2;
        // Compared as case-insensitive file systems do, for ASCII (Unicode
        // case tables would add kilobytes to the app for rare clashes).
        while !self.taken.insert(name.to_ascii_lowercase()) {
            name = format!("{folder}{stem} ({n}).{extension}");
            n += 1;
        }
        name
    }
}

/// The file name alone (no set folder) one photo downloads as.
pub fn file_name(image: &Image, extension: &str) -> String {
    let name = EntryNames::default().name(image, extension);
    match name.rsplit_once('/') {
        Some((_, file)) => file.to_owned(),
        None => name,
    }
}

/// A file's extension and type, told from its first bytes: a PNG, else
/// the JPEG every rendition is.
pub fn kind_of(bytes: &[u8]) -> (&'static str, &'static str) {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        ("png", "image/png")
    } else {
        ("jpg", "image/jpeg")
    }
}

/// A ZIP's name for the gallery: "Smith wedding - favourites.zip".
pub fn zip_name(title: &str, what: &str) -> String {
    format!(
        "{} - {what}.zip",
        safe_component(title, crate::wording::labels::PHOTOS)
    )
}

fn split_extension(name: &str) -> (&str, Option<&str>) {
    match name.rsplit_once('.') {
        Some((stem, ext))
            if !stem.is_empty()
                && !ext.is_empty()
                && ext.bytes().all(|b| b.is_ascii_alphanumeric()) =>
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

    #[test]
    fn a_download_pin_holds_back_downloads_until_its_pass() {
        assert_eq!(offered(Downloads::Web, false), (Downloads::None, true));
        assert_eq!(offered(Downloads::Full, true), (Downloads::Full, false));
        assert_eq!(offered(Downloads::None, false), (Downloads::None, false));
        assert_eq!(offered(Downloads::None, true), (Downloads::None, false));
    }

    fn names(images: &[Image]) -> Vec<String> {
        let mut names = EntryNames::default();
        images
            .iter()
            .map(|i| {
                let ext = split_extension(&i.file_name).1.unwrap_or("jpg");
                names.name(i, &ext.to_lowercase())
            })
            .collect()
    }

    #[test]
    fn one_file_keeps_its_name_without_the_folder_and_its_type_comes_from_its_bytes() {
        let mut one = image("d1", "Café #1.JPG", Some("Ceremony"));
        assert_eq!(file_name(&one, "jpg"), "Café #1.jpg");
        one.set = None;
        assert_eq!(file_name(&one, "png"), "Café #1.png");
        assert_eq!(kind_of(b"\x89PNG\r\n\x1a\n...."), ("png", "image/png"));
        assert_eq!(kind_of(&[0xFF, 0xD8, 0xFF]), ("jpg", "image/jpeg"));
        assert_eq!(
            zip_name("Smith / Jones", "favourites"),
            "Smith _ Jones - favourites.zip"
        );
        assert_eq!(zip_name("..", "all"), "Photos - all.zip");
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

//! The gallery manifest: everything the client needs to show a gallery
//! without asking the origin again: images, their sizes, placeholders, content
//! hashes and signed URLs, plus the server's clock for skew correction.
//!
//! Version 1 spells every photo out; version 2 ([`compact`]) says what the
//! photos' URLs share once, about a quarter of the bytes. [`Manifest`] is
//! the photos in full either way (a compact one's URLs stay in their parts
//! in memory, [`SignedUrl`]): [`Manifest::to_json`] writes version 2
//! whenever it says the photos exactly, [`Manifest::to_full_json`] version 1
//! (for readers that ask for it).
//!
//! [`Manifest::from_json`] is the only way in from the network or the disk: it
//! parses and validates in one go and says exactly what is wrong and where.

use serde::{Deserialize, Deserializer, Serialize};

use crate::ids::{ContentHash, GalleryId, ImageId};
use crate::proofing::SelectionRules;

/// The manifest format spelt out in full, and the `version` of every
/// [`Manifest`] in memory (a compact one is read into it).
pub const MANIFEST_VERSION: u64 = 1;

pub use compact::{COMPACT_VERSION, encode_key, fit};

/// The query (with `form=compact`) that asks an origin for a first
/// screen's copy of a manifest: only its first [`FIRST_SCREEN_PHOTOS`]
/// photos, so the first thumbnails wait for a few kilobytes, not for a
/// large gallery's whole manifest (178 kB compressed at 1,000 photos).
pub const FIRST_SCREEN_QUERY: &str = "part=first";

/// How many photos a first screen's copy lists: more than a desktop's
/// first screen shows (about 40 at 1920 x 1080) and about 11 kB
/// compressed.
pub const FIRST_SCREEN_PHOTOS: usize = 60;
pub use signed_url::SignedUrl;

/// A published gallery as the client sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub version: u64,
    pub gallery: GalleryId,
    pub title: String,
    /// The origin's clock (Unix seconds) when it produced this manifest. Expiry is
    /// judged against server time, never against the phone's clock alone.
    pub server_time: i64,
    /// A signed URL of this gallery's manifest mirror in object storage: the
    /// same manifest with long-lived image URLs, rewritten by the origin every
    /// time it signs. The client keeps it, so it can refresh its URLs from the
    /// store while the origin is down.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mirror: Option<String>,
    /// Every origin serving the studio (`scheme://host[:port]`), in the
    /// studio's order of preference: the app asks the next one when one is
    /// down (see [`crate::origins`]). Empty from an origin that lists none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub origins: Vec<String>,
    /// The studio's selection rules (none: choose freely).
    #[serde(default, skip_serializing_if = "SelectionRules::is_empty")]
    pub rules: SelectionRules,
    /// Unix seconds when the studio locked the gallery: choices are final.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locked_at: Option<i64>,
    /// Unix seconds (server time) when this link stops opening the gallery;
    /// the app says so ahead of time and forgets the gallery after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    /// The gallery's offline window in seconds (see [`crate::offline`]):
    /// absent for the default, so apps built before it existed still read
    /// the manifests of galleries that keep the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offline_window: Option<i64>,
    /// The photo the studio chose to head the gallery (one of `images`;
    /// the app shows none when it is not among them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cover: Option<ImageId>,
    /// The link may download once its download PIN is given: until the
    /// app sends that PIN's pass, no photo carries a download. Absent
    /// (false) otherwise, so apps built before it existed still read the
    /// manifests of links without one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub download_pin: bool,
    /// Set on a first screen's copy ([`FIRST_SCREEN_QUERY`]): the gallery
    /// has this many photos and `images` lists only the first of them. The
    /// app shows it while the whole manifest comes, and never keeps it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_of: Option<u32>,
    /// Last, so that a manifest's photos can be spliced in ([`splice`]).
    #[serde(deserialize_with = "compact::images")]
    pub images: Vec<Image>,
}

/// One photo and its renditions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Image {
    pub id: ImageId,
    /// The studio's original file name, for the studio's editing tools.
    pub file_name: String,
    /// Text alternative read by screen readers.
    pub alt: String,
    /// Size of the oriented original, in pixels.
    #[serde(deserialize_with = "non_negative")]
    pub width: u32,
    #[serde(deserialize_with = "non_negative")]
    pub height: u32,
    /// ThumbHash of the image, standard base64 (about 28 bytes decoded).
    pub thumbhash: String,
    pub renditions: Renditions,
    /// The set (the studio's sub-folder, "Ceremony") the photo belongs to;
    /// none for photos at the top of the gallery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set: Option<String>,
}

/// Longest set name, in characters.
pub const MAX_SET_NAME_CHARS: usize = 100;

/// Checks a set's name: not blank, at most [`MAX_SET_NAME_CHARS`] characters.
pub fn validate_set_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("a set's name must not be empty".into());
    }
    let chars = name.chars().count();
    if chars > MAX_SET_NAME_CHARS {
        return Err(format!(
            "a set's name must be at most {MAX_SET_NAME_CHARS} characters (this one has {chars})"
        ));
    }
    Ok(())
}

/// The sizes of each photo the studio publishes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Renditions {
    /// Grid tile, about 400 px on the long edge.
    pub thumb: Rendition,
    /// Lightbox view, about 1600 px on the long edge, possibly watermarked.
    pub proof: Rendition,
    /// The file this link may download (see [`crate::downloads`]): the
    /// `web` size (2048 px) or the full-size original. Absent when the
    /// studio allows no downloads, so apps built before it existed still
    /// read the manifests of links without them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download: Option<Rendition>,
}

/// Which rendition of a photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RenditionKind {
    Thumb,
    Proof,
}

impl RenditionKind {
    pub const ALL: [RenditionKind; 2] = [RenditionKind::Thumb, RenditionKind::Proof];

    pub fn as_str(self) -> &'static str {
        match self {
            RenditionKind::Thumb => "thumb",
            RenditionKind::Proof => "proof",
        }
    }
}

impl Renditions {
    pub fn get(&self, kind: RenditionKind) -> &Rendition {
        match kind {
            RenditionKind::Thumb => &self.thumb,
            RenditionKind::Proof => &self.proof,
        }
    }

    /// Every file of the photo, named as in the manifest: the thumb, the
    /// proof and the download when there is one.
    pub fn each(&self) -> impl Iterator<Item = (&'static str, &Rendition)> {
        [("thumb", &self.thumb), ("proof", &self.proof)]
            .into_iter()
            .chain(self.download.as_ref().map(|r| ("download", r)))
    }
}

/// One encoded file in object storage and the signed URL that reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rendition {
    #[serde(deserialize_with = "non_negative")]
    pub width: u32,
    #[serde(deserialize_with = "non_negative")]
    pub height: u32,
    /// Exact size of the file in bytes.
    #[serde(deserialize_with = "non_negative")]
    pub bytes: u64,
    pub sha256: ContentHash,
    /// Signed GET URL straight to the object store or CDN; never the origin.
    pub url: SignedUrl,
    /// Unix seconds (server time) after which `url` stops working.
    pub expires_at: i64,
    /// Other signed URLs of the same bytes, to try in order when `url` fails
    /// (a CloudFront URL first, then S3 straight).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fallbacks: Vec<Fallback>,
}

impl Rendition {
    /// Every signed URL of the file with its expiry, in the order to try
    /// them.
    pub fn urls(&self) -> impl Iterator<Item = (&SignedUrl, i64)> {
        std::iter::once((&self.url, self.expires_at))
            .chain(self.fallbacks.iter().map(|f| (&f.url, f.expires_at)))
    }
}

/// Another signed URL of a rendition's bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fallback {
    /// Signed GET URL straight to the object store; never the origin.
    pub url: SignedUrl,
    /// Unix seconds (server time) after which `url` stops working.
    pub expires_at: i64,
}

/// What is wrong with a manifest, said precisely enough to find it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    #[error("the manifest is not valid JSON: {0}")]
    NotJson(String),
    #[error(
        "manifest version {found} is not supported (this app reads versions {MANIFEST_VERSION} and {COMPACT_VERSION})"
    )]
    UnknownVersion { found: String },
    #[error("the manifest is missing `{path}`")]
    MissingField { path: String },
    #[error("`{path}` must not be negative (got {value})")]
    NegativeSize { path: String, value: i64 },
    #[error("image id `{id}` appears more than once")]
    DuplicateImageId { id: ImageId },
    #[error("`{path}` must be an http(s) URL (got {url:?})")]
    BadUrl { path: String, url: String },
    #[error("`{path}` is invalid: {message}")]
    Invalid { path: String, message: String },
}

/// Marker that lets [`Manifest::from_json`] recognise our own negative-size error
/// among serde's messages.
const NEGATIVE: &str = "negative size: ";

/// Reads a size as any JSON integer, so that a negative one gets its own error
/// (with its value) rather than serde's generic "invalid value", and so that every
/// `u64` the writer can produce is read back.
fn non_negative<'de, D, T>(de: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<u64>,
{
    struct Size<T>(std::marker::PhantomData<T>);

    impl<T: TryFrom<u64>> serde::de::Visitor<'_> for Size<T> {
        type Value = T;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a whole number of at least 0")
        }

        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<T, E> {
            T::try_from(v).map_err(|_| E::custom(format!("{v} is too large")))
        }

        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<T, E> {
            match u64::try_from(v) {
                Ok(v) => self.visit_u64(v),
                Err(_) => Err(E::custom(format!("{NEGATIVE}{v}"))),
            }
        }
    }

    de.deserialize_u64(Size(std::marker::PhantomData))
}

impl Manifest {
    /// `images` of `gallery`, made at `server_time`, with nothing else said:
    /// no mirror, origins, rules, lock, expiry, cover or download PIN, and
    /// the default offline window.
    pub fn new(
        gallery: GalleryId,
        title: impl Into<String>,
        server_time: i64,
        images: Vec<Image>,
    ) -> Manifest {
        Manifest {
            version: MANIFEST_VERSION,
            gallery,
            title: title.into(),
            server_time,
            mirror: None,
            origins: Vec::new(),
            rules: SelectionRules::default(),
            locked_at: None,
            expires_at: None,
            offline_window: None,
            cover: None,
            download_pin: false,
            first_of: None,
            images,
        }
    }

    /// Until when (server time) a device may show this copy without reaching
    /// the studio again: its offline window from when the studio made it,
    /// never past the link's expiry.
    pub fn offline_until(&self) -> i64 {
        crate::offline::until(
            self.server_time,
            self.offline_window.unwrap_or(crate::offline::DEFAULT_SECS),
            self.expires_at,
        )
    }

    /// Parses and validates a manifest from JSON text.
    ///
    /// One pass, straight into the struct; an error says exactly what is
    /// wrong and where, its path found from where in the text the reading
    /// stopped ([`json_path`]). (One deserialiser, not a fast one and a
    /// second to explain errors, nor one wrapped to track paths: each is
    /// another copy of the manifest's reading code in the browser app.)
    pub fn from_json(text: &str) -> Result<Self, ManifestError> {
        // serde would also read a struct from a JSON array (fields by
        // position), which no writer of manifests produces.
        if !text.trim_start().starts_with('{') {
            return Err(Self::explain(text, None));
        }
        let mut de = serde_json::Deserializer::from_str(text);
        let manifest = Manifest::deserialize(&mut de).map_err(|e| Self::explain(text, Some(e)))?;
        // Text after the object: not JSON (explained as such).
        de.end().map_err(|_| Self::explain(text, None))?;
        let mut manifest = manifest;
        match manifest.version {
            MANIFEST_VERSION => {}
            COMPACT_VERSION => manifest.version = MANIFEST_VERSION,
            found => {
                return Err(ManifestError::UnknownVersion {
                    found: found.to_string(),
                });
            }
        }
        manifest.validate()?;
        Ok(manifest)
    }

    /// Why `text` is not a manifest, given the typed reading's error: not
    /// JSON, not an object, no or another version (checked first: another
    /// version's fields may differ), or the field the reading stopped at.
    #[cold]
    fn explain(text: &str, error: Option<serde_json::Error>) -> ManifestError {
        let value: serde_json::Value = match serde_json::from_str(text) {
            Ok(value) => value,
            Err(e) => return ManifestError::NotJson(e.to_string()),
        };
        let kind = match &value {
            serde_json::Value::Object(_) => None,
            serde_json::Value::Array(_) => Some("an array"),
            serde_json::Value::String(_) => Some("a string"),
            serde_json::Value::Number(_) => Some("a number"),
            serde_json::Value::Bool(_) => Some("true or false"),
            serde_json::Value::Null => Some("null"),
        };
        if let Some(kind) = kind {
            return invalid("manifest", &format!("must be a JSON object, not {kind}"));
        }
        match value.get("version") {
            None => {
                return ManifestError::MissingField {
                    path: "version".into(),
                };
            }
            Some(v) if matches!(v.as_u64(), Some(MANIFEST_VERSION | COMPACT_VERSION)) => {}
            Some(v) => {
                return ManifestError::UnknownVersion {
                    found: v.to_string(),
                };
            }
        }
        let Some(e) = error else {
            return invalid("manifest", "must be a JSON object");
        };
        let path = json_path::at(text, json_path::offset(text, e.line(), e.column()));
        // serde_json adds where in the text; the path says it better.
        let message = e.to_string();
        let message = match message.rsplit_once(" at line ") {
            Some((message, _)) => message.to_owned(),
            None => message,
        };
        classify(path, message)
    }

    /// The manifest as JSON, its photos compact (version 2) when that says
    /// them exactly, else in full.
    pub fn to_json(&self) -> String {
        let Some(photos) = compact::Photos::of(&self.images) else {
            return self.to_full_json();
        };
        let head = self.head().to_full_json();
        let photos = serde_json::to_string(&photos).expect("photos always serialise");
        splice(&head, &photos, true).expect("a head serialises with its photos last")
    }

    /// The manifest as JSON, version 1: every photo spelt out.
    pub fn to_full_json(&self) -> String {
        serde_json::to_string(self).expect("a manifest always serialises")
    }

    /// The manifest without its photos.
    pub fn head(&self) -> Manifest {
        Manifest {
            version: self.version,
            gallery: self.gallery.clone(),
            title: self.title.clone(),
            server_time: self.server_time,
            mirror: self.mirror.clone(),
            origins: self.origins.clone(),
            rules: self.rules.clone(),
            locked_at: self.locked_at,
            expires_at: self.expires_at,
            offline_window: self.offline_window,
            cover: self.cover.clone(),
            download_pin: self.download_pin,
            first_of: self.first_of,
            images: Vec::new(),
        }
    }

    /// Whether this is a first screen's copy, with only the gallery's first
    /// photos ([`Manifest::first_of`]).
    pub fn is_first_screen(&self) -> bool {
        self.first_of.is_some()
    }

    /// How many photos the gallery has: all of them, also when this copy
    /// lists only the first.
    pub fn photo_count(&self) -> usize {
        self.first_of.map_or(self.images.len(), |n| n as usize)
    }

    pub fn image(&self, id: &ImageId) -> Option<&Image> {
        self.images.iter().find(|i| &i.id == id)
    }

    /// The earliest moment (server time) at which any URL in the manifest
    /// expires, fallbacks included.
    pub fn earliest_expiry(&self) -> Option<i64> {
        self.images
            .iter()
            .flat_map(|i| RenditionKind::ALL.map(|k| i.renditions.get(k)))
            .flat_map(|r| {
                std::iter::once(r.expires_at).chain(r.fallbacks.iter().map(|f| f.expires_at))
            })
            .min()
    }
}

/// The photos' JSON, `images` (a list, or [`compact::Photos`] when
/// `compact`), spliced into `head`, a manifest without photos serialised
/// ([`Manifest::to_full_json`]): the whole manifest, byte for byte what
/// serialising it would give. None when `head` is not such a manifest.
pub fn splice(head: &str, images: &str, compact: bool) -> Option<String> {
    const OPEN: &str = r#"{"version":1,"#;
    const NO_IMAGES: &str = r#""images":[]}"#;
    let middle = head.strip_prefix(OPEN)?.strip_suffix(NO_IMAGES)?;
    let version = if compact {
        COMPACT_VERSION
    } else {
        MANIFEST_VERSION
    };
    Some(format!(
        r#"{{"version":{version},{middle}"images":{images}}}"#
    ))
}

fn invalid(path: &str, message: &str) -> ManifestError {
    ManifestError::Invalid {
        path: path.into(),
        message: message.into(),
    }
}

/// Turns serde's error at `path` into ours. Paths read like
/// `images[0].renditions.thumb` (empty at the top level); a missing field is
/// reported at the object that lacks it, so its name is appended here.
fn classify(path: String, message: String) -> ManifestError {
    let path = if path.is_empty() { None } else { Some(path) };
    if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or_default();
        let path = match path {
            Some(object) => format!("{object}.{field}"),
            None => field.to_string(),
        };
        return ManifestError::MissingField { path };
    }
    let path = path.unwrap_or_else(|| "manifest".into());
    if let Some(rest) = message.strip_prefix(NEGATIVE) {
        let value = rest.trim().parse().unwrap_or(-1);
        return ManifestError::NegativeSize { path, value };
    }
    ManifestError::Invalid { path, message }
}

pub mod compact;
mod json_path;
mod shown;
mod signed_url;
#[cfg(test)]
mod tests;
mod validate;

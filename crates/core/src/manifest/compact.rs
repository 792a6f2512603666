//! The manifest's compact form (version 2): a gallery's photos with what
//! their signed URLs share said once.
//!
//! Written out in full (version 1) a photo takes about 1,220 bytes, nearly
//! all of it URLs that differ only in the object's key and signature. Here
//! each *source* a rendition is read from (the store's presigned URLs; with
//! CloudFront, its URL first and the store's after) is given once: the
//! `base` before an object's key, the `query` every URL of it carries and,
//! for a store that signs each object (SigV4), the query parameter that
//! signature goes in, last. A photo then holds only its own: ids, sizes,
//! content hashes and signatures (base64url), and keys and rendition sizes
//! only where they are not the layout `proofline publish` writes (the key
//! `{id}/{kind}/{stem}.jpg`, the size [`fit`] to the gallery's long edge).
//!
//! - A photo is an array `[id, file_name, width, height, thumbhash, thumb,
//!   proof, more?]`; `more` holds `alt` (when it is not the file's stem),
//!   `set` and `download`.
//! - A file is `[bytes, sha256, [signatures], width?, height?, key?]`; a
//!   width of 0 is derived.
//!
//! [`Photos::of`] makes the compact form only when expanding it gives the
//! photos back exactly (else the writer keeps version 1), so reading one
//! ([`Photos::expand`]) loses nothing.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde::de::{Error as _, MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Fallback, Image, Rendition, Renditions, SignedUrl, non_negative};
use crate::ids::{ContentHash, ImageId};

/// The version number of a manifest whose photos are in compact form.
pub const COMPACT_VERSION: u64 = 2;

/// A gallery's photos, compact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Photos {
    /// Where every file is read from, in the order to try them.
    pub sources: Vec<Source>,
    /// The long edges (thumb, proof, download) a file's size is fit to
    /// when the file does not give it.
    pub edges: [u32; 3],
    pub list: Vec<Photo>,
}

/// What every URL of one source shares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Everything before an object's key: `https://host/bucket/galleries/g1/`.
    pub base: String,
    /// The query every URL carries, without `?`.
    pub query: String,
    /// The query parameter each object's own signature (hex) goes in, last;
    /// none when the query alone signs (a CloudFront policy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// Unix seconds (server time) after which the URLs stop working.
    pub expires_at: i64,
}

/// One photo, compact (an array on the wire).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Photo {
    id: ImageId,
    file_name: String,
    #[serde(deserialize_with = "non_negative")]
    width: u32,
    #[serde(deserialize_with = "non_negative")]
    height: u32,
    thumbhash: String,
    thumb: File,
    proof: File,
    #[serde(default)]
    more: More,
}

/// What few photos have.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct More {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    alt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    set: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    download: Option<File>,
}

/// One file of a photo, compact (an array on the wire).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
struct File {
    #[serde(deserialize_with = "non_negative")]
    bytes: u64,
    sha256: String,
    signatures: Vec<String>,
    #[serde(default, deserialize_with = "non_negative")]
    width: u32,
    #[serde(default, deserialize_with = "non_negative")]
    height: u32,
    #[serde(default)]
    key: Option<String>,
}

impl Serialize for Photo {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let more = self.more != More::default();
        let mut seq = s.serialize_seq(Some(7 + usize::from(more)))?;
        seq.serialize_element(&self.id)?;
        seq.serialize_element(&self.file_name)?;
        seq.serialize_element(&self.width)?;
        seq.serialize_element(&self.height)?;
        seq.serialize_element(&self.thumbhash)?;
        seq.serialize_element(&self.thumb)?;
        seq.serialize_element(&self.proof)?;
        if more {
            seq.serialize_element(&self.more)?;
        }
        seq.end()
    }
}

impl Serialize for File {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let len = match (&self.key, self.width) {
            (Some(_), _) => 6,
            (None, 0) => 3,
            (None, _) => 5,
        };
        let mut seq = s.serialize_seq(Some(len))?;
        seq.serialize_element(&self.bytes)?;
        seq.serialize_element(&self.sha256)?;
        seq.serialize_element(&self.signatures)?;
        if len > 3 {
            seq.serialize_element(&self.width)?;
            seq.serialize_element(&self.height)?;
        }
        if let Some(key) = &self.key {
            seq.serialize_element(key)?;
        }
        seq.end()
    }
}

/// Reads a manifest's `images`: the full list (version 1) or the compact
/// form, expanded.
pub(super) fn images<'de, D: Deserializer<'de>>(de: D) -> Result<Vec<Image>, D::Error> {
    struct Either;

    impl<'de> Visitor<'de> for Either {
        type Value = Vec<Image>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a list of photos or their compact form")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Vec<Image>, A::Error> {
            Vec::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Vec<Image>, A::Error> {
            Photos::deserialize(serde::de::value::MapAccessDeserializer::new(map))?
                .expand()
                .map_err(A::Error::custom)
        }
    }

    de.deserialize_any(Either)
}

/// Scales `(w, h)` so the long edge is at most `edge`; never scales up.
pub fn fit(w: u32, h: u32, edge: u32) -> (u32, u32) {
    let long = w.max(h);
    if long <= edge {
        return (w, h);
    }
    let scale = f64::from(edge) / f64::from(long);
    (
        ((f64::from(w) * scale).round() as u32).max(1),
        ((f64::from(h) * scale).round() as u32).max(1),
    )
}

/// An object key as it goes in a URL's path: every byte but unreserved
/// characters and `/` percent-encoded (as S3 and CloudFront sign it).
pub fn encode_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    push_encoded_key(&mut out, key);
    out
}

/// Appends `key` to `out` as [`encode_key`] spells it.
fn push_encoded_key(out: &mut String, key: &str) {
    for b in key.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(char::from(HEX_UPPER[usize::from(b >> 4)]));
            out.push(char::from(HEX_UPPER[usize::from(b & 15)]));
        }
    }
}

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// A photo's file name without its extension (what `publish` keys its
/// files and titles them by).
fn stem(file_name: &str) -> &str {
    std::path::Path::new(file_name)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(file_name)
}

/// Where `publish` puts a photo's file of `kind`, past the source's base.
/// (Put together by hand: this runs for every file of every photo a
/// compact manifest lists, and `format!` is slow in the browser.)
fn standard_key(id: &ImageId, kind: &str, stem: &str) -> String {
    let id = id.as_str();
    let mut key = String::with_capacity(id.len() + kind.len() + stem.len() + 6);
    key.push_str(id);
    key.push('/');
    key.push_str(kind);
    key.push('/');
    push_encoded_key(&mut key, stem);
    key.push_str(".jpg");
    key
}

/// The download's `kind` in the standard layout: the `web` size.
const DOWNLOAD_KIND: &str = "web";

impl Photos {
    /// The compact form of `images`, if it says them exactly: every file is
    /// read from the same sources, which differ per object only in the key
    /// and a signature. None for no photos (the full form is as short).
    pub fn of(images: &[Image]) -> Option<Photos> {
        let first = images.first()?;
        let suffix = standard_key(&first.id, "thumb", stem(&first.file_name));
        let sources = first
            .renditions
            .thumb
            .urls()
            .map(|(url, expires_at)| Source::of(&url.get(), &suffix, expires_at))
            .collect::<Option<Vec<_>>>()?;
        let edge = |r: fn(&Renditions) -> Option<&Rendition>| {
            images
                .iter()
                .filter_map(|i| r(&i.renditions))
                .map(|r| r.width.max(r.height))
                .max()
                .unwrap_or(0)
        };
        let edges = [
            edge(|r| Some(&r.thumb)),
            edge(|r| Some(&r.proof)),
            edge(|r| r.download.as_ref()),
        ];
        let list = images
            .iter()
            .map(|i| Photo::of(i, &sources, edges))
            .collect::<Option<Vec<_>>>()?;
        Some(Photos {
            sources,
            edges,
            list,
        })
    }

    /// The photos in full, each URL kept as its parts ([`SignedUrl`]).
    pub fn expand(mut self) -> Result<Vec<Image>, String> {
        // Read by doubling, up to twice the photos: trimmed (in place) before
        // the photos in full are made beside it.
        self.list.shrink_to_fit();
        let signed = self
            .sources
            .iter()
            .filter(|s| s.signature.is_some())
            .count();
        if self.sources.is_empty() && !self.list.is_empty() {
            return Err("photos need at least one source".into());
        }
        // Shared by every URL read from them (see [`SignedUrl`]).
        let sources: Vec<Arc<Source>> = self.sources.into_iter().map(Arc::new).collect();
        let (sources, edges) = (&sources, self.edges);
        // Sized exactly (a fallible `collect` would grow it by doubling).
        let mut images = Vec::with_capacity(self.list.len());
        for (i, p) in self.list.into_iter().enumerate() {
            let image = p
                .expand(sources, edges, signed)
                .map_err(|m| format!("photo {i}: {m}"))?;
            images.push(image);
        }
        Ok(images)
    }
}

impl Source {
    /// The source of `url`, a thumb whose key ends the path as `suffix`.
    fn of(url: &str, suffix: &str, expires_at: i64) -> Option<Source> {
        let (path, query) = url.split_once('?')?;
        let base = path.strip_suffix(suffix)?;
        let (query, signature) = match query.rsplit_once('&') {
            Some((shared, last)) => match last.split_once('=') {
                Some((name, value)) if is_hex64(value) => (shared, Some(name.to_owned())),
                _ => (query, None),
            },
            None => (query, None),
        };
        Some(Source {
            base: base.to_owned(),
            query: query.to_owned(),
            signature,
            expires_at,
        })
    }
}

impl Photo {
    fn of(image: &Image, sources: &[Source], edges: [u32; 3]) -> Option<Photo> {
        let stem = stem(&image.file_name);
        let file = |r: &Rendition, kind: &str, edge: u32| {
            let at = Layout {
                id: &image.id,
                kind,
                stem,
                size: fit(image.width, image.height, edge),
            };
            File::of(r, &at, sources)
        };
        let r = &image.renditions;
        Some(Photo {
            id: image.id.clone(),
            file_name: image.file_name.clone(),
            width: image.width,
            height: image.height,
            thumbhash: image.thumbhash.clone(),
            thumb: file(&r.thumb, "thumb", edges[0])?,
            proof: file(&r.proof, "proof", edges[1])?,
            more: More {
                alt: (image.alt != stem).then(|| image.alt.clone()),
                set: image.set.clone(),
                download: match &r.download {
                    Some(d) => Some(file(d, DOWNLOAD_KIND, edges[2])?),
                    None => None,
                },
            },
        })
    }

    fn expand(
        self,
        sources: &[Arc<Source>],
        edges: [u32; 3],
        signed: usize,
    ) -> Result<Image, String> {
        let stem = stem(&self.file_name);
        let file = |f: File, kind: &str, edge: u32| {
            let at = Layout {
                id: &self.id,
                kind,
                stem,
                size: fit(self.width, self.height, edge),
            };
            f.expand(&at, sources, signed)
                .map_err(|m| format!("{kind}: {m}"))
        };
        let renditions = Renditions {
            thumb: file(self.thumb, "thumb", edges[0])?,
            proof: file(self.proof, "proof", edges[1])?,
            download: match self.more.download {
                Some(d) => Some(file(d, DOWNLOAD_KIND, edges[2])?),
                None => None,
            },
        };
        let alt = self.more.alt.unwrap_or_else(|| stem.to_owned());
        Ok(Image {
            id: self.id,
            file_name: self.file_name,
            alt,
            width: self.width,
            height: self.height,
            thumbhash: self.thumbhash,
            renditions,
            set: self.more.set,
        })
    }
}

/// Where the standard layout puts a file, and its size there.
struct Layout<'a> {
    id: &'a ImageId,
    kind: &'a str,
    stem: &'a str,
    size: (u32, u32),
}

impl File {
    fn of(r: &Rendition, at: &Layout, sources: &[Source]) -> Option<File> {
        let mut key = None;
        let mut signatures = Vec::new();
        let mut n = 0;
        let urls: Vec<_> = r.urls().map(|(url, at)| (url.get(), at)).collect();
        for ((url, expires_at), source) in urls.iter().zip(sources) {
            n += 1;
            if *expires_at != source.expires_at {
                return None;
            }
            let (k, query) = url.strip_prefix(source.base.as_str())?.split_once('?')?;
            if *key.get_or_insert(k) != k {
                return None;
            }
            let rest = query.strip_prefix(source.query.as_str())?;
            match &source.signature {
                None if rest.is_empty() => {}
                None => return None,
                Some(name) => {
                    let value = rest
                        .strip_prefix('&')?
                        .strip_prefix(name.as_str())?
                        .strip_prefix('=')?;
                    signatures.push(B64.encode(from_hex(value)?));
                }
            }
        }
        if n != sources.len() || n != 1 + r.fallbacks.len() {
            return None;
        }
        let key = key?;
        let derived = at.size == (r.width, r.height);
        Some(File {
            bytes: r.bytes,
            sha256: B64.encode(from_hex(r.sha256.as_str())?),
            signatures,
            width: if derived { 0 } else { r.width },
            height: if derived { 0 } else { r.height },
            key: (key != standard_key(at.id, at.kind, at.stem)).then(|| key.to_owned()),
        })
    }

    fn expand(
        self,
        at: &Layout,
        sources: &[Arc<Source>],
        signed: usize,
    ) -> Result<Rendition, String> {
        let digest = |b64: &str, what: &str| {
            B64.decode(b64)
                .ok()
                .and_then(|v| <[u8; 32]>::try_from(v).ok())
                .ok_or_else(|| format!("{what} {b64:?} is not 32 bytes of base64url"))
        };
        let sha256 = ContentHash::from_digest(&digest(&self.sha256, "sha256")?);
        if self.signatures.len() != signed {
            return Err(format!(
                "{} signatures for {signed} signing sources",
                self.signatures.len()
            ));
        }
        let key: Arc<str> = match self.key {
            Some(key) => key.into(),
            None => standard_key(at.id, at.kind, at.stem).into(),
        };
        let mut signatures = self.signatures.iter();
        let mut urls = Vec::with_capacity(sources.len());
        for source in sources {
            let signature = match &source.signature {
                Some(_) => Some(digest(
                    signatures.next().expect("counted above"),
                    "signature",
                )?),
                None => None,
            };
            urls.push(Fallback {
                url: SignedUrl::of_parts(source, &key, signature),
                expires_at: source.expires_at,
            });
        }
        let mut urls = urls.into_iter();
        let first = urls.next().ok_or("no source to read it from")?;
        let (width, height) = match self.width {
            0 => at.size,
            width => (width, self.height),
        };
        Ok(Rendition {
            width,
            height,
            bytes: self.bytes,
            sha256,
            url: first.url,
            expires_at: first.expires_at,
            fallbacks: urls.collect(),
        })
    }
}

/// 64 lowercase hex digits (what SigV4 signatures and content hashes are).
fn is_hex64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The 32 bytes 64 lowercase hex digits spell.
fn from_hex(s: &str) -> Option<[u8; 32]> {
    if !is_hex64(s) {
        return None;
    }
    let digit = |b: u8| if b <= b'9' { b - b'0' } else { b - b'a' + 10 };
    let mut out = [0; 32];
    for (o, pair) in out.iter_mut().zip(s.as_bytes().chunks(2)) {
        *o = digit(pair[0]) << 4 | digit(pair[1]);
    }
    Some(out)
}

#[cfg(test)]
mod tests;

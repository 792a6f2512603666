//! A rendition's signed URL as it is kept in memory: whole, as a manifest
//! in full (version 1) spells it, or in the parts a compact manifest gives
//! it (its source's base and query, shared by every URL of the gallery, and
//! the object's own key and signature), put together only when it is used.
//! At 10,000 photos the 20,000 URLs of about 330 bytes would be 6.6 MB of a
//! phone's memory, twice that while a refreshed copy is read beside the one
//! on screen.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::compact::Source;
use super::validate::{host_ends_in, is_graphic, is_http_url};
use crate::ids::push_hex;

/// A signed GET URL straight to the object store or CDN.
#[derive(Clone)]
pub struct SignedUrl(Repr);

#[derive(Clone)]
enum Repr {
    Whole(Arc<str>),
    /// `{base}{key}?{query}`, then `&{name}={signature in hex}` when the
    /// source signs each object.
    Parts {
        source: Arc<Source>,
        key: Arc<str>,
        signature: Option<[u8; 32]>,
    },
}

impl SignedUrl {
    /// The URL of `key` read from `source`, with the object's own
    /// `signature` when the source signs each object.
    pub(super) fn of_parts(
        source: &Arc<Source>,
        key: &Arc<str>,
        signature: Option<[u8; 32]>,
    ) -> Self {
        SignedUrl(Repr::Parts {
            source: Arc::clone(source),
            key: Arc::clone(key),
            signature,
        })
    }

    /// The URL, put together when it is kept in parts.
    pub fn get(&self) -> Cow<'_, str> {
        let (source, key, signature) = match &self.0 {
            Repr::Whole(url) => return Cow::Borrowed(url),
            Repr::Parts {
                source,
                key,
                signature,
            } => (source, key, signature),
        };
        let signed = source.signature.as_deref().zip(signature.as_ref());
        let mut url = String::with_capacity(
            source.base.len()
                + key.len()
                + 1
                + source.query.len()
                + signed.map_or(0, |(name, _)| name.len() + 66),
        );
        url.push_str(&source.base);
        url.push_str(key);
        url.push('?');
        url.push_str(&source.query);
        if let Some((name, signature)) = signed {
            url.push('&');
            url.push_str(name);
            url.push('=');
            push_hex(&mut url, signature);
        }
        Cow::Owned(url)
    }

    /// Whether this is an http(s) URL with a host, printable ASCII only
    /// (`is_http_url`). Kept in parts, with the host inside its source's
    /// base, that is checked without putting the URL together: it is asked
    /// of every URL of every manifest read.
    pub(super) fn is_http(&self) -> bool {
        match &self.0 {
            Repr::Parts { source, key, .. } if host_ends_in(&source.base) => {
                is_http_url(&source.base)
                    && is_graphic(key)
                    && is_graphic(&source.query)
                    && source.signature.as_deref().is_none_or(is_graphic)
            }
            _ => is_http_url(&self.get()),
        }
    }
}

impl fmt::Display for SignedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.get())
    }
}

impl fmt::Debug for SignedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.get(), f)
    }
}

/// The same URL, however it is kept.
impl PartialEq for SignedUrl {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Repr::Whole(a), Repr::Whole(b)) => a == b,
            (
                Repr::Parts {
                    source: a,
                    key: ka,
                    signature: sa,
                },
                Repr::Parts {
                    source: b,
                    key: kb,
                    signature: sb,
                },
            ) if Arc::ptr_eq(a, b) => ka == kb && sa == sb,
            _ => self.get() == other.get(),
        }
    }
}

impl Eq for SignedUrl {}

impl PartialEq<str> for SignedUrl {
    fn eq(&self, other: &str) -> bool {
        self.get() == other
    }
}

impl PartialEq<&str> for SignedUrl {
    fn eq(&self, other: &&str) -> bool {
        self.get() == *other
    }
}

impl From<String> for SignedUrl {
    fn from(url: String) -> Self {
        SignedUrl(Repr::Whole(url.into()))
    }
}

impl From<&str> for SignedUrl {
    fn from(url: &str) -> Self {
        SignedUrl(Repr::Whole(url.into()))
    }
}

impl Serialize for SignedUrl {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for SignedUrl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(SignedUrl::from)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn source(signature: Option<&str>) -> Arc<Source> {
        Arc::new(Source {
            base: "https://store.example/b/galleries/g1/".into(),
            query: "X-Amz-Date=20261203T120000Z".into(),
            signature: signature.map(Into::into),
            expires_at: 1,
        })
    }

    #[test]
    fn parts_read_as_the_whole_url_and_equal_it() {
        let key: Arc<str> = "p1/thumb/IMG_0001.jpg".into();
        let mut signature = [0u8; 32];
        signature[0] = 0xab;
        signature[31] = 0x0f;
        let signed = SignedUrl::of_parts(&source(Some("X-Amz-Signature")), &key, Some(signature));
        let whole = format!(
            "https://store.example/b/galleries/g1/p1/thumb/IMG_0001.jpg?X-Amz-Date=20261203T120000Z&X-Amz-Signature=ab{}0f",
            "00".repeat(30)
        );
        assert_eq!(signed.get(), whole);
        assert_eq!(signed, SignedUrl::from(whole.clone()));
        assert_eq!(
            serde_json::to_string(&signed).unwrap(),
            format!("\"{whole}\"")
        );

        let policy = SignedUrl::of_parts(&source(None), &key, None);
        assert_eq!(
            policy.to_string(),
            "https://store.example/b/galleries/g1/p1/thumb/IMG_0001.jpg?X-Amz-Date=20261203T120000Z"
        );
        assert_ne!(policy, signed);
        let other: Arc<str> = "p2/thumb/IMG_0002.jpg".into();
        assert_ne!(SignedUrl::of_parts(&source(None), &other, None), policy);
    }

    proptest! {
        /// Checking a URL kept in parts gives what checking it whole does,
        /// for bases with and without their host's end, and keys or
        /// queries with spaces, controls or other characters.
        #[test]
        fn parts_are_checked_as_the_whole_url_is(
            base in prop::sample::select(vec![
                "https://store.example/b/", "HTTP://h:9000/", "https://", "http://",
                "https://store.example", "https://u@h/x/", "http://:80/", "https:/",
                "ftp://h/", "https://h?", "https://h#/", "http://a b/", "",
            ]),
            key in "[a-z/ é\t@:.%-]{0,12}",
            query in "[A-Za-z0-9=& \n-]{0,12}",
            name in prop::option::of("[A-Za-z -]{1,6}"),
            signature in any::<[u8; 32]>(),
        ) {
            let source = Arc::new(Source {
                base: base.into(),
                query,
                signature: name,
                expires_at: 1,
            });
            let key: Arc<str> = key.into();
            let url = SignedUrl::of_parts(&source, &key, Some(signature));
            prop_assert_eq!(url.is_http(), is_http_url(&url.get()));
        }
    }
}

//! Newtypes for the identifiers that cross the wire: parse once, trust afterwards.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a string is not a valid identifier or hash.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("{what} must not be empty")]
    Empty { what: &'static str },
    #[error("{what} is too short ({len} characters, at least {min})")]
    TooShort {
        what: &'static str,
        len: usize,
        min: usize,
    },
    #[error("{what} is too long ({len} characters, at most {max})")]
    TooLong {
        what: &'static str,
        len: usize,
        max: usize,
    },
    #[error("{what} may only contain letters, digits, '-' and '_' (found {found:?})")]
    BadCharacter { what: &'static str, found: char },
    #[error("a SHA-256 content hash is 64 lowercase hex characters (got {0:?})")]
    BadHash(String),
}

/// Checks that `s` is `min..=max` characters of `[A-Za-z0-9_-]`: text that goes
/// into URL paths and hashes as it is, with nothing to escape.
pub(crate) fn check_url_safe(
    what: &'static str,
    s: &str,
    min: usize,
    max: usize,
) -> Result<(), IdError> {
    if s.is_empty() {
        return Err(IdError::Empty { what });
    }
    // Characters first: once they are all ASCII, byte length is character count.
    if let Some(found) = s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(IdError::BadCharacter { what, found });
    }
    let len = s.len();
    if len < min {
        return Err(IdError::TooShort { what, len, min });
    }
    if len > max {
        return Err(IdError::TooLong { what, len, max });
    }
    Ok(())
}

/// `as_str`, `TryFrom<String>` (through the type's own `parse`, so serde's
/// `try_from = "String"` validates) and `From<T> for String`, for a newtype over
/// `String`.
macro_rules! string_newtype {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::ids::IdError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(s)
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }
    };
}
pub(crate) use string_newtype;

/// A `String` newtype of URL-safe text (`[A-Za-z0-9_-]`), `min..=max`
/// characters (1..=64 unless given), checked by `parse` and by serde.
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $crate::ids::id_type!($(#[$doc])* $name, $what, 1, 64);
    };
    ($(#[$doc:meta])* $name:ident, $what:literal, $min:literal, $max:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(s: impl Into<String>) -> Result<Self, $crate::ids::IdError> {
                let s = s.into();
                $crate::ids::check_url_safe($what, &s, $min, $max)?;
                Ok(Self(s))
            }
        }

        $crate::ids::string_newtype!($name);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}
pub(crate) use id_type;

id_type!(
    /// A gallery's public identifier, as it appears in share links.
    GalleryId,
    "a gallery id"
);
id_type!(
    /// An image's identifier, stable across re-publishing of the same file.
    ImageId,
    "an image id"
);

/// The SHA-256 of a rendition's bytes, as 64 lowercase hex characters. The local
/// image cache is keyed by it, never by URL (signed URLs change; bytes do not).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ContentHash(String);

impl ContentHash {
    pub fn parse(s: impl Into<String>) -> Result<Self, IdError> {
        let s = s.into();
        if s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            Ok(Self(s))
        } else {
            Err(IdError::BadHash(s))
        }
    }

    /// Hex-encodes a raw 32-byte digest.
    pub fn from_digest(digest: &[u8; 32]) -> Self {
        let mut s = String::with_capacity(64);
        push_hex(&mut s, digest);
        Self(s)
    }
}

/// Appends `bytes` in lowercase hex (as digests and SigV4 signatures are
/// written) to `out`.
pub(crate) fn push_hex(out: &mut String, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 15)]));
    }
}

string_newtype!(ContentHash);

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_accept_url_safe_text_only() {
        assert!(GalleryId::parse("smith-wedding_2026").is_ok());
        assert_eq!(
            GalleryId::parse(""),
            Err(IdError::Empty {
                what: "a gallery id"
            })
        );
        assert!(matches!(
            ImageId::parse("a/b"),
            Err(IdError::BadCharacter { found: '/', .. })
        ));
        assert!(matches!(
            ImageId::parse("x".repeat(65)),
            Err(IdError::TooLong { len: 65, .. })
        ));
    }

    #[test]
    fn ids_name_the_bad_character_before_counting_length() {
        // 40 'é' are 80 bytes: the complaint is the character, not the length.
        assert!(matches!(
            GalleryId::parse("é".repeat(40)),
            Err(IdError::BadCharacter { found: 'é', .. })
        ));
        assert!(GalleryId::parse("x".repeat(64)).is_ok());
        assert_eq!(
            ImageId::parse("x".repeat(65)).unwrap_err().to_string(),
            "an image id is too long (65 characters, at most 64)"
        );
    }

    #[test]
    fn ids_round_trip_through_serde_and_reject_bad_text() {
        let id: ImageId = serde_json::from_str("\"abc-1\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"abc-1\"");
        assert!(serde_json::from_str::<GalleryId>("\"a b\"").is_err());
        assert!(serde_json::from_str::<ContentHash>("\"abc\"").is_err());
    }

    #[test]
    fn content_hash_is_lowercase_hex_sha256() {
        let h = ContentHash::from_digest(&[0xab; 32]);
        assert_eq!(h.as_str(), "ab".repeat(32));
        assert!(ContentHash::parse("AB".repeat(32)).is_err());
        assert!(ContentHash::parse("ab".repeat(31)).is_err());
        assert_eq!(ContentHash::parse(h.as_str()).unwrap(), h);
    }
}

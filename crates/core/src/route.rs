//! The browser app's routes, carried in the URL hash so the app works from any
//! static host: `#/g/{gallery}/{token}` for a gallery, `…/i/{image}` for one
//! photo open in the lightbox.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::{GalleryId, IdError, ImageId, check_url_safe, string_newtype};

/// The secret part of a share link. Its `Debug` never prints it, so it cannot
/// leak into logs.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ShareToken(String);

impl ShareToken {
    pub const MIN_LEN: usize = 16;
    pub const MAX_LEN: usize = 128;

    /// Accepts 16 to 128 characters of `[A-Za-z0-9_-]` (URL-safe base64 and the
    /// like), so a token never needs escaping in a link.
    pub fn parse(s: impl Into<String>) -> Result<Self, IdError> {
        let s = s.into();
        check_url_safe("a share token", &s, Self::MIN_LEN, Self::MAX_LEN)?;
        Ok(Self(s))
    }

    /// What the device names this link's data by (storage keys): 32 hex
    /// characters of a SHA-256 of the token, so the token itself is never
    /// written where storage lists are read (browser tools, extensions, a
    /// shared computer's profile).
    pub fn device_key(&self) -> String {
        let mut input = b"proofline device key\0".to_vec();
        input.extend_from_slice(self.0.as_bytes());
        crate::cache::sha256(&input).as_str()[..32].to_owned()
    }
}

string_newtype!(ShareToken);

impl fmt::Debug for ShareToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ShareToken(***)")
    }
}

/// What the device files one share link's data under: its saved copy, queued
/// and confirmed choices, withdrawn record, and the names of its Web Lock and
/// `BroadcastChannel`. Two links of one gallery (the couple's and the
/// parents') keep apart: choices made under one are never sent with the
/// other's token, and withdrawing one forgets nothing of the other.
///
/// The form is `{gallery}:{token's device key}`: the gallery stays readable,
/// the token itself never appears (see [`ShareToken::device_key`]), and since
/// `:` cannot appear in a gallery id, a link key is never a bare gallery id
/// (what an older app filed data under) and `{key}/` is a prefix no other
/// link's key or child key starts with (the outbox's `{key}/{op id}` range).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkKey {
    key: String,
    gallery: GalleryId,
}

impl LinkKey {
    /// Between the gallery id and the token's device key.
    pub const SEPARATOR: char = ':';

    pub fn new(gallery: &GalleryId, token: &ShareToken) -> LinkKey {
        LinkKey {
            key: format!("{}{}{}", gallery, Self::SEPARATOR, token.device_key()),
            gallery: gallery.clone(),
        }
    }

    pub fn gallery(&self) -> &GalleryId {
        &self.gallery
    }

    pub fn as_str(&self) -> &str {
        &self.key
    }

    /// What every link key of `gallery` starts with, and no other key does.
    pub fn gallery_prefix(gallery: &GalleryId) -> String {
        format!("{gallery}{}", Self::SEPARATOR)
    }
}

impl fmt::Display for LinkKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key)
    }
}

/// Where the studio's app is served, under the public URL: the studio's
/// pages are a bundle of their own, so a customer's phone never downloads
/// them. A studio route opened in the customer's app goes there.
pub const STUDIO_APP_PATH: &str = "/studio/";

/// Where the app is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// No gallery named: the app explains how to open one.
    Home,
    Gallery {
        gallery: GalleryId,
        token: ShareToken,
        /// The photo open in the lightbox, if any.
        image: Option<ImageId>,
    },
    /// The studio's page for a gallery: what each link chose.
    Studio {
        gallery: GalleryId,
        token: ShareToken,
    },
    /// The studio's page for every gallery (the studio-wide token).
    StudioHome {
        token: ShareToken,
    },
    NotFound,
}

impl Route {
    /// Reads a location hash (`#/g/…`, with or without the `#`). An empty hash,
    /// `#` or `#/` is [`Route::Home`]; one trailing `/` is tolerated; anything
    /// else that is not a well-formed gallery route is [`Route::NotFound`].
    pub fn parse(hash: &str) -> Route {
        let path = hash.strip_prefix('#').unwrap_or(hash);
        if path.is_empty() || path == "/" {
            return Route::Home;
        }
        let Some(path) = path.strip_prefix('/') else {
            return Route::NotFound;
        };
        let path = path.strip_suffix('/').unwrap_or(path);
        let parts: Vec<&str> = path.split('/').collect();
        let gallery = |g: &str, t: &str, image: Option<ImageId>| -> Option<Route> {
            Some(Route::Gallery {
                gallery: GalleryId::parse(g).ok()?,
                token: ShareToken::parse(t).ok()?,
                image,
            })
        };
        let route = match parts.as_slice() {
            ["g", g, t] => gallery(g, t, None),
            ["g", g, t, "i", i] => ImageId::parse(*i).ok().and_then(|i| gallery(g, t, Some(i))),
            ["studio", t] => ShareToken::parse(*t)
                .ok()
                .map(|token| Route::StudioHome { token }),
            ["studio", g, t] => GalleryId::parse(*g)
                .ok()
                .zip(ShareToken::parse(*t).ok())
                .map(|(gallery, token)| Route::Studio { gallery, token }),
            _ => None,
        };
        route.unwrap_or(Route::NotFound)
    }

    /// Whether the studio's app shows this route (not the customer's).
    pub fn is_studio(&self) -> bool {
        matches!(self, Route::Studio { .. } | Route::StudioHome { .. })
    }

    /// The hash for this route, starting with `#`.
    pub fn to_hash(&self) -> String {
        match self {
            Route::Home => "#/".into(),
            Route::NotFound => "#/not-found".into(),
            Route::Gallery {
                gallery,
                token,
                image: None,
            } => format!("#/g/{gallery}/{}", token.as_str()),
            Route::Gallery {
                gallery,
                token,
                image: Some(image),
            } => format!("#/g/{gallery}/{}/i/{image}", token.as_str()),
            Route::Studio { gallery, token } => format!("#/studio/{gallery}/{}", token.as_str()),
            Route::StudioHome { token } => format!("#/studio/{}", token.as_str()),
        }
    }

    /// The same gallery route with `image` open (or none). Other routes are
    /// returned unchanged.
    pub fn with_image(&self, image: Option<ImageId>) -> Route {
        match self {
            Route::Gallery { gallery, token, .. } => Route::Gallery {
                gallery: gallery.clone(),
                token: token.clone(),
                image,
            },
            other => other.clone(),
        }
    }
}

/// A gallery link the customer pasted (the whole link, or its `#/g/…` part),
/// read as where it leads: the address before the `#` (empty if none was
/// pasted) and the gallery route. Anything else is `None`.
pub fn pasted_gallery_link(text: &str) -> Option<(&str, Route)> {
    let text = text.trim();
    let at = text.find("#/g/")?;
    let (address, hash) = text.split_at(at);
    let address_ok = address.is_empty()
        || ((address.starts_with("https://") || address.starts_with("http://"))
            && !address.contains(char::is_whitespace));
    match Route::parse(hash) {
        route @ Route::Gallery { .. } if address_ok => Some((address, route)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const TOKEN: &str = "abcdefghijklmnop_-0123";

    #[test]
    fn a_tokens_device_key_is_a_hash_not_the_token() {
        let token = ShareToken::parse(TOKEN).unwrap();
        let key = token.device_key();
        assert_eq!(key.len(), 32);
        assert!(key.bytes().all(|b| b.is_ascii_hexdigit()));
        assert!(!key.contains(&TOKEN[..8]));
        assert_eq!(key, ShareToken::parse(TOKEN).unwrap().device_key());
        let other = ShareToken::parse("abcdefghijklmnop_-0124").unwrap();
        assert_ne!(key, other.device_key());
    }

    #[test]
    fn a_link_key_names_the_gallery_and_a_hash_of_the_token_never_the_token() {
        let g1 = GalleryId::parse("g1").unwrap();
        let token = ShareToken::parse(TOKEN).unwrap();
        let key = LinkKey::new(&g1, &token);
        assert_eq!(key.as_str(), format!("g1:{}", token.device_key()));
        assert_eq!(key.to_string(), key.as_str());
        assert_eq!(key.gallery(), &g1);
        assert!(!key.as_str().contains(TOKEN));
        assert_eq!(LinkKey::new(&g1, &token), key);
        // Another link of the same gallery is filed apart.
        let other = ShareToken::parse("abcdefghijklmnop_-0124").unwrap();
        assert_ne!(LinkKey::new(&g1, &other), key);
        assert_eq!(LinkKey::new(&g1, &other).gallery(), &g1);
    }

    fn gallery(image: Option<&str>) -> Route {
        Route::Gallery {
            gallery: GalleryId::parse("g1").unwrap(),
            token: ShareToken::parse(TOKEN).unwrap(),
            image: image.map(|i| ImageId::parse(i).unwrap()),
        }
    }

    #[test]
    fn share_links_and_open_photos_parse() {
        assert_eq!(Route::parse(&format!("#/g/g1/{TOKEN}")), gallery(None));
        assert_eq!(Route::parse(&format!("/g/g1/{TOKEN}/")), gallery(None));
        assert_eq!(
            Route::parse(&format!("#/g/g1/{TOKEN}/i/abc123")),
            gallery(Some("abc123"))
        );
    }

    #[test]
    fn studio_pages_parse_and_round_trip() {
        let r = Route::parse(&format!("#/studio/g1/{TOKEN}"));
        assert_eq!(
            r,
            Route::Studio {
                gallery: GalleryId::parse("g1").unwrap(),
                token: ShareToken::parse(TOKEN).unwrap(),
            }
        );
        assert_eq!(Route::parse(&r.to_hash()), r);
        assert_eq!(Route::parse("#/studio/g1/short"), Route::NotFound);
        let home = Route::parse(&format!("#/studio/{TOKEN}"));
        assert_eq!(
            home,
            Route::StudioHome {
                token: ShareToken::parse(TOKEN).unwrap()
            }
        );
        assert_eq!(Route::parse(&home.to_hash()), home);
        assert_eq!(Route::parse("#/studio/short"), Route::NotFound);
    }

    #[test]
    fn empty_hash_is_home_and_anything_else_not_found() {
        for h in ["", "#", "#/", "/"] {
            assert_eq!(Route::parse(h), Route::Home, "{h:?}");
        }
        for h in [
            "#/g/g1",
            "#/g/g1/short",
            &format!("#/g/g%2F1/{TOKEN}"),
            &format!("#/g/g1/{TOKEN}/i"),
            &format!("#/g/g1/{TOKEN}/x/abc"),
            "#/settings",
        ] {
            assert_eq!(Route::parse(h), Route::NotFound, "{h:?}");
        }
    }

    #[test]
    fn paths_without_their_leading_slash_are_not_routes() {
        for h in [
            format!("#g/g1/{TOKEN}"),
            format!("g/g1/{TOKEN}"),
            format!("#//g/g1/{TOKEN}"),
            format!("#/g/g1/{TOKEN}//"),
            "#//".to_string(),
        ] {
            assert_eq!(Route::parse(&h), Route::NotFound, "{h:?}");
        }
    }

    #[test]
    fn home_and_not_found_survive_their_own_hash() {
        for route in [Route::Home, Route::NotFound] {
            assert_eq!(Route::parse(&route.to_hash()), route);
        }
    }

    #[test]
    fn share_tokens_are_16_to_128_url_safe_characters() {
        assert!(ShareToken::parse("a".repeat(16)).is_ok());
        assert!(ShareToken::parse("Z-_9".repeat(32)).is_ok());
        assert_eq!(
            ShareToken::parse("a".repeat(15)),
            Err(IdError::TooShort {
                what: "a share token",
                len: 15,
                min: 16
            })
        );
        assert!(matches!(
            ShareToken::parse("a".repeat(129)),
            Err(IdError::TooLong { len: 129, .. })
        ));
        assert!(matches!(ShareToken::parse(""), Err(IdError::Empty { .. })));
        assert!(matches!(
            ShareToken::parse("abcdefghijklmnop+"),
            Err(IdError::BadCharacter { found: '+', .. })
        ));
        let err = ShareToken::parse("short").unwrap_err().to_string();
        assert_eq!(
            err,
            "a share token is too short (5 characters, at least 16)"
        );
    }

    #[test]
    fn share_token_debug_hides_the_secret() {
        let t = ShareToken::parse(TOKEN).unwrap();
        assert_eq!(format!("{t:?}"), "ShareToken(***)");
        assert!(!format!("{:?}", gallery(None)).contains(TOKEN));
    }

    #[test]
    fn with_image_keeps_gallery_and_token() {
        let g = gallery(None);
        assert_eq!(
            g.with_image(Some(ImageId::parse("x").unwrap())),
            gallery(Some("x"))
        );
        assert_eq!(gallery(Some("x")).with_image(None), g);
    }

    proptest! {
        #[test]
        fn routes_round_trip_through_the_hash(
            g in "[A-Za-z0-9_-]{1,64}",
            t in "[A-Za-z0-9_-]{16,128}",
            i in proptest::option::of("[A-Za-z0-9_-]{1,64}"),
        ) {
            let route = Route::Gallery {
                gallery: GalleryId::parse(g).unwrap(),
                token: ShareToken::parse(t).unwrap(),
                image: i.map(|i| ImageId::parse(i).unwrap()),
            };
            let hash = route.to_hash();
            prop_assert_eq!(Route::parse(&hash), route.clone());
            prop_assert_eq!(Route::parse(&hash[1..]), route.clone());
            prop_assert_eq!(Route::parse(&format!("{hash}/")), route);
        }

        #[test]
        fn link_keys_never_collide_with_galleries_or_other_links(
            g in "[A-Za-z0-9_-]{1,64}",
            h in "[A-Za-z0-9_-]{1,64}",
            t in "[A-Za-z0-9_-]{16,128}",
            u in "[A-Za-z0-9_-]{16,128}",
        ) {
            let (g, h) = (GalleryId::parse(g).unwrap(), GalleryId::parse(h).unwrap());
            let (t, u) = (ShareToken::parse(t).unwrap(), ShareToken::parse(u).unwrap());
            let a = LinkKey::new(&g, &t);
            let b = LinkKey::new(&h, &u);
            prop_assert_eq!(a.gallery(), &g);
            prop_assert!(a.as_str().starts_with(&LinkKey::gallery_prefix(&g)));
            // Never an older app's key (a bare gallery id), nor the token.
            prop_assert!(GalleryId::parse(a.as_str()).is_err());
            prop_assert!(!a.as_str()[g.as_str().len()..].contains(t.as_str()));
            if a != b {
                // One link's outbox range never holds another's ops.
                let (range, other) = (format!("{a}/"), format!("{b}/"));
                prop_assert!(!b.as_str().starts_with(&range));
                prop_assert!(!other.starts_with(&range));
            }
            if g != h {
                // One gallery's links are never counted as another's.
                prop_assert!(!b.as_str().starts_with(&LinkKey::gallery_prefix(&g)));
            }
            if t != u {
                prop_assert_ne!(LinkKey::new(&g, &t), LinkKey::new(&g, &u));
            }
        }

        #[test]
        fn any_hash_parses_without_panicking(s in ".*") {
            let route = Route::parse(&s);
            // Whatever it parsed to is stable: its own hash reads back the same.
            if route != Route::NotFound {
                prop_assert_eq!(Route::parse(&route.to_hash()), route);
            }
        }

        #[test]
        fn hash_shaped_junk_parses_without_panicking(
            parts in prop::collection::vec("[A-Za-z0-9_/#%.-]{0,20}", 0..8),
        ) {
            let _ = Route::parse(&format!("#/{}", parts.join("/")));
        }
    }

    #[test]
    fn a_pasted_gallery_link_is_read_whole_or_from_its_hash() {
        let link = "https://proofs.smith.example/#/g/wedding/bride-token-0000000001";
        let pasted = format!("  {link}\n");
        let (address, route) = pasted_gallery_link(&pasted).unwrap();
        assert_eq!(address, "https://proofs.smith.example/");
        assert_eq!(route.to_hash(), "#/g/wedding/bride-token-0000000001");
        let (address, route) =
            pasted_gallery_link("#/g/wedding/bride-token-0000000001/i/img1").unwrap();
        assert_eq!(address, "");
        assert!(matches!(route, Route::Gallery { image: Some(_), .. }));
        for not_a_gallery in [
            "",
            "wedding",
            "https://proofs.smith.example/",
            "https://proofs.smith.example/#/studio/wedding/bride-token-0000000001",
            "https://proofs.smith.example/#/g/wedding",
            "javascript:alert(1)//#/g/wedding/bride-token-0000000001",
            "see https://proofs.smith.example/#/g/wedding/bride-token-0000000001",
        ] {
            assert_eq!(pasted_gallery_link(not_a_gallery), None, "{not_a_gallery}");
        }
    }
}

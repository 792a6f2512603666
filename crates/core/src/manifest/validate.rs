//! The rules of a manifest serde cannot check while reading it: unique
//! ids, http(s) URLs, ThumbHashes, sizes, origins, set names and the
//! studio's rules ([`Manifest::validate`]), and the cheap URL checks that
//! run for every rendition of every photo.

use std::collections::HashSet;

use super::{MANIFEST_VERSION, Manifest, ManifestError, invalid, validate_set_name};

impl Manifest {
    /// Checks the rules serde cannot: unique ids, URL schemes, placeholders, sizes.
    pub fn validate(&self) -> Result<(), ManifestError> {
        if self.version != MANIFEST_VERSION {
            return Err(ManifestError::UnknownVersion {
                found: self.version.to_string(),
            });
        }
        if self.server_time <= 0 {
            return Err(invalid("server_time", "must be a positive Unix time"));
        }
        if let Some(all) = self.first_of
            && all as usize <= self.images.len()
        {
            return Err(invalid(
                "first_of",
                "a first screen's copy lists fewer photos than the gallery has",
            ));
        }
        if let Some(url) = &self.mirror
            && !is_http_url(url)
        {
            return Err(ManifestError::BadUrl {
                path: "mirror".into(),
                url: url.clone(),
            });
        }
        if self.origins.len() > crate::origins::MAX_ORIGINS {
            return Err(invalid(
                "origins",
                &format!(
                    "at most {} origins are allowed (got {})",
                    crate::origins::MAX_ORIGINS,
                    self.origins.len()
                ),
            ));
        }
        let mut seen_origins: Vec<String> = Vec::with_capacity(self.origins.len());
        for (i, origin) in self.origins.iter().enumerate() {
            let Ok(canonical) = crate::origins::parse_origin(origin) else {
                return Err(ManifestError::BadUrl {
                    path: format!("origins[{i}]"),
                    url: origin.clone(),
                });
            };
            if seen_origins.contains(&canonical) {
                return Err(invalid(
                    &format!("origins[{i}]"),
                    &format!("{origin} is listed twice"),
                ));
            }
            seen_origins.push(canonical);
        }
        if let Some(secs) = self.offline_window {
            crate::offline::check(secs).map_err(|message| invalid("offline_window", &message))?;
        }
        self.rules
            .validate()
            .map_err(|message| invalid("rules", &message))?;
        let mut seen = HashSet::with_capacity(self.images.len());
        for (i, image) in self.images.iter().enumerate() {
            if !seen.insert(&image.id) {
                return Err(ManifestError::DuplicateImageId {
                    id: image.id.clone(),
                });
            }
            // Paths are only spelled out for an error (this runs per photo).
            let at = || format!("images[{i}]");
            if image.width == 0 || image.height == 0 {
                return Err(invalid(&at(), "width and height must be at least 1 pixel"));
            }
            if !crate::placeholder::is_valid_thumbhash(&image.thumbhash) {
                return Err(invalid(
                    &format!("{}.thumbhash", at()),
                    "not a base64 ThumbHash of a non-empty image",
                ));
            }
            if let Some(set) = &image.set {
                validate_set_name(set).map_err(|m| invalid(&format!("{}.set", at()), &m))?;
            }
            for (name, r) in image.renditions.each() {
                let at = || format!("{}.renditions.{name}", at());
                if r.width == 0 || r.height == 0 || r.bytes == 0 {
                    return Err(invalid(&at(), "width, height and bytes must be at least 1"));
                }
                if !r.url.is_http() {
                    return Err(ManifestError::BadUrl {
                        path: format!("{}.url", at()),
                        url: r.url.get().into_owned(),
                    });
                }
                for (j, fallback) in r.fallbacks.iter().enumerate() {
                    if !fallback.url.is_http() {
                        return Err(ManifestError::BadUrl {
                            path: format!("{}.fallbacks[{j}].url", at()),
                            url: fallback.url.get().into_owned(),
                        });
                    }
                }
            }
        }
        Ok(())
    }
}

/// An absolute `http(s)://host…` URL with nothing a URL cannot hold (a
/// cheap check: it runs for every rendition of every photo).
pub(super) fn is_http_url(s: &str) -> bool {
    let Some(rest) = after_scheme(s) else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit('@').next().unwrap_or_default();
    !host.is_empty() && !host.starts_with(':') && is_graphic(s)
}

/// What follows `http://` or `https://` (in any case) at the start of `s`.
fn after_scheme(s: &str) -> Option<&str> {
    ["https://", "http://"].into_iter().find_map(|scheme| {
        s.get(..scheme.len())
            .filter(|head| head.eq_ignore_ascii_case(scheme))
            .map(|_| &s[scheme.len()..])
    })
}

/// Whether any URL starting with `prefix` has the host `prefix` has: its
/// host ends inside it. Then [`is_http_url`] of such a URL is that of
/// `prefix` and whether the rest is printable ASCII.
pub(super) fn host_ends_in(prefix: &str) -> bool {
    after_scheme(prefix).is_some_and(|rest| rest.contains(['/', '?', '#']))
}

/// Printable ASCII only: no spaces, controls or other characters.
pub(super) fn is_graphic(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample;

    #[test]
    fn a_first_screens_copy_must_list_fewer_photos_than_the_gallery_has() {
        let mut m = sample();
        m.first_of = Some(3);
        assert_eq!(m.photo_count(), 3);
        assert!(m.is_first_screen());
        m.validate().expect("2 photos of 3");
        let read = super::Manifest::from_json(&m.to_json()).expect("it reads back");
        assert_eq!(read.first_of, Some(3));
        for all in [2, 1] {
            m.first_of = Some(all);
            let e = m.validate().expect_err("no fewer photos than it lists");
            assert!(e.to_string().contains("first_of"), "{e}");
        }
        m.first_of = None;
        assert_eq!(m.photo_count(), 2);
    }
}

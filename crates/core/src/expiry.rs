//! When signed URLs stop working, and how the origin keeps them cacheable.
//!
//! - [`url_validity`] reads a URL's own validity: SigV4 presigned query URLs
//!   (`X-Amz-Date` + `X-Amz-Expires`) and CloudFront signed URLs (canned
//!   `Expires`, or a custom `Policy` with `DateLessThan`).
//! - [`ServerClock`]: phones' clocks can be hours wrong; manifests carry the
//!   server's time, and freshness is judged against that.
//! - [`signing_window`]: URLs signed from the start of a fixed window are
//!   identical for every request inside it, so caches keyed by URL still hit.

use base64::Engine as _;

use crate::calendar::{civil_from_days, day_label, days_from_civil, days_in_month};

/// SigV4 presigned URLs may live at most seven days.
pub const SIGV4_MAX_EXPIRES: i64 = 604_800;

/// Why a URL's validity could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExpiryError {
    #[error("this is not a valid absolute URL")]
    NotAUrl,
    #[error(
        "the URL carries no signature this app understands (SigV4 `X-Amz-Date`/`X-Amz-Expires`, or CloudFront `Expires` or `Policy`)"
    )]
    NotSigned,
    #[error("X-Amz-Date {0:?} is not a UTC timestamp like 20260131T235959Z")]
    BadDate(String),
    #[error("X-Amz-Expires {0:?} must be a whole number of seconds from 0 to 604800 (seven days)")]
    BadExpires(String),
    #[error("CloudFront Expires {0:?} is not a Unix time in seconds")]
    BadCloudFrontExpires(String),
    #[error("the CloudFront Policy cannot be read: {0}")]
    BadPolicy(String),
}

/// Which signature scheme a URL uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureScheme {
    SigV4,
    CloudFrontCanned,
    CloudFrontCustom,
}

/// The span (Unix seconds) in which a signed URL works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UrlValidity {
    pub scheme: SignatureScheme,
    pub not_before: Option<i64>,
    pub expires_at: i64,
}

/// The query parameters that make a URL a SigV4 presigned one. Any of them means
/// the URL is SigV4, so a missing date or lifetime is an error, not "unsigned".
const SIGV4_PARAMS: [&str; 4] = [
    "X-Amz-Algorithm",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-Signature",
];

/// Reads when a signed URL starts and stops working, from the URL alone.
///
/// - SigV4 presigned (`X-Amz-Date` + `X-Amz-Expires`): works from the signing
///   date for `X-Amz-Expires` seconds. A URL signed with temporary credentials
///   stops earlier if they expire first; the URL cannot tell.
/// - CloudFront canned policy: works until `Expires`.
/// - CloudFront custom policy: works from `DateGreaterThan` (if any) until
///   `DateLessThan`, both read from the base64 JSON `Policy`.
///
/// Parameter names are matched case-sensitively, as AWS writes them; values are
/// percent-decoded first.
pub fn url_validity(url: &str) -> Result<UrlValidity, ExpiryError> {
    let query = query_of(url).ok_or(ExpiryError::NotAUrl)?;
    let param = |name: &str| query_param(query, name);
    if SIGV4_PARAMS.iter().any(|name| param(name).is_some()) {
        let date = param("X-Amz-Date").unwrap_or_default();
        let signed_at =
            parse_sigv4_timestamp(&date).ok_or_else(|| ExpiryError::BadDate(date.clone()))?;
        let raw = param("X-Amz-Expires").unwrap_or_default();
        let expires = parse_seconds(&raw)
            .filter(|e| *e <= SIGV4_MAX_EXPIRES)
            .ok_or(ExpiryError::BadExpires(raw))?;
        return Ok(UrlValidity {
            scheme: SignatureScheme::SigV4,
            not_before: Some(signed_at),
            expires_at: signed_at + expires,
        });
    }
    if let Some(policy) = param("Policy") {
        let (not_before, expires_at) = read_policy(&policy)?;
        return Ok(UrlValidity {
            scheme: SignatureScheme::CloudFrontCustom,
            not_before,
            expires_at,
        });
    }
    if let Some(expires) = param("Expires") {
        let expires_at =
            parse_seconds(&expires).ok_or(ExpiryError::BadCloudFrontExpires(expires))?;
        return Ok(UrlValidity {
            scheme: SignatureScheme::CloudFrontCanned,
            not_before: None,
            expires_at,
        });
    }
    Err(ExpiryError::NotSigned)
}

/// The query of an absolute URL (`scheme://host...`), without its fragment:
/// empty when it has none, `None` when `url` is not an absolute URL with a
/// host. Read by hand rather than with the `url` crate, whose Unicode host
/// tables would cost the browser app's download tens of kilobytes for URLs
/// that only ever need their query read.
fn query_of(url: &str) -> Option<&str> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme_ok = scheme
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if !scheme_ok || host.is_empty() || url.bytes().any(|b| b.is_ascii_whitespace()) {
        return None;
    }
    let without_fragment = url.split_once('#').map_or(url, |(u, _)| u);
    Some(without_fragment.split_once('?').map_or("", |(_, q)| q))
}

/// The first value of parameter `name` in `query`, decoded.
fn query_param(query: &str, name: &str) -> Option<String> {
    query
        .split('&')
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
        .find(|(k, _)| form_decode(k) == name)
        .map(|(_, v)| form_decode(v))
}

/// Decodes one `application/x-www-form-urlencoded` name or value: `+` is a
/// space and `%XX` a byte; a `%` not followed by two hex digits stays as it
/// is, and bytes that are not UTF-8 become U+FFFD (as browsers do).
fn form_decode(s: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16);
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let escaped = match b[i..] {
            [b'%', hi, lo, ..] => hex(hi).zip(hex(lo)).map(|(hi, lo)| (hi * 16 + lo) as u8),
            _ => None,
        };
        match (escaped, b[i]) {
            (Some(byte), _) => {
                out.push(byte);
                i += 3;
            }
            (None, b'+') => {
                out.push(b' ');
                i += 1;
            }
            (None, c) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A count of seconds written as plain decimal digits, as AWS writes them. Rust's
/// own parser would also take `+5`, which no signer produces.
fn parse_seconds(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Decodes CloudFront's URL-safe base64 (`-`→`+`, `_`→`=`, `~`→`/`).
pub fn cloudfront_base64_decode(s: &str) -> Option<Vec<u8>> {
    let standard: String = s
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '=',
            '~' => '/',
            c => c,
        })
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(standard)
        .ok()
}

fn read_policy(policy: &str) -> Result<(Option<i64>, i64), ExpiryError> {
    let bytes = cloudfront_base64_decode(policy)
        .ok_or_else(|| ExpiryError::BadPolicy("it is not CloudFront base64".into()))?;
    let json: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| ExpiryError::BadPolicy(format!("it is not JSON ({e})")))?;
    let condition = &json["Statement"][0]["Condition"];
    let epoch = |name: &str| condition[name]["AWS:EpochTime"].as_i64();
    let expires_at = epoch("DateLessThan").ok_or_else(|| {
        ExpiryError::BadPolicy(
            "Statement[0].Condition has no DateLessThan with an AWS:EpochTime".into(),
        )
    })?;
    Ok((epoch("DateGreaterThan"), expires_at))
}

/// `YYYYMMDDTHHMMSSZ` (SigV4's `X-Amz-Date`, always UTC) to Unix seconds, or
/// `None` unless it is exactly that shape and a real date and time: months
/// 1 to 12, days that exist in that month (leap years included), no leap seconds.
pub fn parse_sigv4_timestamp(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (y, mo, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (h, mi, se) = (num(9..11)?, num(11..13)?, num(13..15)?);
    let valid = (1..=12).contains(&mo)
        && (1..=days_in_month(y, mo)).contains(&d)
        && h < 24
        && mi < 60
        && se < 60;
    valid.then(|| days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se)
}

/// Unix seconds to `YYYYMMDDTHHMMSSZ` (UTC). Times outside the years 0 to 9999
/// do not fit that shape and come out with a different number of digits.
pub fn sigv4_timestamp(unix: i64) -> String {
    let (days, secs) = (unix.div_euclid(86_400), unix.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// The offset between the server's clock and this device's.
///
/// A phone's clock can be hours wrong (set by hand, a wrong time zone, drift),
/// and signed URLs expire by the server's clock. So every
/// manifest carries its `server_time`; the client observes it once on arrival and
/// judges every expiry against [`ServerClock::server_now`], never against the
/// device's time alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ServerClock {
    offset: i64,
}

impl ServerClock {
    /// From a manifest's `server_time` and the device time it arrived at.
    pub fn observe(server_time: i64, device_time: i64) -> Self {
        // Saturating: `server_time` comes off the network and may be absurd.
        ServerClock {
            offset: server_time.saturating_sub(device_time),
        }
    }

    /// A clock `offset` seconds ahead of the device (as saved with a copy).
    pub fn from_offset(offset: i64) -> Self {
        ServerClock { offset }
    }

    /// Server time minus device time, in seconds.
    pub fn offset(&self) -> i64 {
        self.offset
    }

    /// The offset to show the server's times in the device's time with:
    /// none within 2 s, which whole-second readings on both sides cannot
    /// tell from none (a last day ending at 23:59:59 must not show as
    /// midnight the next day).
    pub fn shown_offset(&self) -> i64 {
        if self.offset.abs() <= 2 {
            0
        } else {
            self.offset
        }
    }

    /// What the server's clock reads now, given the device's.
    pub fn server_now(&self, device_now: i64) -> i64 {
        device_now.saturating_add(self.offset)
    }
}

/// Whether a URL expiring at `expires_at` (exclusive: it fails from then on)
/// still works for at least `margin_secs` more, judged at `server_now`. The
/// margin covers the time a download takes, so a URL is not used in its last
/// seconds.
pub fn is_usable(expires_at: i64, server_now: i64, margin_secs: i64) -> bool {
    server_now.saturating_add(margin_secs) < expires_at
}

/// The span a URL is signed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SigningWindow {
    /// The time the URL is signed "as of" (the window's start).
    pub start: i64,
    pub expires_at: i64,
}

/// The signing window containing `now`.
///
/// Why: signing every URL "as of" the start of a fixed window makes every manifest
/// fetched in that window carry byte-identical URLs, and HTTP caches (the
/// browser's, the CDN's) key on the URL, so they keep hitting instead of
/// downloading the same photo again under a new signature.
///
/// The window starts at `now` rounded down to a multiple of `window_secs` (also
/// for times before 1970), and its URLs work for `validity_secs` from that start.
/// Because `validity_secs > window_secs`, a URL handed out at any moment of the
/// window still works for more than `validity_secs - window_secs` afterwards.
///
/// # Panics
///
/// Unless `0 < window_secs < validity_secs`: those come from the server's
/// configuration, which must be checked when it is loaded.
pub fn signing_window(now: i64, window_secs: i64, validity_secs: i64) -> SigningWindow {
    assert!(
        window_secs > 0 && validity_secs > window_secs,
        "a signing window must be positive and shorter than the URLs' validity \
         (window {window_secs} s, validity {validity_secs} s)"
    );
    let start = now - now.rem_euclid(window_secs);
    SigningWindow {
        start,
        expires_at: start.saturating_add(validity_secs),
    }
}

impl SigningWindow {
    /// This window, its URLs ending no later than `until` (a link's expiry):
    /// no URL handed to a link outlives the link. Still after `start`, so a
    /// URL is never born expired.
    pub fn until(self, until: Option<i64>) -> SigningWindow {
        match until {
            Some(at) if at < self.expires_at => SigningWindow {
                start: self.start,
                expires_at: at.max(self.start + 1),
            },
            _ => self,
        }
    }
}

/// How long before a link closes the customer is warned, not just told.
pub const CLOSING_SOON_SECS: i64 = 7 * 86_400;

/// What to tell a customer, ahead of time, about when their link stops
/// opening the gallery: `None` without an expiry (or once it has passed),
/// else the sentence and whether it is urgent (within
/// [`CLOSING_SOON_SECS`]). `when` says the time (the app: in the device's
/// zone).
pub fn closing_note(
    expires_at: Option<i64>,
    server_now: i64,
    when: &dyn Fn(i64) -> String,
) -> Option<(String, bool)> {
    let at = expires_at.filter(|&at| at > server_now)?;
    let day = when(at);
    Some(if at - server_now <= CLOSING_SOON_SECS {
        (crate::wording::rules::closes_soon(day), true)
    } else {
        (crate::wording::rules::available_until(day), false)
    })
}

/// Why an expired link no longer opens its gallery; the origin and the app
/// say the same.
pub fn expired_message(at: i64) -> String {
    crate::wording::rules::expired(day_label(at))
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod until_tests {
    use super::*;

    #[test]
    fn a_links_expiry_caps_its_urls() {
        let w = signing_window(10_000, 3600, 21_600);
        assert_eq!(w.until(None), w);
        assert_eq!(w.until(Some(w.expires_at + 5)), w);
        assert_eq!(w.until(Some(9_000)).expires_at, 9_000);
        assert_eq!(w.until(Some(w.start)).expires_at, w.start + 1);
    }
}

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

/// SigV4 presigned URLs may live at most seven days.
pub const SIGV4_MAX_EXPIRES: i64 = 604_800;

/// Why a URL's validity could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExpiryError {
    #[error("not a valid URL")]
    NotAUrl,
    #[error("the URL carries no signature this app understands (SigV4 or CloudFront)")]
    NotSigned,
    #[error("X-Amz-Date {0:?} is not a UTC timestamp like 20260131T235959Z")]
    BadDate(String),
    #[error("X-Amz-Expires {0:?} must be a number of seconds from 0 to 604800")]
    BadExpires(String),
    #[error("CloudFront Expires {0:?} is not a Unix time")]
    BadCloudFrontExpires(String),
    #[error("CloudFront Policy is unreadable: {0}")]
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

/// Reads when a signed URL starts and stops working, from the URL alone.
pub fn url_validity(url: &str) -> Result<UrlValidity, ExpiryError> {
    let url = url::Url::parse(url).map_err(|_| ExpiryError::NotAUrl)?;
    let param = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    if let Some(date) = param("X-Amz-Date") {
        let signed_at =
            parse_sigv4_timestamp(&date).ok_or_else(|| ExpiryError::BadDate(date.clone()))?;
        let raw = param("X-Amz-Expires").unwrap_or_default();
        let expires: i64 = raw
            .parse()
            .ok()
            .filter(|e| (0..=SIGV4_MAX_EXPIRES).contains(e))
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
        let expires_at = expires
            .parse()
            .map_err(|_| ExpiryError::BadCloudFrontExpires(expires))?;
        return Ok(UrlValidity {
            scheme: SignatureScheme::CloudFrontCanned,
            not_before: None,
            expires_at,
        });
    }
    Err(ExpiryError::NotSigned)
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
        .ok_or_else(|| ExpiryError::BadPolicy("not CloudFront base64".into()))?;
    let json: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| ExpiryError::BadPolicy(format!("not JSON ({e})")))?;
    let condition = &json["Statement"][0]["Condition"];
    let epoch = |name: &str| condition[name]["AWS:EpochTime"].as_i64();
    let expires_at =
        epoch("DateLessThan").ok_or_else(|| ExpiryError::BadPolicy("no DateLessThan".into()))?;
    Ok((epoch("DateGreaterThan"), expires_at))
}

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `YYYYMMDDTHHMMSSZ` (SigV4's `X-Amz-Date`) to Unix seconds.
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

/// Unix seconds to `YYYYMMDDTHHMMSSZ`.
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ServerClock {
    offset: i64,
}

impl ServerClock {
    /// From a manifest's `server_time` and the device time it arrived at.
    pub fn observe(server_time: i64, device_time: i64) -> Self {
        ServerClock {
            offset: server_time - device_time,
        }
    }

    /// What the server's clock reads now, given the device's.
    pub fn server_now(&self, device_now: i64) -> i64 {
        device_now + self.offset
    }
}

/// Whether a URL expiring at `expires_at` still works for at least `margin_secs`.
pub fn is_usable(expires_at: i64, server_now: i64, margin_secs: i64) -> bool {
    server_now + margin_secs < expires_at
}

/// The span a URL is signed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SigningWindow {
    /// The time the URL is signed "as of" (the window's start).
    pub start: i64,
    pub expires_at: i64,
}

/// The window containing `now`: it starts at `now` rounded down to a multiple of
/// `window_secs`, and its URLs work for `validity_secs` from that start. With
/// `validity_secs > window_secs`, a URL handed out at any moment of the window
/// still works for at least `validity_secs - window_secs`.
pub fn signing_window(now: i64, window_secs: i64, validity_secs: i64) -> SigningWindow {
    assert!(
        window_secs > 0 && validity_secs > window_secs,
        "validity must outlast the window"
    );
    let start = now - now.rem_euclid(window_secs);
    SigningWindow {
        start,
        expires_at: start + validity_secs,
    }
}

#[cfg(test)]
mod tests;

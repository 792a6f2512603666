//! How presigned URLs live and are bucketed in time: [`SigningPolicy`], from
//! the `--signing-window-secs`, `--url-validity-secs` and
//! `--mirror-validity-secs` flags (their `PROOFLINE_*` variables, then the
//! configuration file's `[signing]` table). Every command resolves the same
//! policy, so `publish` writes manifest mirrors exactly as `serve` does.

use serde::Deserialize;

use super::args::SigningArgs;

/// How long presigned URLs live and how they are bucketed in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SigningPolicy {
    /// URLs signed within one window are identical (cacheable).
    pub window_secs: i64,
    /// How long a URL works, counted from its window's start.
    pub validity_secs: i64,
    /// How long the URLs in a manifest mirror work: how long an outage of
    /// the origin can last before uncached photos stop loading.
    pub mirror_validity_secs: i64,
}

impl SigningPolicy {
    /// A policy from configuration, checked: URLs must outlive their window
    /// (or a URL handed out at a window's end would already be dead), and
    /// presigned S3 URLs live at most 7 days.
    pub fn new(
        window_secs: i64,
        validity_secs: i64,
        mirror_validity_secs: i64,
    ) -> anyhow::Result<Self> {
        let max = proofline_core::expiry::SIGV4_MAX_EXPIRES;
        anyhow::ensure!(
            window_secs > 0,
            "the signing window must be at least 1 second"
        );
        for (name, v) in [
            ("URL validity", validity_secs),
            ("mirror URL validity", mirror_validity_secs),
        ] {
            anyhow::ensure!(
                v > window_secs && v <= max,
                "the {name} ({v} s) must be longer than the signing window ({window_secs} s) \
                 and at most {max} s (7 days, S3's limit)"
            );
        }
        Ok(SigningPolicy {
            window_secs,
            validity_secs,
            mirror_validity_secs,
        })
    }
}

impl Default for SigningPolicy {
    fn default() -> Self {
        // Every URL handed out stays good for at least 5 hours: enough for a
        // long review session; the client refreshes the manifest before that.
        SigningPolicy {
            window_secs: 3600,
            validity_secs: 6 * 3600,
            mirror_validity_secs: proofline_core::expiry::SIGV4_MAX_EXPIRES,
        }
    }
}

/// The configuration file's `[signing]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileSigning {
    window_secs: Option<i64>,
    url_validity_secs: Option<i64>,
    mirror_validity_secs: Option<i64>,
}

/// Flags (and their variables) over the file over the defaults, checked.
pub(super) fn resolve(args: &SigningArgs, file: FileSigning) -> anyhow::Result<SigningPolicy> {
    let default = SigningPolicy::default();
    SigningPolicy::new(
        args.signing_window_secs
            .or(file.window_secs)
            .unwrap_or(default.window_secs),
        args.url_validity_secs
            .or(file.url_validity_secs)
            .unwrap_or(default.validity_secs),
        args.mirror_validity_secs
            .or(file.mirror_validity_secs)
            .unwrap_or(default.mirror_validity_secs),
    )
}

//! CloudFront signed URLs, canned and custom policy, exactly as AWS makes
//! them (botocore's `CloudFrontSigner`, the AWS CLI's `cloudfront sign`): the
//! policy JSON ([`policy`]) signed with the key pair's private key ([`key`]:
//! RSA with SHA-1, CloudFront's default, or SHA-256; ECDSA P-256 with
//! SHA-256), in CloudFront's base64 alphabet. A URL signed over SHA-256 says
//! so with `Hash-Algorithm=SHA256`.
//!
//! The private key stays on the origin; the browser only sees signed URLs.
//! [`CloudFrontSettings`] is a configured distribution with its loaded key.

mod key;
mod policy;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;

pub use key::HashAlgorithm;
use key::SigningKey;
pub use policy::{CustomPolicy, canned_policy, cloudfront_base64};

/// Signs CloudFront URLs for one key pair.
pub struct CloudFrontSigner {
    key_pair_id: String,
    key: SigningKey,
}

fn separator(url: &str) -> char {
    if url.contains('?') { '&' } else { '?' }
}

impl CloudFrontSigner {
    /// A signer from the key pair id and its private key, in PEM: RSA
    /// (PKCS#1 "RSA PRIVATE KEY" or PKCS#8 "PRIVATE KEY") or ECDSA P-256
    /// (SEC1 "EC PRIVATE KEY" or PKCS#8), unencrypted. `hash` is the RSA
    /// signature's (`None`: SHA-1, CloudFront's default); ECDSA keys sign
    /// with SHA-256, and refuse SHA-1.
    pub fn from_pem(
        key_pair_id: &str,
        pem: &str,
        hash: Option<HashAlgorithm>,
    ) -> anyhow::Result<Self> {
        let key = SigningKey::from_pem(pem, hash)?;
        anyhow::ensure!(
            !key_pair_id.is_empty(),
            "the CloudFront key pair id is empty"
        );
        Ok(CloudFrontSigner {
            key_pair_id: key_pair_id.to_owned(),
            key,
        })
    }

    /// The hash the signatures are made over.
    pub fn hash(&self) -> HashAlgorithm {
        self.key.hash()
    }

    /// The key type and hash, e.g. "RSA with SHA-1" (for messages).
    pub fn algorithm(&self) -> &'static str {
        self.key.algorithm()
    }

    fn sign(&self, policy: &str) -> String {
        cloudfront_base64(&self.key.sign(policy.as_bytes()))
    }

    /// `Signature`, `Key-Pair-Id` and, unless SHA-1, `Hash-Algorithm`: the
    /// parameters every signed URL ends with, in the order AWS writes them.
    fn signature_params(&self, policy: &str) -> String {
        let mut params = format!(
            "Signature={}&Key-Pair-Id={}",
            self.sign(policy),
            self.key_pair_id
        );
        if let Some(hash) = self.hash().query_value() {
            params.push_str("&Hash-Algorithm=");
            params.push_str(hash);
        }
        params
    }

    /// `url` readable until `expires` (Unix seconds).
    pub fn canned_url(&self, url: &str, expires: i64) -> String {
        let params = self.signature_params(&canned_policy(url, expires));
        format!("{url}{}Expires={expires}&{params}", separator(url))
    }

    /// `url` readable under `policy` (a window, an address range, a wildcard).
    pub fn custom_url(&self, url: &str, policy: &CustomPolicy) -> String {
        let json = policy.to_json();
        let params = self.signature_params(&json);
        format!(
            "{url}{}Policy={}&{params}",
            separator(url),
            cloudfront_base64(json.as_bytes())
        )
    }
}

/// A CloudFront distribution serving the bucket, and the key that signs for it.
#[derive(Clone)]
pub struct CloudFrontSettings {
    /// `https://host`, no trailing slash: an object's URL is this plus `/` and
    /// its full key (prefix included), percent-encoded.
    pub base_url: String,
    pub key_pair_id: String,
    /// Where the private key was read from (for messages; the key stays here).
    pub private_key_path: PathBuf,
    pub signer: Arc<CloudFrontSigner>,
}

impl std::fmt::Debug for CloudFrontSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key itself.
        f.debug_struct("CloudFrontSettings")
            .field("base_url", &self.base_url)
            .field("key_pair_id", &self.key_pair_id)
            .field("private_key_path", &self.private_key_path)
            .field("algorithm", &self.signer.algorithm())
            .finish_non_exhaustive()
    }
}

impl CloudFrontSettings {
    /// Checks the three values and loads the key (RSA signing with SHA-1,
    /// CloudFront's default; ECDSA with SHA-256): a distribution that cannot
    /// sign is an error at start, not a broken photo later.
    pub fn load(domain: &str, key_pair_id: &str, private_key: &Path) -> anyhow::Result<Self> {
        Self::load_with_hash(domain, key_pair_id, private_key, None)
    }

    /// [`CloudFrontSettings::load`], with the hash RSA signs with (`None`:
    /// the key type's default). SHA-1 with an ECDSA key is an error.
    pub fn load_with_hash(
        domain: &str,
        key_pair_id: &str,
        private_key: &Path,
        hash: Option<HashAlgorithm>,
    ) -> anyhow::Result<Self> {
        let base_url = cloudfront_base_url(domain)?;
        let pem = std::fs::read_to_string(private_key).with_context(|| {
            format!(
                "cannot read the CloudFront private key {}",
                private_key.display()
            )
        })?;
        let signer = CloudFrontSigner::from_pem(key_pair_id.trim(), &pem, hash)
            .with_context(|| format!("in {}", private_key.display()))?;
        Ok(CloudFrontSettings {
            base_url,
            key_pair_id: key_pair_id.trim().to_owned(),
            private_key_path: private_key.to_path_buf(),
            signer: Arc::new(signer),
        })
    }
}

/// `d1.cloudfront.net`, `https://d1.cloudfront.net/` -> `https://d1.cloudfront.net`.
/// CloudFront only signs for HTTPS here: a signed URL sent in clear text can be
/// replayed by anyone on the path.
fn cloudfront_base_url(domain: &str) -> anyhow::Result<String> {
    let trimmed = domain.trim();
    let host = match trimmed.split_once("://") {
        Some((scheme, host)) if scheme.eq_ignore_ascii_case("https") => host,
        Some(_) => anyhow::bail!(
            "the CloudFront domain must be an https:// URL or a host name (got {domain:?})"
        ),
        None => trimmed,
    };
    let host = host.strip_suffix('/').unwrap_or(host);
    let (name, port) = match host.rsplit_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (host, None),
    };
    let valid = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'))
        && port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    anyhow::ensure!(
        valid,
        "the CloudFront domain must be a host name like d111111abcdef8.cloudfront.net, \
         with no path (got {domain:?})"
    );
    Ok(format!("https://{}", host.to_ascii_lowercase()))
}

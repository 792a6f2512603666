//! CloudFront signed URLs, canned and custom policy, exactly as AWS (and
//! botocore's `CloudFrontSigner`) make them: the policy JSON signed with the
//! key pair's RSA key (PKCS#1 v1.5, SHA-1), in CloudFront's base64 alphabet.
//!
//! The private key stays on the origin; the browser only sees signed URLs.
//! [`CloudFrontSettings`] is a configured distribution with its loaded key.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use base64::Engine as _;
use rsa::RsaPrivateKey;
use rsa::pkcs1::DecodeRsaPrivateKey as _;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey as _;
use rsa::signature::{SignatureEncoding as _, Signer as _};

/// Signs CloudFront URLs for one key pair.
pub struct CloudFrontSigner {
    key_pair_id: String,
    key: SigningKey<sha1::Sha1>,
}

/// The conditions of a custom policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomPolicy {
    /// The URL (or `*` pattern) the policy allows.
    pub resource: String,
    /// Unix seconds after which requests are refused.
    pub date_less_than: i64,
    /// Unix seconds before which requests are refused.
    pub date_greater_than: Option<i64>,
    /// The viewer's address range, e.g. `192.0.2.0/24`.
    pub ip_address: Option<String>,
}

impl CustomPolicy {
    /// The policy JSON, with fields in the order CloudFront documents and
    /// botocore writes.
    pub fn to_json(&self) -> String {
        let mut condition = format!(
            r#""DateLessThan":{{"AWS:EpochTime":{}}}"#,
            self.date_less_than
        );
        if let Some(ip) = &self.ip_address {
            condition.push_str(&format!(
                r#","IpAddress":{{"AWS:SourceIp":{}}}"#,
                json_string(ip)
            ));
        }
        if let Some(t) = self.date_greater_than {
            condition.push_str(&format!(r#","DateGreaterThan":{{"AWS:EpochTime":{t}}}"#));
        }
        format!(
            r#"{{"Statement":[{{"Resource":{},"Condition":{{{condition}}}}}]}}"#,
            json_string(&self.resource)
        )
    }
}

/// The canned policy CloudFront reconstructs from `Expires` to check a canned URL.
pub fn canned_policy(url: &str, expires: i64) -> String {
    format!(
        r#"{{"Statement":[{{"Resource":{},"Condition":{{"DateLessThan":{{"AWS:EpochTime":{expires}}}}}}}]}}"#,
        json_string(url)
    )
}

/// Standard base64 with `+` → `-`, `=` → `_`, `/` → `~`, as CloudFront wants.
pub fn cloudfront_base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD
        .encode(bytes)
        .chars()
        .map(|c| match c {
            '+' => '-',
            '=' => '_',
            '/' => '~',
            c => c,
        })
        .collect()
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).expect("a string serialises")
}

fn separator(url: &str) -> char {
    if url.contains('?') { '&' } else { '?' }
}

impl CloudFrontSigner {
    /// A signer from the key pair id and its private key (PEM, PKCS#1
    /// "RSA PRIVATE KEY" or PKCS#8 "PRIVATE KEY").
    pub fn from_pem(key_pair_id: &str, pem: &str) -> anyhow::Result<Self> {
        let key = RsaPrivateKey::from_pkcs1_pem(pem)
            .or_else(|_| RsaPrivateKey::from_pkcs8_pem(pem))
            .context("the CloudFront private key is not an RSA key in PEM (PKCS#1 or PKCS#8)")?;
        anyhow::ensure!(
            !key_pair_id.is_empty(),
            "the CloudFront key pair id is empty"
        );
        Ok(CloudFrontSigner {
            key_pair_id: key_pair_id.to_owned(),
            key: SigningKey::new(key),
        })
    }

    fn sign(&self, policy: &str) -> String {
        cloudfront_base64(&self.key.sign(policy.as_bytes()).to_vec())
    }

    /// `url` readable until `expires` (Unix seconds).
    pub fn canned_url(&self, url: &str, expires: i64) -> String {
        let signature = self.sign(&canned_policy(url, expires));
        format!(
            "{url}{}Expires={expires}&Signature={signature}&Key-Pair-Id={}",
            separator(url),
            self.key_pair_id
        )
    }

    /// `url` readable under `policy` (a window, an address range, a wildcard).
    pub fn custom_url(&self, url: &str, policy: &CustomPolicy) -> String {
        let json = policy.to_json();
        let signature = self.sign(&json);
        format!(
            "{url}{}Policy={}&Signature={signature}&Key-Pair-Id={}",
            separator(url),
            cloudfront_base64(json.as_bytes()),
            self.key_pair_id
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
            .finish_non_exhaustive()
    }
}

impl CloudFrontSettings {
    /// Checks the three values and loads the key: a distribution that cannot
    /// sign is an error at start, not a broken photo later.
    pub fn load(domain: &str, key_pair_id: &str, private_key: &Path) -> anyhow::Result<Self> {
        let base_url = cloudfront_base_url(domain)?;
        let pem = std::fs::read_to_string(private_key).with_context(|| {
            format!(
                "cannot read the CloudFront private key {}",
                private_key.display()
            )
        })?;
        let signer = CloudFrontSigner::from_pem(key_pair_id.trim(), &pem)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Made by botocore's `CloudFrontSigner` (`gen_cloudfront_vectors.py`
    /// beside them); the same fixtures prove `proofline_core::expiry`.
    const VECTORS: &str =
        include_str!("../../../core/tests/fixtures/cloudfront_signed_url_vectors.json");

    fn vectors() -> serde_json::Value {
        serde_json::from_str(VECTORS).unwrap()
    }

    fn policy_of(v: &serde_json::Value) -> CustomPolicy {
        CustomPolicy {
            resource: v["resource"].as_str().unwrap().to_owned(),
            date_less_than: v["date_less_than"].as_i64().unwrap(),
            date_greater_than: v["date_greater_than"].as_i64(),
            ip_address: v["ip_address"].as_str().map(str::to_owned),
        }
    }

    #[test]
    fn signed_urls_match_botocore_byte_for_byte_with_either_key_format() {
        let doc = vectors();
        let id = doc["key_pair_id"].as_str().unwrap();
        for pem in ["private_key_pem_pkcs1", "private_key_pem_pkcs8"] {
            let signer = CloudFrontSigner::from_pem(id, doc[pem].as_str().unwrap()).unwrap();
            let cases = doc["vectors"].as_array().unwrap();
            assert_eq!(cases.len(), 6);
            for v in cases {
                let name = v["name"].as_str().unwrap();
                let url = v["url"].as_str().unwrap();
                let (policy, signed) = match v["kind"].as_str().unwrap() {
                    "canned" => {
                        let expires = v["date_less_than"].as_i64().unwrap();
                        (canned_policy(url, expires), signer.canned_url(url, expires))
                    }
                    _ => {
                        let p = policy_of(v);
                        (p.to_json(), signer.custom_url(url, &p))
                    }
                };
                assert_eq!(policy, v["policy_json"].as_str().unwrap(), "{name}: policy");
                assert_eq!(
                    signer.sign(&policy),
                    v["signature_b64"].as_str().unwrap(),
                    "{name}: signature"
                );
                assert_eq!(
                    signed,
                    v["signed_url"].as_str().unwrap(),
                    "{name}: URL ({pem})"
                );
            }
        }
    }

    #[test]
    fn a_bad_key_is_a_clear_error() {
        let err = CloudFrontSigner::from_pem("K1", "not a key").err().unwrap();
        assert!(err.to_string().contains("not an RSA key in PEM"), "{err}");
    }

    #[test]
    fn cloudfront_base64_uses_its_own_alphabet() {
        assert_eq!(cloudfront_base64(&[0xfb, 0xff]), "-~8_");
    }
}

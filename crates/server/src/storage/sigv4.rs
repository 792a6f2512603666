//! SigV4 presigned GET URLs, made here rather than through the AWS SDK's
//! presigner: a 10,000-photo manifest needs 20,000 of them, and the SDK runs
//! its whole request pipeline (and derives the signing key afresh) for each,
//! about 0.2 ms a URL. Here the signing key is derived once per day, region
//! and key id ([`Presigner::day_key`]), and a URL costs two SHA-256 hashes and
//! one HMAC. Credentials still come from the SDK's provider chain (and are
//! re-read before temporary ones expire); everything else (uploads, CORS,
//! deletes) stays with the SDK.
//!
//! The algorithm is AWS's "Authenticating Requests: Using Query Parameters"
//! (UNSIGNED-PAYLOAD, only `host` signed); the unit test checks AWS's own
//! published example, and the store tests have the embedded store (s3s) and
//! Garage verify real URLs.

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use anyhow::Context as _;
use aws_sdk_s3::config::{Credentials, ProvideCredentials as _, SharedCredentialsProvider};
use hmac::{Hmac, Mac as _};
use proofline_core::expiry::SigningWindow;
use sha2::{Digest as _, Sha256};

use super::store::encode_key;

/// Temporary credentials are re-read this long before they expire.
const REFRESH_BEFORE: Duration = Duration::from_secs(5 * 60);

/// Where a bucket's objects are addressed: `scheme://host[:port]` and the
/// path before the key (`/bucket/` path-style, `/` virtual-hosted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketAddress {
    scheme: String,
    /// The `Host` header a browser sends: no default port.
    host: String,
    path: String,
}

impl BucketAddress {
    /// The bucket at `endpoint` (`scheme://host[:port]`), or at AWS S3 in
    /// `region` when there is none.
    pub fn new(
        endpoint: Option<&str>,
        region: &str,
        bucket: &str,
        path_style: bool,
    ) -> anyhow::Result<Self> {
        let (scheme, authority) = match endpoint {
            Some(e) => {
                let uri: axum::http::Uri = e
                    .parse()
                    .with_context(|| format!("the store endpoint {e:?} is not a URL"))?;
                let scheme = uri.scheme_str().unwrap_or("https").to_ascii_lowercase();
                let authority = uri
                    .authority()
                    .with_context(|| format!("the store endpoint {e:?} has no host"))?;
                let default = if scheme == "https" { 443 } else { 80 };
                let host = match authority.port_u16() {
                    Some(p) if p != default => format!("{}:{p}", authority.host()),
                    _ => authority.host().to_owned(),
                };
                (scheme, host.to_ascii_lowercase())
            }
            None => ("https".to_owned(), format!("s3.{region}.amazonaws.com")),
        };
        Ok(if path_style {
            Self {
                scheme,
                host: authority,
                path: format!("/{}/", encode_key(bucket)),
            }
        } else {
            Self {
                scheme,
                host: format!("{bucket}.{authority}"),
                path: "/".to_owned(),
            }
        })
    }

    /// `scheme://host[:port]`: where browsers fetch the bucket's objects.
    pub fn origin(&self) -> String {
        format!("{}://{}", self.scheme, self.host)
    }
}

/// Signs GET URLs for one bucket.
pub struct Presigner {
    address: BucketAddress,
    region: String,
    credentials: SharedCredentialsProvider,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    credentials: Option<Credentials>,
    /// Signing keys by (day, key id): at most the days of one signing window.
    keys: Vec<(String, String, [u8; 32])>,
}

impl std::fmt::Debug for Presigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Presigner({:?}, {})", self.address, self.region)
    }
}

/// Credentials with the signing key of one day: signs without waiting.
pub struct DaySigner<'a> {
    presigner: &'a Presigner,
    credentials: Credentials,
}

impl Presigner {
    pub fn new(
        address: BucketAddress,
        region: &str,
        credentials: SharedCredentialsProvider,
    ) -> Self {
        Self {
            address,
            region: region.to_owned(),
            credentials,
            state: Mutex::default(),
        }
    }

    /// Where browsers fetch what this presigner signs.
    pub fn origin(&self) -> String {
        self.address.origin()
    }

    /// Current credentials (read from the provider the first time, and again
    /// shortly before temporary ones expire).
    pub async fn signer(&self) -> anyhow::Result<DaySigner<'_>> {
        let fresh = |c: &Credentials| {
            c.expiry()
                .is_none_or(|at| at > SystemTime::now() + REFRESH_BEFORE)
        };
        let current = self.lock().credentials.clone().filter(fresh);
        let credentials = match current {
            Some(c) => c,
            None => {
                let c = self
                    .credentials
                    .provide_credentials()
                    .await
                    .context("no credentials to sign the store's URLs with")?;
                self.lock().credentials = Some(c.clone());
                c
            }
        };
        Ok(DaySigner {
            presigner: self,
            credentials,
        })
    }

    /// The signing key for `day` (`YYYYMMDD`), derived once.
    fn day_key(&self, day: &str, credentials: &Credentials) -> [u8; 32] {
        let id = credentials.access_key_id();
        let mut state = self.lock();
        if let Some((_, _, key)) = state.keys.iter().find(|(d, i, _)| d == day && i == id) {
            return *key;
        }
        let key = signing_key(credentials.secret_access_key(), day, &self.region);
        if state.keys.len() >= 4 {
            state.keys.remove(0);
        }
        state.keys.push((day.to_owned(), id.to_owned(), key));
        key
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl DaySigner<'_> {
    /// A GET URL for the full object key `key`, valid from the window's start
    /// to its expiry (identical for every call within the window).
    pub fn presign_get(&self, key: &str, window: SigningWindow) -> String {
        let p = self.presigner;
        let amz_date = amz_date(window.start);
        let day = &amz_date[..8];
        let scope = format!("{day}/{}/s3/aws4_request", p.region);
        let expires = (window.expires_at - window.start).max(1);
        let mut query = format!(
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={}&X-Amz-Date={amz_date}&X-Amz-Expires={expires}",
            encode_component(&format!("{}/{scope}", self.credentials.access_key_id()))
        );
        if let Some(token) = self.credentials.session_token() {
            query.push_str("&X-Amz-Security-Token=");
            query.push_str(&encode_component(token));
        }
        query.push_str("&X-Amz-SignedHeaders=host");
        let path = format!("{}{}", p.address.path, encode_key(key));
        let canonical = format!(
            "GET\n{path}\n{query}\nhost:{}\n\nhost\nUNSIGNED-PAYLOAD",
            p.address.host
        );
        let to_sign = format!(
            "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
            hex::encode(Sha256::digest(canonical.as_bytes()))
        );
        let key = p.day_key(day, &self.credentials);
        let signature = hex::encode(hmac(&key, to_sign.as_bytes()));
        format!(
            "{}://{}{path}?{query}&X-Amz-Signature={signature}",
            p.address.scheme, p.address.host
        )
    }
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// SigV4's derived key: HMAC chained over day, region, service and terminator.
fn signing_key(secret: &str, day: &str, region: &str) -> [u8; 32] {
    let k = hmac(format!("AWS4{secret}").as_bytes(), day.as_bytes());
    let k = hmac(&k, region.as_bytes());
    let k = hmac(&k, b"s3");
    hmac(&k, b"aws4_request")
}

/// A query value: every byte but unreserved characters percent-encoded.
fn encode_component(value: &str) -> String {
    encode_key(value).replace('/', "%2F")
}

/// `YYYYMMDDTHHMMSSZ` for Unix seconds.
fn amz_date(unix: i64) -> String {
    let (y, m, d) = proofline_core::calendar::civil_from_days(unix.div_euclid(86_400));
    let s = unix.rem_euclid(86_400);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn presigner(address: BucketAddress, token: Option<&str>) -> Presigner {
        let credentials = Credentials::new(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            token.map(str::to_owned),
            None,
            "test",
        );
        Presigner::new(
            address,
            "us-east-1",
            SharedCredentialsProvider::new(credentials),
        )
    }

    /// AWS's published example ("Authenticating Requests: Using Query
    /// Parameters", Amazon S3 API reference): 24 May 2013, one day.
    #[tokio::test]
    async fn aws_published_example() {
        let address = BucketAddress {
            scheme: "https".into(),
            host: "examplebucket.s3.amazonaws.com".into(),
            path: "/".into(),
        };
        let p = presigner(address, None);
        let start = 1_369_353_600; // 2013-05-24T00:00:00Z
        let window = SigningWindow {
            start,
            expires_at: start + 86_400,
        };
        let url = p.signer().await.unwrap().presign_get("test.txt", window);
        assert_eq!(
            url,
            "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256\
             &X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request\
             &X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\
             &X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
        );
    }

    #[tokio::test]
    async fn a_session_token_is_signed_and_a_new_day_gets_its_own_key() {
        let address = BucketAddress::new(Some("http://127.0.0.1:7871"), "x", "b", true).unwrap();
        let p = presigner(address, Some("tok/en+="));
        let signer = p.signer().await.unwrap();
        let day = |start| SigningWindow {
            start,
            expires_at: start + 3600,
        };
        let a = signer.presign_get("galleries/g/café #1.jpg", day(1_369_353_600));
        assert!(
            a.starts_with("http://127.0.0.1:7871/b/galleries/g/caf%C3%A9%20%231.jpg?"),
            "{a}"
        );
        assert!(a.contains("&X-Amz-Security-Token=tok%2Fen%2B%3D&"), "{a}");
        let b = signer.presign_get("galleries/g/café #1.jpg", day(1_369_353_600 + 86_400));
        assert!(b.contains("X-Amz-Date=20130525T000000Z"), "{b}");
        assert_eq!(p.lock().keys.len(), 2);
    }

    #[test]
    fn addresses() {
        let aws = BucketAddress::new(None, "eu-west-2", "proofs", false).unwrap();
        assert_eq!(aws.host, "proofs.s3.eu-west-2.amazonaws.com");
        assert_eq!(aws.path, "/");
        let garage =
            BucketAddress::new(Some("https://S3.Example.com:443"), "garage", "p", true).unwrap();
        assert_eq!(
            (garage.host.as_str(), garage.path.as_str()),
            ("s3.example.com", "/p/")
        );
        assert!(BucketAddress::new(Some("not a url"), "r", "b", true).is_err());
    }

    #[test]
    fn amz_dates() {
        assert_eq!(amz_date(0), "19700101T000000Z");
        assert_eq!(amz_date(1_369_353_600 + 3_723), "20130524T010203Z");
    }
}

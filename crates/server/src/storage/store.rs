//! The object store behind every image, through one code path whatever it is
//! (embedded, AWS S3, Garage): uploads, deletes and CORS with the official AWS
//! SDK; presigned GETs by [`super::sigv4`] (the SDK's presigner is too slow for
//! 20,000 URLs a manifest); and, when a CloudFront distribution is configured,
//! CloudFront signed URLs in front of them.

pub use proofline_core::manifest::encode_key;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_s3::primitives::ByteStream;
use proofline_core::Fallback;
use proofline_core::expiry::SigningWindow;

use super::StoreSettings;
use super::cloudfront::{CloudFrontSettings, CustomPolicy};
use super::sigv4::{BucketAddress, Presigner};

/// A connected bucket (and key prefix).
#[derive(Clone, Debug)]
pub struct ObjectStore {
    pub(super) client: aws_sdk_s3::Client,
    pub(super) bucket: String,
    pub(super) prefix: String,
    /// Where the store is, for messages: its endpoint, or "AWS S3 (region)".
    pub(super) location: String,
    cloudfront: Option<CloudFrontSettings>,
    /// The studio's origins, listed in every manifest this store's URLs are
    /// signed into (see [`ObjectStore::with_origins`]).
    origins: Arc<[String]>,
    /// `None` when the SDK found no credentials provider at all.
    presigner: Option<Arc<Presigner>>,
    presigned: Arc<Mutex<Presigned>>,
}

/// Which signer made a cached URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Signer {
    CloudFront,
    /// The query of a gallery's custom policy (keyed by the gallery's folder).
    CloudFrontScope,
}

/// CloudFront signatures already made in the newest signing window. A
/// window's URLs are identical for every request in it (that is what makes
/// them cacheable), so each RSA signature is made once per window. (S3
/// presigned URLs cost microseconds and are not kept.)
#[derive(Default)]
struct Presigned {
    window_start: i64,
    urls: HashMap<(Signer, String, i64), String>,
}

impl std::fmt::Debug for Presigned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} URLs of window {}",
            self.urls.len(),
            self.window_start
        )
    }
}

impl ObjectStore {
    pub async fn connect(settings: &StoreSettings) -> anyhow::Result<Self> {
        use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
        let https = aws_smithy_http_client::Builder::new()
            .tls_provider(Provider::Rustls(CryptoMode::Ring))
            .build_https();
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .http_client(https)
            .region(Region::new(settings.region.clone()));
        if let Some((id, secret)) = &settings.credentials {
            loader = loader.credentials_provider(Credentials::new(
                id.clone(),
                secret.clone(),
                None,
                None,
                "proofline",
            ));
        }
        let shared = loader.load().await;
        let address = BucketAddress::new(
            settings
                .public_url
                .as_deref()
                .or(settings.endpoint.as_deref()),
            &settings.region,
            &settings.bucket,
            settings.path_style,
        )?;
        let presigner = shared
            .credentials_provider()
            .map(|c| Arc::new(Presigner::new(address, &settings.region, c)));
        let mut config = aws_sdk_s3::config::Builder::from(&shared)
            .force_path_style(settings.path_style)
            // Plain payload checksums only when S3 demands them: self-hosted stores
            // differ in their support for the newer streaming checksum trailers.
            .request_checksum_calculation(
                aws_sdk_s3::config::RequestChecksumCalculation::WhenRequired,
            )
            .response_checksum_validation(
                aws_sdk_s3::config::ResponseChecksumValidation::WhenRequired,
            );
        if let Some(endpoint) = &settings.endpoint {
            config = config.endpoint_url(endpoint.clone());
        }
        Ok(Self {
            client: aws_sdk_s3::Client::from_conf(config.build()),
            bucket: settings.bucket.clone(),
            prefix: settings.prefix.clone(),
            location: match &settings.endpoint {
                Some(endpoint) => endpoint.clone(),
                None => format!("AWS S3 ({})", settings.region),
            },
            cloudfront: None,
            origins: Arc::from(Vec::new()),
            presigner,
            presigned: Arc::default(),
        })
    }

    /// Image URLs go through this CloudFront distribution first (with the
    /// store's own presigned URL as the fallback).
    pub fn with_cloudfront(mut self, cloudfront: Option<CloudFrontSettings>) -> Self {
        self.cloudfront = cloudfront;
        self
    }

    /// The origins serving the studio, in order of preference: part of the
    /// signing configuration (every origin with the same configuration signs
    /// identical manifests), so kept with the signer.
    pub fn with_origins(mut self, origins: &[String]) -> Self {
        self.origins = Arc::from(origins.to_vec());
        self
    }

    /// Where browsers load this store's objects from: the bucket's public
    /// address and the CloudFront distribution, as `scheme://host[:port]`.
    pub fn browser_origins(&self) -> Vec<String> {
        let mut origins: Vec<String> = self.presigner.iter().map(|p| p.origin()).collect();
        origins.extend(self.cloudfront.iter().map(|c| c.base_url.clone()));
        origins
    }

    /// Where a browser loads the photos from first: the CloudFront
    /// distribution when there is one, else the bucket's public address.
    pub fn photos_origin(&self) -> Option<String> {
        match &self.cloudfront {
            Some(c) => Some(c.base_url.clone()),
            None => self.presigner.as_ref().map(|p| p.origin()),
        }
    }

    pub fn origins(&self) -> &[String] {
        &self.origins
    }

    pub fn cloudfront(&self) -> Option<&CloudFrontSettings> {
        self.cloudfront.as_ref()
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// The store's endpoint, or "AWS S3 (region)".
    pub fn location(&self) -> &str {
        &self.location
    }

    /// The full object key for a key relative to this store's prefix. Every
    /// method takes relative keys, so the prefix is applied in one place.
    fn key(&self, relative: &str) -> String {
        format!("{}{relative}", self.prefix)
    }

    /// Uploads an object whose key changes whenever its content does, so
    /// browsers may keep it for good.
    pub async fn put(&self, key: &str, bytes: Vec<u8>, content_type: &str) -> anyhow::Result<()> {
        self.put_with(
            key,
            bytes,
            content_type,
            "private, max-age=31536000, immutable",
            true,
        )
        .await
    }

    /// Uploads an object that is rewritten in place (a manifest mirror): no
    /// cache may answer for it without asking the store.
    pub async fn put_fresh(
        &self,
        key: &str,
        bytes: Vec<u8>,
        content_type: &str,
    ) -> anyhow::Result<()> {
        self.put_with(key, bytes, content_type, "no-cache", true)
            .await
    }

    /// Uploads an object; without `retries`, a store that refuses answers
    /// at once (the SDK's retries are off for this request).
    pub(super) async fn put_with(
        &self,
        key: &str,
        bytes: Vec<u8>,
        content_type: &str,
        cache_control: &str,
        retries: bool,
    ) -> anyhow::Result<()> {
        let key = &self.key(key);
        let mut put = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .cache_control(cache_control)
            .body(ByteStream::from(bytes))
            .customize();
        if !retries {
            put = put.config_override(
                aws_sdk_s3::config::Config::builder()
                    .retry_config(aws_sdk_s3::config::retry::RetryConfig::disabled()),
            );
        }
        put.send()
            .await
            .map_err(aws_sdk_s3::Error::from)
            .with_context(|| format!("uploading {key} to bucket {}", self.bucket))?;
        Ok(())
    }

    /// Deletes an object (deleting one that is not there is not an error).
    pub async fn delete(&self, key: &str) -> anyhow::Result<()> {
        let key = &self.key(key);
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(aws_sdk_s3::Error::from)
            .with_context(|| format!("deleting {key} from bucket {}", self.bucket))?;
        Ok(())
    }

    /// The size of an object, or `None` if the store does not have it.
    pub async fn size_of(&self, key: &str) -> anyhow::Result<Option<u64>> {
        let key = &self.key(key);
        match self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(head) => Ok(Some(head.content_length().unwrap_or(0).max(0) as u64)),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_not_found()) => Ok(None),
            Err(e) => Err(aws_sdk_s3::Error::from(e))
                .with_context(|| format!("asking bucket {} about {key}", self.bucket)),
        }
    }

    /// A GET URL valid from the window's start to its expiry. Signing from the
    /// start of a fixed window (not "now") makes every request inside the window
    /// get the identical URL, so HTTP caches and CDNs can reuse it.
    pub async fn presign_get(&self, key: &str, window: SigningWindow) -> anyhow::Result<String> {
        let presigner = self
            .presigner
            .as_ref()
            .context("no AWS credentials provider is configured")?;
        Ok(presigner
            .signer()
            .await?
            .presign_get(&self.key(key), window))
    }

    /// The URLs a rendition is read from, in the order to try them: the
    /// CloudFront signed URL and then the store's own presigned URL when a
    /// distribution is configured, else the presigned URL alone. Both are
    /// valid until the window's `expires_at` and identical within a window.
    pub async fn image_urls(
        &self,
        key: &str,
        window: SigningWindow,
    ) -> anyhow::Result<(String, Vec<Fallback>)> {
        let s3 = self.presign_get(key, window).await?;
        match self.cloudfront_get(key, window) {
            Some(url) => Ok((
                url,
                vec![Fallback {
                    url: s3.into(),
                    expires_at: window.expires_at,
                }],
            )),
            None => Ok((s3, Vec::new())),
        }
    }

    /// A CloudFront signed URL for `key`, valid until the window's
    /// `expires_at`; `None` without a distribution.
    ///
    /// A gallery's objects (`galleries/{g}/...`) share one custom policy per
    /// window whose resource is `galleries/{g}/*`: one RSA signature per
    /// gallery and window (about 2.5 ms) instead of one per URL (a
    /// 10,000-photo gallery would take 50 s to sign), and every URL of the
    /// gallery carries the same query, which compresses well. Other keys
    /// (`doctor`'s test object) get a canned policy. Either way the URL is
    /// identical for the whole window, like the presigned one (no start time;
    /// RSA PKCS#1 v1.5 signatures are deterministic).
    pub fn cloudfront_get(&self, key: &str, window: SigningWindow) -> Option<String> {
        let cf = self.cloudfront.as_ref()?;
        let scope = gallery_scope(key).map(|s| self.key(s));
        let key = self.key(key);
        let url = format!("{}/{}", cf.base_url, encode_key(&key));
        let Some(scope) = scope else {
            let cache_key = (Signer::CloudFront, key.clone(), window.expires_at);
            if let Some(url) = self.cached(&cache_key, window) {
                return Some(url);
            }
            let signed = cf.signer.canned_url(&url, window.expires_at);
            self.remember(cache_key, window, &signed);
            return Some(signed);
        };
        let cache_key = (Signer::CloudFrontScope, scope.clone(), window.expires_at);
        let query = match self.cached(&cache_key, window) {
            Some(query) => query,
            None => {
                let policy = CustomPolicy {
                    resource: format!("{}/{}*", cf.base_url, encode_key(&scope)),
                    date_less_than: window.expires_at,
                    date_greater_than: None,
                    ip_address: None,
                };
                let signed = cf.signer.custom_url("", &policy);
                let query = signed.trim_start_matches('?').to_owned();
                self.remember(cache_key, window, &query);
                query
            }
        };
        Some(format!("{url}?{query}"))
    }

    /// A URL signed earlier in this very window (a request at a window's
    /// edge may still be signing for the previous one: that is signed afresh).
    fn cached(&self, cache_key: &(Signer, String, i64), window: SigningWindow) -> Option<String> {
        let cache = self.presigned();
        (cache.window_start == window.start)
            .then(|| cache.urls.get(cache_key).cloned())
            .flatten()
    }

    fn remember(&self, cache_key: (Signer, String, i64), window: SigningWindow, url: &str) {
        let mut cache = self.presigned();
        if window.start > cache.window_start {
            // A new window: the previous window's URLs are never handed out again.
            cache.urls.clear();
            cache.window_start = window.start;
        }
        if window.start == cache.window_start {
            cache.urls.insert(cache_key, url.to_owned());
        }
    }

    fn presigned(&self) -> std::sync::MutexGuard<'_, Presigned> {
        self.presigned.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// `galleries/{g}/` for a key (relative to the store's prefix) inside a
/// gallery's folder.
fn gallery_scope(key: &str) -> Option<&str> {
    let gallery = key.strip_prefix("galleries/")?;
    let end = gallery.find('/').filter(|&n| n > 0)?;
    Some(&key[.."galleries/".len() + end + 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gallery_scope_is_its_folder_and_nothing_else_has_one() {
        assert_eq!(
            gallery_scope("galleries/g1/abc/thumb/a.jpg"),
            Some("galleries/g1/")
        );
        assert_eq!(
            gallery_scope("galleries/g1/mirror/x.json"),
            Some("galleries/g1/")
        );
        for key in [
            "proofline-doctor/x",
            "galleries//a.jpg",
            "galleries/g1",
            "my-galleries/g1/a.jpg",
        ] {
            assert_eq!(gallery_scope(key), None, "{key}");
        }
    }

    #[test]
    fn keys_are_encoded_as_url_paths() {
        assert_eq!(
            encode_key("studio-a/galleries/g1/café #1+a=b&c~d.jpg"),
            "studio-a/galleries/g1/caf%C3%A9%20%231%2Ba%3Db%26c~d.jpg"
        );
    }
}

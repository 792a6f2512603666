//! The object store behind every image, through one code path whatever it is
//! (embedded, AWS S3, Garage): uploads and presigned GETs with the official AWS
//! SDK, never a hand-rolled signer.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use anyhow::Context as _;
use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CorsConfiguration, CorsRule};
use proofline_core::expiry::SigningWindow;

use crate::config::StoreSettings;

/// A connected bucket (and key prefix).
#[derive(Clone, Debug)]
pub struct ObjectStore {
    client: aws_sdk_s3::Client,
    bucket: String,
    prefix: String,
    presigned: Arc<Mutex<Presigned>>,
    /// Uploads still allowed before this client refuses (see
    /// [`ObjectStore::refuse_uploads_after`]); `u64::MAX` in normal use.
    upload_budget: Arc<AtomicU64>,
}

/// URLs already presigned in the newest signing window. A window's URLs are
/// identical for every request in it (that is what makes them cacheable), so
/// each is signed once: a 10,000-photo manifest costs 20,000 presigns the
/// first time in a window and none after.
#[derive(Default)]
struct Presigned {
    window_start: i64,
    urls: HashMap<(String, i64), String>,
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
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
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
            presigned: Arc::default(),
            upload_budget: Arc::new(AtomicU64::new(u64::MAX)),
        })
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
        self.put_with(key, bytes, content_type, "no-cache").await
    }

    async fn put_with(
        &self,
        key: &str,
        bytes: Vec<u8>,
        content_type: &str,
        cache_control: &str,
    ) -> anyhow::Result<()> {
        let key = &self.key(key);
        let allowed = self
            .upload_budget
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
        anyhow::ensure!(
            allowed.is_ok(),
            "uploading {key}: this store client was told to refuse further uploads"
        );
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .cache_control(cache_control)
            .body(ByteStream::from(bytes))
            .send()
            .await
            .map_err(aws_sdk_s3::Error::from)
            .with_context(|| format!("uploading {key} to bucket {}", self.bucket))?;
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

    /// Makes this client (and its clones) refuse every upload after the next
    /// `n`, as a store that goes away mid-publish would. For tests of
    /// interrupted publishing; nothing else calls it.
    #[doc(hidden)]
    pub fn refuse_uploads_after(&self, n: u64) {
        self.upload_budget.store(n, Ordering::SeqCst);
    }

    /// A GET URL valid from the window's start to its expiry. Signing from the
    /// start of a fixed window (not "now") makes every request inside the window
    /// get the identical URL, so HTTP caches and CDNs can reuse it.
    pub async fn presign_get(&self, key: &str, window: SigningWindow) -> anyhow::Result<String> {
        let key = &self.key(key);
        let cache_key = (key.clone(), window.expires_at);
        {
            // Only URLs of this very window (a request at a window's edge may
            // still be signing for the previous one: that is signed afresh).
            let cache = self.presigned();
            if cache.window_start == window.start
                && let Some(url) = cache.urls.get(&cache_key)
            {
                return Ok(url.clone());
            }
        }
        let validity = (window.expires_at - window.start).max(1) as u64;
        let config = PresigningConfig::builder()
            .start_time(UNIX_EPOCH + Duration::from_secs(window.start.max(0) as u64))
            .expires_in(Duration::from_secs(validity))
            .build()
            .context("presigning configuration")?;
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .presigned(config)
            .await
            .map_err(aws_sdk_s3::Error::from)
            .with_context(|| format!("presigning {key}"))?;
        let url = request.uri().to_string();
        let mut cache = self.presigned();
        if window.start > cache.window_start {
            // A new window: the previous window's URLs are never handed out again.
            cache.urls.clear();
            cache.window_start = window.start;
        }
        if window.start == cache.window_start {
            cache.urls.insert(cache_key, url.clone());
        }
        Ok(url)
    }

    fn presigned(&self) -> std::sync::MutexGuard<'_, Presigned> {
        self.presigned.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Creates the bucket if it does not exist yet.
    pub async fn ensure_bucket(&self) -> anyhow::Result<()> {
        if self
            .client
            .head_bucket()
            .bucket(&self.bucket)
            .send()
            .await
            .is_ok()
        {
            return Ok(());
        }
        self.client
            .create_bucket()
            .bucket(&self.bucket)
            .send()
            .await
            .map_err(aws_sdk_s3::Error::from)
            .with_context(|| format!("creating bucket {}", self.bucket))?;
        Ok(())
    }

    /// Lets the app at `app_origin` read images (GET/HEAD) and see their ETag.
    /// For external stores; the embedded store answers CORS itself.
    pub async fn ensure_cors(&self, app_origin: &str) -> anyhow::Result<()> {
        let rule = CorsRule::builder()
            .allowed_origins(app_origin)
            .allowed_methods("GET")
            .allowed_methods("HEAD")
            .allowed_headers("*")
            .expose_headers("ETag")
            .expose_headers("Content-Length")
            .max_age_seconds(3600)
            .build()
            .context("CORS rule")?;
        let cors = CorsConfiguration::builder()
            .cors_rules(rule)
            .build()
            .context("CORS configuration")?;
        self.client
            .put_bucket_cors()
            .bucket(&self.bucket)
            .cors_configuration(cors)
            .send()
            .await
            .map_err(aws_sdk_s3::Error::from)
            .with_context(|| format!("setting CORS on bucket {}", self.bucket))?;
        Ok(())
    }
}

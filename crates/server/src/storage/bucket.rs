//! The bucket itself, as `serve` and `doctor` see it: whether it can be used
//! (and why not, in words), creating it, and the CORS rules that let the
//! browser app read images from it.

use anyhow::Context as _;
use aws_sdk_s3::error::{ProvideErrorMetadata as _, SdkError};
use aws_sdk_s3::types::{CorsConfiguration, CorsRule};

use super::store::ObjectStore;

/// Why the bucket cannot be used, in the words `proofline doctor` prints.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BucketProblem {
    #[error("cannot connect to {location}: {detail}")]
    Unreachable { location: String, detail: String },
    #[error("bucket {bucket} does not exist at {location}")]
    NoSuchBucket { bucket: String, location: String },
    #[error("access denied to bucket {bucket}: {detail}")]
    AccessDenied { bucket: String, detail: String },
    #[error("no credentials were found: {detail}")]
    NoCredentials { detail: String },
    #[error("bucket {bucket} is in region {actual}, not {configured}")]
    WrongRegion {
        bucket: String,
        actual: String,
        configured: String,
    },
    #[error("the store refused HeadBucket on {bucket}: {detail}")]
    Other { bucket: String, detail: String },
}

impl ObjectStore {
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

    /// Whether the bucket exists and these credentials may use it (HeadBucket),
    /// told apart: no connection, no bucket, no credentials, access denied.
    pub async fn check_bucket(&self) -> Result<(), BucketProblem> {
        let err = match self.client.head_bucket().bucket(&self.bucket).send().await {
            Ok(_) => return Ok(()),
            Err(e) => e,
        };
        let bucket = self.bucket.clone();
        let detail = error_chain(&err);
        match &err {
            SdkError::DispatchFailure(d) if d.is_io() || d.is_timeout() => {
                Err(BucketProblem::Unreachable {
                    location: self.location.clone(),
                    detail,
                })
            }
            SdkError::TimeoutError(_) => Err(BucketProblem::Unreachable {
                location: self.location.clone(),
                detail,
            }),
            // The credential chain runs inside the dispatch: every provider
            // (environment, profile, SSO, instance metadata) came up empty.
            SdkError::DispatchFailure(_) if detail.contains("credentials") => {
                Err(BucketProblem::NoCredentials { detail })
            }
            SdkError::ServiceError(service) => {
                let raw = service.raw();
                let code = err.code().unwrap_or_default().to_owned();
                match raw.status().as_u16() {
                    404 => Err(BucketProblem::NoSuchBucket {
                        bucket,
                        location: self.location.clone(),
                    }),
                    401 | 403 => Err(BucketProblem::AccessDenied {
                        bucket,
                        detail: format!("HTTP {} {code}", raw.status().as_u16())
                            .trim_end()
                            .into(),
                    }),
                    301 => Err(BucketProblem::WrongRegion {
                        bucket,
                        actual: raw
                            .headers()
                            .get("x-amz-bucket-region")
                            .unwrap_or("another region")
                            .to_owned(),
                        configured: self
                            .client
                            .config()
                            .region()
                            .map(ToString::to_string)
                            .unwrap_or_default(),
                    }),
                    status => Err(BucketProblem::Other {
                        bucket,
                        detail: format!("HTTP {status} {code}").trim_end().into(),
                    }),
                }
            }
            _ => Err(BucketProblem::Other { bucket, detail }),
        }
    }

    /// Whether the store takes writes: `key` (relative to the prefix) is
    /// written with a few bytes, once, without the SDK's retries, so a store
    /// that refuses answers at once.
    pub async fn check_writes(&self, key: &str) -> anyhow::Result<()> {
        self.put_with(key, b"ready\n".to_vec(), "text/plain", "no-store", false)
            .await
    }

    /// The bucket's CORS rules: empty when it has none, `None` when the store
    /// cannot tell (the embedded store answers CORS itself, without rules).
    pub async fn cors_rules(&self) -> anyhow::Result<Option<Vec<CorsRule>>> {
        match self
            .client
            .get_bucket_cors()
            .bucket(&self.bucket)
            .send()
            .await
        {
            Ok(out) => Ok(Some(out.cors_rules.unwrap_or_default())),
            Err(e) if e.code() == Some("NoSuchCORSConfiguration") => Ok(Some(Vec::new())),
            Err(e)
                if e.code() == Some("NotImplemented")
                    || e.raw_response().is_some_and(|r| r.status().as_u16() == 501) =>
            {
                Ok(None)
            }
            Err(e) => Err(aws_sdk_s3::Error::from(e))
                .with_context(|| format!("reading the CORS rules of bucket {}", self.bucket)),
        }
    }

    /// Lets the app at `app_origin` read images (GET/HEAD) and see their ETag.
    /// For external stores; the embedded store answers CORS itself. Rules for
    /// other origins are kept; `app_origin` is taken out of them (S3 uses the
    /// first rule that matches, which must be this one).
    pub async fn ensure_cors(&self, app_origin: &str) -> anyhow::Result<()> {
        let existing = match self.cors_rules().await {
            Ok(rules) => rules.unwrap_or_default(),
            Err(e) => {
                tracing::warn!("{e:#}; replacing them");
                Vec::new()
            }
        };
        let mut rules: Vec<CorsRule> = existing
            .into_iter()
            .filter_map(|mut rule| {
                rule.allowed_origins.retain(|o| o != app_origin);
                (!rule.allowed_origins.is_empty()).then_some(rule)
            })
            .collect();
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
        rules.push(rule);
        let cors = CorsConfiguration::builder()
            .set_cors_rules(Some(rules))
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

/// An error and its causes on one line, each said once (the SDK's own
/// Display is just "dispatch failure").
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(e);
    while let Some(err) = next {
        let text = err.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = err.source();
    }
    parts.join(": ")
}

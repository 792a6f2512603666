//! `proofline doctor`: checks a configuration the way a customer's browser
//! will use it, and says for each problem what was found and how to fix it.
//!
//! The checks, in order:
//! - **bucket**: HeadBucket with these credentials, telling apart "cannot
//!   connect", "no such bucket", "no credentials" and "access denied";
//! - **round trip**: a small test object is written and read back over real
//!   HTTP through a presigned URL (bytes compared);
//! - **CORS**: the same URL fetched as the app would, with `Origin: <app
//!   origin>`, plus a preflight: the answer must allow that origin and expose
//!   `ETag`. GetBucketCors says which rules are there. With `fix`, the rule is
//!   set (PutBucketCors, other origins' rules kept) and checked again;
//! - **CloudFront** (when configured): the test object through a CloudFront
//!   signed URL, bytes compared, CORS headers passed on;
//! - **delete**: the test object is deleted and must be gone (revoking a
//!   link deletes its offline copy so: the key needs `s3:DeleteObject`).
//!
//! With the embedded store and nothing listening at its address, the store is
//! started for the duration of the checks, as `publish` does.
//!
//! Domain layer: may import `settings`, `storage` and `secret`, never `http`
//! or `cli` (which prints the [`Report`]).

mod cloudfront;
mod cors;
mod delete;
mod http;

use std::fmt;

use axum::http::Method;
use proofline_core::expiry::signing_window;

use crate::settings::Settings;
use crate::storage::{ObjectStore, StoreKind};
use http::Http;

/// Which check a line of the report is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckId {
    Bucket,
    RoundTrip,
    Cors,
    CloudFront,
    Delete,
}

impl CheckId {
    pub fn label(self) -> &'static str {
        match self {
            CheckId::Bucket => "bucket",
            CheckId::RoundTrip => "signed URL round trip",
            CheckId::Cors => "CORS",
            CheckId::CloudFront => "CloudFront",
            CheckId::Delete => "delete",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pass,
    /// Failed, then `--fix` changed the store and it passed.
    Fixed,
    Fail,
    /// Not run because an earlier check failed.
    NotRun,
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub id: CheckId,
    pub status: Status,
    /// What was found, as a sentence.
    pub found: String,
    /// What to do about it (failures only).
    pub fix: Option<String>,
}

impl Check {
    fn pass(id: CheckId, found: impl Into<String>) -> Check {
        Check {
            id,
            status: Status::Pass,
            found: found.into(),
            fix: None,
        }
    }

    fn fail(id: CheckId, found: impl Into<String>, fix: impl Into<String>) -> Check {
        Check {
            id,
            status: Status::Fail,
            found: found.into(),
            fix: Some(fix.into()),
        }
    }

    fn not_run(id: CheckId, why: &str) -> Check {
        Check {
            id,
            status: Status::NotRun,
            found: format!("not checked: {why}"),
            fix: None,
        }
    }
}

/// Everything `doctor` found, one check per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub checks: Vec<Check>,
}

impl Report {
    /// No check failed (checks not run count as failed: something before
    /// them did).
    pub fn passed(&self) -> bool {
        self.checks
            .iter()
            .all(|c| matches!(c.status, Status::Pass | Status::Fixed))
    }

    pub fn get(&self, id: CheckId) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in &self.checks {
            let mark = match c.status {
                Status::Pass | Status::Fixed => "✓",
                Status::Fail => "✗",
                Status::NotRun => "-",
            };
            writeln!(f, "{mark} {}: {}", c.id.label(), c.found)?;
            if let Some(fix) = &c.fix {
                writeln!(f, "    fix: {fix}")?;
            }
        }
        Ok(())
    }
}

/// Runs every check against `settings`; `fix` lets it set the bucket's CORS
/// rule. Errors only when the checks cannot even start (the embedded store
/// cannot be started, the store client cannot be made).
pub async fn run(settings: &Settings, fix: bool) -> anyhow::Result<Report> {
    let (store, temporary) = settings.open_store().await?;
    let mut report = Doctor {
        settings,
        store: &store,
        http: Http::new()?,
        origin: settings.app_origin(),
        fix,
    }
    .checks(temporary.is_some())
    .await;
    if let Some(t) = temporary {
        t.stop().await;
    }
    if report.checks.is_empty() {
        report
            .checks
            .push(Check::not_run(CheckId::Bucket, "nothing ran"));
    }
    Ok(report)
}

struct Doctor<'a> {
    settings: &'a Settings,
    store: &'a ObjectStore,
    http: Http,
    origin: String,
    fix: bool,
}

/// The test object's key (relative to the store's prefix) and bytes.
struct TestObject {
    key: String,
    bytes: Vec<u8>,
}

impl Doctor<'_> {
    async fn checks(&self, started_embedded: bool) -> Report {
        let mut checks = Vec::new();
        let bucket = self.check_bucket(started_embedded).await;
        let bucket_ok = bucket.status == Status::Pass;
        checks.push(bucket);
        let later = [
            CheckId::RoundTrip,
            CheckId::Cors,
            CheckId::CloudFront,
            CheckId::Delete,
        ];
        if !bucket_ok {
            checks.extend(
                later
                    .into_iter()
                    .filter(|id| *id != CheckId::CloudFront || self.store.cloudfront().is_some())
                    .map(|id| Check::not_run(id, "the bucket is not usable")),
            );
            return Report { checks };
        }
        let id = crate::secret::new_id(12);
        let object = TestObject {
            key: format!("proofline-doctor/{id}.txt"),
            bytes: format!("proofline doctor test object {id}\n").into_bytes(),
        };
        let (round_trip, written, url) = self.check_round_trip(&object).await;
        checks.push(round_trip);
        match &url {
            Some(url) => checks.push(self.check_cors(url).await),
            None => checks.push(Check::not_run(CheckId::Cors, "no test object to read")),
        }
        if self.store.cloudfront().is_some() {
            checks.push(match &url {
                Some(_) => self.check_cloudfront(&object).await,
                None => Check::not_run(CheckId::CloudFront, "no test object to read"),
            });
        }
        // Last: the checks before read the test object.
        checks.push(if written {
            self.check_delete(&object).await
        } else {
            Check::not_run(CheckId::Delete, "no test object was written")
        });
        Report { checks }
    }

    async fn check_bucket(&self, started_embedded: bool) -> Check {
        let store = self.store;
        let what = format!("bucket {} at {}", store.bucket(), store.location());
        match store.check_bucket().await {
            Ok(()) if started_embedded => Check::pass(
                CheckId::Bucket,
                format!(
                    "{what} is usable (nothing was listening, so doctor started the embedded store for these checks)"
                ),
            ),
            Ok(()) => Check::pass(
                CheckId::Bucket,
                format!("{what} exists and these credentials may use it"),
            ),
            Err(problem) => {
                use crate::storage::BucketProblem as P;
                let fix = match (&problem, self.settings.store.kind) {
                    (P::Unreachable { .. }, StoreKind::Embedded { .. }) => {
                        "start the embedded store (`proofline store` or `proofline serve`) with the same --data-dir, or check --store-listen".to_owned()
                    }
                    (P::Unreachable { .. }, StoreKind::External) => {
                        "check PROOFLINE_STORE_ENDPOINT (and that the store is running and reachable from this machine)".to_owned()
                    }
                    (P::NoSuchBucket { bucket, .. }, _) => format!(
                        "create bucket {bucket}, or set PROOFLINE_STORE_BUCKET to an existing one (and PROOFLINE_STORE_REGION to its region)"
                    ),
                    (P::AccessDenied { .. }, StoreKind::Embedded { .. }) => {
                        "the embedded store's keys live in DATA_DIR/embedded-store-credentials.json: run doctor with the same --data-dir as the store".to_owned()
                    }
                    (P::AccessDenied { bucket, .. }, StoreKind::External) => format!(
                        "check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or AWS_PROFILE): the key must be allowed s3:ListBucket, s3:GetObject, s3:PutObject and s3:DeleteObject on {bucket}"
                    ),
                    (P::NoCredentials { .. }, _) => {
                        "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, in the server's environment".to_owned()
                    }
                    (P::WrongRegion { actual, .. }, _) => {
                        format!("set PROOFLINE_STORE_REGION={actual}")
                    }
                    (P::Other { .. }, _) => {
                        "check the endpoint, region and credentials against the store's own settings".to_owned()
                    }
                };
                Check::fail(CheckId::Bucket, problem.to_string(), fix)
            }
        }
    }

    /// Writes the test object and reads it back through a presigned URL.
    /// Answers whether the object was written, and the URL when the round
    /// trip worked.
    async fn check_round_trip(&self, object: &TestObject) -> (Check, bool, Option<String>) {
        let id = CheckId::RoundTrip;
        let bucket = self.store.bucket();
        if let Err(e) = self
            .store
            .put_fresh(&object.key, object.bytes.clone(), "text/plain")
            .await
        {
            return (
                Check::fail(
                    id,
                    format!("cannot write a test object: {e:#}"),
                    format!(
                        "the credentials must be allowed s3:PutObject on {bucket}/{}*",
                        self.settings.store.prefix
                    ),
                ),
                false,
                None,
            );
        }
        let window = signing_window(crate::unix_now(), 60, 600);
        let url = match self.store.presign_get(&object.key, window).await {
            Ok(url) => url,
            Err(e) => {
                return (
                    Check::fail(
                        id,
                        format!("cannot presign a GET: {e:#}"),
                        "check the region and credentials",
                    ),
                    true,
                    None,
                );
            }
        };
        let answer = match self.http.send(Method::GET, &url, &[]).await {
            Ok(a) => a,
            Err(e) => {
                return (
                    Check::fail(
                        id,
                        format!(
                            "wrote a test object but cannot read it back through its presigned URL: {e:#}"
                        ),
                        "browsers load images from this endpoint: make PROOFLINE_STORE_ENDPOINT an address they (and this machine) can reach",
                    ),
                    true,
                    None,
                );
            }
        };
        if answer.status != 200 {
            return (
                Check::fail(
                    id,
                    format!(
                        "wrote a test object, but its presigned URL was refused and could not be read back: {}",
                        answer.summary()
                    ),
                    "check that PROOFLINE_STORE_REGION matches the store's region and that this machine's clock is right (signatures carry the time)",
                ),
                true,
                None,
            );
        }
        if answer.body.as_ref() != object.bytes.as_slice() {
            return (
                Check::fail(
                    id,
                    format!(
                        "the presigned URL read back {} bytes that differ from the {} written",
                        answer.body.len(),
                        object.bytes.len()
                    ),
                    "check that nothing between this machine and the store rewrites responses",
                ),
                true,
                None,
            );
        }
        (
            Check::pass(
                id,
                format!(
                    "a test object was written and read back through a presigned URL ({} bytes, identical)",
                    object.bytes.len()
                ),
            ),
            true,
            Some(url),
        )
    }
}

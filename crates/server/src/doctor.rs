//! `proofline doctor`: checks a configuration the way a customer's browser
//! will use it, and says for each problem what was found and how to fix it.
//!
//! The checks, in order:
//! - **bucket**: HeadBucket with these credentials, telling apart "cannot
//!   connect", "no such bucket", "no credentials" and "access denied";
//! - **round trip**: a small test object is written, read back over real HTTP
//!   through a presigned URL (bytes compared), and deleted at the end;
//! - **CORS**: the same URL fetched as the app would, with `Origin: <app
//!   origin>`, plus a preflight: the answer must allow that origin and expose
//!   `ETag`. GetBucketCors says which rules are there. With `fix`, the rule is
//!   set (PutBucketCors, other origins' rules kept) and checked again;
//! - **CloudFront** (when configured): the test object through a CloudFront
//!   signed URL, bytes compared, CORS headers passed on.
//!
//! With the embedded store and nothing listening at its address, the store is
//! started for the duration of the checks, as `publish` does.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use aws_sdk_s3::types::CorsRule;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, Request, header};
use http_body_util::{BodyExt as _, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use proofline_core::expiry::signing_window;

use crate::config::{Settings, StoreKind};
use crate::store::ObjectStore;

/// Which check a line of the report is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckId {
    Bucket,
    RoundTrip,
    Cors,
    CloudFront,
}

impl CheckId {
    pub fn label(self) -> &'static str {
        match self {
            CheckId::Bucket => "bucket",
            CheckId::RoundTrip => "signed URL round trip",
            CheckId::Cors => "CORS",
            CheckId::CloudFront => "CloudFront",
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
    let (store, temporary) = crate::embedded::open_store(settings).await?;
    let mut report = Doctor {
        settings,
        store: &store,
        http: Http::new(),
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
        let later = [CheckId::RoundTrip, CheckId::Cors, CheckId::CloudFront];
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
        if written {
            // A failure to delete is not a failure of the configuration
            // (serving never deletes), but it is never silent.
            let note = match self.store.delete(&object.key).await {
                Ok(()) => ", then deleted".to_owned(),
                Err(e) => format!("; the test object could not be deleted ({e:#})"),
            };
            if let Some(c) = checks.iter_mut().find(|c| c.id == CheckId::RoundTrip) {
                c.found.push_str(&note);
            }
        }
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
                use crate::store::BucketProblem as P;
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
                        "check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or AWS_PROFILE): the key must be allowed s3:ListBucket, s3:GetObject and s3:PutObject on {bucket}"
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

    async fn check_cors(&self, url: &str) -> Check {
        let id = CheckId::Cors;
        let origin = &self.origin;
        let found = match self.cors_problem(url).await {
            None => {
                return Check::pass(
                    id,
                    format!("{origin} may read images (GET and preflight allowed, ETag exposed)"),
                );
            }
            Some(problem) => problem,
        };
        let rules = self.describe_rules().await;
        let found = format!("no CORS rule lets {origin} read images: {found}; {rules}");
        match self.settings.store.kind {
            StoreKind::Embedded { .. } => Check::fail(
                id,
                found,
                format!(
                    "the embedded store allows the origin of the --public-url it was started with: restart `proofline store` or `proofline serve` with --public-url {}",
                    self.settings.public_url
                ),
            ),
            StoreKind::External if !self.fix => Check::fail(
                id,
                found,
                format!(
                    "run `proofline doctor --fix` to add a rule letting {origin} GET and HEAD and read ETag (PutBucketCors; other origins' rules are kept)"
                ),
            ),
            StoreKind::External => {
                if let Err(e) = self.store.ensure_cors(origin).await {
                    return Check::fail(
                        id,
                        format!("{found}; setting the rule failed: {e:#}"),
                        "allow these credentials s3:PutBucketCORS, or add the rule by hand (see README, \"Object storage\")",
                    );
                }
                match self.cors_problem(url).await {
                    None => Check {
                        id,
                        status: Status::Fixed,
                        found: format!(
                            "fixed: a rule now lets {origin} GET and HEAD and read ETag, and it works (before: {found})"
                        ),
                        fix: None,
                    },
                    Some(still) => Check::fail(
                        id,
                        format!("{found}; a rule was set, but still: {still}"),
                        "the store may apply CORS rules with a delay: run doctor again in a minute",
                    ),
                }
            }
        }
    }

    /// What is wrong with reading `url` from the app's origin, or `None`.
    async fn cors_problem(&self, url: &str) -> Option<String> {
        let origin = self.origin.as_str();
        let get = match self
            .http
            .send(Method::GET, url, &[(header::ORIGIN, origin)])
            .await
        {
            Ok(a) => a,
            Err(e) => return Some(format!("the GET failed: {e:#}")),
        };
        if let Some(problem) = cors_answer_problem(&get, origin) {
            return Some(format!("the GET {problem}"));
        }
        let preflight = match self
            .http
            .send(
                Method::OPTIONS,
                url,
                &[
                    (header::ORIGIN, origin),
                    (header::ACCESS_CONTROL_REQUEST_METHOD, "GET"),
                ],
            )
            .await
        {
            Ok(a) => a,
            Err(e) => return Some(format!("the preflight OPTIONS failed: {e:#}")),
        };
        if !(200..300).contains(&preflight.status) {
            return Some(format!(
                "a preflight OPTIONS for GET was refused: {}",
                preflight.summary()
            ));
        }
        let allowed = preflight.header(header::ACCESS_CONTROL_ALLOW_ORIGIN);
        if allowed != Some(origin) && allowed != Some("*") {
            return Some(format!(
                "the preflight answered Access-Control-Allow-Origin {allowed:?}"
            ));
        }
        None
    }

    /// The bucket's CORS rules, as a phrase.
    async fn describe_rules(&self) -> String {
        match self.store.cors_rules().await {
            Ok(Some(rules)) if rules.is_empty() => "the bucket has no CORS rule".to_owned(),
            Ok(Some(rules)) => format!(
                "the bucket's CORS rules allow {}",
                rules
                    .iter()
                    .map(describe_rule)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            Ok(None) => "the store does not report CORS rules".to_owned(),
            Err(e) => format!("its CORS rules cannot be read ({e:#})"),
        }
    }

    async fn check_cloudfront(&self, object: &TestObject) -> Check {
        let id = CheckId::CloudFront;
        let Some(cf) = self.store.cloudfront() else {
            return Check::not_run(id, "no CloudFront distribution is configured");
        };
        let window = signing_window(crate::unix_now(), 60, 600);
        let Some(url) = self.store.cloudfront_get(&object.key, window) else {
            return Check::not_run(id, "no CloudFront distribution is configured");
        };
        let base = &cf.base_url;
        let origin = self.origin.as_str();
        let answer = match self
            .http
            .send(Method::GET, &url, &[(header::ORIGIN, origin)])
            .await
        {
            Ok(a) => a,
            Err(e) => {
                return Check::fail(
                    id,
                    format!(
                        "cannot reach {base}: {e:#} (customers' browsers fall back to the S3 URLs meanwhile)"
                    ),
                    "check PROOFLINE_CLOUDFRONT_DOMAIN (the distribution's domain name, e.g. d111111abcdef8.cloudfront.net)",
                );
            }
        };
        if answer.status == 403 {
            return Check::fail(
                id,
                format!("{base} refused the signed URL: {}", answer.summary()),
                format!(
                    "the distribution's behaviour must trust a key group holding public key {} (the pair of {}), and its origin must be bucket {}",
                    cf.key_pair_id,
                    cf.private_key_path.display(),
                    self.store.bucket()
                ),
            );
        }
        if answer.status != 200 {
            return Check::fail(
                id,
                format!("{base} answered the signed URL with {}", answer.summary()),
                format!(
                    "make bucket {} the distribution's origin (with no origin path), and give CloudFront read access to it (origin access control)",
                    self.store.bucket()
                ),
            );
        }
        if answer.body.as_ref() != object.bytes.as_slice() {
            return Check::fail(
                id,
                format!("{base} served other bytes than the test object"),
                format!(
                    "make bucket {} the distribution's origin, with no origin path",
                    self.store.bucket()
                ),
            );
        }
        if let Some(problem) = cors_answer_problem(&answer, origin) {
            return Check::fail(
                id,
                format!("{base} serves the test object, but {problem}"),
                "forward the Origin header to S3 and include it in the cache key (e.g. the managed origin request policy CORS-S3Origin and response headers policy CORS-With-Preflight)",
            );
        }
        Check::pass(
            id,
            format!(
                "the test object came back through a signed URL of {base}, with CORS for {origin}"
            ),
        )
    }
}

/// What is wrong with a GET answer's CORS headers for `origin`, or `None`.
fn cors_answer_problem(answer: &Answer, origin: &str) -> Option<String> {
    match answer.header(header::ACCESS_CONTROL_ALLOW_ORIGIN) {
        None => {
            return Some(format!(
                "was answered ({}) without Access-Control-Allow-Origin",
                answer.status
            ));
        }
        Some(allowed) if allowed != origin && allowed != "*" => {
            return Some(format!(
                "was answered with Access-Control-Allow-Origin {allowed}"
            ));
        }
        Some(_) => {}
    }
    let exposed = answer
        .header(header::ACCESS_CONTROL_EXPOSE_HEADERS)
        .unwrap_or_default();
    let etag = exposed
        .split(',')
        .any(|h| h.trim().eq_ignore_ascii_case("etag") || h.trim() == "*");
    (!etag).then(|| format!("does not expose ETag (Access-Control-Expose-Headers: {exposed:?})"))
}

fn describe_rule(rule: &CorsRule) -> String {
    format!(
        "{} to {}",
        rule.allowed_origins.join(", "),
        rule.allowed_methods.join("/")
    )
}

/// A plain HTTP(S) client for the checks: doctor must see what a browser
/// sees, so it fetches URLs itself rather than through the AWS SDK.
struct Http {
    client: Client<hyper_rustls::HttpsConnector<HttpConnector>, Empty<Bytes>>,
}

/// A response, read whole (test objects are tiny).
struct Answer {
    status: u16,
    headers: HeaderMap,
    body: Bytes,
}

impl Answer {
    fn header(&self, name: header::HeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The status and the start of the body (S3 errors say what is wrong there).
    fn summary(&self) -> String {
        let text = String::from_utf8_lossy(&self.body);
        let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let short: String = text.chars().take(300).collect();
        if short.is_empty() {
            format!("status {}", self.status)
        } else {
            format!("status {}: {short}", self.status)
        }
    }
}

const HTTP_TIMEOUT: Duration = Duration::from_secs(15);

impl Http {
    fn new() -> Http {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let builder = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(provider.clone())
            .unwrap_or_else(|e| {
                // No system certificates: plain HTTP still works, HTTPS will
                // fail with a certificate error that says so.
                tracing::warn!("no system root certificates ({e}); HTTPS checks will fail");
                let config = rustls::ClientConfig::builder_with_provider(provider)
                    .with_safe_default_protocol_versions()
                    .expect("the default provider supports the default versions")
                    .with_root_certificates(rustls::RootCertStore::empty())
                    .with_no_client_auth();
                hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(config)
            });
        let connector = builder.https_or_http().enable_http1().build();
        Http {
            client: Client::builder(TokioExecutor::new()).build(connector),
        }
    }

    async fn send(
        &self,
        method: Method,
        url: &str,
        headers: &[(header::HeaderName, &str)],
    ) -> anyhow::Result<Answer> {
        let mut request = Request::builder().method(method).uri(url);
        for (name, value) in headers {
            request = request.header(name, *value);
        }
        let request = request
            .body(Empty::new())
            .with_context(|| format!("{url} is not a URL this client can request"))?;
        let exchange = async {
            let response = self.client.request(request).await?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let body = response.into_body().collect().await?.to_bytes();
            anyhow::Ok(Answer {
                status,
                headers,
                body,
            })
        };
        tokio::time::timeout(HTTP_TIMEOUT, exchange)
            .await
            .map_err(|_| anyhow::anyhow!("no answer within {} s", HTTP_TIMEOUT.as_secs()))?
    }
}

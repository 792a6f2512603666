//! The CloudFront check: the test object through a CloudFront signed URL,
//! bytes compared, CORS headers passed on.

use axum::http::{Method, header};
use proofline_core::expiry::signing_window;

use super::cors::cors_answer_problem;
use super::{Check, CheckId, Doctor, TestObject};

impl Doctor<'_> {
    pub(super) async fn check_cloudfront(&self, object: &TestObject) -> Check {
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
                    "the distribution's behaviour must trust a key group holding public key {} (the pair of {}, signing {}), and its origin must be bucket {}",
                    cf.key_pair_id,
                    cf.private_key_path.display(),
                    cf.signer.algorithm(),
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

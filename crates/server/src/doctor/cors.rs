//! The CORS check: the test object fetched as the app would (with `Origin`),
//! and a preflight; the bucket's rules described; with `--fix`, the rule set.

use aws_sdk_s3::types::CorsRule;
use axum::http::{Method, header};

use super::http::Answer;
use super::{Check, CheckId, Doctor, Status};
use crate::storage::StoreKind;

impl Doctor<'_> {
    pub(super) async fn check_cors(&self, url: &str) -> Check {
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
}

/// What is wrong with a GET answer's CORS headers for `origin`, or `None`.
pub(super) fn cors_answer_problem(answer: &Answer, origin: &str) -> Option<String> {
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

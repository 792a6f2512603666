//! The text CloudFront checks a signature against: canned and custom policy
//! JSON, byte for byte as CloudFront documents it and botocore writes it, and
//! CloudFront's own base64 alphabet for putting bytes in a URL.

use base64::Engine as _;

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

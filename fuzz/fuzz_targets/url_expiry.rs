//! `expiry::url_validity`, which reads when a signed URL (SigV4, CloudFront
//! canned or custom policy) stops working, on any text. Besides never
//! panicking: a SigV4 URL works from its signing time for at most seven
//! days; a canned CloudFront URL has no start; and a SigV4 timestamp that
//! is read writes back as the same text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use proofline_core::expiry::{
    SIGV4_MAX_EXPIRES, SignatureScheme, cloudfront_base64_decode, parse_sigv4_timestamp,
    sigv4_timestamp, url_validity,
};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match url_validity(text) {
        Ok(v) => match v.scheme {
            SignatureScheme::SigV4 => {
                let signed_at = v.not_before.expect("a SigV4 URL has its signing time");
                let lifetime = v.expires_at - signed_at;
                assert!((0..=SIGV4_MAX_EXPIRES).contains(&lifetime), "{v:?}");
                assert_eq!(
                    parse_sigv4_timestamp(&sigv4_timestamp(signed_at)),
                    Some(signed_at)
                );
            }
            SignatureScheme::CloudFrontCanned => assert_eq!(v.not_before, None),
            SignatureScheme::CloudFrontCustom => {}
        },
        Err(e) => {
            let _ = e.to_string();
        }
    }
    if let Some(t) = parse_sigv4_timestamp(text) {
        assert_eq!(sigv4_timestamp(t), text);
    }
    let _ = cloudfront_base64_decode(text);
});

use proptest::prelude::*;

use super::*;

/// The presigned URL from AWS's SigV4 documentation ("Authenticating Requests:
/// Using Query Parameters"), as botocore produces it.
const AWS_DOC_URL: &str = "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";

#[test]
fn sigv4_url_is_valid_from_its_date_for_its_expires() {
    let v = url_validity(AWS_DOC_URL).unwrap();
    assert_eq!(v.scheme, SignatureScheme::SigV4);
    assert_eq!(v.not_before, Some(1_369_353_600));
    assert_eq!(v.expires_at, 1_369_440_000);
}

#[test]
fn cloudfront_vectors_from_botocore_give_their_dates() {
    let file: serde_json::Value = serde_json::from_str(include_str!(
        "../../tests/fixtures/cloudfront_signed_url_vectors.json"
    ))
    .unwrap();
    let vectors = file["vectors"].as_array().unwrap();
    assert_eq!(vectors.len(), 6);
    for v in vectors {
        let url = v["signed_url"].as_str().unwrap();
        let got = url_validity(url).unwrap_or_else(|e| panic!("{}: {e}", v["name"]));
        let want_scheme = match v["kind"].as_str().unwrap() {
            "canned" => SignatureScheme::CloudFrontCanned,
            _ => SignatureScheme::CloudFrontCustom,
        };
        assert_eq!(got.scheme, want_scheme, "{}", v["name"]);
        assert_eq!(
            got.expires_at,
            v["date_less_than"].as_i64().unwrap(),
            "{}",
            v["name"]
        );
        assert_eq!(
            got.not_before,
            v["date_greater_than"].as_i64(),
            "{}",
            v["name"]
        );
    }
}

#[test]
fn unreadable_urls_say_why() {
    assert_eq!(url_validity("not a url"), Err(ExpiryError::NotAUrl));
    assert_eq!(
        url_validity("https://s3.example/photo.jpg"),
        Err(ExpiryError::NotSigned)
    );
    let with = |q: &str| url_validity(&format!("https://s3.example/p.jpg?{q}"));
    assert!(matches!(
        with("X-Amz-Date=20130230T000000Z&X-Amz-Expires=60"),
        Err(ExpiryError::BadDate(_))
    ));
    assert!(matches!(
        with("X-Amz-Date=2013-05-24&X-Amz-Expires=60"),
        Err(ExpiryError::BadDate(_))
    ));
    assert!(matches!(
        with("X-Amz-Date=20130524T000000Z"),
        Err(ExpiryError::BadExpires(_))
    ));
    assert!(matches!(
        with("X-Amz-Date=20130524T000000Z&X-Amz-Expires=-1"),
        Err(ExpiryError::BadExpires(_))
    ));
    assert!(matches!(
        with("X-Amz-Date=20130524T000000Z&X-Amz-Expires=604801"),
        Err(ExpiryError::BadExpires(_))
    ));
    assert!(matches!(
        with("Expires=soon&Signature=x"),
        Err(ExpiryError::BadCloudFrontExpires(_))
    ));
    assert!(matches!(
        with("Policy=!!!&Signature=x"),
        Err(ExpiryError::BadPolicy(_))
    ));
    // Valid base64 of a policy without DateLessThan: {"Statement":[{}]}
    assert!(matches!(
        with("Policy=eyJTdGF0ZW1lbnQiOlt7fV19&Signature=x"),
        Err(ExpiryError::BadPolicy(_))
    ));
}

#[test]
fn sigv4_timestamps_handle_leap_years() {
    assert_eq!(parse_sigv4_timestamp("19700101T000000Z"), Some(0));
    assert_eq!(
        parse_sigv4_timestamp("20240229T120000Z"),
        Some(1_709_208_000)
    );
    assert_eq!(parse_sigv4_timestamp("20230229T120000Z"), None);
    assert_eq!(parse_sigv4_timestamp("20000229T000000Z"), Some(951_782_400));
    assert_eq!(parse_sigv4_timestamp("21000229T000000Z"), None);
    assert_eq!(parse_sigv4_timestamp("20261125T246000Z"), None);
    assert_eq!(sigv4_timestamp(1_369_353_600), "20130524T000000Z");
}

#[test]
fn server_clock_corrects_a_wrong_phone_clock() {
    // The phone is three hours slow.
    let clock = ServerClock::observe(1_000_000, 1_000_000 - 3 * 3600);
    assert_eq!(clock.server_now(1_000_100 - 3 * 3600), 1_000_100);
    assert!(is_usable(
        1_000_700,
        clock.server_now(1_000_100 - 3 * 3600),
        300
    ));
    assert!(!is_usable(
        1_000_300,
        clock.server_now(1_000_100 - 3 * 3600),
        300
    ));
}

#[test]
fn signing_window_starts_on_the_boundary() {
    assert_eq!(
        signing_window(7_250, 3600, 6 * 3600),
        SigningWindow {
            start: 7_200,
            expires_at: 7_200 + 21_600
        }
    );
    assert_eq!(signing_window(-1, 3600, 7200).start, -3600);
}

proptest! {
    #[test]
    fn sigv4_timestamps_round_trip(unix in 0i64..253_402_300_799) {
        let s = sigv4_timestamp(unix);
        prop_assert_eq!(parse_sigv4_timestamp(&s), Some(unix));
    }

    #[test]
    fn every_moment_of_a_window_gets_the_same_window(
        start_slot in 0i64..10_000_000,
        offset in 0i64..3600,
    ) {
        let window = 3600;
        let validity = 6 * 3600;
        let now = start_slot * window + offset;
        let w = signing_window(now, window, validity);
        prop_assert_eq!(w, signing_window(start_slot * window, window, validity));
        prop_assert!(w.start <= now);
        // Handed out at any moment, a URL works for at least validity - window.
        prop_assert!(w.expires_at - now > validity - window);
    }

    #[test]
    fn url_validity_never_panics(s in ".*") {
        let _ = url_validity(&s);
        let _ = url_validity(&format!("https://x.example/p?X-Amz-Date={s}&X-Amz-Expires={s}"));
        let _ = url_validity(&format!("https://x.example/p?Policy={s}"));
    }
}

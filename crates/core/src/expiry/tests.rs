//! Tests of signed-URL expiry: SigV4 and CloudFront validity, timestamps,
//! the server clock, signing windows, and the customer's closing notes.

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

/// `url_validity` for a URL on a made-up bucket with query `q`.
fn with(q: &str) -> Result<UrlValidity, ExpiryError> {
    url_validity(&format!("https://s3.example/p.jpg?{q}"))
}

#[test]
fn text_that_is_not_a_url_or_not_signed_says_so() {
    assert_eq!(url_validity("not a url"), Err(ExpiryError::NotAUrl));
    assert_eq!(url_validity("/relative/p.jpg"), Err(ExpiryError::NotAUrl));
    assert_eq!(
        url_validity("https://s3.example/photo.jpg"),
        Err(ExpiryError::NotSigned)
    );
    assert_eq!(with("v=2&w=640"), Err(ExpiryError::NotSigned));
}

#[test]
fn parameter_names_are_case_sensitive_as_aws_sends_them() {
    assert_eq!(
        with("x-amz-date=20130524T000000Z&x-amz-expires=60"),
        Err(ExpiryError::NotSigned)
    );
    assert_eq!(with("expires=2000000000"), Err(ExpiryError::NotSigned));
}

#[test]
fn percent_encoded_values_are_decoded() {
    let v = with("X-Amz-Date=%32%30130524T000000Z&X-Amz-Expires=%36%30").unwrap();
    assert_eq!(v.not_before, Some(1_369_353_600));
    assert_eq!(v.expires_at, 1_369_353_660);
}

#[test]
fn query_values_are_read_as_forms_write_them() {
    assert_eq!(form_decode("a+b%20c"), "a b c");
    assert_eq!(form_decode("100%"), "100%");
    assert_eq!(form_decode("%zz%4"), "%zz%4");
    assert_eq!(form_decode("%C3%A9"), "é");
    assert_eq!(form_decode("%FF"), "\u{FFFD}");
    assert_eq!(query_of("https://h/p?a=1#x?y"), Some("a=1"));
    assert_eq!(query_of("https://h/p#x?y"), Some(""));
    assert_eq!(query_of("https:///p?a=1"), None);
    assert_eq!(query_of("https://h/a b?x=1"), None);
}

proptest! {
    /// The hand-written reading agrees with the `url` crate's (WHATWG) on
    /// every query a signer could write, escapes and stray `%`s included.
    #[test]
    fn query_reading_agrees_with_the_url_crate(
        pairs in proptest::collection::vec(("[A-Za-z%+=2-9~_.-]{0,8}", "[A-Za-z0-9%+=/~_.-]{0,12}"), 0..5),
        name in "[A-Za-z%+2-9]{1,4}",
    ) {
        let query: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let url = format!("https://s3.example/p.jpg?{}", query.join("&"));
        let parsed = url::Url::parse(&url).unwrap();
        let expected = parsed.query_pairs().find(|(k, _)| k == name.as_str()).map(|(_, v)| v.into_owned());
        prop_assert_eq!(query_param(query_of(&url).unwrap(), &name), expected);
    }
}

#[test]
fn sigv4_url_with_an_impossible_or_missing_date_is_rejected() {
    for (q, date) in [
        (
            "X-Amz-Date=20130230T000000Z&X-Amz-Expires=60",
            "20130230T000000Z",
        ),
        ("X-Amz-Date=2013-05-24&X-Amz-Expires=60", "2013-05-24"),
        (
            "X-Amz-Date=20130524T000000&X-Amz-Expires=60",
            "20130524T000000",
        ),
        // Signed, but the date is missing: an error, not "unsigned".
        ("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=60", ""),
        ("X-Amz-Signature=abc&X-Amz-Expires=60", ""),
    ] {
        assert_eq!(with(q), Err(ExpiryError::BadDate(date.into())), "{q}");
    }
}

#[test]
fn sigv4_url_with_a_bad_lifetime_is_rejected() {
    for (expires, shown) in [
        ("", ""),
        ("soon", "soon"),
        ("-1", "-1"),
        ("%2B60", "+60"),
        ("60.0", "60.0"),
        // SigV4 forbids presigned URLs living longer than seven days.
        ("604801", "604801"),
        ("99999999999999999999", "99999999999999999999"),
    ] {
        assert_eq!(
            with(&format!(
                "X-Amz-Date=20130524T000000Z&X-Amz-Expires={expires}"
            )),
            Err(ExpiryError::BadExpires(shown.into())),
            "{expires:?}"
        );
    }
    assert_eq!(
        with("X-Amz-Date=20130524T000000Z"),
        Err(ExpiryError::BadExpires(String::new()))
    );
    let week = with("X-Amz-Date=20130524T000000Z&X-Amz-Expires=604800").unwrap();
    assert_eq!(week.expires_at - 1_369_353_600, SIGV4_MAX_EXPIRES);
}

#[test]
fn cloudfront_canned_url_with_a_bad_expires_is_rejected() {
    for bad in ["soon", "-5", "%2B5", "", "1.5e9"] {
        assert!(
            matches!(
                with(&format!("Expires={bad}&Signature=x&Key-Pair-Id=K")),
                Err(ExpiryError::BadCloudFrontExpires(_))
            ),
            "{bad:?}"
        );
    }
}

#[test]
fn cloudfront_custom_url_with_an_unreadable_policy_is_rejected() {
    let cf = |json: &str| {
        base64::engine::general_purpose::STANDARD
            .encode(json)
            .replace('+', "-")
            .replace('=', "_")
            .replace('/', "~")
    };
    let policy = |p: &str| with(&format!("Policy={p}&Signature=x&Key-Pair-Id=K"));
    for (p, why) in [
        ("!!!".to_string(), "not CloudFront base64"),
        (cf("not json"), "not JSON"),
        (cf(r#"{"Statement":[{}]}"#), "DateLessThan"),
        (
            cf(r#"{"Statement":[{"Condition":{"DateLessThan":{"AWS:EpochTime":"soon"}}}]}"#),
            "DateLessThan",
        ),
        (cf(r#"[1,2]"#), "DateLessThan"),
    ] {
        match policy(&p) {
            Err(ExpiryError::BadPolicy(message)) => assert!(message.contains(why), "{message}"),
            other => panic!("{p}: {other:?}"),
        }
    }
    // And a readable one, written here rather than by botocore.
    let ok = cf(
        r#"{"Statement":[{"Resource":"https://d.example/*","Condition":{"DateLessThan":{"AWS:EpochTime":1893456000},"DateGreaterThan":{"AWS:EpochTime":1700000000}}}]}"#,
    );
    assert_eq!(
        policy(&ok),
        Ok(UrlValidity {
            scheme: SignatureScheme::CloudFrontCustom,
            not_before: Some(1_700_000_000),
            expires_at: 1_893_456_000,
        })
    );
}

#[test]
fn cloudfront_base64_swaps_three_characters() {
    // Standard base64 "+/8=" spelled the CloudFront way.
    assert_eq!(cloudfront_base64_decode("-~8_"), Some(vec![0xFB, 0xFF]));
    assert_eq!(cloudfront_base64_decode("+/8="), Some(vec![0xFB, 0xFF]));
    assert_eq!(cloudfront_base64_decode("%%%"), None);
}

#[test]
fn sigv4_timestamps_handle_leap_years_and_month_ends() {
    assert_eq!(parse_sigv4_timestamp("19700101T000000Z"), Some(0));
    assert_eq!(
        parse_sigv4_timestamp("20240229T120000Z"),
        Some(1_709_208_000)
    );
    assert_eq!(parse_sigv4_timestamp("20230229T120000Z"), None);
    assert_eq!(parse_sigv4_timestamp("20000229T000000Z"), Some(951_782_400));
    assert_eq!(parse_sigv4_timestamp("20000301T000000Z"), Some(951_868_800));
    assert_eq!(parse_sigv4_timestamp("21000229T000000Z"), None);
    assert_eq!(
        parse_sigv4_timestamp("20380119T031408Z"),
        Some(2_147_483_648)
    );
    assert_eq!(
        parse_sigv4_timestamp("99991231T235959Z"),
        Some(253_402_300_799)
    );
    for bad in [
        "20130431T000000Z", // April has 30 days
        "20131301T000000Z",
        "20130001T000000Z",
        "20130100T000000Z",
        "20130132T000000Z",
        "20261125T240000Z",
        "20261125T236000Z",
        "20261125T235960Z", // no leap seconds
        "20261125t000000Z",
        "20261125T000000z",
        "2026112 T000000Z",
        "+0261125T000000Z",
        "20261125T000000Z ",
        "20261125T00000éZ",
        "",
    ] {
        assert_eq!(parse_sigv4_timestamp(bad), None, "{bad:?}");
    }
    assert_eq!(sigv4_timestamp(1_369_353_600), "20130524T000000Z");
    assert_eq!(sigv4_timestamp(-1), "19691231T235959Z");
    assert_eq!(sigv4_timestamp(951_868_799), "20000229T235959Z");
}

#[test]
fn server_clock_corrects_a_wrong_phone_clock() {
    // The phone is three hours slow.
    let device = |server: i64| server - 3 * 3600;
    let clock = ServerClock::observe(1_000_000, device(1_000_000));
    assert_eq!(clock.server_now(device(1_000_100)), 1_000_100);
    assert!(is_usable(
        1_000_700,
        clock.server_now(device(1_000_100)),
        300
    ));
    assert!(!is_usable(
        1_000_300,
        clock.server_now(device(1_000_100)),
        300
    ));
    // Judged by the phone alone, an expired URL would look fresh.
    assert!(is_usable(1_000_050, device(1_000_100), 300));
    assert!(!is_usable(
        1_000_050,
        clock.server_now(device(1_000_100)),
        300
    ));
}

#[test]
fn absurd_server_times_do_not_overflow() {
    let clock = ServerClock::observe(i64::MAX, -5);
    assert_eq!(clock.server_now(10), i64::MAX);
    let clock = ServerClock::observe(i64::MIN, 5);
    assert_eq!(clock.server_now(-10), i64::MIN);
    assert!(!is_usable(i64::MAX, i64::MAX, 60));
}

#[test]
fn a_url_is_usable_only_with_the_margin_to_spare() {
    assert!(is_usable(1_000, 939, 60));
    assert!(!is_usable(1_000, 940, 60), "expires_at itself is too late");
    assert!(!is_usable(1_000, 2_000, 0));
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
    assert_eq!(signing_window(7_200, 3600, 7200).start, 7_200);
    assert_eq!(signing_window(-1, 3600, 7200).start, -3600);
}

#[test]
#[should_panic(expected = "shorter than the URLs' validity")]
fn signing_window_longer_than_validity_is_a_configuration_bug() {
    let _ = signing_window(0, 3600, 3600);
}

/// Days in a month by the calendar rule as written, to check the parser against.
fn days_in(y: i64, m: i64) -> i64 {
    const DAYS: [i64; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    DAYS[(m - 1) as usize] + i64::from(m == 2 && leap)
}

proptest! {
    #[test]
    fn sigv4_timestamps_round_trip(unix in 0i64..=253_402_300_799) {
        let s = sigv4_timestamp(unix);
        prop_assert_eq!(s.len(), 16);
        prop_assert_eq!(parse_sigv4_timestamp(&s), Some(unix));
    }

    /// Any field combination, in or out of range: accepted exactly when it is
    /// a real date and time, and then it reads back unchanged.
    #[test]
    fn sigv4_timestamps_accept_exactly_the_real_dates(
        y in 0i64..=9999,
        m in 0i64..=13,
        d in 0i64..=32,
        h in 0i64..=24,
        mi in 0i64..=60,
        se in 0i64..=60,
    ) {
        let s = format!("{y:04}{m:02}{d:02}T{h:02}{mi:02}{se:02}Z");
        let real = (1..=12).contains(&m)
            && (1..=days_in(y, m)).contains(&d)
            && h < 24 && mi < 60 && se < 60;
        let parsed = parse_sigv4_timestamp(&s);
        prop_assert_eq!(parsed.is_some(), real, "{}", s);
        if let Some(unix) = parsed {
            prop_assert_eq!(sigv4_timestamp(unix), s);
        }
    }

    #[test]
    fn every_moment_of_a_window_gets_the_same_window(
        slot in -1_000_000i64..1_000_000,
        window in 1i64..=86_400,
        extra in 1i64..=518_400,
        offset_seed in any::<u64>(),
    ) {
        let validity = window + extra;
        let offset = (offset_seed % window as u64) as i64;
        let now = slot * window + offset;
        let w = signing_window(now, window, validity);
        prop_assert_eq!(w, signing_window(slot * window, window, validity));
        prop_assert_eq!(w, signing_window(slot * window + window - 1, window, validity));
        prop_assert_eq!(w.start, slot * window);
        prop_assert!(w.start <= now);
        // Handed out at any moment, a URL works for at least validity - window.
        prop_assert!(now < w.expires_at - (validity - window) + 1);
        prop_assert!(w.expires_at - now > validity - window);
        prop_assert_ne!(w, signing_window(slot * window + window, window, validity));
    }

    #[test]
    fn url_validity_never_panics(s in ".*") {
        let _ = url_validity(&s);
        let _ = url_validity(&format!("https://x.example/p?X-Amz-Date={s}&X-Amz-Expires={s}"));
        let _ = url_validity(&format!("https://x.example/p?Policy={s}"));
        let _ = url_validity(&format!("https://x.example/p?Expires={s}"));
        let _ = parse_sigv4_timestamp(&s);
    }

    #[test]
    fn sigv4_urls_report_what_they_were_signed_with(
        unix in 0i64..=253_402_300_799 - SIGV4_MAX_EXPIRES,
        expires in 0i64..=SIGV4_MAX_EXPIRES,
    ) {
        let v = with(&format!(
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date={}&X-Amz-Expires={expires}&X-Amz-Signature=00",
            sigv4_timestamp(unix)
        ))
        .unwrap();
        prop_assert_eq!(v, UrlValidity {
            scheme: SignatureScheme::SigV4,
            not_before: Some(unix),
            expires_at: unix + expires,
        });
    }
}

#[test]
fn customers_are_told_when_a_link_closes_and_warned_in_its_last_week() {
    // 2026-12-31 23:59:59 UTC.
    let at = crate::calendar::end_of_day("2026-12-31").unwrap();
    assert_eq!(closing_note(None, 0, &day_label), None);
    assert_eq!(
        closing_note(Some(at), at - 30 * 86_400, &day_label),
        Some(("Available until 31 Dec 2026.".into(), false))
    );
    let (text, urgent) = closing_note(Some(at), at - 86_400, &day_label).unwrap();
    assert!(urgent);
    assert_eq!(
        text,
        "This gallery closes on 31 Dec 2026. Please make your choices before then."
    );
    assert_eq!(
        closing_note(Some(at), at, &day_label),
        None,
        "past: the link is gone"
    );
    assert!(expired_message(at).contains("available until 31 Dec 2026"));
}

#[test]
fn a_second_or_two_of_clock_difference_is_not_shown() {
    // The server's second ticked before the device's read: -1 s, not a
    // last day shown as midnight the next day.
    for offset in [-2, -1, 0, 1, 2] {
        assert_eq!(ServerClock::from_offset(offset).shown_offset(), 0);
    }
    assert_eq!(ServerClock::from_offset(-3).shown_offset(), -3);
    assert_eq!(ServerClock::from_offset(3600).shown_offset(), 3600);
}

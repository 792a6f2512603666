//! Numbers as people read them. The words are in
//! `locales/en-GB/numbers.ftl`.

include!(concat!(env!("OUT_DIR"), "/numbers.rs"));

/// A count with the locale's thousands separators: 10000 → "10,000".
pub fn count(n: usize) -> String {
    super::locale::grouped(i64::try_from(n).unwrap_or(i64::MAX))
}

/// Bytes for people: "12.3 MB", "1.2 GB", "4 kB" (decimal units, kB rounded up).
pub fn byte_size(bytes: u64) -> String {
    const MB: f64 = 1_000_000.0;
    let b = bytes as f64;
    let tenths = |x: f64| format!("{x:.1}").replace('.', DECIMAL_SEPARATOR);
    if b >= 1000.0 * MB {
        size_gb(tenths(b / (1000.0 * MB)))
    } else if b >= MB {
        size_mb(tenths(b / MB))
    } else {
        size_kb((b / 1000.0).ceil() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_group_thousands_with_commas() {
        assert_eq!(count(0), "0");
        assert_eq!(count(7), "7");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(10_000), "10,000");
        assert_eq!(count(123_456), "123,456");
        assert_eq!(count(1_234_567), "1,234,567");
    }

    #[test]
    fn one_photo_is_singular_and_big_galleries_are_grouped() {
        assert_eq!(photo_count(0), "0 photos");
        assert_eq!(photo_count(1), "1 photo");
        assert_eq!(photo_count(2), "2 photos");
        assert_eq!(photo_count(10_000), "10,000 photos");
    }

    #[test]
    fn sizes_use_decimal_units() {
        assert_eq!(byte_size(0), "0 kB");
        assert_eq!(byte_size(1), "1 kB");
        assert_eq!(byte_size(1500), "2 kB");
        assert_eq!(byte_size(999_999), "1000 kB");
        assert_eq!(byte_size(1_000_000), "1.0 MB");
        assert_eq!(byte_size(12_345_678), "12.3 MB");
        assert_eq!(byte_size(1_200_000_000), "1.2 GB");
    }
}

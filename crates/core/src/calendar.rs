//! Calendar dates in UTC: proleptic Gregorian days since 1970, the last second
//! of a day written `YYYY-MM-DD`, and the "12 Nov 2026" labels customers read.

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of `days_from_civil`.
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

pub(crate) fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The last second (UTC) of a day written `YYYY-MM-DD`: a deadline "on the
/// 31st" includes the 31st.
pub fn end_of_day(date: &str) -> Result<i64, String> {
    let bad = || format!("{date:?} is not a date like 2026-12-31");
    let mut parts = date.trim().splitn(3, '-');
    let mut next = |max: i64| -> Result<i64, String> {
        let n: i64 = parts.next().ok_or_else(bad)?.parse().map_err(|_| bad())?;
        if (1..=max).contains(&n) {
            Ok(n)
        } else {
            Err(bad())
        }
    };
    let (year, month, day) = (next(9999)?, next(12)?, next(31)?);
    if day > days_in_month(year, month) {
        return Err(bad());
    }
    Ok(days_from_civil(year, month, day) * 86_400 + 86_399)
}

/// `YYYY-MM-DD` (UTC) for Unix seconds: what a date field shows, and
/// [`end_of_day`] reads back.
pub fn iso_day(unix: i64) -> String {
    let (year, month, day) = civil_from_days(unix.div_euclid(86_400));
    format!("{year:04}-{month:02}-{day:02}")
}

/// "12 Nov 2026" for Unix seconds, in UTC.
pub fn day_label(unix: i64) -> String {
    let (year, month, day) = civil_from_days(unix.div_euclid(86_400));
    crate::wording::rules::day_label(day, crate::wording::gallery::month(month), year)
}

/// "14:05 on 12 Nov 2026" for Unix seconds, in UTC.
pub fn time_label(unix: i64) -> String {
    let s = unix.rem_euclid(86_400);
    let time = format!("{:02}:{:02}", s / 3600, s / 60 % 60);
    crate::wording::rules::time_on_day(time, day_label(unix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_field_shows_the_day_it_reads_back() {
        for day in ["2026-12-31", "2028-02-29", "0001-01-01", "9999-12-31"] {
            assert_eq!(iso_day(end_of_day(day).unwrap()), day);
        }
    }

    #[test]
    fn times_are_given_with_their_day() {
        assert_eq!(time_label(1_798_761_599), "23:59 on 31 Dec 2026");
        assert_eq!(time_label(1_796_169_600 + 5 * 60), "00:05 on 2 Dec 2026");
    }

    #[test]
    fn deadlines_are_given_as_dates_and_include_the_whole_day() {
        assert_eq!(end_of_day("2026-12-31"), Ok(1_798_761_599));
        assert_eq!(
            end_of_day("2000-02-29").map(day_label).unwrap(),
            "29 Feb 2000"
        );
        assert!(end_of_day("2026-02-31").is_err());
        assert!(end_of_day("2026-13-01").is_err());
        assert!(end_of_day("31/12/2026").is_err());
        assert!(end_of_day("").is_err());
    }

    #[test]
    fn day_labels_are_calendar_dates() {
        assert_eq!(day_label(0), "1 Jan 1970");
        assert_eq!(day_label(951_782_400), "29 Feb 2000");
        assert_eq!(day_label(1_798_761_599), "31 Dec 2026");
        assert_eq!(day_label(-1), "31 Dec 1969");
    }
}

//! The offline window: how long a device may keep showing its saved copy of
//! a gallery, and loading photos through it, without reaching the studio.
//!
//! The studio sets it per gallery (1 hour to 30 days, 3 days unless told).
//! A device counts it from the newest manifest it has seen (its
//! `server_time`: when the origin answered, or when the origin wrote the
//! mirror the device read), so a link revoked while a device is offline is
//! hidden on that device by the window's end at the latest. The mirror's URL
//! is signed for no longer than the window, for the same reason.

/// Unless the studio says otherwise: 3 days.
pub const DEFAULT_SECS: i64 = 3 * DAY;
/// The shortest window a studio may set: 1 hour.
pub const MIN_SECS: i64 = 3_600;
/// The longest: 30 days.
pub const MAX_SECS: i64 = 30 * DAY;

const DAY: i64 = 86_400;

/// Checks a window the studio asked for.
pub fn check(secs: i64) -> Result<(), String> {
    if (MIN_SECS..=MAX_SECS).contains(&secs) {
        Ok(())
    } else {
        Err(format!(
            "the offline window must be from 1 hour to 30 days (asked for {})",
            label(secs)
        ))
    }
}

/// Reads a window as the studio writes it: `90m`, `12h`, `3d` (a number
/// and one unit), within [`MIN_SECS`]..=[`MAX_SECS`].
pub fn parse(text: &str) -> Result<i64, String> {
    let text = text.trim();
    let unit_at = text
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(|| format!("{text:?} needs a unit: m, h or d (for example 3d)"))?;
    let (number, unit) = text.split_at(unit_at);
    let number: i64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a number of minutes, hours or days"))?;
    let unit_secs = match unit {
        "m" => 60,
        "h" => 3_600,
        "d" => DAY,
        _ => return Err(format!("{text:?}: the unit must be m, h or d")),
    };
    let secs = number
        .checked_mul(unit_secs)
        .ok_or_else(|| format!("{text:?} is too long"))?;
    check(secs)?;
    Ok(secs)
}

/// "3 days", "12 hours", "90 minutes", "1 day 6 hours".
pub fn label(secs: i64) -> String {
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    let (days, hours, minutes) = (secs / DAY, secs % DAY / 3_600, secs % 3_600 / 60);
    match (days, hours, minutes) {
        (0, 0, m) => plural(m, "minute"),
        (0, h, 0) => plural(h, "hour"),
        (d, 0, 0) => plural(d, "day"),
        (0, h, m) => format!("{} {}", plural(h, "hour"), plural(m, "minute")),
        (d, h, _) => format!("{} {}", plural(d, "day"), plural(h, "hour")),
    }
}

/// Until when (server time) a device that last heard from the studio at
/// `contact` may show its copy: the window's end, or the link's own expiry
/// if that comes first.
pub fn until(contact: i64, window_secs: i64, link_expires_at: Option<i64>) -> i64 {
    let end = contact.saturating_add(window_secs);
    link_expires_at.map_or(end, |at| at.min(end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_read_as_the_studio_writes_them() {
        assert_eq!(parse("3d"), Ok(3 * DAY));
        assert_eq!(parse(" 12h "), Ok(12 * 3_600));
        assert_eq!(parse("90m"), Ok(5_400));
        assert_eq!(parse("30d"), Ok(MAX_SECS));
        assert_eq!(parse("1h"), Ok(MIN_SECS));
    }

    #[test]
    fn windows_outside_an_hour_to_30_days_are_refused_with_the_reason() {
        let short = parse("59m").unwrap_err();
        assert!(short.contains("from 1 hour to 30 days"), "{short}");
        assert!(short.contains("59 minutes"), "{short}");
        assert!(parse("31d").unwrap_err().contains("31 days"));
        assert!(parse("3").unwrap_err().contains("needs a unit"));
        assert!(parse("3w").unwrap_err().contains("m, h or d"));
        assert!(parse("d").unwrap_err().contains("not a number"));
        assert!(parse("99999999999999999d").is_err());
        assert!(check(0).is_err());
        assert!(check(-DAY).is_err());
        assert_eq!(check(DEFAULT_SECS), Ok(()));
    }

    #[test]
    fn labels_read_as_people_say_them() {
        assert_eq!(label(3 * DAY), "3 days");
        assert_eq!(label(DAY), "1 day");
        assert_eq!(label(3_600), "1 hour");
        assert_eq!(label(5_400), "1 hour 30 minutes");
        assert_eq!(label(DAY + 6 * 3_600), "1 day 6 hours");
        assert_eq!(label(60), "1 minute");
    }

    #[test]
    fn a_copy_is_kept_for_the_window_or_until_the_link_closes() {
        assert_eq!(until(1_000, 3_600, None), 4_600);
        assert_eq!(until(1_000, 3_600, Some(2_000)), 2_000);
        assert_eq!(until(1_000, 3_600, Some(9_000)), 4_600);
        assert_eq!(until(i64::MAX - 5, 3_600, None), i64::MAX);
    }
}

//! The lightbox's slideshow: how long each photo stays on screen, and which
//! photo comes next. The app counts a photo's time from when it is shown
//! (or known to be missing), so a slow photo still gets its whole turn.

/// The choices of how long each photo stays, in seconds.
pub const INTERVALS_SECS: [u32; 4] = [3, 5, 8, 12];

/// How long each photo stays unless the customer chose otherwise.
pub const DEFAULT_SECS: u32 = 5;

/// The interval kept on the device (`saved`), if it is one of
/// [`INTERVALS_SECS`]; else the default.
pub fn interval_from(saved: Option<&str>) -> u32 {
    saved
        .and_then(|s| s.trim().parse().ok())
        .filter(|secs| INTERVALS_SECS.contains(secs))
        .unwrap_or(DEFAULT_SECS)
}

/// The photo after `index` of `total`: the first again after the last. None
/// when there is nothing else to show.
pub fn next(index: usize, total: usize) -> Option<usize> {
    (total > 1 && index < total).then(|| (index + 1) % total)
}

/// The play button's name (its label changes, so a screen reader says what
/// pressing it will do).
pub fn play_label(playing: bool) -> &'static str {
    if playing {
        "Pause slideshow"
    } else {
        "Play slideshow"
    }
}

/// An interval as its menu shows it: "Every 5 s".
pub fn interval_label(secs: u32) -> String {
    format!("Every {secs} s")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slideshow_goes_round_and_stops_only_when_there_is_nothing_else() {
        assert_eq!(next(0, 12), Some(1));
        assert_eq!(next(11, 12), Some(0));
        assert_eq!(next(0, 1), None);
        assert_eq!(next(0, 0), None);
        assert_eq!(next(12, 12), None);
    }

    #[test]
    fn a_kept_interval_is_used_only_if_it_is_offered() {
        assert_eq!(interval_from(Some("8")), 8);
        assert_eq!(interval_from(Some(" 3 ")), 3);
        assert_eq!(interval_from(Some("4")), DEFAULT_SECS);
        assert_eq!(interval_from(Some("0")), DEFAULT_SECS);
        assert_eq!(interval_from(Some("soon")), DEFAULT_SECS);
        assert_eq!(interval_from(None), DEFAULT_SECS);
        assert!(INTERVALS_SECS.contains(&DEFAULT_SECS));
    }

    #[test]
    fn the_controls_say_what_they_will_do() {
        assert_eq!(play_label(false), "Play slideshow");
        assert_eq!(play_label(true), "Pause slideshow");
        assert_eq!(interval_label(12), "Every 12 s");
    }
}

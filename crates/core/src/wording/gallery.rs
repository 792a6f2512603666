//! The gallery page's sentences: while it loads, which copy is shown and how
//! old it is, notes over photos that cannot load, positions, and "Save for
//! offline". The words are in `locales/en-GB/gallery.ftl`; what is here
//! picks among them.

use super::numbers::byte_size;

include!(concat!(env!("OUT_DIR"), "/gallery.rs"));

/// The words of a PIN form.
#[derive(Debug, Clone, Copy)]
pub struct PinWords {
    pub title: &'static str,
    pub lead: &'static str,
    pub label: &'static str,
    pub button: &'static str,
}

/// A PIN link's form, before the gallery opens.
pub const GALLERY_PIN: PinWords = PinWords {
    title: GALLERY_PIN_TITLE,
    lead: GALLERY_PIN_LEAD,
    label: GALLERY_PIN_LABEL,
    button: super::labels::OPEN_GALLERY,
};

/// A moment as the device's clock shows it, read by the caller (the time
/// zone is the device's), so the sentences stay pure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalTime {
    /// 0–23.
    pub hour: u32,
    /// 0–59.
    pub minute: u32,
    /// Day of the month, 1–31.
    pub day: u32,
    /// 1 (January) to 12.
    pub month: u32,
    /// 0 (Sunday) to 6 (Saturday).
    pub weekday: u32,
    /// Calendar days from the device's today: 0 today, 1 tomorrow, -1
    /// yesterday.
    pub days_ahead: i64,
}

impl LocalTime {
    fn time(self) -> String {
        time_of_day(format!("{:02}", self.hour), format!("{:02}", self.minute))
    }

    fn weekday(self) -> String {
        weekday(self.weekday % 7)
    }

    fn month(self) -> String {
        month((self.month + 11) % 12 + 1)
    }
}

/// "Tue 14 Jan, 14:05": a day and time in the device's zone, for what is
/// not soon (see [`coming_time`] for what is).
pub fn day_time(t: LocalTime) -> String {
    day_time_of(t.weekday(), t.day, t.month(), t.time())
}

/// "10:42" today, "24 Nov, 10:42" on another day.
pub fn clock_time(t: LocalTime) -> String {
    if t.days_ahead == 0 {
        t.time()
    } else {
        date_time(t.day, t.month(), t.time())
    }
}

/// A coming moment: "today 14:00", "Tue 14:00" within the week, "Tue 8
/// Dec, 14:00" further on.
pub fn coming_time(t: LocalTime) -> String {
    match t.days_ahead {
        0 => today_time(t.time()),
        1..=6 => weekday_time(t.weekday(), t.time()),
        _ => day_time(t),
    }
}

/// A copy of the gallery that is not fresh from the studio.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaleCopy {
    /// The studio's manifest mirror in object storage.
    StudioMirror,
    /// The copy saved on this device.
    ThisDevice,
}

/// The banner over a copy that is not fresh from the studio, saved at `at`
/// (see [`clock_time`]).
pub fn stale_copy_banner(copy: StaleCopy, online: bool, at: &str) -> String {
    match (copy, online) {
        (StaleCopy::StudioMirror, _) => stale_studio_mirror(at),
        (StaleCopy::ThisDevice, false) => stale_device_offline(at),
        (StaleCopy::ThisDevice, true) => stale_device_online(at),
    }
}

/// The note over a photo's placeholder when the photo cannot be shown:
/// `downloadable` when it has a usable URL but the downloads failed (rather
/// than not being on the device with no usable URL left).
pub fn missing_photo_note(downloadable: bool, offline: bool) -> &'static str {
    if downloadable && !offline {
        NOT_AVAILABLE_NOW
    } else {
        NOT_AVAILABLE_OFFLINE
    }
}

/// "Save 12 photos (34.5 MB) on this device? This site can use 1.2 GB more
/// on this device." (the second sentence when the free space is known).
pub fn save_offline_question(photos: usize, bytes: u64, free: Option<u64>) -> String {
    let question = save_offline_question_words(photos, byte_size(bytes));
    match free {
        Some(free) => format!("{question} {}", save_offline_room(byte_size(free))),
        None => question,
    }
}

/// "Save for offline" asked for more than the device has room for.
pub fn save_wont_fit(photos: usize, bytes: u64, room: u64) -> String {
    save_wont_fit_words(photos, byte_size(bytes), byte_size(room))
}

/// "Saving: 3 of 12 photos · 4.0 MB of 34.5 MB".
pub fn saving_progress(photos_done: usize, photos: usize, bytes_done: u64, bytes: u64) -> String {
    saving_progress_words(photos_done, photos, byte_size(bytes_done), byte_size(bytes))
}

/// The end of "Save for offline": everything saved, or how many failed.
pub fn saved_for_offline(photos: usize, bytes: u64, failed: usize) -> String {
    if failed == 0 {
        saved_for_offline_words(photos, byte_size(bytes))
    } else {
        saved_some_for_offline(photos.saturating_sub(failed), photos, failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hour: u32, minute: u32, day: u32, month: u32, today: bool) -> LocalTime {
        LocalTime {
            hour,
            minute,
            day,
            month,
            weekday: 2,
            days_ahead: if today { 0 } else { -1 },
        }
    }

    #[test]
    fn a_day_and_time_names_the_weekday_the_date_and_the_time() {
        assert_eq!(day_time(at(14, 5, 14, 1, false)), "Tue 14 Jan, 14:05");
        assert_eq!(day_time(at(0, 0, 1, 12, true)), "Tue 1 Dec, 00:00");
    }

    #[test]
    fn coming_times_name_the_weekday_and_the_date_past_a_week() {
        let ahead = |days_ahead| LocalTime {
            days_ahead,
            ..at(14, 0, 8, 12, false)
        };
        assert_eq!(coming_time(ahead(0)), "today 14:00");
        assert_eq!(coming_time(ahead(1)), "Tue 14:00");
        assert_eq!(coming_time(ahead(6)), "Tue 14:00");
        assert_eq!(coming_time(ahead(7)), "Tue 8 Dec, 14:00");
        assert_eq!(
            available_offline_until("Tue 14:00"),
            "Available offline until Tue 14:00."
        );
        assert!(offline_window_over("Tue 14:00").starts_with(
            "This gallery was available offline until Tue 14:00. Connect to the internet"
        ));
    }

    #[test]
    fn times_today_are_hours_and_minutes_other_days_add_the_date() {
        assert_eq!(clock_time(at(10, 42, 24, 11, true)), "10:42");
        assert_eq!(clock_time(at(7, 5, 24, 11, true)), "07:05");
        assert_eq!(clock_time(at(10, 42, 24, 11, false)), "24 Nov, 10:42");
        assert_eq!(clock_time(at(0, 0, 1, 1, false)), "1 Jan, 00:00");
        assert_eq!(clock_time(at(23, 59, 31, 12, false)), "31 Dec, 23:59");
    }

    #[test]
    fn banners_say_which_copy_is_shown_and_from_when() {
        assert_eq!(
            stale_copy_banner(StaleCopy::StudioMirror, true, "10:42"),
            "Studio server unreachable — showing the studio's saved copy from 10:42."
        );
        assert_eq!(
            stale_copy_banner(StaleCopy::StudioMirror, false, "10:42"),
            "Studio server unreachable — showing the studio's saved copy from 10:42."
        );
        assert_eq!(
            stale_copy_banner(StaleCopy::ThisDevice, false, "24 Nov, 10:42"),
            "You're offline — showing the copy saved on this device at 24 Nov, 10:42."
        );
        assert_eq!(
            stale_copy_banner(StaleCopy::ThisDevice, true, "10:42"),
            "Studio server unreachable — showing the copy saved on this device at 10:42."
        );
    }

    #[test]
    fn a_missing_photo_is_offline_unless_it_could_download_and_the_device_is_online() {
        assert_eq!(missing_photo_note(false, false), "Not available offline");
        assert_eq!(missing_photo_note(false, true), "Not available offline");
        assert_eq!(missing_photo_note(true, true), "Not available offline");
        assert_eq!(missing_photo_note(true, false), "Not available right now");
    }

    #[test]
    fn positions() {
        assert_eq!(photo_position(3, 12), "3 of 12");
        assert_eq!(photo_position(1234, 10_000), "1234 of 10000");
        assert_eq!(scrub_position(1234, 10_000), "1,234 of 10,000");
    }

    #[test]
    fn saving_for_offline() {
        assert_eq!(
            save_offline_question(12, 34_500_000, Some(1_200_000_000)),
            "Save 12 photos (34.5 MB) on this device? This site can use 1.2 GB more on this device."
        );
        assert_eq!(
            save_offline_question(1, 2_000, None),
            "Save 1 photo (2 kB) on this device?"
        );
        assert_eq!(
            saving_progress(3, 12, 4_000_000, 34_500_000),
            "Saving: 3 of 12 photos · 4.0 MB of 34.5 MB"
        );
        assert_eq!(
            saved_for_offline(10_000, 2_500_000_000, 0),
            "Saved for offline: 10,000 photos (2.5 GB)."
        );
        assert_eq!(
            saved_for_offline(12, 34_500_000, 2),
            "Saved 10 of 12 photos; 2 could not be downloaded. Try again when you have signal."
        );
    }

    #[test]
    fn loading_messages() {
        assert_eq!(LOADING_GALLERY, "Loading your gallery…");
        assert_eq!(more_photos_coming(1), "Loading 1 more photo…");
        assert_eq!(more_photos_coming(9_940), "Loading 9,940 more photos…");
        assert_eq!(
            GALLERY_STILL_LOADING,
            "The gallery is still loading; try again in a moment."
        );
        assert_eq!(
            LOADING_LARGE,
            "This gallery is large and still loading — please keep this page open."
        );
    }
}

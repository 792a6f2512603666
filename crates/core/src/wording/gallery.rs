//! The gallery page's sentences: while it loads, which copy is shown and how
//! old it is, notes over photos that cannot load, positions, and "Save for
//! offline".

use super::numbers::{byte_size, count, photo_count};

/// While the gallery loads.
pub const LOADING_GALLERY: &str = "Loading your gallery…";
/// What a first visit says while a slow origin prepares a very large gallery.
pub const LOADING_LARGE: &str =
    "This gallery is large and still loading — please keep this page open.";
/// While the studio page loads.
pub const LOADING_STUDIO: &str = "Loading the studio page…";
/// The device refused to keep more photos, even after evicting others.
pub const STORAGE_FULL_BANNER: &str =
    "This device is out of space for saved photos; they will download again next time.";
/// "Save for offline" found nothing left to download.
pub const ALL_SAVED: &str = "All photos are already saved on this device.";
/// "Save for offline" stopped: the device is full.
pub const OUT_OF_SPACE: &str =
    "This device is out of space for saved photos. Free some space, or keep browsing online.";
/// "Save for offline" while downloads fail and wait to be tried again (no
/// connection, or the photo store is down).
pub const SAVE_WAITING: &str = "Waiting for the connection: the photos can't be reached right now. \
     Saving carries on by itself when they can (if you leave, when you next open this gallery).";
/// Before and after saving, on iPhone and iPad Safari outside the home
/// screen: Safari deletes a site's storage after 7 days without a visit;
/// the home screen's app keeps its own (which starts empty, hence the link).
pub const HOME_SCREEN_HINT: &str = "On iPhone and iPad, Safari deletes saved photos after 7 days \
     without a visit. To keep them, copy this gallery's link, tap Share, then Add to Home Screen; \
     open Proofline from your Home Screen, paste the link there and save the gallery again.";
/// The app opened with no gallery named (as a home screen app does).
/// The home screen's heading (the app opened with no gallery link).
pub const HOME_TITLE: &str = "Your photo proofs";

/// The only place customers read the software's name: the studio's brand
/// leads everywhere else.
pub const SMALL_PRINT: &str = "Proof gallery by Proofline";

pub const HOME_INTRO: &str = "Open the gallery link your photographer sent you to see your proofs, \
     or paste it here.";
/// What the home page's box asks for.
pub const PASTE_LINK_LABEL: &str = "Gallery link";
/// The home page's box held something that is not a gallery link.
pub const NOT_A_GALLERY_LINK: &str =
    "That is not a gallery link: paste the whole link your photographer sent you.";
/// The PIN form was sent empty.
pub const PIN_EMPTY: &str = "Please enter the PIN.";

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
    title: "Enter your PIN",
    lead: "The studio protected this gallery with a PIN. You'll find it in their message to you.",
    label: "PIN",
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

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/// "Tue 14 Jan, 14:05": a day and time in the device's zone, for what is
/// not soon (see [`coming_time`] for what is).
pub fn day_time(t: LocalTime) -> String {
    format!(
        "{} {} {}, {:02}:{:02}",
        WEEKDAYS[t.weekday as usize % 7],
        t.day,
        MONTHS[(t.month as usize + 11) % 12],
        t.hour,
        t.minute
    )
}

/// "10:42" today, "24 Nov, 10:42" on another day.
pub fn clock_time(t: LocalTime) -> String {
    let time = format!("{:02}:{:02}", t.hour, t.minute);
    if t.days_ahead == 0 {
        time
    } else {
        let month = MONTHS[(t.month as usize + 11) % 12];
        format!("{} {month}, {time}", t.day)
    }
}

/// A coming moment: "today 14:00", "Tue 14:00" within the week, "Tue 8
/// Dec, 14:00" further on.
pub fn coming_time(t: LocalTime) -> String {
    let time = format!("{:02}:{:02}", t.hour, t.minute);
    let weekday = WEEKDAYS[t.weekday as usize % 7];
    match t.days_ahead {
        0 => format!("today {time}"),
        1..=6 => format!("{weekday} {time}"),
        _ => {
            let month = MONTHS[(t.month as usize + 11) % 12];
            format!("{weekday} {} {month}, {time}", t.day)
        }
    }
}

/// Under the gallery's title: how long this device may show it without
/// reaching the studio (see `proofline_core::offline`), at `until` (see
/// [`coming_time`]).
pub fn available_offline_until(until: &str) -> String {
    format!("Available offline until {until}.")
}

/// The heading over [`offline_window_over`].
pub const OFFLINE_OVER_TITLE: &str = "Connect to see this gallery again";

/// Instead of a gallery whose offline window ran out on this device.
pub fn offline_window_over(until: &str) -> String {
    format!(
        "This gallery was available offline until {until}. Connect to the internet to open it \
         again: the studio's server confirms that your link still works. Choices you made are \
         kept on this device and sent then."
    )
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
        (StaleCopy::StudioMirror, _) => {
            format!("Studio server unreachable — showing the studio's saved copy from {at}.")
        }
        (StaleCopy::ThisDevice, false) => {
            format!("You're offline — showing the copy saved on this device at {at}.")
        }
        (StaleCopy::ThisDevice, true) => {
            format!("Studio server unreachable — showing the copy saved on this device at {at}.")
        }
    }
}

/// The note over a photo's placeholder when the photo cannot be shown:
/// `downloadable` when it has a usable URL but the downloads failed (rather
/// than not being on the device with no usable URL left).
pub fn missing_photo_note(downloadable: bool, offline: bool) -> &'static str {
    if downloadable && !offline {
        "Not available right now"
    } else {
        "Not available offline"
    }
}

/// The lightbox's "3 of 12" (plain numbers, as in the caption).
pub fn photo_position(n: usize, total: usize) -> String {
    format!("{n} of {total}")
}

/// The scrubber's "1,234 of 10,000".
pub fn scrub_position(n: usize, total: usize) -> String {
    format!("{} of {}", count(n), count(total))
}

/// "Save 12 photos (34.5 MB) on this device? This site can use 1.2 GB more
/// on this device." (the second sentence when the free space is known).
pub fn save_offline_question(photos: usize, bytes: u64, free: Option<u64>) -> String {
    let room = free
        .map(|f| format!(" This site can use {} more on this device.", byte_size(f)))
        .unwrap_or_default();
    format!(
        "Save {} ({}) on this device?{room}",
        photo_count(photos),
        byte_size(bytes)
    )
}

/// "Save for offline" asked for more than the device has room for: said
/// before anything is downloaded, and nothing is.
pub fn save_wont_fit(photos: usize, bytes: u64, room: u64) -> String {
    format!(
        "{} ({}) will not fit: this site has room for {} more photos on this device, \
         and the galleries you saved for offline keep the rest. Free some space on the device to save this one.",
        photo_count(photos),
        byte_size(bytes),
        byte_size(room),
    )
}

/// The gallery's own record could not be kept, so it would not open offline:
/// "Saved for offline" is never claimed then.
pub fn gallery_not_kept(why: &str) -> String {
    format!(
        "This gallery could not be saved on this device ({why}), so it will not open offline. \
         Free some space and try again."
    )
}

/// "Saving: 3 of 12 photos · 4.0 MB of 34.5 MB".
pub fn saving_progress(photos_done: usize, photos: usize, bytes_done: u64, bytes: u64) -> String {
    format!(
        "Saving: {photos_done} of {photos} photos · {} of {}",
        byte_size(bytes_done),
        byte_size(bytes),
    )
}

/// The end of "Save for offline": everything saved, or how many failed.
pub fn saved_for_offline(photos: usize, bytes: u64, failed: usize) -> String {
    if failed == 0 {
        format!(
            "Saved for offline: {} ({}).",
            photo_count(photos),
            byte_size(bytes)
        )
    } else {
        format!(
            "Saved {} of {photos} photos; {failed} could not be downloaded. Try again when you have signal.",
            photos.saturating_sub(failed),
        )
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
        assert_eq!(
            LOADING_LARGE,
            "This gallery is large and still loading — please keep this page open."
        );
    }
}

//! The device's clock: now in milliseconds and seconds (the only place the
//! app reads it), and a moment as the device's time zone shows it, for
//! [`proofline_core::wording::clock_time`].

use proofline_core::wording::LocalTime;

/// Device time, Unix milliseconds.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// Device time, Unix seconds.
pub fn now_secs() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// Unix seconds as the device's clock shows them (its time zone), and how
/// many calendar days that is from today there.
pub fn local_time(unix_secs: i64) -> LocalTime {
    let then = js_sys::Date::new(&((unix_secs as f64) * 1000.0).into());
    let today = js_sys::Date::new_0();
    // Local midnights; rounded, as a day across a clock change is 23 or 25 h.
    let midnight = |d: &js_sys::Date| {
        js_sys::Date::new_with_year_month_day(
            d.get_full_year(),
            d.get_month() as i32,
            d.get_date() as i32,
        )
        .get_time()
    };
    LocalTime {
        hour: then.get_hours(),
        minute: then.get_minutes(),
        day: then.get_date(),
        month: then.get_month() + 1,
        weekday: then.get_day(),
        days_ahead: ((midnight(&then) - midnight(&today)) / 86_400_000.0).round() as i64,
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::*;

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    async fn time_moves_forward_in_step_in_ms_and_seconds() {
        let (ms, secs) = (now_ms(), now_secs());
        assert!((ms / 1000 - secs).abs() <= 1);
        // After 2023 (a sane clock), in milliseconds not seconds.
        assert!(ms > 1_700_000_000_000);
        gloo_timers::future::TimeoutFuture::new(30).await;
        let later = now_ms();
        assert!(later >= ms + 25, "{ms} then {later}");
        assert!(later < ms + 5_000);
    }

    #[wasm_bindgen_test]
    fn local_time_is_the_devices_and_knows_today() {
        let now = now_secs();
        let t = local_time(now);
        assert_eq!(t.days_ahead, 0);
        assert_eq!(t.weekday, js_sys::Date::new_0().get_day());
        assert!(t.hour < 24 && t.minute < 60);
        assert!((1..=31).contains(&t.day) && (1..=12).contains(&t.month));
        let date = js_sys::Date::new_0();
        assert_eq!((t.day, t.month), (date.get_date(), date.get_month() + 1));
        assert_eq!(local_time(now - 3 * 86_400).days_ahead, -3);
        assert_eq!(local_time(now + 3 * 86_400).days_ahead, 3);
    }
}

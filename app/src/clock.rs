//! The browser's clock: `shared` reads none, so the app supplies "now" and "today".

use shared::day::Day;
use shared::entry::Now;

/// Now, by the device's clock, with today's date where the trainee is.
pub fn now() -> Now {
    let date = js_sys::Date::new_0();
    Now {
        millis: date.get_time() as i64,
        today: Day::from_ymd(
            date.get_full_year() as i32,
            (date.get_month() + 1) as u8,
            date.get_date() as u8,
        )
        // A browser always reports a real date; this keeps the function total.
        .unwrap_or(Day::UNIX_EPOCH),
    }
}

/// "14:05" for a time in milliseconds since 1970, in the device's zone.
pub fn time_of_day(millis: i64) -> String {
    let date = js_sys::Date::new(&(millis as f64).into());
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}

/// "22 Nov 2026" for a time in milliseconds since 1970, in the device's zone.
pub fn date(millis: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let date = js_sys::Date::new(&(millis as f64).into());
    let month = MONTHS
        .get(date.get_month() as usize)
        .copied()
        .unwrap_or_default();
    format!("{} {month} {}", date.get_date(), date.get_full_year())
}

/// "22 Nov 2026, 14:05" for a time in milliseconds since 1970.
pub fn date_and_time(millis: i64) -> String {
    format!("{}, {}", date(millis), time_of_day(millis))
}

/// A new random id (a UUID) for an entry.
pub fn new_id() -> String {
    web_sys::window()
        .and_then(|window| window.crypto().ok())
        .map(|crypto| crypto.random_uuid())
        .unwrap_or_else(|| format!("{:x}", js_sys::Date::now() as u64))
}

//! A calendar day (`YYYY-MM-DD`), the precision entries are dated with.

use serde::de::Visitor;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A calendar date with no time of day or zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(time::Date);

/// Why a text is not a day.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a date: use the form 2026-03-31")]
pub struct InvalidDay(pub String);

impl Day {
    /// 1970-01-01.
    pub const UNIX_EPOCH: Day = Day(time::macros::date!(1970 - 01 - 01));

    /// The day with this year, month (1–12) and day of month, if it exists.
    pub fn from_ymd(year: i32, month: u8, day: u8) -> Option<Self> {
        let month = time::Month::try_from(month).ok()?;
        time::Date::from_calendar_date(year, month, day)
            .ok()
            .map(Day)
    }

    /// The day `days` after this one (before it when negative).
    pub fn plus_days(self, days: i64) -> Self {
        Day(self.0.saturating_add(time::Duration::days(days)))
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.0.year()
    }

    /// Whole days from `earlier` to this day.
    pub fn days_since(self, earlier: Day) -> i64 {
        (self.0 - earlier.0).whole_days()
    }
}

impl FromStr for Day {
    type Err = InvalidDay;

    /// Reads `YYYY-MM-DD` by hand: a portfolio's start-up parses thousands of these,
    /// and `time`'s general parser costs several times as much.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || InvalidDay(text.to_owned());
        let bytes = text.trim().as_bytes();
        let shape = bytes.len() == 10
            && bytes.iter().enumerate().all(|(at, byte)| match at {
                4 | 7 => *byte == b'-',
                _ => byte.is_ascii_digit(),
            });
        if !shape {
            return Err(invalid());
        }
        let number = |digits: &[u8]| {
            digits
                .iter()
                .fold(0u16, |sum, digit| sum * 10 + u16::from(digit - b'0'))
        };
        let year = i32::from(number(&bytes[0..4]));
        let month = u8::try_from(number(&bytes[5..7])).map_err(|_| invalid())?;
        let day = u8::try_from(number(&bytes[8..10])).map_err(|_| invalid())?;
        Day::from_ymd(year, month, day).ok_or_else(invalid)
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, month, day) = self.0.to_calendar_date();
        write!(f, "{year:04}-{:02}-{day:02}", u8::from(month))
    }
}

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(DayVisitor)
    }
}

/// Reads a day from borrowed text where the format allows, without a copy.
struct DayVisitor;

impl Visitor<'_> for DayVisitor {
    type Value = Day;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a date written YYYY-MM-DD")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Day, E> {
        text.parse().map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_iso_days() {
        let day: Day = "2026-02-28".parse().expect("valid");
        assert_eq!(day.to_string(), "2026-02-28");
        assert_eq!(day.plus_days(1).to_string(), "2026-03-01");
        assert!("2026-02-30".parse::<Day>().is_err());
        assert!("28/02/2026".parse::<Day>().is_err());
        assert!("".parse::<Day>().is_err());
    }

    #[test]
    fn only_real_days_in_the_exact_form_are_read() {
        assert_eq!(
            " 2024-02-29 ".parse::<Day>(),
            Day::from_ymd(2024, 2, 29).ok_or(InvalidDay(String::new()))
        );
        for wrong in [
            "2023-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-01-00",
            "2026-1-01",
            "+026-01-01",
            "2026-01-011",
            "2026/01/01",
            "２０２６-01-01",
        ] {
            assert_eq!(
                wrong.parse::<Day>(),
                Err(InvalidDay(wrong.to_owned())),
                "{wrong}"
            );
        }
    }

    #[test]
    fn reads_from_postcard_too() {
        let day = Day::from_ymd(2026, 11, 22).expect("exists");
        let bytes = postcard::to_allocvec(&day).expect("encodes");
        assert_eq!(postcard::from_bytes::<Day>(&bytes).expect("decodes"), day);
    }

    #[test]
    fn serialises_as_text() {
        let day = Day::from_ymd(2025, 8, 6).expect("exists");
        assert_eq!(serde_json::to_string(&day).expect("json"), "\"2025-08-06\"");
        let back: Day = serde_json::from_str("\"2025-08-06\"").expect("parses");
        assert_eq!(back, day);
    }
}

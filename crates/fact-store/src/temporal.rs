//! Dates, datetimes and durations: strict parsing of their ISO 8601 text, and packing into
//! integers that keep their order, so a column of datetimes costs eight bytes a row.
//!
//! Datetimes are local wall-clock times. Text with a UTC offset or a time zone is refused
//! rather than having its offset dropped, and a date is not silently taken as midnight.

use jiff::SignedDuration;
use jiff::civil::{Date, DateTime, Time};

/// Parses a calendar date, `2025-01-06`. A date with a time of day is refused.
pub fn parse_date(text: &str) -> Result<Date, String> {
    if text.contains(['T', 't', ' ', ':']) {
        return Err("a date has no time of day; write it as YYYY-MM-DD".into());
    }
    text.parse::<Date>()
        .map_err(|e| impossible_date(text).unwrap_or_else(|| e.to_string()))
}

/// Why a date shaped `YYYY-MM-DD` names no day of the calendar, in the reader's words;
/// `None` when it is not so shaped or is a real day.
fn impossible_date(text: &str) -> Option<String> {
    let mut parts = text.get(..10)?.split('-');
    let mut number = |digits: usize| {
        let part = parts.next().filter(|p| p.len() == digits)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse::<i16>().ok())
            .flatten()
    };
    let (year, month, day) = (number(4)?, number(2)?, number(2)?);
    if !(1..=12).contains(&month) {
        return Some(format!(
            "there is no month {month:02}; months run from 01 to 12"
        ));
    }
    let days = Date::new(year, month as i8, 1).ok()?.days_in_month();
    if day < 1 || day > i16::from(days) {
        let name = Date::new(year, month as i8, 1).ok()?.strftime("%B %Y");
        return Some(format!(
            "there is no day {day:02} in {name}, which has {days} days"
        ));
    }
    None
}

/// Parses a local date and time, `2025-01-06T09:30:00` (seconds and fraction optional).
/// A UTC offset, `Z` or a time-zone name is refused, as is a bare date.
pub fn parse_datetime(text: &str) -> Result<DateTime, String> {
    let Some(time_at) = text.find(['T', 't', ' ']) else {
        return Err("a datetime needs a time of day, as in 2025-01-06T09:00:00".into());
    };
    if text[time_at..].contains(['Z', 'z', '+', '-', '[']) {
        return Err(
            "a datetime is a local wall-clock time and takes no UTC offset or time zone; write it as 2025-01-06T09:00:00"
                .into(),
        );
    }
    text.parse::<DateTime>().map_err(|e| {
        impossible_date(text)
            .or_else(|| impossible_time(&text[time_at + 1..]))
            .unwrap_or_else(|| e.to_string())
    })
}

/// Why a time shaped `HH:MM[:SS]` names no time of day; `None` otherwise.
fn impossible_time(text: &str) -> Option<String> {
    let mut parts = text.split(':');
    let mut number = || {
        let part = parts.next()?.get(..2)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse::<u8>().ok())
            .flatten()
    };
    let (hour, minute) = (number()?, number()?);
    if hour > 23 {
        return Some(format!(
            "there is no hour {hour}; hours run from 00 to 23 (midnight ending a day is 00:00 of the next)"
        ));
    }
    if minute > 59 {
        return Some(format!(
            "there is no minute {minute}; minutes run from 00 to 59"
        ));
    }
    match number() {
        Some(second) if second > 59 => Some(format!(
            "there is no second {second}; seconds run from 00 to 59"
        )),
        _ => None,
    }
}

/// Parses an exact duration: ISO 8601 (`PT8H30M`) or jiff's friendly form (`8h 30m`).
pub fn parse_duration(text: &str) -> Result<SignedDuration, String> {
    text.parse::<SignedDuration>().map_err(|e| e.to_string())
}

const YEAR_BIAS: i32 = 1 << 15;

/// Packs a date into an `i32` that orders as the dates do.
pub(crate) fn pack_date(date: Date) -> i32 {
    ((i32::from(date.year()) + YEAR_BIAS) << 9)
        | (i32::from(date.month()) << 5)
        | i32::from(date.day())
}

/// Inverse of [`pack_date`].
pub(crate) fn unpack_date(packed: i32) -> Date {
    let year = ((packed >> 9) - YEAR_BIAS) as i16;
    let month = ((packed >> 5) & 0xf) as i8;
    let day = (packed & 0x1f) as i8;
    Date::new(year, month, day).expect("packed dates are only made from valid dates")
}

/// Packs a datetime into whole seconds (an `i64` that orders as the datetimes do) and the
/// nanoseconds within the second.
pub(crate) fn pack_datetime(datetime: DateTime) -> (i64, u32) {
    let time = datetime.time();
    let seconds = (i64::from(pack_date(datetime.date())) << 17)
        | (i64::from(time.hour()) << 12)
        | (i64::from(time.minute()) << 6)
        | i64::from(time.second());
    (seconds, time.subsec_nanosecond() as u32)
}

/// Inverse of [`pack_datetime`].
pub(crate) fn unpack_datetime(seconds: i64, nanos: u32) -> DateTime {
    let date = unpack_date((seconds >> 17) as i32);
    let time = Time::new(
        ((seconds >> 12) & 0x1f) as i8,
        ((seconds >> 6) & 0x3f) as i8,
        (seconds & 0x3f) as i8,
        nanos as i32,
    )
    .expect("packed times are only made from valid times");
    date.to_datetime(time)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_with_offsets_or_zones_are_refused() {
        for text in [
            "2025-01-06T09:00:00Z",
            "2025-01-06T09:00:00+01:00",
            "2025-01-06T09:00:00-05:00",
            "2025-01-06T09:00[Europe/London]",
        ] {
            let error = parse_datetime(text).unwrap_err();
            assert!(error.contains("local wall-clock"), "{text}: {error}");
        }
        assert!(
            parse_datetime("2025-01-06")
                .unwrap_err()
                .contains("needs a time of day")
        );
        assert_eq!(
            parse_datetime("2025-01-06T09:30").unwrap().to_string(),
            "2025-01-06T09:30:00"
        );
        assert_eq!(
            parse_datetime("-002025-01-06T09:30:00")
                .unwrap()
                .to_string(),
            "-002025-01-06T09:30:00"
        );
    }

    #[test]
    fn dates_with_times_or_impossible_days_are_refused() {
        assert!(parse_date("2025-01-06T09:00:00").is_err());
        assert!(parse_date("2025-02-30").unwrap_err().contains("day"));
        assert_eq!(
            parse_date("2025-13-01").unwrap_err(),
            "there is no month 13; months run from 01 to 12"
        );
        assert_eq!(
            parse_date("2025-02-29").unwrap_err(),
            "there is no day 29 in February 2025, which has 28 days"
        );
        assert_eq!(
            parse_datetime("2025-04-31T08:00").unwrap_err(),
            "there is no day 31 in April 2025, which has 30 days"
        );
        assert!(
            parse_datetime("2025-01-06T24:00")
                .unwrap_err()
                .contains("no hour 24")
        );
        assert!(
            parse_datetime("2025-01-06T08:60")
                .unwrap_err()
                .contains("no minute 60")
        );
        assert!(
            parse_datetime("2025-01-06T08:00:61")
                .unwrap_err()
                .contains("no second 61")
        );
        assert_eq!(parse_date("2024-02-29").unwrap().to_string(), "2024-02-29");
    }

    #[test]
    fn durations_parse_both_forms_and_print_iso() {
        assert_eq!(
            parse_duration("PT8H30M").unwrap(),
            SignedDuration::from_mins(510)
        );
        assert_eq!(
            parse_duration("8h 30m").unwrap(),
            SignedDuration::from_mins(510)
        );
        assert_eq!(parse_duration("-PT1.5S").unwrap().to_string(), "-PT1.5S");
        assert!(parse_duration("eight hours").is_err());
    }

    #[test]
    fn packing_round_trips_and_keeps_order_at_the_extremes() {
        let samples = [
            "-009999-01-01T00:00:00",
            "-000001-12-31T23:59:59.999999999",
            "0000-01-01T00:00:00",
            "1999-12-31T23:59:59",
            "2024-02-29T12:00:00.5",
            "2025-01-06T09:00:00",
            "9999-12-31T23:59:59.999999999",
        ];
        let mut previous = None;
        for text in samples {
            let datetime: DateTime = text.parse().unwrap();
            let packed = pack_datetime(datetime);
            assert_eq!(unpack_datetime(packed.0, packed.1), datetime);
            assert_eq!(unpack_date(pack_date(datetime.date())), datetime.date());
            if let Some(before) = previous {
                assert!(before < packed, "{text} packs below its predecessor");
            }
            previous = Some(packed);
        }
    }

    #[test]
    fn every_vector_date_parses_and_packs_back() {
        let vectors = include_str!("../../../testdata/vectors/iso_weeks.json");
        let mut seen = 0;
        for line in vectors
            .lines()
            .filter(|line| line.trim_start().starts_with("\"date\""))
        {
            let text = line.split('"').nth(3).unwrap();
            let date = parse_date(text).unwrap();
            assert_eq!(unpack_date(pack_date(date)).to_string(), text);
            seen += 1;
        }
        assert!(
            seen > 50,
            "expected the vector file to hold many dates, found {seen}"
        );
    }
}

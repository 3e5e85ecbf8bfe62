//! `Week`: an ISO 8601 week (Monday to Sunday), labelled with its week-numbering year as
//! in `2025-W02`. Weeks order and group like any value; a shift on Sunday 2024-12-29 is in
//! `2024-W52`, one on Monday 2024-12-30 already in `2025-W01`.

use std::fmt;
use std::str::FromStr;

use jiff::civil::{Date, ISOWeekDate, Weekday};

/// One ISO week. Orders by year, then week number.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Week {
    year: i16,
    number: i8,
}

impl Week {
    /// Week `number` (1 to 52 or 53) of the ISO week-numbering `year`, if it exists.
    pub fn new(year: i16, number: i8) -> Option<Week> {
        ISOWeekDate::new(year, number, Weekday::Monday)
            .ok()
            .map(|_| Week { year, number })
    }

    /// The week a date falls in.
    pub fn of(date: Date) -> Week {
        let iso = ISOWeekDate::from_date(date);
        Week {
            year: iso.year(),
            number: iso.week(),
        }
    }

    /// The ISO week-numbering year (which can differ from the calendar year of a date).
    pub fn year(self) -> i16 {
        self.year
    }

    /// The week number, from 1.
    pub fn number(self) -> i8 {
        self.number
    }

    /// The Monday that starts the week.
    pub fn start(self) -> Date {
        self.day(Weekday::Monday)
    }

    /// The Sunday that ends the week.
    pub fn end(self) -> Date {
        self.day(Weekday::Sunday)
    }

    fn day(self, weekday: Weekday) -> Date {
        ISOWeekDate::new(self.year, self.number, weekday)
            .expect("a week made by `new` or `of` exists")
            .date()
    }

    /// Packs the week into an `i32` that orders as the weeks do.
    pub(crate) fn pack(self) -> i32 {
        (i32::from(self.year) << 6) | i32::from(self.number)
    }

    /// Inverse of [`pack`](Self::pack).
    pub(crate) fn unpack(packed: i32) -> Week {
        Week {
            year: (packed >> 6) as i16,
            number: (packed & 0x3f) as i8,
        }
    }
}

impl fmt::Display for Week {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.year {
            0..=9999 => write!(f, "{:04}-W{:02}", self.year, self.number),
            year => write!(
                f,
                "{}{:06}-W{:02}",
                if year < 0 { '-' } else { '+' },
                i32::from(year).abs(),
                self.number
            ),
        }
    }
}

impl fmt::Debug for Week {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for Week {
    type Err = String;

    /// Parses `2025-W02` (or `-000001-W52` / `+010000-W01` beyond four-digit years).
    fn from_str(text: &str) -> Result<Week, String> {
        let malformed = || format!("a week is written as YYYY-Www, as in 2025-W02, not {text:?}");
        let (year, number) = text.rsplit_once("-W").ok_or_else(malformed)?;
        let digits_only = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let year_digits = year.strip_prefix(['-', '+']).unwrap_or(year);
        let year_ok = if year.len() == year_digits.len() {
            year.len() == 4
        } else {
            year_digits.len() == 6
        };
        if !year_ok || !digits_only(year_digits) || number.len() != 2 || !digits_only(number) {
            return Err(malformed());
        }
        let year: i16 = year.parse().map_err(|_| malformed())?;
        let number: i8 = number.parse().map_err(|_| malformed())?;
        Week::new(year, number).ok_or_else(|| format!("{year} has no ISO week {number}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_agree_with_the_iso_week_vectors() {
        let vectors = include_str!("../../../testdata/vectors/iso_weeks.json");
        let field = |entry: &str, name: &str| {
            let at = entry.find(&format!("\"{name}\"")).unwrap();
            entry[at..].split('"').nth(3).unwrap().to_owned()
        };
        let mut checked = 0;
        for entry in vectors.split('{').skip(1) {
            let date: Date = field(entry, "date").parse().unwrap();
            let week = Week::of(date);
            assert_eq!(week.to_string(), field(entry, "iso_week"), "{date}");
            assert_eq!(
                week.start().to_string(),
                field(entry, "week_start"),
                "{date}"
            );
            assert_eq!(week.end().to_string(), field(entry, "week_end"), "{date}");
            assert_eq!(field(entry, "iso_week").parse::<Week>(), Ok(week));
            assert_eq!(Week::unpack(week.pack()), week);
            checked += 1;
        }
        assert!(
            checked > 50,
            "the vector file should hold many dates, found {checked}"
        );
    }

    #[test]
    fn week_text_is_strict() {
        assert_eq!(
            "2020-W53".parse::<Week>().map(|w| w.end().to_string()),
            Ok("2021-01-03".into())
        );
        assert!(
            "2021-W53"
                .parse::<Week>()
                .unwrap_err()
                .contains("no ISO week 53")
        );
        for bad in ["2025-W2", "2025W02", "25-W02", "2025-w02", "2025-W02-1", ""] {
            assert!(bad.parse::<Week>().is_err(), "{bad}");
        }
        let far = Week::new(-1, 1).unwrap();
        assert_eq!(far.to_string().parse::<Week>(), Ok(far));
        assert!(Week::new(2025, 2).unwrap() < Week::new(2025, 10).unwrap());
        assert!(Week::new(2024, 52).unwrap() < Week::new(2025, 1).unwrap());
    }
}

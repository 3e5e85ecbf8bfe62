//! Numbers, dates and times appended to a string exactly as their `Display` writes them,
//! without the formatting machinery: the writer formats every value of every result, and
//! `write!` cost more than the rest of a line. Anything outside the common shapes (a year
//! outside 0–9999, a fraction of a second) goes through `Display` after all.

use std::fmt::Write;

use jiff::civil::{Date, DateTime};
use rust_decimal::Decimal;

/// Room for the digits of any `u128` (39 of them).
const DIGITS: usize = 40;

/// Appends an integer, as `i64`'s `Display` does.
pub(crate) fn push_int(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    push_digits(out, u128::from(n.unsigned_abs()));
}

/// Appends a decimal as `rust_decimal`'s `Display` does: every digit of its mantissa at its
/// scale (`0.50` stays `0.50`), with a leading `0` before the point when there is no
/// integer part, and a sign whenever the sign is negative (`-0` included).
pub(crate) fn push_decimal(out: &mut String, d: &Decimal) {
    if d.is_sign_negative() {
        out.push('-');
    }
    let scale = d.scale() as usize;
    let mut buf = [0u8; DIGITS];
    let digits = digits_of(d.mantissa().unsigned_abs(), &mut buf);
    if scale == 0 {
        out.push_str(digits);
    } else if digits.len() > scale {
        let (whole, fraction) = digits.split_at(digits.len() - scale);
        out.push_str(whole);
        out.push('.');
        out.push_str(fraction);
    } else {
        out.push_str("0.");
        for _ in digits.len()..scale {
            out.push('0');
        }
        out.push_str(digits);
    }
}

/// Appends a date as `jiff`'s `Display` does (`2024-01-31`).
pub(crate) fn push_date(out: &mut String, date: Date) {
    if !(0..=9999).contains(&date.year()) {
        let _ = write!(out, "{date}");
        return;
    }
    let mut text = *b"0000-00-00";
    put_ymd(&mut text, date);
    out.push_str(std::str::from_utf8(&text).expect("ASCII digits"));
}

/// Appends a date and time as `jiff`'s `Display` does (`2024-01-31T09:30:00`).
pub(crate) fn push_datetime(out: &mut String, datetime: DateTime) {
    if !(0..=9999).contains(&datetime.year()) || datetime.subsec_nanosecond() != 0 {
        let _ = write!(out, "{datetime}");
        return;
    }
    let mut text = *b"0000-00-00T00:00:00";
    put_ymd(&mut text, datetime.date());
    put_two(&mut text[11..13], datetime.hour());
    put_two(&mut text[14..16], datetime.minute());
    put_two(&mut text[17..19], datetime.second());
    out.push_str(std::str::from_utf8(&text).expect("ASCII digits"));
}

/// Writes `YYYY-MM-DD` over the start of `text`; the year is within 0–9999.
fn put_ymd(text: &mut [u8], date: Date) {
    let year = date.year().unsigned_abs();
    put_two(&mut text[0..2], (year / 100) as i8);
    put_two(&mut text[2..4], (year % 100) as i8);
    put_two(&mut text[5..7], date.month());
    put_two(&mut text[8..10], date.day());
}

/// Writes a number of 0–99 as two digits.
fn put_two(text: &mut [u8], n: i8) {
    let n = n.unsigned_abs();
    text[0] = b'0' + n / 10;
    text[1] = b'0' + n % 10;
}

/// Appends `n` in decimal.
fn push_digits(out: &mut String, n: u128) {
    let mut buf = [0u8; DIGITS];
    out.push_str(digits_of(n, &mut buf));
}

/// The decimal digits of `n`, written at the end of `buf`. Values that fit a `u64` (all but
/// the largest decimals) are divided as `u64`, which is several times cheaper.
fn digits_of(mut n: u128, buf: &mut [u8; DIGITS]) -> &str {
    let mut at = DIGITS;
    while n > u128::from(u64::MAX) {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    let mut small = n as u64;
    loop {
        at -= 1;
        buf[at] = b'0' + (small % 10) as u8;
        small /= 10;
        if small == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[at..]).expect("ASCII digits")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn written(push: impl FnOnce(&mut String)) -> String {
        let mut out = String::from(">");
        push(&mut out);
        out
    }

    proptest! {
        #[test]
        fn ints_are_written_as_display_writes_them(n in any::<i64>()) {
            prop_assert_eq!(written(|out| push_int(out, n)), format!(">{n}"));
        }

        #[test]
        fn decimals_are_written_as_display_writes_them(
            lo in prop_oneof![Just(0u32), any::<u32>()],
            mid in prop_oneof![Just(0u32), any::<u32>()],
            hi in prop_oneof![Just(0u32), any::<u32>()],
            negative in any::<bool>(),
            scale in 0u32..=28,
        ) {
            let d = Decimal::from_parts(lo, mid, hi, negative, scale);
            prop_assert_eq!(written(|out| push_decimal(out, &d)), format!(">{d}"));
        }

        #[test]
        fn dates_and_times_are_written_as_display_writes_them(
            year in prop_oneof![-9999i16..=9999, 0i16..=99, 1900i16..=2100],
            month in 1i8..=12,
            day in 1i8..=28,
            hour in 0i8..=23,
            minute in 0i8..=59,
            second in 0i8..=59,
            nanos in prop_oneof![Just(0i32), 0i32..1_000_000_000],
        ) {
            let date = Date::new(year, month, day).unwrap();
            let datetime = date.at(hour, minute, second, nanos);
            prop_assert_eq!(written(|out| push_date(out, date)), format!(">{date}"));
            prop_assert_eq!(written(|out| push_datetime(out, datetime)), format!(">{datetime}"));
        }
    }

    #[test]
    fn the_extremes_are_written_as_display_writes_them() {
        for d in [Decimal::MAX, Decimal::MIN, Decimal::ZERO, -Decimal::ZERO] {
            assert_eq!(written(|out| push_decimal(out, &d)), format!(">{d}"));
        }
        let negative_zero = Decimal::from_parts(0, 0, 0, true, 3);
        assert_eq!(
            written(|out| push_decimal(out, &negative_zero)),
            format!(">{negative_zero}")
        );
        for n in [i64::MIN, i64::MAX, 0, -1] {
            assert_eq!(written(|out| push_int(out, n)), format!(">{n}"));
        }
        for datetime in [DateTime::MIN, DateTime::MAX] {
            assert_eq!(
                written(|out| push_datetime(out, datetime)),
                format!(">{datetime}")
            );
            assert_eq!(
                written(|out| push_date(out, datetime.date())),
                format!(">{}", datetime.date())
            );
        }
    }
}

//! Calendar dates for suppression expiry: `YYYY-MM-DD`, checked to exist, compared as dates.
//! The calendar (month lengths, leap years, order) is the `time` crate's; the written form
//! accepted, exactly ten characters, is ours: a suppression's expiry is read one way only.

/// A day of the Gregorian calendar, year 1 to 9999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(time::Date);

/// What a date must look like, for messages.
pub const DATE_EXPECTED: &str = "a calendar date written YYYY-MM-DD (year 0001 to 9999, month 01 to 12, a day that exists in that month), such as 2027-03-31";

impl Date {
    /// A date that exists: month 1–12, day within the month (29 February in leap years only).
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        if !(1..=9999).contains(&year) {
            return None;
        }
        let month = time::Month::try_from(month).ok()?;
        time::Date::from_calendar_date(i32::from(year), month, day)
            .ok()
            .map(Date)
    }

    /// Exactly `YYYY-MM-DD` (ten ASCII characters, digits and two dashes), naming a date that
    /// exists. Anything else is `None`: no trimming, no other forms (`time`'s own parsers take
    /// signed and longer years, which an expiry is never written with).
    pub fn parse(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u16> {
            b[r].iter().try_fold(0u16, |n, &c| {
                c.is_ascii_digit().then(|| n * 10 + u16::from(c - b'0'))
            })
        };
        let month = u8::try_from(num(5..7)?).ok()?;
        let day = u8::try_from(num(8..10)?).ok()?;
        Date::new(num(0..4)?, month, day)
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let d = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02}",
            d.year(),
            u8::from(d.month()),
            d.day()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_dates_only() {
        for ok in [
            "2027-03-31",
            "2024-02-29",
            "2000-02-29",
            "0001-01-01",
            "9999-12-31",
        ] {
            assert_eq!(Date::parse(ok).map(|d| d.to_string()).as_deref(), Some(ok));
        }
        for bad in [
            "9999-99-99",
            "2027-13-01",
            "2027-00-10",
            "2027-04-31",
            "2027-02-29",
            "1900-02-29",
            "2027-01-00",
            "0000-01-01",
            "2027-1-01",
            "2027/01/01",
            "27-01-01",
            " 2027-01-01",
            "2027-01-01T00:00:00Z",
            "２０２７-01-01",
            "",
            "+027-01-01",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn compared_as_dates() {
        let d = |s| Date::parse(s).unwrap();
        assert!(d("2026-11-30") < d("2027-01-01"));
        assert!(d("2026-02-01") > d("2026-01-31"));
        assert_eq!(d("2026-01-31"), d("2026-01-31"));
    }
}

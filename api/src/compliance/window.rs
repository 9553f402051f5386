//! Where a limit's window starts and ends, in the store's time zone: a transaction has
//! no history; a calendar day runs from local midnight to the next; `N` rolling days are
//! the last `N` calendar days, today included (the oldest drops out at midnight); a
//! calendar month runs from the first at local midnight to the next first.

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use entities::enums::ComplianceWindow;

/// The longest rolling window, in days (ten years).
pub const MAX_ROLLING_DAYS: i32 = 3660;

/// A window's bounds as of a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    /// Purchases from here on count; `None`: this transaction only.
    pub start: Option<DateTime<Utc>>,
    /// When the window (or its oldest day) next rolls over; `None` for a transaction.
    pub end: Option<DateTime<Utc>>,
}

/// The bounds of `window` (with `days` for rolling windows) at `now` in `tz`; `None`
/// when they cannot be computed (rolling without a day count, or out of range).
pub fn bounds(
    window: ComplianceWindow,
    days: Option<i32>,
    tz: &Tz,
    now: DateTime<Utc>,
) -> Option<Bounds> {
    let today = now.with_timezone(tz).date_naive();
    let tomorrow = today.checked_add_days(Days::new(1))?;
    let (first, next) = match window {
        ComplianceWindow::Transaction => {
            return Some(Bounds {
                start: None,
                end: None,
            });
        }
        ComplianceWindow::CalendarDay => (today, tomorrow),
        ComplianceWindow::RollingDays => {
            let days = days.filter(|d| (1..=MAX_ROLLING_DAYS).contains(d))?;
            let back = u64::try_from(days - 1).ok()?;
            (today.checked_sub_days(Days::new(back))?, tomorrow)
        }
        ComplianceWindow::CalendarMonth => {
            let first = today.with_day(1)?;
            (first, first.checked_add_months(Months::new(1))?)
        }
    };
    Some(Bounds {
        start: Some(local_midnight(tz, first)),
        end: Some(local_midnight(tz, next)),
    })
}

/// Midnight starting `day` in `tz`, as UTC (the earliest, should a change of clocks
/// make it ambiguous; the naive time read as UTC should it not exist).
pub fn local_midnight(tz: &Tz, day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_time(NaiveTime::MIN);
    tz.from_local_datetime(&midnight)
        .earliest()
        .map_or_else(|| midnight.and_utc(), |start| start.with_timezone(&Utc))
}

/// The window in words: `per transaction`, `per day`, `per 14 days`, `per calendar month`.
pub fn phrase(window: ComplianceWindow, days: Option<i32>) -> String {
    match window {
        ComplianceWindow::Transaction => "per transaction".to_owned(),
        ComplianceWindow::CalendarDay => "per day".to_owned(),
        ComplianceWindow::RollingDays => format!("per {} days", days.unwrap_or_default()),
        ComplianceWindow::CalendarMonth => "per calendar month".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    #[test]
    fn windows_follow_the_store_clock() {
        let la: Tz = "America/Los_Angeles".parse().unwrap_or(Tz::UTC);
        // 02:00 UTC on 2 July is still 1 July in Los Angeles
        let now = at("2026-07-02T02:00:00Z");
        let day = bounds(ComplianceWindow::CalendarDay, None, &la, now);
        assert_eq!(
            day.and_then(|b| b.start).map(|t| t.to_rfc3339()),
            Some("2026-07-01T07:00:00+00:00".to_owned())
        );
        assert_eq!(
            day.and_then(|b| b.end).map(|t| t.to_rfc3339()),
            Some("2026-07-02T07:00:00+00:00".to_owned())
        );
        let rolling = bounds(ComplianceWindow::RollingDays, Some(14), &la, now);
        assert_eq!(
            rolling.and_then(|b| b.start).map(|t| t.to_rfc3339()),
            Some("2026-06-18T07:00:00+00:00".to_owned())
        );
        let month = bounds(ComplianceWindow::CalendarMonth, None, &la, now);
        assert_eq!(
            month.and_then(|b| b.end).map(|t| t.to_rfc3339()),
            Some("2026-08-01T07:00:00+00:00".to_owned())
        );
        assert_eq!(
            bounds(ComplianceWindow::Transaction, None, &la, now),
            Some(Bounds {
                start: None,
                end: None
            })
        );
        assert_eq!(bounds(ComplianceWindow::RollingDays, None, &la, now), None);
        assert_eq!(
            bounds(ComplianceWindow::RollingDays, Some(0), &la, now),
            None
        );
    }
}

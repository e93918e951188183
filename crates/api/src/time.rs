//! Timestamps: stored as naive UTC, served as RFC 3339 UTC.

use chrono::{DateTime, NaiveDateTime, Utc};

pub fn utc(naive: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(naive, Utc)
}

/// An instant as RFC 3339 in UTC to the second (`2026-12-07T15:00:00Z`): the form feeds,
/// sitemaps, ninjs and problem details give.
pub fn seconds(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub fn naive(at: DateTime<Utc>) -> NaiveDateTime {
    use chrono::{DurationRound, TimeDelta};
    let at = at.naive_utc();
    at.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(at)
}

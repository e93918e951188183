//! Timestamps: stored as naive UTC, served as RFC 3339 UTC.

use chrono::{DateTime, NaiveDateTime, Utc};

pub fn utc(naive: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(naive, Utc)
}

/// To storage, truncated to microseconds so both backends keep the same instant.
pub fn naive(at: DateTime<Utc>) -> NaiveDateTime {
    use chrono::{DurationRound, TimeDelta};
    let at = at.naive_utc();
    at.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(at)
}

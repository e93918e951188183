//! Reading stored timestamps quickly.
//!
//! SQLite keeps a timestamp as text, and diesel parses it with chrono's `parse_from_str`, which
//! interprets its format string anew for each value: 5% of an uncached list page and 4% of an
//! article. Newsdesk writes every timestamp as `YYYY-MM-DD HH:MM:SS[.ffffff]` (diesel's own
//! format), which [`parse`] reads directly; any other text goes through diesel's formats as
//! before. PostgreSQL sends timestamps as binary and is read as before.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::deserialize::{self, FromSql};
use diesel::pg::Pg;
use diesel::sql_types::{Nullable, Timestamp};
use diesel::sqlite::{Sqlite, SqliteValue};

use crate::Db;

/// A timestamp column, read as [`NaiveDateTime`] (`#[diesel(deserialize_as = StoredTime)]`).
#[derive(Debug, Clone, Copy, diesel::deserialize::FromSqlRow)]
pub struct StoredTime(pub NaiveDateTime);

/// A nullable timestamp column (`#[diesel(deserialize_as = MaybeStoredTime)]`).
#[derive(Debug, Clone, Copy, diesel::deserialize::FromSqlRow)]
pub struct MaybeStoredTime(pub Option<NaiveDateTime>);

impl From<StoredTime> for NaiveDateTime {
    fn from(time: StoredTime) -> Self {
        time.0
    }
}

impl From<MaybeStoredTime> for Option<NaiveDateTime> {
    fn from(time: MaybeStoredTime) -> Self {
        time.0
    }
}

/// Reads `YYYY-MM-DD HH:MM:SS` with an optional fraction of up to nine digits; `None` for
/// anything else.
fn parse(text: &str) -> Option<NaiveDateTime> {
    let b = text.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b' ' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0u32, |n, &d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
    };
    let mut nanos = 0;
    if b.len() > 19 {
        let fraction = &b[20..];
        if b[19] != b'.' || fraction.is_empty() || fraction.len() > 9 {
            return None;
        }
        let digits = number(20..b.len())?;
        nanos = digits * 10u32.pow(9 - u32::try_from(fraction.len()).ok()?);
    }
    let date = NaiveDate::from_ymd_opt(i32::try_from(number(0..4)?).ok()?, number(5..7)?, number(8..10)?)?;
    date.and_hms_nano_opt(number(11..13)?, number(14..16)?, number(17..19)?, nanos)
}

impl FromSql<Timestamp, Sqlite> for StoredTime {
    fn from_sql(mut value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        let text = value.read_text();
        match parse(text) {
            Some(time) => Ok(Self(time)),
            None => diesel_formats(text).map(Self),
        }
    }
}

/// The formats diesel reads a SQLite timestamp in, for text Newsdesk did not write itself.
fn diesel_formats(text: &str) -> deserialize::Result<NaiveDateTime> {
    const FORMATS: [&str; 18] = [
        "%F %T%.f",
        "%F %T%.f%:z",
        "%F %T",
        "%F %T%:z",
        "%F %R",
        "%F %RZ",
        "%F %R%:z",
        "%F %TZ",
        "%F %T%.fZ",
        "%FT%R",
        "%FT%RZ",
        "%FT%R%:z",
        "%FT%T",
        "%FT%TZ",
        "%FT%T%:z",
        "%FT%T%.f",
        "%FT%T%.fZ",
        "%FT%T%.f%:z",
    ];
    FORMATS
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .ok_or_else(|| format!("invalid timestamp {text:?}").into())
}

impl FromSql<Timestamp, Pg> for StoredTime {
    fn from_sql(value: diesel::pg::PgValue<'_>) -> deserialize::Result<Self> {
        <NaiveDateTime as FromSql<Timestamp, Pg>>::from_sql(value).map(Self)
    }
}

impl FromSql<Timestamp, Db> for StoredTime {
    fn from_sql(value: <Db as diesel::backend::Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        value.from_sql::<Self, Timestamp>()
    }
}

impl FromSql<Nullable<Timestamp>, Db> for MaybeStoredTime {
    fn from_sql(value: <Db as diesel::backend::Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        value.from_sql::<StoredTime, Timestamp>().map(|time| Self(Some(time.0)))
    }

    fn from_nullable_sql(value: Option<<Db as diesel::backend::Backend>::RawValue<'_>>) -> deserialize::Result<Self> {
        match value {
            Some(value) => Self::from_sql(value),
            None => Ok(Self(None)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_diesel_writes_and_rejects_the_rest() {
        for text in [
            "2026-11-29 18:27:45",
            "2026-11-29 18:27:45.5",
            "2026-11-29 18:27:45.123456",
            "2024-02-29 00:00:00.000000001",
        ] {
            let expected = NaiveDateTime::parse_from_str(text, "%F %T%.f").expect("valid");
            assert_eq!(parse(text), Some(expected), "{text}");
        }
        for text in [
            "2026-11-29T18:27:45",
            "2026-02-30 10:00:00",
            "2026-11-29 18:27:45.",
            "2026-11-29 18:27:4x",
            "2026-11-29 18:27:45+01:00",
            "2026-11-29 18:27:45.1234567890",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
        let other = diesel_formats("2026-11-29T18:27:45Z").expect("diesel reads it");
        assert_eq!(other, NaiveDateTime::parse_from_str("2026-11-29 18:27:45", "%F %T").expect("valid"));
    }
}

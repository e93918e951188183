//! Reading stored timestamps quickly.
//!
//! SQLite keeps a timestamp as text, and diesel parses it with chrono's `parse_from_str`, which
//! interprets its format string anew for each value: 5% of an uncached list page and 4% of an
//! article. Newsdesk writes every timestamp as `YYYY-MM-DD HH:MM:SS[.ffffff]` (diesel's own
//! format), which [`parse`] reads directly; any other value is read by diesel, as before.
//! PostgreSQL sends timestamps as binary and is read as before.

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
        if let Some(time) = parse(value.read_text()) {
            return Ok(Self(time));
        }
        // Anything else (another text form, a Julian day number) is read as diesel reads it.
        <NaiveDateTime as FromSql<Timestamp, Sqlite>>::from_sql(value).map(Self)
    }
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
    use diesel::dsl::sql;
    use diesel::prelude::*;
    use diesel::sqlite::SqliteConnection;

    use super::*;

    /// Reads the SQLite expression `value` as a timestamp both ways: through diesel and fast.
    fn both(conn: &mut SqliteConnection, value: &str) -> (NaiveDateTime, NaiveDateTime) {
        let diesel: NaiveDateTime = diesel::select(sql::<Timestamp>(value)).get_result(conn).expect("diesel reads it");
        let fast: StoredTime = diesel::select(sql::<Timestamp>(value)).get_result(conn).expect("read fast");
        (diesel, fast.0)
    }

    #[test]
    fn reads_every_timestamp_as_diesel_does() {
        let mut conn = SqliteConnection::establish(":memory:").expect("in-memory SQLite");
        let written =
            ["2026-11-29 18:27:45", "2026-11-29 18:27:45.5", "2026-11-29 18:27:45.123", "2026-11-29 18:27:45.123456"];
        let others = ["2026-11-29T18:27:45Z", "2026-11-29 18:27:45+01:00", "2026-11-29 18:27", "2460644.5"];
        for text in written.iter().chain(&others) {
            let (diesel, fast) = both(&mut conn, &format!("'{text}'"));
            assert_eq!(fast, diesel, "{text}");
        }
        let (diesel, fast) = both(&mut conn, "julianday('2026-11-29 18:27:45')");
        assert_eq!(fast, diesel, "a Julian day number");
    }

    #[test]
    fn the_fast_reader_takes_only_what_diesel_writes() {
        let at = NaiveDateTime::parse_from_str("2024-02-29 23:59:58.000000001", "%F %T%.f").expect("valid");
        assert_eq!(parse("2024-02-29 23:59:58.000000001"), Some(at));
        for text in [
            "2026-11-29T18:27:45",
            "2026-02-30 10:00:00",
            "2026-11-29 18:27:45.",
            "2026-11-29 18:27:4x",
            "2026-11-29 18:27:45+01:00",
            "2026-11-29 18:27:45.1234567890",
            "2026-12-31 23:59:60",
            "2026-11-29 18:27:45\u{e9}",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    /// Times stored before years were checked (`+10000-…` sorted first as text) are brought
    /// back into the years 1 to 9999; a schedule past 9999 stays as far off as it can be; other
    /// times are left as they were.
    #[test]
    fn stored_times_past_9999_are_brought_into_range() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        use crate::schema::articles;
        use chrono::NaiveDateTime;
        use diesel::connection::SimpleConnection;
        use diesel::prelude::*;
        use diesel_migrations::MigrationHarness;
        let mut conn = crate::database::sqlite_migrated_before("2026-12-07-000020")?;
        let article = |id: &str, status: &str, published: &str, created: &str| {
            format!(
                "INSERT INTO articles (id, slug, title, body_markdown, body_html, body_text, status, word_count, \
                 reading_time_minutes, published_at, created_at, updated_at) VALUES ('{id}', '{id}', 't', '', '', '', \
                 '{status}', 0, 0, {published}, '{created}', '2026-05-06 07:08:09');"
            )
        };
        conn.batch_execute(
            &[
                article("far", "published", "'+10000-01-01 00:00:00'", "2026-01-02 03:04:05"),
                article("fine", "published", "'2026-03-04 05:06:07'", "2026-01-02 03:04:05"),
                article("later", "scheduled", "'+10000-01-01 00:00:00'", "2026-01-02 03:04:05"),
                article("draft", "draft", "NULL", "+10000-01-01 00:00:00"),
            ]
            .concat(),
        )?;
        conn.run_pending_migrations(crate::database::SQLITE_MIGRATIONS)?;
        let rows: Vec<(String, Option<NaiveDateTime>, i64)> = articles::table
            .select((articles::id, articles::published_at, articles::version))
            .order(articles::id)
            .load(&mut conn)?;
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%F %T").ok();
        assert_eq!(
            rows,
            [
                ("draft".to_owned(), None, 2),
                ("far".to_owned(), at("2026-05-06 07:08:09"), 2),
                ("fine".to_owned(), at("2026-03-04 05:06:07"), 1),
                ("later".to_owned(), at("9999-12-31 23:59:59"), 2),
            ]
        );
        let created: NaiveDateTime =
            articles::table.filter(articles::id.eq("draft")).select(articles::created_at).first(&mut conn)?;
        assert!((1..=9999).contains(&chrono::Datelike::year(&created)), "{created}");
        Ok(())
    }
}

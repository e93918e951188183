//! The article status column, read straight into [`ArticleStatus`]
//! (`#[diesel(deserialize_as = StoredStatus)]`). A CHECK constraint keeps the column to the
//! four names on both backends, so any other text is a broken database, reported as an error.

use diesel::deserialize::{self, FromSql};
use diesel::pg::Pg;
use diesel::sql_types::Text;
use diesel::sqlite::{Sqlite, SqliteValue};
use newsdesk_domain::ArticleStatus;

use crate::Db;

#[derive(Debug, Clone, Copy, diesel::deserialize::FromSqlRow)]
pub struct StoredStatus(pub ArticleStatus);

impl From<StoredStatus> for ArticleStatus {
    fn from(status: StoredStatus) -> Self {
        status.0
    }
}

fn parse(text: &str) -> deserialize::Result<StoredStatus> {
    ArticleStatus::parse(text).map(StoredStatus).map_err(|_| format!("unknown article status `{text}`").into())
}

impl FromSql<Text, Sqlite> for StoredStatus {
    fn from_sql(mut value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        parse(value.read_text())
    }
}

impl FromSql<Text, Pg> for StoredStatus {
    fn from_sql(value: diesel::pg::PgValue<'_>) -> deserialize::Result<Self> {
        parse(std::str::from_utf8(value.as_bytes())?)
    }
}

impl FromSql<Text, Db> for StoredStatus {
    fn from_sql(value: <Db as diesel::backend::Backend>::RawValue<'_>) -> deserialize::Result<Self> {
        value.from_sql::<Self, Text>()
    }
}

//! Where a keyset page starts: the condition that keeps the rows beyond a cursor, written per
//! backend in the form its planner turns into a range of the list index, and kept prepared
//! (see `fixed_sql`).

use diesel::backend::Backend;
use diesel::expression::{is_aggregate, AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Bool, Text, Timestamp};
use diesel::sqlite::Sqlite;
use diesel::QueryResult;

use super::SortKey;
use crate::schema::articles;
use crate::Db;

/// A row lies beyond a keyset position in a list sorted on `key` (SQL), then on `articles.id`:
/// below it when `below` (a list read high to low), above it otherwise.
#[derive(Debug, Clone)]
pub struct Beyond {
    pub key: &'static str,
    pub below: bool,
    pub value: SortKey,
    pub id: String,
}

impl Expression for Beyond {
    type SqlType = Bool;
}

impl AppearsOnTable<articles::table> for Beyond {}

impl SelectableExpression<articles::table> for Beyond {}

impl<GB> ValidGrouping<GB> for Beyond {
    type IsAggregate = is_aggregate::Never;
}

impl QueryId for Beyond {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Beyond {
    fn cmp(&self) -> &'static str {
        if self.below {
            "<"
        } else {
            ">"
        }
    }

    fn push_value<'b, DB>(&'b self, out: &mut AstPass<'_, 'b, DB>) -> QueryResult<()>
    where
        DB: Backend + diesel::sql_types::HasSqlType<Timestamp> + diesel::sql_types::HasSqlType<Text>,
        chrono::NaiveDateTime: diesel::serialize::ToSql<Timestamp, DB>,
        String: diesel::serialize::ToSql<Text, DB>,
    {
        match &self.value {
            SortKey::Time(t) => out.push_bind_param::<Timestamp, _>(t),
            SortKey::Text(t) => out.push_bind_param::<Text, _>(t),
        }
    }

    /// `key < value`, `key <= value` (`then` is `"= "`), or `>` and `>=` above the cursor.
    fn push_key_against_value<'b>(&'b self, out: &mut AstPass<'_, 'b, Sqlite>, then: &'static str) -> QueryResult<()> {
        out.push_sql(self.key);
        out.push_sql(" ");
        out.push_sql(self.cmp());
        out.push_sql(then);
        self.push_value(out)
    }
}

impl QueryFragment<Sqlite> for Beyond {
    /// `key <= t AND (key < t OR id < i)` (high to low): the bare first half is what SQLite
    /// turns into a range of the list index. Spelled as `key < t OR (key = t AND id < i)`, or
    /// as a row value, SQLite 3.50 seeks only to the status and scans up to the cursor: the
    /// statement took 68 ms instead of 0.1 ms in the middle of a million articles.
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        out.push_sql("((");
        self.push_key_against_value(&mut out, "= ")?;
        out.push_sql(") AND (");
        self.push_key_against_value(&mut out, " ")?;
        out.push_sql(" OR articles.id ");
        out.push_sql(self.cmp());
        out.push_sql(" ");
        out.push_bind_param::<Text, _>(&self.id)?;
        out.push_sql("))");
        Ok(())
    }
}

impl QueryFragment<Pg> for Beyond {
    /// PostgreSQL seeks the list index with a row value.
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("((");
        out.push_sql(self.key);
        out.push_sql(", articles.id) ");
        out.push_sql(self.cmp());
        out.push_sql(" (");
        self.push_value(&mut out)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&self.id)?;
        out.push_sql("))");
        Ok(())
    }
}

impl QueryFragment<Db> for Beyond {
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, Db>) -> QueryResult<()> {
        <Db>::walk_variant_ast(self, pass)
    }
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;

    use super::*;

    /// The SQL of a statement filtered by `Beyond`, on backend `DB`.
    fn sql<DB>(below: bool) -> String
    where
        DB: Backend + Default,
        DB::QueryBuilder: Default,
        diesel::dsl::Filter<diesel::dsl::Select<articles::table, articles::id>, Beyond>: QueryFragment<DB>,
    {
        let at = chrono::DateTime::from_timestamp(1_700_000_000, 0).expect("a time").naive_utc();
        let beyond = Beyond { key: "k", below, value: SortKey::Time(at), id: "i".into() };
        diesel::debug_query::<DB, _>(&articles::table.select(articles::id).filter(beyond)).to_string()
    }

    /// SQLite seeks the list index only with the bare `k <= ?` in front; PostgreSQL with a row
    /// value. Other spellings scan up to the cursor (68 ms instead of 0.1 ms at a million).
    #[test]
    fn each_backend_gets_the_form_its_planner_seeks_with() {
        let sqlite = sql::<Sqlite>(true);
        assert!(sqlite.contains("((k <= ?) AND (k < ? OR articles.id < ?))"), "{sqlite}");
        assert!(sql::<Sqlite>(false).contains("((k >= ?) AND (k > ? OR articles.id > ?))"));
        let pg = sql::<Pg>(true);
        assert!(pg.contains("((k, articles.id) < ($1, $2))"), "{pg}");
        assert!(sql::<Pg>(false).contains("((k, articles.id) > ($1, $2))"));
    }
}

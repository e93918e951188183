//! SQL written in the code, in forms diesel may keep prepared.
//!
//! `diesel::dsl::sql` marks any statement that uses it as one never to cache, since its text
//! could come from anywhere. Every list page used it for its order, so both of its statements
//! were prepared afresh on each request: 6% of an uncached SQLite list page, and a round trip
//! more per statement on PostgreSQL. The text here is `'static`, so a statement built from it
//! is cached by its SQL like any other boxed query.

use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::expression::{
    is_aggregate, AppearsOnTable, Expression, SelectableExpression, TypedExpressionType, ValidGrouping,
};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Bool, Text, Timestamp};
use diesel::sqlite::Sqlite;
use diesel::QueryResult;

use crate::articles::SortKey;
use crate::Db;

/// An SQL expression of type `ST`, fixed at compile time.
#[derive(Debug, Clone, Copy)]
pub struct FixedSql<ST> {
    sql: &'static str,
    sql_type: PhantomData<ST>,
}

/// `sql` as an expression of type `ST`.
pub fn fixed_sql<ST>(sql: &'static str) -> FixedSql<ST> {
    FixedSql { sql, sql_type: PhantomData }
}

impl<ST: TypedExpressionType> Expression for FixedSql<ST> {
    type SqlType = ST;
}

impl<ST, DB: Backend> QueryFragment<DB> for FixedSql<ST> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(self.sql);
        Ok(())
    }
}

impl<ST> QueryId for FixedSql<ST> {
    type QueryId = ();
    // The same type holds different SQL, so the statement is cached by its text.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<ST, QS> AppearsOnTable<QS> for FixedSql<ST> where Self: Expression {}

impl<ST, QS> SelectableExpression<QS> for FixedSql<ST> where Self: AppearsOnTable<QS> {}

impl<ST, GB> ValidGrouping<GB> for FixedSql<ST> {
    type IsAggregate = is_aggregate::Never;
}

/// A row lies beyond a keyset position in a list sorted on `key` (SQL), then on `articles.id`:
/// `cmp` is `<` for a position read high to low, `>` for low to high.
#[derive(Debug, Clone)]
pub struct Beyond {
    pub key: &'static str,
    pub cmp: &'static str,
    pub value: SortKey,
    pub id: String,
}

impl Expression for Beyond {
    type SqlType = Bool;
}

impl AppearsOnTable<crate::schema::articles::table> for Beyond {}

impl SelectableExpression<crate::schema::articles::table> for Beyond {}

impl<GB> ValidGrouping<GB> for Beyond {
    type IsAggregate = is_aggregate::Never;
}

impl QueryId for Beyond {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Beyond {
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
}

impl QueryFragment<Sqlite> for Beyond {
    /// `key <= t AND (key < t OR id < i)` (high to low): the bare first half is what SQLite
    /// turns into a range of the list index. Spelled as `key < t OR (key = t AND id < i)`, or
    /// as a row value, SQLite 3.50 seeks only to the status and scans up to the cursor: the
    /// statement took 68 ms instead of 0.1 ms in the middle of a million articles.
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        out.push_sql("((");
        out.push_sql(self.key);
        out.push_sql(" ");
        out.push_sql(self.cmp);
        out.push_sql("= ");
        self.push_value(&mut out)?;
        out.push_sql(") AND (");
        out.push_sql(self.key);
        out.push_sql(" ");
        out.push_sql(self.cmp);
        out.push_sql(" ");
        self.push_value(&mut out)?;
        out.push_sql(" OR articles.id ");
        out.push_sql(self.cmp);
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
        out.push_sql(self.cmp);
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

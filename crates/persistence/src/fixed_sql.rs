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
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::QueryResult;

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

/// A statement diesel would prepare afresh on every run, kept prepared instead.
///
/// diesel never caches an `UPDATE` (or an upsert), since a changeset of optional fields writes
/// different SQL from call to call. Wrap only statements whose text is fixed by their code (no
/// optional changeset, no list of varying length; test it, as `articles` does): a cached
/// statement is keyed by its text, diesel's cache has no bound, and on PostgreSQL each entry is
/// a prepared statement kept by the server for the connection's life.
#[derive(Debug, Clone, Copy)]
pub struct KeepPrepared<Q>(pub Q);

impl<Q: Query> Query for KeepPrepared<Q> {
    type SqlType = Q::SqlType;
}

impl<Q: QueryFragment<DB>, DB: Backend> QueryFragment<DB> for KeepPrepared<Q> {
    fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.0.walk_ast(out)
    }

    fn is_safe_to_cache_prepared(&self, _backend: &DB) -> QueryResult<bool> {
        Ok(true)
    }
}

impl<Q> QueryId for KeepPrepared<Q> {
    type QueryId = ();
    // Keyed by its SQL text, like `FixedSql`.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q, Conn> diesel::RunQueryDsl<Conn> for KeepPrepared<Q> {}

//! `column IN (ids)` with one bound value whatever the number of ids, so the statement's SQL is
//! the same for every page and diesel prepares it once per connection. (`eq_any` on SQLite
//! writes `IN (?, ?, …)`, whose SQL changes with the count, so diesel never caches it and
//! SQLite parses it again on every request.)

use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Array, Bool, Text};
use diesel::sqlite::Sqlite;
use diesel::QueryResult;

use crate::Db;

/// `column` is one of `ids`: a JSON array read by `json_each` on SQLite, a text array on
/// PostgreSQL.
#[derive(Debug, Clone)]
pub struct AnyOf<C> {
    column: C,
    ids: Vec<String>,
    json: String,
}

/// `column` is one of `ids`.
pub fn any_of<C>(column: C, ids: &[String]) -> AnyOf<C> {
    let json = serde_json::to_string(ids).unwrap_or_else(|_| "[]".to_owned());
    AnyOf { column, ids: ids.to_vec(), json }
}

impl<C: Expression<SqlType = Text>> Expression for AnyOf<C> {
    type SqlType = Bool;
}

impl<C: AppearsOnTable<QS>, QS> AppearsOnTable<QS> for AnyOf<C> where Self: Expression {}

impl<C: SelectableExpression<QS>, QS> SelectableExpression<QS> for AnyOf<C> where Self: AppearsOnTable<QS> {}

impl<C: ValidGrouping<GB>, GB> ValidGrouping<GB> for AnyOf<C> {
    type IsAggregate = C::IsAggregate;
}

impl<C: QueryId> QueryId for AnyOf<C> {
    type QueryId = AnyOf<C::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = C::HAS_STATIC_QUERY_ID;
}

impl<C: QueryFragment<Sqlite>> QueryFragment<Sqlite> for AnyOf<C> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(" IN (SELECT value FROM json_each(");
        out.push_bind_param::<Text, _>(&self.json)?;
        out.push_sql("))");
        Ok(())
    }
}

impl<C: QueryFragment<Pg>> QueryFragment<Pg> for AnyOf<C> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(" = ANY(");
        out.push_bind_param::<Array<Text>, _>(&self.ids)?;
        out.push_sql(")");
        Ok(())
    }
}

impl<C> QueryFragment<Db> for AnyOf<C>
where
    Self: QueryFragment<Sqlite> + QueryFragment<Pg>,
{
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, Db>) -> QueryResult<()> {
        <Db>::walk_variant_ast(self, pass)
    }
}

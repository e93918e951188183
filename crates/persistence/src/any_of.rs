//! `column IN (ids)` whose SQL takes only a few shapes, so diesel prepares each once per
//! connection and SQLite never parses it again. (`eq_any` on SQLite writes `IN (?, ?, …)` with
//! one placeholder per id, a new statement for every count, which diesel never caches.)
//!
//! On SQLite the ids are bound one by one into a power-of-two number of placeholders (the last
//! id repeats to fill them): `IN (?)` is an index lookup, where a JSON list read by `json_each`
//! cost an ephemeral table and a JSON parse per statement, a third of an uncached article.
//! Lists longer than [`MAX_LISTED`] go as one JSON array. PostgreSQL binds one text array.

use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Array, Bool, Text};
use diesel::sqlite::Sqlite;
use diesel::QueryResult;

use crate::Db;

/// Most ids SQLite gets as placeholders of their own; 128 keeps it to eight statement shapes.
pub const MAX_LISTED: usize = 128;

/// `column` is one of `ids`.
#[derive(Debug, Clone)]
pub struct AnyOf<C> {
    column: C,
    ids: Vec<String>,
    /// The ids as a JSON array, for SQLite when there are more than [`MAX_LISTED`].
    json: Option<String>,
}

/// `column` is one of `ids`.
pub fn any_of<C>(column: C, ids: &[String]) -> AnyOf<C> {
    let json = (ids.len() > MAX_LISTED).then(|| serde_json::to_string(ids).unwrap_or_else(|_| "[]".to_owned()));
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

// The SQL depends on the number of ids, so statements are cached by their text, not their type.
impl<C: QueryId> QueryId for AnyOf<C> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<C: QueryFragment<Sqlite>> QueryFragment<Sqlite> for AnyOf<C> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        self.column.walk_ast(out.reborrow())?;
        if let Some(json) = &self.json {
            out.push_sql(" IN (SELECT value FROM json_each(");
            out.push_bind_param::<Text, _>(json)?;
            out.push_sql("))");
            return Ok(());
        }
        out.push_sql(" IN (");
        if let Some(last) = self.ids.last() {
            for slot in 0..self.ids.len().next_power_of_two() {
                if slot > 0 {
                    out.push_sql(", ");
                }
                out.push_bind_param::<Text, _>(self.ids.get(slot).unwrap_or(last))?;
            }
        }
        out.push_sql(")");
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

//! `column IN (ids)` with one bound value whatever the number of ids, so the statement's SQL is
//! the same for every page and diesel prepares it once per connection. (`eq_any` on SQLite
//! writes `IN (?, ?, …)`, whose SQL changes with the count, so diesel never caches it and
//! SQLite parses it again on every request.)
//!
//! For a single id, [`one_or_any_of!`] writes `column = ?` instead: on SQLite, reading the list
//! with `json_each` costs an ephemeral table and a JSON parse per statement, a third of an
//! uncached article, whose five lookups each have one id. Both forms have a fixed type, so diesel
//! caches each by type on both backends.

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
    AnyOf { column, ids: ids.to_vec(), json: json_list(ids) }
}

/// `ids` as a JSON array, the one bound value SQLite's `json_each` reads.
pub fn json_list(ids: &[String]) -> String {
    serde_json::to_string(ids).unwrap_or_else(|_| "[]".to_owned())
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

/// Evaluates `$query`, an expression that uses `$filter`, with `$filter` being `$column = id`
/// when `$ids` holds one id and [`any_of`]`($column, $ids)` otherwise. `$query` is written once
/// and compiled for each form.
macro_rules! one_or_any_of {
    ($column:expr, $ids:expr, |$filter:ident| $query:expr) => {
        match $ids {
            [only] => {
                // Owned, so the filter also fits a boxed query, which outlives the ids.
                let $filter = $column.eq(only.clone());
                $query
            }
            many => {
                let $filter = $crate::any_of::any_of($column, many);
                $query
            }
        }
    };
}
pub(crate) use one_or_any_of;

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use diesel::sqlite::Sqlite;

    use crate::schema::tags;

    fn sqlite_sql(count: usize) -> String {
        let ids: Vec<String> = (0..count).map(|i| format!("id-{i}")).collect();
        one_or_any_of!(tags::id, ids.as_slice(), |filter| {
            diesel::debug_query::<Sqlite, _>(&tags::table.select(tags::id).filter(filter)).to_string()
        })
    }

    #[test]
    fn one_id_is_an_equality_and_more_are_one_json_list() {
        let one = sqlite_sql(1);
        assert!(one.contains("`tags`.`id` = ?") && !one.contains("json_each"), "{one}");
        for count in [0, 2, 500] {
            let many = sqlite_sql(count);
            assert!(many.contains("IN (SELECT value FROM json_each(?))"), "{many}");
            assert_eq!(many.matches('?').count(), 1, "one bound value for {count} ids: {many}");
        }
        assert!(sqlite_sql(2).contains(r#"["[\"id-0\",\"id-1\"]"]"#), "{}", sqlite_sql(2));
    }
}

//! What every named, slugged resource (authors, sources, sections, tags) shares: the queries,
//! and the rows of the two that have only a name and a description (sections, tags).
//!
//! The queries are a macro rather than generics: diesel's table types make generic code far
//! harder to read than four expansions of the same obvious functions.

use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A section or a tag as stored, and as inserted (at version 1): the two tables have the same
/// columns.
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = crate::schema::sections, table_name = crate::schema::tags)]
pub struct DescribedRow {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

macro_rules! term_queries {
    ($table:ident, $Row:ty, $Changes:ty) => {
        use diesel::prelude::*;

        use crate::schema::$table;
        use crate::{DbConn, Page, PageRequest, StoreResult};

        /// One page, ordered by name.
        pub fn list(conn: &mut DbConn, page: PageRequest) -> StoreResult<Page<$Row>> {
            let total = $table::table.count().get_result::<i64>(conn)?;
            let items = $table::table
                .order(($table::name.asc(), $table::id.asc()))
                .limit(page.limit)
                .offset(page.offset)
                .load::<$Row>(conn)?;
            Ok(Page { items, total })
        }

        pub fn find(conn: &mut DbConn, id: &str) -> StoreResult<$Row> {
            Ok($table::table.find(id).first::<$Row>(conn)?)
        }

        pub fn find_by_slug(conn: &mut DbConn, slug: &str) -> StoreResult<$Row> {
            Ok($table::table.filter($table::slug.eq(slug)).first::<$Row>(conn)?)
        }

        /// The rows with these ids, in no particular order.
        pub fn find_many(conn: &mut DbConn, ids: &[String]) -> StoreResult<Vec<$Row>> {
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            Ok($crate::any_of::one_or_any_of!($table::id, ids, |by_id| $table::table
                .filter(by_id)
                .load::<$Row>(conn)?))
        }

        /// Maps each of `slugs` that exists to its id.
        pub fn ids_by_slug(
            conn: &mut DbConn,
            slugs: &[String],
        ) -> StoreResult<std::collections::HashMap<String, String>> {
            if slugs.is_empty() {
                return Ok(Default::default());
            }
            let pairs = $crate::any_of::one_or_any_of!($table::slug, slugs, |by_slug| $table::table
                .filter(by_slug)
                .select(($table::slug, $table::id))
                .load::<(String, String)>(conn))?;
            Ok(pairs.into_iter().collect())
        }

        pub fn insert(conn: &mut DbConn, row: &$Row) -> StoreResult<$Row> {
            Ok(diesel::insert_into($table::table)
                .values(row)
                .returning($table::all_columns)
                .get_result::<$Row>(conn)?)
        }

        /// Applies `changes` and bumps the version, if the version still is `expected` (when given).
        pub fn update(conn: &mut DbConn, id: &str, expected: Option<i64>, changes: &$Changes) -> StoreResult<$Row> {
            let (low, high) = crate::version_range(expected);
            let updated = diesel::update($table::table)
                .filter($table::id.eq(id))
                .filter($table::version.between(low, high))
                .set((changes, $table::version.eq($table::version + 1), $table::updated_at.eq(crate::now())))
                .returning($table::all_columns)
                .get_result::<$Row>(conn)
                .optional()?;
            updated.ok_or_else(|| crate::version_conflict(find(conn, id).map(|current| current.version)))
        }

        /// Deletes the row if the version still is `expected` (when given).
        pub fn delete(conn: &mut DbConn, id: &str, expected: Option<i64>) -> StoreResult<()> {
            let (low, high) = crate::version_range(expected);
            let deleted =
                diesel::delete($table::table.filter($table::id.eq(id)).filter($table::version.between(low, high)))
                    .execute(conn)?;
            if deleted == 1 {
                return Ok(());
            }
            Err(crate::version_conflict(find(conn, id).map(|current| current.version)))
        }
    };
}

pub(crate) use term_queries;

//! The section and source labels of a page of articles, in one statement.
//!
//! A page shows each article's section and source by name. Both are small lookups by id. On
//! PostgreSQL each statement is a round trip that costs the server about as much as the lookup
//! itself, so the two are read together with `UNION ALL`. SQLite has no round trip, and there
//! the compound statement cost more than the two simple ones (3.25 M against 3.20 M
//! instructions an uncached list page, 1.7% more), so it keeps two. The lists of ids are
//! always bound as one array (`= ANY($1)`), so the statement is prepared once per connection.

use diesel::prelude::*;
use diesel::sql_types::{Bool, Nullable, Text};

use crate::any_of::any_of;
use crate::fixed_sql::fixed_sql;
use crate::schema::{sections, sources};
use crate::sections::SectionLabel;
use crate::sources::SourceLabel;
use crate::{sections as section_store, sources as source_store, DbConn, StoreResult};

/// One row of either table: whether it is a section's, then a source label's columns (a
/// section has no short name or homepage).
type LabelRow = (bool, String, String, String, Option<String>, Option<String>);

/// The labels of the sections and sources with these ids, in no particular order.
pub fn section_and_source_labels(
    conn: &mut DbConn,
    section_ids: &[String],
    source_ids: &[String],
) -> StoreResult<(Vec<SectionLabel>, Vec<SourceLabel>)> {
    // diesel's `MultiConnection` backend has no `UNION`: the statement runs on PostgreSQL's own connection.
    let pg = match conn {
        DbConn::Postgres(pg) if !section_ids.is_empty() && !source_ids.is_empty() => pg,
        _ => return Ok((section_store::labels(conn, section_ids)?, source_store::labels(conn, source_ids)?)),
    };
    let none = || fixed_sql::<Nullable<Text>>("NULL");
    let sections = sections::table.filter(any_of(sections::id, section_ids)).select((
        fixed_sql::<Bool>("TRUE"),
        sections::id,
        sections::slug,
        sections::name,
        none(),
        none(),
    ));
    let sources = sources::table.filter(any_of(sources::id, source_ids)).select((
        fixed_sql::<Bool>("FALSE"),
        sources::id,
        sources::slug,
        sources::name,
        sources::short_name,
        sources::homepage_url,
    ));
    let rows = sections.union_all(sources).load::<LabelRow>(pg)?;
    let (mut found_sections, mut found_sources) = (Vec::new(), Vec::new());
    for (is_section, id, slug, name, short_name, homepage_url) in rows {
        if is_section {
            found_sections.push(SectionLabel { id, slug, name });
        } else {
            found_sources.push(SourceLabel { id, slug, name, short_name, homepage_url });
        }
    }
    Ok((found_sections, found_sources))
}

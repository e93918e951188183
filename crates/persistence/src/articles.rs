//! Articles: rows, writes, and the filtered list both APIs page through.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::query_builder::{Query, QueryFragment, QueryId};
pub use newsdesk_domain::article::Lifecycle;
use newsdesk_domain::ArticleStatus;

use crate::fixed_sql::{fixed_sql, KeepPrepared};
use crate::schema::{article_authors, article_tags, articles, authors, sections, sources, tags};
use crate::sections::SectionLabel;
use crate::sources::SourceLabel;
use crate::stored_status::StoredStatus;
use crate::stored_time::{MaybeStoredTime, StoredTime};
use crate::{Db, DbConn, Page, PageRequest, StoreError, StoreResult};

mod keyset;
mod related;
pub mod relations;
pub mod revisions;
pub mod slugs;

use keyset::Beyond;
pub use related::related_by_tags;

#[derive(Debug, Clone, Queryable)]
pub struct ArticleRow {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
    pub body_markdown: String,
    pub body_html: String,
    pub body_text: String,
    #[diesel(deserialize_as = StoredStatus)]
    pub status: ArticleStatus,
    pub section_id: Option<String>,
    pub source_id: Option<String>,
    pub source_url: Option<String>,
    pub language: String,
    pub featured_image_url: Option<String>,
    pub featured_image_alt: Option<String>,
    pub featured_image_caption: Option<String>,
    pub featured_image_credit: Option<String>,
    pub word_count: i32,
    pub reading_time_minutes: i32,
    pub created_by: Option<String>,
    #[diesel(deserialize_as = MaybeStoredTime)]
    pub published_at: Option<NaiveDateTime>,
    pub version: i64,
    #[diesel(deserialize_as = StoredTime)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = StoredTime)]
    pub updated_at: NaiveDateTime,
    /// Set while the article is in the trash.
    #[diesel(deserialize_as = MaybeStoredTime)]
    pub trashed_at: Option<NaiveDateTime>,
}

/// A new article with every column given (nullable ones as explicit NULLs), so the import can
/// insert many in one statement on SQLite too.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = articles, treat_none_as_default_value = false)]
pub struct NewArticle {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
    pub body_markdown: String,
    pub body_html: String,
    pub body_text: String,
    pub status: String,
    pub section_id: Option<String>,
    pub source_id: Option<String>,
    pub source_url: Option<String>,
    pub language: String,
    pub featured_image_url: Option<String>,
    pub featured_image_alt: Option<String>,
    pub featured_image_caption: Option<String>,
    pub featured_image_credit: Option<String>,
    pub word_count: i32,
    pub reading_time_minutes: i32,
    pub created_by: Option<String>,
    pub published_at: Option<NaiveDateTime>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A partial update; `None` leaves a column alone, `Some(None)` clears a nullable one.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = articles)]
pub struct ArticleChanges {
    pub slug: Option<String>,
    pub title: Option<String>,
    pub summary: Option<Option<String>>,
    pub body_markdown: Option<String>,
    pub body_html: Option<String>,
    pub body_text: Option<String>,
    pub status: Option<String>,
    pub section_id: Option<Option<String>>,
    pub source_id: Option<Option<String>>,
    pub source_url: Option<Option<String>>,
    pub language: Option<String>,
    pub featured_image_url: Option<Option<String>>,
    pub featured_image_alt: Option<Option<String>>,
    pub featured_image_caption: Option<Option<String>>,
    pub featured_image_credit: Option<Option<String>>,
    pub word_count: Option<i32>,
    pub reading_time_minutes: Option<i32>,
    pub published_at: Option<Option<NaiveDateTime>>,
    pub trashed_at: Option<Option<NaiveDateTime>>,
}

/// How a list is ordered. Every order ends on `id` so pages never overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ArticleSort {
    #[default]
    NewestPublished,
    OldestPublished,
    RecentlyUpdated,
    TitleAsc,
    TitleDesc,
    /// Best match first; needs a search query.
    Relevance,
}

/// What a list keeps. Slug filters that match nothing give an empty list, not an error.
#[derive(Debug, Clone, Default)]
pub struct ArticleFilter {
    pub statuses: Option<Vec<ArticleStatus>>,
    /// Keep only trashed articles (true) or only those not in the trash (false, the default).
    pub trashed: bool,
    pub created_by: Option<String>,
    pub section: Option<String>,
    pub tag: Option<String>,
    pub author: Option<String>,
    pub source: Option<String>,
    pub published_after: Option<NaiveDateTime>,
    pub published_before: Option<NaiveDateTime>,
    /// Full-text search over title, summary and body.
    pub q: Option<String>,
    /// With `q`: how many of the newest matches are ranked or sorted.
    pub search_window: crate::search::SearchWindow,
    /// Read the three bodies as empty strings: a list of cards shows none of them, and they
    /// are most of a row's bytes (SQLite overflow pages, PostgreSQL TOAST).
    pub without_bodies: bool,
}

type BoxedArticles = articles::BoxedQuery<'static, Db>;

/// Applies every condition of `filter` but the search to `$query`, a boxed query whose source
/// holds `articles` (the table alone, or SQLite's full-text rows joined to it).
macro_rules! keep_filtered {
    ($query:expr, $filter:expr) => {{
        let filter: &ArticleFilter = $filter;
        let mut query = $query;
        query = if filter.trashed {
            query.filter(articles::trashed_at.is_not_null())
        } else {
            query.filter(articles::trashed_at.is_null())
        };
        // One status (the public lists) as `=`, so the planner can walk the list index in order.
        match filter.statuses.as_deref() {
            Some([status]) => query = query.filter(articles::status.eq(status.as_str())),
            Some(statuses) => query = query.filter(crate::any_of::any_of(articles::status, &status_names(statuses))),
            None => {}
        }
        if let Some(user) = &filter.created_by {
            query = query.filter(articles::created_by.eq(user.clone()));
        }
        if let Some(slug) = &filter.section {
            let ids = sections::table.filter(sections::slug.eq(slug.clone())).select(sections::id.nullable());
            query = query.filter(articles::section_id.eq_any(ids));
        }
        if let Some(slug) = &filter.source {
            let ids = sources::table.filter(sources::slug.eq(slug.clone())).select(sources::id.nullable());
            query = query.filter(articles::source_id.eq_any(ids));
        }
        if let Some(slug) = &filter.tag {
            let ids = article_tags::table
                .inner_join(tags::table)
                .filter(tags::slug.eq(slug.clone()))
                .select(article_tags::article_id);
            query = query.filter(articles::id.eq_any(ids));
        }
        if let Some(slug) = &filter.author {
            let ids = article_authors::table
                .inner_join(authors::table)
                .filter(authors::slug.eq(slug.clone()))
                .select(article_authors::article_id);
            query = query.filter(articles::id.eq_any(ids));
        }
        if let Some(after) = filter.published_after {
            query = query.filter(articles::published_at.gt(after));
        }
        if let Some(before) = filter.published_before {
            query = query.filter(articles::published_at.lt(before));
        }
        query
    }};
}

fn filtered(conn: &DbConn, filter: &ArticleFilter) -> BoxedArticles {
    let query = keep_filtered!(articles::table.into_boxed::<Db>(), filter);
    match &filter.q {
        Some(q) => query.filter(crate::search::matches(conn, q)),
        None => query,
    }
}

/// The stored names of `statuses`, to bind as a list.
fn status_names(statuses: &[ArticleStatus]) -> Vec<String> {
    statuses.iter().map(|s| s.as_str().to_owned()).collect()
}

/// How many articles `filter` keeps. A filter on status and trash alone (every plain list)
/// reads the totals the database keeps; any other filter counts.
fn total(conn: &mut DbConn, filter: &ArticleFilter) -> StoreResult<i64> {
    use crate::schema::article_totals;
    let ArticleFilter {
        statuses,
        trashed,
        created_by: None,
        section: None,
        tag: None,
        author: None,
        source: None,
        published_after: None,
        published_before: None,
        q: None,
        search_window: _,
        without_bodies: _,
    } = filter
    else {
        return Ok(filtered(conn, filter).count().get_result::<i64>(conn)?);
    };
    let mut query = article_totals::table.filter(article_totals::trashed.eq(*trashed)).into_boxed::<Db>();
    if let Some(statuses) = statuses {
        let names = status_names(statuses);
        query = crate::any_of::one_or_any_of!(article_totals::status, names.as_slice(), |by_status| {
            query.filter(by_status)
        });
    }
    Ok(query.select(article_totals::n).load::<i64>(conn)?.into_iter().sum())
}

/// Every article column, with the bodies as empty strings when `filter` asks for that.
fn columns(query: BoxedArticles, filter: &ArticleFilter) -> BoxedArticles {
    use diesel::sql_types::Text;
    if !filter.without_bodies {
        return query;
    }
    use articles::*;
    let empty = || fixed_sql::<Text>("''");
    query.select((
        id,
        slug,
        title,
        summary,
        empty(),
        empty(),
        empty(),
        status,
        section_id,
        source_id,
        source_url,
        language,
        featured_image_url,
        featured_image_alt,
        featured_image_caption,
        featured_image_credit,
        word_count,
        reading_time_minutes,
        created_by,
        published_at,
        version,
        created_at,
        updated_at,
        trashed_at,
    ))
}

/// One page of the articles `filter` keeps, plus how many it keeps in all: two statements
/// (a search: see [`list_searched`]).
pub fn list(
    conn: &mut DbConn,
    filter: &ArticleFilter,
    sort: ArticleSort,
    page: PageRequest,
) -> StoreResult<Page<ArticleRow>> {
    if let Some(q) = &filter.q {
        return list_searched(conn, filter, q, sort, page);
    }
    let total = total(conn, filter)?;
    let query =
        columns(order(conn, filtered(conn, filter), filter, sort, false), filter).limit(page.limit).offset(page.offset);
    Ok(Page { items: query.load::<ArticleRow>(conn)?, total })
}

/// A match of a search: the article and (on SQLite) its relevance.
type Match = (String, f64);

/// A search, in any order, over the newest matches the filters keep (see
/// [`crate::search::SearchWindow`]): the window comes first, then the page is cut from it.
/// The total is the window's size, so neither the work nor the memory grows with the archive.
fn list_searched(
    conn: &mut DbConn,
    filter: &ArticleFilter,
    q: &str,
    sort: ArticleSort,
    page: PageRequest,
) -> StoreResult<Page<ArticleRow>> {
    let mut window = newest_matches(conn, filter, q)?;
    let total = i64::try_from(window.len()).unwrap_or(i64::MAX);
    // The page is read in another statement: the filters apply again, so an article
    // unpublished or trashed in between is not shown.
    let rest = ArticleFilter { q: None, ..filter.clone() };
    if let (DbConn::Sqlite(_), ArticleSort::Relevance) = (&*conn, sort) {
        // An `ORDER BY` on bm25 would run the full-text query once per row (FTS5 cannot hand
        // scores to a correlated subquery): the window's scores are ranked here instead. The
        // window comes newest first and the sort is stable, so equal scores stay newest first.
        window.sort_by(|a, b| b.1.total_cmp(&a.1));
        let start = usize::try_from(page.offset).unwrap_or(usize::MAX).min(window.len());
        let end = start.saturating_add(usize::try_from(page.limit).unwrap_or(0)).min(window.len());
        let ids: Vec<String> = window.drain(start..end).map(|(id, _)| id).collect();
        let mut rows: std::collections::HashMap<String, ArticleRow> = columns(filtered(conn, &rest), filter)
            .filter(articles::id.eq_any(&ids))
            .load::<ArticleRow>(conn)?
            .into_iter()
            .map(|r| (r.id.clone(), r))
            .collect();
        return Ok(Page { items: ids.iter().filter_map(|id| rows.remove(id)).collect(), total });
    }
    let ids: Vec<String> = window.into_iter().map(|(id, _)| id).collect();
    let in_window = filtered(conn, &rest).filter(articles::id.eq_any(ids));
    let query = columns(order(conn, in_window, filter, sort, false), filter).limit(page.limit).offset(page.offset);
    Ok(Page { items: query.load::<ArticleRow>(conn)?, total })
}

/// The newest articles matching `q` that `filter` keeps, at most a window of them. SQLite's
/// full-text index hands its matches newest first (by when they were added) with their scores;
/// on PostgreSQL the list index gives them in list order, and they are ranked in SQL.
fn newest_matches(conn: &mut DbConn, filter: &ArticleFilter, q: &str) -> StoreResult<Vec<Match>> {
    use crate::schema::{article_search_ids, articles_fts};
    match conn {
        DbConn::Sqlite(_) => {
            let rows = article_search_ids::table
                .inner_join(articles::table)
                .inner_join(articles_fts::table.on(articles_fts::rowid.eq(article_search_ids::rowid)))
                .into_boxed::<Db>();
            crate::search::sqlite_window(conn, q, keep_filtered!(rows, filter), filter.search_window)
        }
        DbConn::Postgres(_) => {
            let newest = order(conn, filtered(conn, filter), filter, ArticleSort::NewestPublished, false);
            let ids: Vec<String> = newest.select(articles::id).limit(filter.search_window.0).load(conn)?;
            Ok(ids.into_iter().map(|id| (id, 0.0)).collect())
        }
    }
}

/// A position in a sorted list: the sort value and id of one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortKey {
    Time(NaiveDateTime),
    Text(String),
}

/// Where a keyset page starts: just after (or, `backwards`, just before) this row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyset {
    pub key: SortKey,
    pub id: String,
    pub backwards: bool,
}

impl ArticleSort {
    /// The SQL of the value the list is sorted on (for keyset comparisons), and whether it
    /// runs high to low. Drafts have no publication date, so they sort by creation.
    fn key_sql(self) -> (&'static str, bool) {
        match self {
            Self::NewestPublished | Self::Relevance => ("COALESCE(articles.published_at, articles.created_at)", true),
            Self::OldestPublished => ("COALESCE(articles.published_at, articles.created_at)", false),
            Self::RecentlyUpdated => ("articles.updated_at", true),
            Self::TitleAsc => ("articles.title", false),
            Self::TitleDesc => ("articles.title", true),
        }
    }

    /// Whether `key` is a position in a list in this order (a time for date orders, a text for
    /// title orders).
    pub fn accepts(self, key: &SortKey) -> bool {
        matches!(
            (self, key),
            (Self::NewestPublished | Self::OldestPublished | Self::Relevance | Self::RecentlyUpdated, SortKey::Time(_))
                | (Self::TitleAsc | Self::TitleDesc, SortKey::Text(_))
        )
    }

    /// The position of `row` in a list in this order.
    pub fn key_of(self, row: &ArticleRow) -> SortKey {
        match self {
            Self::NewestPublished | Self::OldestPublished | Self::Relevance => {
                SortKey::Time(row.published_at.unwrap_or(row.created_at))
            }
            Self::RecentlyUpdated => SortKey::Time(row.updated_at),
            Self::TitleAsc | Self::TitleDesc => SortKey::Text(row.title.clone()),
        }
    }
}

fn order(
    conn: &DbConn,
    query: BoxedArticles,
    filter: &ArticleFilter,
    sort: ArticleSort,
    reverse: bool,
) -> BoxedArticles {
    use diesel::sql_types::Text;
    if let (ArticleSort::Relevance, Some(q)) = (sort, &filter.q) {
        return query.order((
            crate::search::relevance(conn, q).desc(),
            articles::published_at.desc(),
            articles::id.desc(),
        ));
    }
    let (key, descending) = sort.key_sql();
    if descending != reverse {
        query.order((fixed_sql::<Text>(key).desc(), articles::id.desc()))
    } else {
        query.order((fixed_sql::<Text>(key).asc(), articles::id.asc()))
    }
}

/// The rows of `ids` as cards, by id: without their bodies (empty strings), most of a row's
/// bytes, in one statement. For lists whose order comes from elsewhere (related, most viewed).
pub(crate) fn cards_by_id(conn: &mut DbConn, ids: &[String]) -> StoreResult<HashMap<String, ArticleRow>> {
    let cards = columns(articles::table.into_boxed(), &ArticleFilter { without_bodies: true, ..Default::default() });
    let rows =
        crate::any_of::one_or_any_of!(articles::id, ids, |by_id| cards.filter(by_id).load::<ArticleRow>(conn)?);
    Ok(rows.into_iter().map(|r| (r.id.clone(), r)).collect())
}

/// The rows of `filter` from `from` on, in the list's order. Built only of parts diesel keeps
/// prepared, so a page costs no statement preparation after a connection's first.
fn keyset_query(conn: &DbConn, filter: &ArticleFilter, sort: ArticleSort, from: Option<&Keyset>) -> BoxedArticles {
    let backwards = from.is_some_and(|f| f.backwards);
    let query = columns(order(conn, filtered(conn, filter), filter, sort, backwards), filter);
    match from {
        Some(from) => {
            let (key, descending) = sort.key_sql();
            let below = descending != from.backwards;
            query.filter(Beyond { key, below, value: from.key.clone(), id: from.id.clone() })
        }
        None => query,
    }
}

/// A page that starts after (or before) `from`, in the list's order, plus whether more rows
/// lie beyond it in that direction. Stable while articles are published: no row repeats or
/// goes missing across pages. Not for searches, which page by offset through their window.
pub fn list_keyset(
    conn: &mut DbConn,
    filter: &ArticleFilter,
    sort: ArticleSort,
    limit: i64,
    from: Option<&Keyset>,
) -> StoreResult<(Page<ArticleRow>, bool)> {
    let total = total(conn, filter)?;
    let backwards = from.is_some_and(|f| f.backwards);
    let mut items = keyset_query(conn, filter, sort, from).limit(limit + 1).load::<ArticleRow>(conn)?;
    let more = items.len() > usize::try_from(limit).unwrap_or(usize::MAX);
    items.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    if backwards {
        items.reverse();
    }
    Ok((Page { items, total }, more))
}

pub fn find(conn: &mut DbConn, id: &str) -> StoreResult<ArticleRow> {
    Ok(articles::table.find(id).first(conn)?)
}

/// A published article, the labels of its section and source, and when anything last changed:
/// all its page needs apart from the bylines, tags and links.
pub struct PublishedArticle {
    pub row: ArticleRow,
    pub section: Option<SectionLabel>,
    pub source: Option<SourceLabel>,
    /// When anything last changed (the `Last-Modified` of a public answer).
    pub last_change: Option<NaiveDateTime>,
}

/// A published article by its slug (drafts and the rest are "not found"), with its section's
/// and source's labels and the time of the last change, read in one statement and so from one
/// snapshot. On PostgreSQL every statement is a round trip that costs the server about as much
/// as a small lookup itself: an uncached article page went from seven statements to four.
pub fn find_published_with_labels(conn: &mut DbConn, slug: &str) -> StoreResult<PublishedArticle> {
    let (row, section, source, last_change) = articles::table
        .left_join(sections::table.on(articles::section_id.eq(sections::id.nullable())))
        .left_join(sources::table.on(articles::source_id.eq(sources::id.nullable())))
        .filter(articles::slug.eq(slug))
        .filter(articles::status.eq(ArticleStatus::Published.as_str()))
        .select((
            articles::all_columns,
            (sections::id, sections::slug, sections::name).nullable(),
            (sources::id, sources::slug, sources::name, sources::short_name, sources::homepage_url).nullable(),
            crate::audit::last_change_subquery(),
        ))
        .first::<(ArticleRow, Option<SectionLabel>, Option<SourceLabel>, Option<NaiveDateTime>)>(conn)?;
    Ok(PublishedArticle { row, section, source, last_change })
}

/// The id of the published article at `slug` and when anything last changed, in one statement
/// (an index lookup; no body is read).
pub fn published_id_and_last_change(conn: &mut DbConn, slug: &str) -> StoreResult<(String, Option<NaiveDateTime>)> {
    Ok(articles::table
        .filter(articles::slug.eq(slug))
        .filter(articles::status.eq(ArticleStatus::Published.as_str()))
        .select((articles::id, crate::audit::last_change_subquery()))
        .first(conn)?)
}

/// The id of the published article at `slug` (an index lookup; no body is read).
pub fn published_id_by_slug(conn: &mut DbConn, slug: &str) -> StoreResult<String> {
    Ok(articles::table
        .filter(articles::slug.eq(slug))
        .filter(articles::status.eq(ArticleStatus::Published.as_str()))
        .select(articles::id)
        .first(conn)?)
}

/// Maps each of `slugs` that names an article to its id. With `only_visible_to`, keeps only
/// articles that user may see: published ones and their own.
pub fn ids_by_slug(
    conn: &mut DbConn,
    slugs: &[String],
    only_visible_to: Option<&str>,
) -> StoreResult<std::collections::HashMap<String, String>> {
    if slugs.is_empty() {
        return Ok(Default::default());
    }
    let mut query =
        articles::table.filter(articles::slug.eq_any(slugs)).select((articles::slug, articles::id)).into_boxed::<Db>();
    if let Some(user) = only_visible_to {
        query = query.filter(
            articles::status.eq(ArticleStatus::Published.as_str()).or(articles::created_by.eq(user.to_owned())),
        );
    }
    Ok(query.load::<(String, String)>(conn)?.into_iter().collect())
}

pub fn insert(conn: &mut DbConn, row: &NewArticle) -> StoreResult<ArticleRow> {
    Ok(diesel::insert_into(articles::table).values(row).returning(articles::all_columns).get_result(conn)?)
}

/// Applies `changes` and bumps the version, if the version still is `expected` (when given).
/// Also bumps the version when only relations changed, so every change is a new version.
pub fn update(conn: &mut DbConn, id: &str, expected: Option<i64>, changes: &ArticleChanges) -> StoreResult<ArticleRow> {
    let (low, high) = crate::version_range(expected);
    let updated = diesel::update(articles::table)
        .filter(articles::id.eq(id))
        .filter(articles::version.between(low, high))
        .set((changes, articles::version.eq(articles::version + 1), articles::updated_at.eq(crate::now())))
        .returning(articles::all_columns)
        .get_result::<ArticleRow>(conn)
        .optional()?;
    updated_or_conflict(conn, id, updated)
}

impl ArticleRow {
    /// Where the article stands in its life.
    pub fn lifecycle(&self) -> Lifecycle {
        Lifecycle { status: self.status, published_at: self.published_at, trashed_at: self.trashed_at }
    }
}

/// Sets an article's lifecycle and bumps the version, if the version still is `expected`.
/// One statement of fixed text, which the connection prepares once and keeps: diesel compiles
/// every `UPDATE` afresh, on SQLite with the triggers it fires, and that was 7% of the CPU of
/// a write mix of creates and publishes.
pub fn set_lifecycle(conn: &mut DbConn, id: &str, expected: i64, to: &Lifecycle) -> StoreResult<ArticleRow> {
    let updated = lifecycle_update(id, expected, to, crate::now()).get_result::<ArticleRow>(conn).optional()?;
    updated_or_conflict(conn, id, updated)
}

fn lifecycle_update<'a>(
    id: &'a str,
    expected: i64,
    to: &'a Lifecycle,
    at: NaiveDateTime,
) -> KeepPrepared<
    impl Query<SqlType = articles::SqlType>
        + QueryFragment<Db>
        + QueryFragment<diesel::sqlite::Sqlite>
        + QueryFragment<diesel::pg::Pg>
        + QueryId
        + 'a,
> {
    KeepPrepared(
        diesel::update(articles::table)
            .filter(articles::id.eq(id))
            .filter(articles::version.eq(expected))
            .set((
                articles::status.eq(to.status.as_str()),
                articles::published_at.eq(to.published_at),
                articles::trashed_at.eq(to.trashed_at),
                articles::version.eq(articles::version + 1),
                articles::updated_at.eq(at),
            ))
            .returning(articles::all_columns),
    )
}

/// Bumps the version of an article whose relations alone changed, if the version still is
/// `expected`. Kept prepared like [`set_lifecycle`]; it names no indexed column, so SQLite
/// rewrites no index entry.
pub fn new_version(conn: &mut DbConn, id: &str, expected: i64) -> StoreResult<ArticleRow> {
    let statement = diesel::update(articles::table)
        .filter(articles::id.eq(id))
        .filter(articles::version.eq(expected))
        .set((articles::version.eq(articles::version + 1), articles::updated_at.eq(crate::now())))
        .returning(articles::all_columns);
    let updated = KeepPrepared(statement).get_result::<ArticleRow>(conn).optional()?;
    updated_or_conflict(conn, id, updated)
}

/// The updated row, or why there was none: the article moved on to another version, or is gone.
fn updated_or_conflict(conn: &mut DbConn, id: &str, updated: Option<ArticleRow>) -> StoreResult<ArticleRow> {
    match updated {
        Some(row) => Ok(row),
        None => Err(match find(conn, id) {
            Ok(current) => StoreError::VersionConflict { current: current.version },
            Err(e) => e,
        }),
    }
}

/// Deletes an article and its links, if the version still is `expected` (when given).
pub fn delete(conn: &mut DbConn, id: &str, expected: Option<i64>) -> StoreResult<()> {
    let (low, high) = crate::version_range(expected);
    let deleted =
        diesel::delete(articles::table.filter(articles::id.eq(id)).filter(articles::version.between(low, high)))
            .execute(conn)?;
    if deleted == 1 {
        return Ok(());
    }
    Err(match find(conn, id) {
        Ok(current) => StoreError::VersionConflict { current: current.version },
        Err(e) => e,
    })
}

/// Publishes every scheduled article that is due, in one statement, and returns them. With
/// several processes on one database each article is claimed by exactly one of them.
pub fn publish_due(conn: &mut DbConn, now: NaiveDateTime) -> StoreResult<Vec<ArticleRow>> {
    Ok(diesel::update(articles::table)
        .filter(articles::status.eq(ArticleStatus::Scheduled.as_str()))
        .filter(articles::published_at.le(now))
        .filter(articles::trashed_at.is_null())
        .set((
            articles::status.eq(ArticleStatus::Published.as_str()),
            articles::version.eq(articles::version + 1),
            articles::updated_at.eq(now),
        ))
        .returning(articles::all_columns)
        .get_results(conn)?)
}

/// Deletes an article for good (from the trash).
pub fn purge(conn: &mut DbConn, id: &str) -> StoreResult<()> {
    let deleted = diesel::delete(articles::table.filter(articles::id.eq(id))).execute(conn)?;
    if deleted == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// Which of `ids` name an existing article.
pub fn existing_ids(conn: &mut DbConn, ids: &[String]) -> StoreResult<Vec<String>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(articles::table.filter(articles::id.eq_any(ids)).select(articles::id).load(conn)?)
}

#[cfg(test)]
mod tests {
    use diesel::pg::Pg;
    use diesel::query_builder::QueryFragment;
    use diesel::sqlite::{Sqlite, SqliteConnection};

    use super::*;

    /// The lifecycle `UPDATE` is kept prepared by its text, so its text must not depend on the
    /// values: with dates or without, it is one statement.
    #[test]
    fn the_lifecycle_update_has_one_text() {
        let at = chrono::DateTime::from_timestamp(1_700_000_000, 0).expect("a time").naive_utc();
        let dated = Lifecycle { status: ArticleStatus::Published, published_at: Some(at), trashed_at: Some(at) };
        let undated = Lifecycle { status: ArticleStatus::Draft, published_at: None, trashed_at: None };
        let texts = |to: &Lifecycle| {
            let statement = lifecycle_update("a", 1, to, at);
            let without_binds = |sql: String| sql.split(" -- binds").next().unwrap_or_default().to_owned();
            (
                without_binds(diesel::debug_query::<Sqlite, _>(&statement).to_string()),
                without_binds(diesel::debug_query::<Pg, _>(&statement).to_string()),
            )
        };
        let (sqlite, postgres) = texts(&dated);
        assert!(sqlite.starts_with("UPDATE") && postgres.starts_with("UPDATE"), "{sqlite}\n{postgres}");
        assert_eq!(texts(&undated), (sqlite, postgres));
    }

    /// Every list page's statements must stay cacheable: one `diesel::dsl::sql` fragment or a
    /// bare `eq_any` list makes diesel prepare the statement again on every request.
    #[test]
    fn list_statements_are_kept_prepared() {
        let conn = DbConn::Sqlite(SqliteConnection::establish(":memory:").expect("in-memory SQLite"));
        let at = chrono::DateTime::from_timestamp(1_700_000_000, 0).expect("a time").naive_utc();
        let public = ArticleFilter {
            statuses: Some(vec![ArticleStatus::Published]),
            without_bodies: true,
            ..Default::default()
        };
        let admin = ArticleFilter {
            statuses: Some(vec![ArticleStatus::Draft, ArticleStatus::Scheduled]),
            ..Default::default()
        };
        for filter in [&public, &admin] {
            for (sort, key) in
                [(ArticleSort::NewestPublished, SortKey::Time(at)), (ArticleSort::TitleAsc, SortKey::Text("M".into()))]
            {
                for from in [None, Some(Keyset { key: key.clone(), id: "x".into(), backwards: true })] {
                    let query = keyset_query(&conn, filter, sort, from.as_ref()).limit(21);
                    for (name, backend) in [("SQLite", Db::Sqlite(Sqlite)), ("PostgreSQL", Db::Postgres(Pg))] {
                        let cacheable =
                            QueryFragment::<Db>::is_safe_to_cache_prepared(&query, &backend).expect("walks");
                        assert!(cacheable, "{name}: {filter:?} {sort:?} {from:?}");
                    }
                }
            }
        }
    }
}

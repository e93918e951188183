//! The filtered, sorted and paged article list both APIs read.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use newsdesk_domain::ArticleStatus;

use super::keyset::Beyond;
use super::ArticleRow;
use crate::fixed_sql::fixed_sql;
use crate::schema::{article_authors, article_tags, articles, authors, sections, sources, tags};
use crate::{Db, DbConn, Page, PageRequest, StoreResult};

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
    /// With `created_by`: also keep the articles assigned to that user (a writer's own list).
    pub or_assigned_to_creator: bool,
    /// Keep only the articles assigned to this user, or (`Unassigned`) to nobody.
    pub assignee: Option<AssigneeFilter>,
    pub section: Option<String>,
    pub tag: Option<String>,
    pub author: Option<String>,
    pub source: Option<String>,
    pub published_after: Option<NaiveDateTime>,
    pub published_before: Option<NaiveDateTime>,
    /// Keep only articles under an embargo that has not ended (true), or only those without
    /// one (false: none, or one that has ended). Judged at the time of the query.
    pub embargoed: Option<bool>,
    /// Full-text search over title, summary and body.
    pub q: Option<String>,
    /// With `q`: how many of the newest matches are ranked or sorted.
    pub search_window: crate::search::SearchWindow,
    /// Read the three bodies as empty strings: a list of cards shows none of them, and they
    /// are most of a row's bytes (SQLite overflow pages, PostgreSQL TOAST).
    pub without_bodies: bool,
}

/// Whose assignments an admin list keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssigneeFilter {
    User(String),
    Unassigned,
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
        match (&filter.created_by, filter.or_assigned_to_creator) {
            (Some(user), false) => query = query.filter(articles::created_by.eq(user.clone())),
            (Some(user), true) => {
                let assigned = assigned_to(user);
                query = query.filter(articles::created_by.eq(user.clone()).or(articles::id.eq_any(assigned)));
            }
            (None, _) => {}
        }
        match &filter.assignee {
            Some(AssigneeFilter::User(user)) => query = query.filter(articles::id.eq_any(assigned_to(user))),
            Some(AssigneeFilter::Unassigned) => {
                let any =
                    crate::schema::article_assignments::table.select(crate::schema::article_assignments::article_id);
                query = query.filter(diesel::dsl::not(articles::id.eq_any(any)));
            }
            None => {}
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
        match filter.embargoed {
            Some(true) => query = query.filter(articles::embargo_until.gt(crate::now())),
            Some(false) => {
                query = query.filter(articles::embargo_until.is_null().or(articles::embargo_until.le(crate::now())))
            }
            None => {}
        }
        query
    }};
}

/// The ids of the articles assigned to `user`, as a subquery.
fn assigned_to(
    user: &str,
) -> diesel::dsl::Select<
    diesel::dsl::Filter<
        crate::schema::article_assignments::table,
        diesel::dsl::Eq<crate::schema::article_assignments::user_id, String>,
    >,
    crate::schema::article_assignments::article_id,
> {
    use crate::schema::article_assignments as a;
    a::table.filter(a::user_id.eq(user.to_owned())).select(a::article_id)
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
        or_assigned_to_creator: _,
        assignee: None,
        section: None,
        tag: None,
        author: None,
        source: None,
        published_after: None,
        published_before: None,
        embargoed: None,
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
pub(super) fn columns(query: BoxedArticles, filter: &ArticleFilter) -> BoxedArticles {
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
        embargo_until,
        meta_title,
        meta_description,
        social_image_url,
        canonical_url,
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

#[cfg(test)]
mod tests {
    use diesel::pg::Pg;
    use diesel::query_builder::QueryFragment;
    use diesel::sqlite::{Sqlite, SqliteConnection};

    use super::*;

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

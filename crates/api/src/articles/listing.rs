//! Paging through article lists: by keyset cursor (stable while articles are published) or by
//! page number (simple, but a deep page costs more and can shift as articles come and go).

use newsdesk_persistence::articles::{self as store, ArticleFilter, ArticleRow, ArticleSort, Keyset};
use newsdesk_persistence::{DbConn, PageRequest, StoreResult};

use crate::cursor::Position;

/// One page of rows and where its neighbours start.
pub struct Listed {
    pub rows: Vec<ArticleRow>,
    pub total: i64,
    /// The page number, when paging by number.
    pub page: Option<i64>,
    pub next: Option<Position>,
    pub prev: Option<Position>,
}

fn after(sort: ArticleSort, row: Option<&ArticleRow>) -> Option<Position> {
    row.map(|row| Position::Keyset(Keyset { key: sort.key_of(row), id: row.id.clone(), backwards: false }))
}

fn before(sort: ArticleSort, row: Option<&ArticleRow>) -> Option<Position> {
    row.map(|row| Position::Keyset(Keyset { key: sort.key_of(row), id: row.id.clone(), backwards: true }))
}

/// Loads a page by cursor, by page number, or the first page by keyset.
pub fn load(
    conn: &mut DbConn,
    filter: &ArticleFilter,
    sort: ArticleSort,
    limit: i64,
    page: Option<i64>,
    position: Option<Position>,
) -> StoreResult<Listed> {
    // A search pages through its window by offset (see `SearchWindow`).
    let searching = filter.q.is_some();
    match (position, page) {
        (Some(Position::Keyset(from)), _) if !searching => {
            let (found, more) = store::list_keyset(conn, filter, sort, limit, Some(&from))?;
            let (first, last) = (found.items.first(), found.items.last());
            let (next, prev) = if from.backwards {
                (after(sort, last), if more { before(sort, first) } else { None })
            } else {
                (if more { after(sort, last) } else { None }, before(sort, first))
            };
            Ok(Listed { next, prev, rows: found.items, total: found.total, page: None })
        }
        (Some(Position::Offset(offset)), _) => by_offset(conn, filter, sort, limit, offset, None),
        (None, None) if !searching => {
            let (found, more) = store::list_keyset(conn, filter, sort, limit, None)?;
            let next = if more { after(sort, found.items.last()) } else { None };
            Ok(Listed { next, prev: None, rows: found.items, total: found.total, page: Some(1) })
        }
        (_, page) => {
            let page = page.unwrap_or(1);
            by_offset(conn, filter, sort, limit, (page - 1) * limit, Some(page))
        }
    }
}

fn by_offset(
    conn: &mut DbConn,
    filter: &ArticleFilter,
    sort: ArticleSort,
    limit: i64,
    offset: i64,
    page: Option<i64>,
) -> StoreResult<Listed> {
    let found = store::list(conn, filter, sort, PageRequest { limit, offset })?;
    let seen = offset + i64::try_from(found.items.len()).unwrap_or(0);
    let searching = filter.q.is_some();
    // Cursors from a numbered page switch the client to keyset paging where the order allows.
    let next = (seen < found.total).then(|| {
        if searching {
            Some(Position::Offset(offset + limit))
        } else {
            after(sort, found.items.last())
        }
    });
    let prev = (offset > 0).then(|| {
        if searching || found.items.is_empty() {
            Some(Position::Offset((offset - limit).max(0)))
        } else {
            before(sort, found.items.first())
        }
    });
    Ok(Listed { next: next.flatten(), prev: prev.flatten(), rows: found.items, total: found.total, page })
}

/// Which list to page through: the endpoint (cursors from one do not work on another), what it
/// keeps, in what order, and how each item is shown.
pub struct ListSpec {
    pub endpoint: &'static str,
    pub filter: ArticleFilter,
    pub sort: ArticleSort,
    pub shape: super::view::Shape,
}

/// Loads, renders and wraps one page of an article list, with page links and cursors.
pub async fn page_of(
    req: &actix_web::HttpRequest,
    state: &crate::state::AppState,
    spec: ListSpec,
    paging: crate::extract::Paging,
) -> crate::error::ApiResult<(crate::respond::ListResponse<super::dto::ArticleOut>, Option<chrono::NaiveDateTime>)> {
    use super::view;
    let ListSpec { endpoint, mut filter, sort, shape } = spec;
    let (limit, _) = paging.resolve()?;
    let list = super::query::list_fingerprint(endpoint, &filter, sort);
    // After the fingerprint: which columns are read does not change the list a cursor is for.
    filter.without_bodies = !shape.has_body();
    filter.search_window = state.search_window;
    let position = paging.cursor.as_deref().map(|c| state.cursors.decode(&list, c)).transpose()?;
    if let Some(Position::Keyset(keyset)) = &position {
        if !sort.accepts(&keyset.key) {
            return Err(crate::error::ApiError::BadRequest(
                "the cursor belongs to another list; start again without it".into(),
            ));
        }
    }
    let page = paging.page;
    let cursor_links = page.is_none();
    let listed = state
        .read(move |conn| {
            // Read before the data: a write landing in between then only makes the date older.
            let changed = newsdesk_persistence::audit::last_change(conn)?;
            let listed = load(conn, &filter, sort, limit, page, position.clone())?;
            let snippets = match &filter.q {
                Some(q) => view::snippets(conn, q, &listed.rows)?,
                None => Default::default(),
            };
            let Listed { rows, total, page, next, prev } = listed;
            let mut data = view::render_all(conn, rows, shape)?;
            view::attach_snippets(&mut data, snippets);
            Ok((data, total, page, next, prev, changed))
        })
        .await?;
    let (data, total, page, next, prev, changed) = listed;
    let encode = |p: Position| state.cursors.encode(&list, &p);
    let response = crate::respond::ListResponse::new(req, data, total, limit, page.unwrap_or(1));
    Ok((
        response.with_cursors(
            req,
            page,
            cursor_links && (next.is_some() || prev.is_some() || page.is_none()),
            next.map(encode),
            prev.map(encode),
        ),
        changed,
    ))
}

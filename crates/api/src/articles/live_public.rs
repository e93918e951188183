//! Live blogs in public: `GET /v1/articles/{slug}/entries`, the entries of a published live
//! blog, newest first; and the live coverage a single article's answer carries (its `live`
//! object and, in its structured data, the newest entries as `liveBlogUpdate`).

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use newsdesk_persistence::articles as articles_store;
use newsdesk_persistence::live::{self as store, EntryFilter, LiveBlogRow};
use newsdesk_persistence::{DbConn, StoreError, StoreResult};
use serde::Deserialize;
use utoipa::IntoParams;

use super::live::{entry_authors, entry_out, LiveEntryOut, LiveOut};
use super::public::{elsewhere, Elsewhere, RetractedProblem};
use crate::cache::{self, Tag};
use crate::error::{not_found_as, ApiError, ApiResult};
use crate::extract::{Paging, QueryParams};
use crate::respond::{public_json_at, ListResponse};
use crate::responses::{Paged, PublicRead};
use crate::state::AppState;
use crate::time::naive;

/// How many of the newest entries the structured data carries as `liveBlogUpdate`.
const UPDATES_IN_STRUCTURED_DATA: i64 = 20;

/// An article's live coverage, as its single answer shows it.
pub struct Coverage {
    pub blog: LiveBlogRow,
    /// The newest entries, deleted ones left out, newest first, each with its plain text
    /// (rendered here, on the database thread, not on the worker that answers).
    pub updates: Vec<(LiveEntryOut, String)>,
}

impl Coverage {
    /// The article's `live` object.
    pub fn out(&self, slug: &str) -> LiveOut {
        LiveOut::of(&self.blog, slug)
    }

    /// The cached answers that show it go when an entry's author changes, too.
    pub fn tags(&self) -> impl Iterator<Item = Tag> + '_ {
        self.updates.iter().filter_map(|(u, _)| u.author.as_ref()).map(|a| Tag::entity(&a.id))
    }
}

/// The live coverage of article `id`: one indexed lookup when it is not a live blog; the newest
/// entries and their authors in two more when it is.
pub fn coverage(conn: &mut DbConn, id: &str) -> StoreResult<Option<Coverage>> {
    let Some(blog) = store::blog(conn, id)? else { return Ok(None) };
    let entries = store::newest(conn, id, UPDATES_IN_STRUCTURED_DATA)?;
    let authors = entry_authors(conn, &entries)?;
    let updates = entries
        .into_iter()
        .map(|e| {
            let text = newsdesk_domain::body::render(&e.body_markdown).text;
            (entry_out(e, &authors), text)
        })
        .collect();
    Ok(Some(Coverage { blog, updates }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntriesQuery {
    /// Only entries posted after this instant (RFC 3339, years 1 to 9999).
    pub since: Option<DateTime<Utc>>,
    /// `true`: only pinned entries; `false`: only the others.
    pub pinned: Option<bool>,
}

/// What a slug's entries answer with.
enum Found {
    Entries(Vec<LiveEntryOut>, i64, Vec<Tag>, Option<chrono::NaiveDateTime>),
    Elsewhere(Elsewhere),
}

/// List a published live blog's entries, newest first (deleted ones left out).
///
/// Each entry carries its sanitized HTML and its Markdown (as the article's `formats=markdown`
/// shows its body), its author and image. An old slug answers `301` to the current one; a
/// retracted article `410`; a draft, or an article that never was a live blog, `404`.
#[utoipa::path(get, path = "/v1/articles/{slug}/entries", operation_id = "list_entries", tag = "live",
    params(("slug" = String, Path, description = "The article's slug"), EntriesQuery, Paging),
    responses(
        (status = 200, description = "A page of entries, newest first", body = ListResponse<LiveEntryOut>),
        (status = 301, description = "An old slug: `Location` gives the entries' current URL"),
        (status = 410, description = "The article was retracted: the reason and when", body = RetractedProblem, content_type = "application/problem+json"),
        PublicRead, Paged,
    ))]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: QueryParams<EntriesQuery>,
    paging: QueryParams<Paging>,
) -> ApiResult<HttpResponse> {
    let mut v = newsdesk_domain::Violations::new();
    let since = v.time("since", query.0.since);
    v.into_result()?;
    let filter = EntryFilter { created_after: since.map(naive), pinned: query.0.pinned };
    let window = paging.0.window(&state.cursors, &req)?;
    let page = window.request();
    let slug = slug.into_inner();
    let found = state
        .read(move |conn| {
            // When anything last changed (every entry write is audited): `Last-Modified`.
            let (article_id, changed) = match articles_store::published_id_and_last_change(conn, &slug) {
                Ok(found) => found,
                Err(StoreError::NotFound) => {
                    return elsewhere(conn, &slug)?.map(|e| Ok(Found::Elsewhere(e))).ok_or(StoreError::NotFound);
                }
                Err(other) => return Err(other),
            };
            if store::blog(conn, &article_id)?.is_none() {
                return Ok(Err(ApiError::not_found("live blog")));
            }
            let found = store::list(conn, &article_id, &filter, page)?;
            let authors = entry_authors(conn, &found.items)?;
            let mut tags = vec![Tag::entity(&article_id)];
            tags.extend(authors.keys().map(|id| Tag::entity(id)));
            let items = found.items.into_iter().map(|e| entry_out(e, &authors)).collect();
            Ok(Ok(Found::Entries(items, found.total, tags, changed)))
        })
        .await
        .map_err(|e| not_found_as(e, "article"))??;
    match found {
        Found::Entries(items, total, tags, changed) => {
            let list = window.respond(&req, &state.cursors, items, total);
            cache::tag(&req, tags);
            public_json_at(&req, &list, changed)
        }
        Found::Elsewhere(elsewhere) => Ok(elsewhere.respond(&req, "/entries")),
    }
}

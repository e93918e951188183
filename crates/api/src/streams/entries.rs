//! `GET /v1/articles/{slug}/live`: a published live blog's entries as they are posted, edited
//! and deleted, for readers watching the story unfold.

use actix_web::http::Method;
use actix_web::{web, HttpRequest, HttpResponse};
use newsdesk_persistence::articles as articles_store;
use newsdesk_persistence::live::{self as store, LiveEntryRow};
use newsdesk_persistence::{DbConn, StoreError, StoreResult};
use serde_json::json;

use super::changes::StreamQuery;
use super::{join, Bounds};
use crate::articles::live::{entry_authors, entry_out};
use crate::articles::public::{elsewhere, Elsewhere, RetractedProblem};
use crate::error::{not_found_as, ApiError, ApiResult};
use crate::extract::QueryParams;
use crate::live::hub::{Subscription, Topic};
use crate::live::{sse, Event};
use crate::responses::{BadQuery, NotFound};
use crate::state::AppState;

/// What a slug's stream answers with.
enum Joined {
    Stream(Vec<Event>, i64, Subscription),
    Head,
    Full,
    NotLive,
    Elsewhere(Elsewhere),
}

/// A live blog's entries as Server-Sent Events.
///
/// Events: `entry.created` and `entry.updated` (an edit, a pin or unpin), whose `data` is
/// `{"entry": …}` as `GET /v1/articles/{slug}/entries` lists it; `entry.deleted`, whose `data` is
/// `{"id": …}`. Each event's `id` is the entry's `seq`, the live blog's change counter. A write
/// through any server process reaches every reader within a second. A client that reconnects
/// with `Last-Event-ID` (as `EventSource` does by itself) is sent every change it missed, in
/// order; an id the live blog never reached, or more than 1,000 missed changes, starts with a
/// `reset` event (reload the entries, then follow on). Idle streams carry `: heartbeat`
/// comments. An old slug answers `301`; a retracted article `410`; a draft, or an article that
/// is not a live blog, `404`; `503` when the process serves as many streams as it may.
#[utoipa::path(get, path = "/v1/articles/{slug}/live", operation_id = "stream_live_blog", tag = "live",
    params(
        ("slug" = String, Path, description = "The article's slug"),
        StreamQuery,
        ("Last-Event-ID" = Option<String>, Header, description = "The id of the last event seen; the stream resumes after it"),
    ),
    responses(
        (status = 200, description = "An endless `text/event-stream` of the live blog's entry changes", body = String, content_type = "text/event-stream"),
        (status = 301, description = "An old slug: `Location` gives the stream's current URL"),
        (status = 410, description = "The article was retracted: the reason and when", body = RetractedProblem, content_type = "application/problem+json"),
        (status = 503, description = "This process serves as many live streams as it may; retry after `Retry-After`", body = crate::error::Problem, content_type = "application/problem+json"),
        NotFound, BadQuery,
    ))]
pub async fn stream(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: QueryParams<StreamQuery>,
) -> ApiResult<HttpResponse> {
    let seen = sse::last_event_id(&req, query.0.last_event_id.as_deref())?;
    let head = req.method() == Method::HEAD;
    let hub = state.live.clone();
    let slug = slug.into_inner();
    let joined = state
        .read(move |conn| {
            let article_id = match articles_store::published_id_by_slug(conn, &slug) {
                Ok(id) => id,
                Err(StoreError::NotFound) => {
                    return elsewhere(conn, &slug)?.map(Joined::Elsewhere).ok_or(StoreError::NotFound);
                }
                Err(other) => return Err(other),
            };
            let Some(newest) = store::blog_seq(conn, &article_id)? else { return Ok(Joined::NotLive) };
            if head {
                return Ok(Joined::Head);
            }
            let topic = Topic::Entries(article_id.into());
            Ok(match join(conn, &hub, topic, Bounds { oldest: None, newest }, seen)? {
                Some((missed, sent, subscription)) => Joined::Stream(missed, sent, subscription),
                None => Joined::Full,
            })
        })
        .await
        .map_err(|e| not_found_as(e, "article"))?;
    match joined {
        Joined::Stream(missed, sent, subscription) => {
            Ok(sse::respond(missed, sent, subscription, state.live.heartbeat))
        }
        Joined::Head => Ok(sse::head()),
        Joined::Full => Err(ApiError::Busy("the live stream limit is reached".into())),
        Joined::NotLive => Err(ApiError::not_found("live blog")),
        Joined::Elsewhere(elsewhere) => Ok(elsewhere.respond(&req, "/live")),
    }
}

/// Up to `limit` changes to the entries of `article_id` after `after`, as events. Nothing while
/// the article is not published: a draft's entries are not public, and an article unpublished
/// mid-stream sends nothing more (its readers get what they missed if it comes back).
pub fn load(conn: &mut DbConn, article_id: &str, after: i64, limit: i64) -> StoreResult<Vec<Event>> {
    if !articles_store::is_published(conn, article_id)? {
        return Ok(Vec::new());
    }
    let rows = store::entries_changed_since(conn, article_id, after, limit)?;
    let authors = entry_authors(conn, &rows)?;
    Ok(rows.into_iter().map(|row| event(row, after, &authors)).collect())
}

fn event(
    row: LiveEntryRow,
    after: i64,
    authors: &std::collections::HashMap<String, newsdesk_persistence::authors::AuthorRow>,
) -> Event {
    let seq = row.seq;
    let (name, data) = if row.deleted_at.is_some() {
        ("entry.deleted", json!({ "id": row.id }))
    } else {
        // New to a reader who saw up to `after`, or a change to one it has.
        let name = if row.created_seq > after { "entry.created" } else { "entry.updated" };
        (name, json!({ "entry": entry_out(row, authors) }))
    };
    Event { seq, name: name.into(), data: data.to_string() }
}

//! `GET /v1/changes`: the site's public changes as they happen, for a frontend or a
//! static-site builder that would otherwise poll.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use newsdesk_persistence::public_changes::{self as log, PublicChangeRow};
use newsdesk_persistence::{DbConn, StoreResult};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{join, Bounds};
use crate::error::{ApiError, ApiResult};
use crate::extract::QueryParams;
use crate::live::hub::Topic;
use crate::live::{sse, Event};
use crate::responses::BadQuery;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StreamQuery {
    /// The id of the last event seen, for a client that cannot send `Last-Event-ID` (the header
    /// wins when both are sent).
    pub last_event_id: Option<String>,
}

/// One public change: the `data` of an event on `GET /v1/changes`, whose `event` is `type`.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicChange {
    /// `article.published`, `article.updated` (while published: an edit, a correction, a tag),
    /// `article.unpublished` (unpublished or trashed) or `article.retracted`.
    #[serde(rename = "type")]
    pub kind: String,
    pub article: ChangedArticle,
    /// The article's version after the change.
    pub version: i64,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangedArticle {
    pub id: String,
    /// The slug after the change.
    pub slug: String,
    /// Its public API answer (gone once unpublished, 410 once retracted).
    pub api_url: String,
    /// Its page on the site.
    pub url: String,
}

/// Public changes as Server-Sent Events.
///
/// Each event's `event` is the change's type (`article.published`, `article.updated`,
/// `article.unpublished`, `article.retracted`), its `data` a [`PublicChange`] in JSON and its
/// `id` the change's place in the site's log. Only what the public can see is sent: nothing
/// about drafts, assignments or notes. A comment line (`: heartbeat`) keeps an idle stream
/// open. A client that reconnects with `Last-Event-ID` (as browsers' `EventSource` does) is
/// sent every change it missed, from whichever server process it reaches; the log keeps a
/// week. When more was missed than is sent again (1,000), or the id is unknown, the first
/// event is `reset`: reload what you show, then follow on. `503` when the process serves as
/// many streams as `NEWSDESK_LIVE_MAX_STREAMS` allows.
#[utoipa::path(get, path = "/v1/changes", operation_id = "stream_changes", tag = "live",
    params(
        StreamQuery,
        ("Last-Event-ID" = Option<String>, Header, description = "The id of the last event seen; the stream resumes after it"),
    ),
    responses(
        (status = 200, description = "An endless `text/event-stream` of public changes", body = String, content_type = "text/event-stream"),
        (status = 503, description = "This process serves as many live streams as it may; retry after `Retry-After`", body = crate::error::Problem, content_type = "application/problem+json"),
        BadQuery,
    ))]
pub async fn stream(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: QueryParams<StreamQuery>,
) -> ApiResult<HttpResponse> {
    let seen = sse::last_event_id(&req, query.0.last_event_id.as_deref())?;
    if req.method() == actix_web::http::Method::HEAD {
        return Ok(sse::head());
    }
    let hub = state.live.clone();
    let joined = state
        .read(move |conn| {
            let bounds = log::bounds(conn)?;
            let bounds = Bounds { oldest: bounds.map(|(oldest, _)| oldest), newest: bounds.map_or(0, |(_, n)| n) };
            join(conn, &hub, Topic::Changes, bounds, seen)
        })
        .await?;
    let Some((missed, sent, subscription)) = joined else {
        return Err(ApiError::Busy("the live stream limit is reached".into()));
    };
    Ok(sse::respond(missed, sent, subscription, state.live.heartbeat))
}

/// Up to `limit` public changes after `after`, as events.
pub fn load(conn: &mut DbConn, after: i64, limit: i64, public_url: &str) -> StoreResult<Vec<Event>> {
    let rows = log::after(conn, after, limit)?;
    Ok(rows.into_iter().map(|row| event(row, public_url)).collect())
}

fn event(row: PublicChangeRow, public_url: &str) -> Event {
    let change = PublicChange {
        article: ChangedArticle {
            api_url: format!("{public_url}/v1/articles/{}", row.slug),
            url: crate::publication::article_url(public_url, &row.slug),
            id: row.article_id,
            slug: row.slug,
        },
        version: row.version,
        at: row.at.and_utc(),
        kind: row.kind,
    };
    Event {
        seq: row.seq,
        name: change.kind.clone(),
        data: serde_json::to_string(&change).unwrap_or_else(|_| "{}".into()),
    }
}

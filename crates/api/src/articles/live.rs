//! Live blogs in the editorial API: `PUT /v1/admin/articles/{id}/live` starts or ends an
//! article's live coverage, and `/v1/admin/articles/{id}/entries` posts, lists, edits, pins and
//! deletes its entries. The rules live in `newsdesk_newsroom::articles::live`; the public list is
//! in [`super::live_public`].

use std::collections::HashMap;

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use newsdesk_domain::live_entry::MAX_ENTRY_BODY;
use newsdesk_domain::{field_schema, Action};
use newsdesk_newsroom::articles::live::{self as rules, EntryImage, EntryInput};
use newsdesk_newsroom::articles::write;
use newsdesk_persistence::authors::{self, AuthorRow};
use newsdesk_persistence::live::{self as store, EntryFilter, LiveBlogRow, LiveEntryRow};
use newsdesk_persistence::{DbConn, Page, StoreResult};
use serde::{Deserialize, Serialize};
use serde_with::rust::double_option;
use utoipa::ToSchema;

use super::dto::AuthorRef;
use crate::auth::AdminCall;
use crate::error::{not_found_as, ApiError, ApiResult, Problem};
use crate::extract::{if_match, IfMatchRequired, JsonBody, Paging, QueryParams};
use crate::respond::{private_json, versioned_json, ListResponse};
use crate::responses::{AdminVersionedWrite, AdminWrite, JsonInput, Paged};
use crate::time::utc;

/// Whether the article is a live blog.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"live": true}))]
pub struct LiveIn {
    /// `true` starts live coverage (or resumes it after it ended); `false` ends it.
    pub live: bool,
}

/// Where a live blog's coverage stands.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LiveStatus {
    /// Entries are being posted.
    Live,
    /// Coverage has ended; its entries stay.
    Ended,
}

/// An article's live coverage.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"status": "live", "started_at": "2026-12-10T07:00:00Z", "ended_at": null,
    "entries_url": "/v1/articles/election-night-live/entries"}))]
pub struct LiveOut {
    pub status: LiveStatus,
    pub started_at: DateTime<Utc>,
    /// When it ended; null while live.
    pub ended_at: Option<DateTime<Utc>>,
    /// The public list of its entries (the article's current slug).
    pub entries_url: String,
}

impl LiveOut {
    pub fn of(blog: &LiveBlogRow, slug: &str) -> Self {
        Self {
            status: if blog.ended_at.is_some() { LiveStatus::Ended } else { LiveStatus::Live },
            started_at: utc(blog.started_at),
            ended_at: blog.ended_at.map(utc),
            entries_url: format!("/v1/articles/{slug}/entries"),
        }
    }
}

/// The article's live state after the change.
#[derive(Debug, Serialize, ToSchema)]
pub struct LiveStateOut {
    /// Its live coverage; null when it never was a live blog.
    pub live: Option<LiveOut>,
}

/// An image shown with an entry, by URL.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryImageIn {
    /// An absolute http or https URL.
    #[schema(schema_with = field_schema::url)]
    pub url: String,
    /// Alternative text, at most 500 characters.
    pub alt: Option<String>,
    /// Caption, at most 500 characters.
    pub caption: Option<String>,
}

/// A new entry.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body": "**21:04** Polls have closed in the delta towns.", "pinned": false}))]
pub struct EntryCreate {
    /// Markdown, 1 to 20,000 characters, rendered to sanitized HTML.
    #[schema(schema_with = field_schema::note::<MAX_ENTRY_BODY>)]
    pub body: String,
    /// The author (from `/v1/admin/authors`) it is credited to.
    pub author_id: Option<String>,
    pub image: Option<EntryImageIn>,
    /// Shown first by frontends that honour pins (default false).
    pub pinned: Option<bool>,
}

/// Changes to an entry: only the fields given; `null` clears `author_id` or `image`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"pinned": true}))]
pub struct EntryPatch {
    #[schema(schema_with = field_schema::note::<MAX_ENTRY_BODY>)]
    pub body: Option<String>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub author_id: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<EntryImageIn>)]
    pub image: Option<Option<EntryImageIn>>,
    pub pinned: Option<bool>,
}

/// An entry's image.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EntryImageOut {
    pub url: String,
    pub alt: Option<String>,
    pub caption: Option<String>,
}

/// A live-blog entry.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": "01937c4e-1b2a-7c3d-9e4f-5a6b7c8d9e0f", "seq": 12,
    "body_html": "<p><strong>21:04</strong> Polls have closed in the delta towns.</p>",
    "body_markdown": "**21:04** Polls have closed in the delta towns.",
    "author": {"id": "01937c4e-0000-7c3d-9e4f-5a6b7c8d9e0f", "slug": "mira-okafor", "name": "Mira Okafor", "avatar_url": null},
    "image": null, "pinned": false, "version": 1,
    "created_at": "2026-12-10T21:04:10Z", "updated_at": "2026-12-10T21:04:10Z"}))]
pub struct LiveEntryOut {
    pub id: String,
    /// The article's change counter as this entry's last change left it: the live stream's
    /// event id.
    pub seq: i64,
    /// Sanitized HTML.
    pub body_html: String,
    /// As written.
    pub body_markdown: String,
    /// Who it is credited to; null when nobody (or the author was deleted).
    pub author: Option<AuthorRef>,
    pub image: Option<EntryImageOut>,
    pub pinned: bool,
    /// Up by one on every change: the admin `ETag`.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The authors `entries` are credited to, by id: one statement.
pub fn entry_authors(conn: &mut DbConn, entries: &[LiveEntryRow]) -> StoreResult<HashMap<String, AuthorRow>> {
    let mut ids: Vec<String> = entries.iter().filter_map(|e| e.author_id.clone()).collect();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(authors::find_many(conn, &ids)?.into_iter().map(|a| (a.id.clone(), a)).collect())
}

/// An entry in its API form, its author looked up in `authors`.
pub fn entry_out(entry: LiveEntryRow, authors: &HashMap<String, AuthorRow>) -> LiveEntryOut {
    let author = entry.author_id.as_ref().and_then(|id| authors.get(id)).map(|a| AuthorRef {
        id: a.id.clone(),
        slug: a.slug.clone(),
        name: a.name.clone(),
        avatar_url: a.avatar_url.clone(),
    });
    let image = entry.image_url.map(|url| EntryImageOut { url, alt: entry.image_alt, caption: entry.image_caption });
    LiveEntryOut {
        id: entry.id,
        seq: entry.seq,
        body_html: entry.body_html,
        body_markdown: entry.body_markdown,
        author,
        image,
        pinned: entry.pinned,
        version: entry.version,
        created_at: utc(entry.created_at),
        updated_at: utc(entry.updated_at),
    }
}

fn image_input(image: EntryImageIn) -> EntryImage {
    EntryImage { url: image.url, alt: image.alt, caption: image.caption }
}

/// Start or end an article's live coverage (editors and admins on any article, authors on
/// their own). An article can be a live blog while still a draft, so entries can be prepared
/// before it is published.
#[utoipa::path(put, path = "/v1/admin/articles/{id}/live", operation_id = "set_article_live", tag = "live", security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id")), request_body = LiveIn,
    responses(
        (status = 200, description = "The article's live state", body = LiveStateOut),
        JsonInput, AdminWrite,
        (status = 409, description = "The article is in the trash or retracted", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn set_live(
    AdminCall { state, user, .. }: AdminCall,
    id: web::Path<String>,
    body: JsonBody<LiveIn>,
) -> ApiResult<HttpResponse> {
    let (id, live) = (id.into_inner(), body.0.live);
    let out = state
        .write(move |tx| {
            let blog = rules::set_live(tx, &id, live, &user)?;
            let slug = newsdesk_persistence::articles::find(tx.conn(), &id)?.slug;
            Ok(blog.map(|blog| LiveStateOut { live: blog.map(|b| LiveOut::of(&b, &slug)) }))
        })
        .await?;
    Ok(private_json(StatusCode::OK, &out))
}

/// The entry `entry` as an admin answer: its version is the `ETag`.
fn entry_response(req: &actix_web::HttpRequest, status: StatusCode, entry: &LiveEntryOut) -> ApiResult<HttpResponse> {
    versioned_json(req, status, entry, entry.version)
}

/// List an article's entries, newest first, deleted ones left out (those who may post to it).
#[utoipa::path(get, path = "/v1/admin/articles/{id}/entries", operation_id = "admin_list_entries", tag = "live", security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id"), Paging),
    responses(
        (status = 200, description = "A page of entries, newest first", body = ListResponse<LiveEntryOut>),
        Paged, AdminWrite,
    ))]
pub async fn list(
    AdminCall { req, state, user }: AdminCall,
    id: web::Path<String>,
    paging: QueryParams<Paging>,
) -> ApiResult<HttpResponse> {
    let state_ref = &state;
    let load = |page| async move {
        state_ref
            .read(move |conn| {
                let Some(article) = write::readable(conn, &id, &user)? else {
                    return Ok(Err(ApiError::not_found("article")));
                };
                let own = article.created_by.as_deref() == Some(user.id.as_str());
                if let Err(refused) = user.require(Action::PostLiveEntry { own }) {
                    return Ok(Err(refused));
                }
                let found = store::list(conn, &article.id, &EntryFilter::default(), page)?;
                let authors = entry_authors(conn, &found.items)?;
                let items = found.items.into_iter().map(|e| entry_out(e, &authors)).collect();
                Ok(Ok(Page { items, total: found.total }))
            })
            .await
            .map_err(|e| not_found_as(e, "article"))?
    };
    paging.0.private_page(&req, &state.cursors, load, std::convert::identity).await
}

/// Post an entry to a live blog (editors and admins on any article, authors on their own). The
/// article must be live (`PUT …/live`), in any status: entries can be prepared on a draft.
#[utoipa::path(post, path = "/v1/admin/articles/{id}/entries", operation_id = "post_entry", tag = "live", security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id")), request_body = EntryCreate,
    responses(
        (status = 201, description = "Posted; `Location` is the entry, `ETag` its version", body = LiveEntryOut),
        JsonInput, AdminWrite,
        (status = 409, description = "The article is not a live blog, its coverage has ended, or it is in the trash or retracted", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`body`, `author_id` or `image` invalid; `detail` names each", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn post(
    AdminCall { req, state, user }: AdminCall,
    id: web::Path<String>,
    body: JsonBody<EntryCreate>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let given = body.0;
    let input = EntryInput {
        body: Some(given.body),
        author_id: Some(given.author_id),
        image: Some(given.image.map(image_input)),
        pinned: given.pinned,
    };
    let entry = write_entry(&state, move |tx, user| rules::post(tx, &id, input, user), user).await?;
    let mut response = entry_response(&req, StatusCode::CREATED, &entry)?;
    let location = format!("{}/{}", req.path().trim_end_matches('/'), entry.id);
    if let Ok(value) = header::HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

type EntryWrite = newsdesk_newsroom::NewsroomResult<newsdesk_newsroom::Recorded<LiveEntryRow>>;

/// Runs an entry write and renders the entry it leaves.
async fn write_entry(
    state: &crate::state::AppState,
    work: impl FnOnce(&mut newsdesk_newsroom::Tx, &newsdesk_newsroom::Caller) -> EntryWrite + Send + 'static,
    user: crate::auth::AuthUser,
) -> ApiResult<LiveEntryOut> {
    state
        .write(move |tx| {
            let entry = work(tx, &user)?;
            entry.try_map(|entry| {
                let authors = entry_authors(tx.conn(), std::slice::from_ref(&entry))?;
                Ok(entry_out(entry, &authors))
            })
        })
        .await
}

/// Edit an entry; `{"pinned": true}` pins it, `false` unpins it. Needs `If-Match` with the
/// entry's version. Allowed after the coverage ended, to put an entry right.
#[utoipa::path(patch, path = "/v1/admin/articles/{id}/entries/{entry_id}", operation_id = "update_entry", tag = "live", security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id"), ("entry_id" = String, Path, description = "Entry id"), IfMatchRequired),
    request_body = EntryPatch,
    responses(
        (status = 200, description = "The entry as it now stands; `ETag` is its version", body = LiveEntryOut),
        JsonInput, AdminVersionedWrite,
        (status = 409, description = "The article is in the trash or retracted", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`body`, `author_id` or `image` invalid; `detail` names each", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    AdminCall { req, state, user }: AdminCall,
    path: web::Path<(String, String)>,
    body: JsonBody<EntryPatch>,
) -> ApiResult<HttpResponse> {
    let precondition = if_match(&req)?;
    let (id, entry_id) = path.into_inner();
    let given = body.0;
    let input = EntryInput {
        body: given.body,
        author_id: given.author_id,
        image: given.image.map(|image| image.map(image_input)),
        pinned: given.pinned,
    };
    let entry =
        write_entry(&state, move |tx, user| rules::edit(tx, (&id, &entry_id), precondition, input, user), user).await?;
    entry_response(&req, StatusCode::OK, &entry)
}

/// Delete an entry. It leaves every list; a tombstone stays, so a reader resuming the live
/// stream learns of the delete. Needs `If-Match` with the entry's version.
#[utoipa::path(delete, path = "/v1/admin/articles/{id}/entries/{entry_id}", operation_id = "delete_entry", tag = "live", security(("bearer" = [])),
    params(("id" = String, Path, description = "Article id"), ("entry_id" = String, Path, description = "Entry id"), IfMatchRequired),
    responses(
        (status = 204, description = "Deleted"),
        AdminVersionedWrite,
        (status = 409, description = "The article is in the trash or retracted", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete(
    AdminCall { req, state, user }: AdminCall,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let precondition = if_match(&req)?;
    let (id, entry_id) = path.into_inner();
    write_entry(&state, move |tx, user| rules::delete(tx, (&id, &entry_id), precondition, user), user).await?;
    Ok(HttpResponse::NoContent().finish())
}

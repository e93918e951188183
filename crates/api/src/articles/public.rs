//! The public article API: published articles only, the same for every caller, cacheable.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use newsdesk_domain::ArticleStatus;
use newsdesk_persistence::articles as store;
use newsdesk_persistence::articles::retractions::RetractionNotice;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::dto::{ArticleOut, RelatedOut};
use super::listing;
use super::live_public::Coverage;
use super::query::ArticleListQuery;
use super::view::{self, Shape};
use crate::cache::{self, Tag};
use crate::error::ApiResult;
use crate::extract::{Paging, QueryParams};
use crate::respond::{public_json_at, ListResponse};
use crate::responses::{BadQuery, NotModified, Paged, PublicRead};
use crate::state::AppState;

/// List published articles.
#[utoipa::path(get, path = "/v1/articles", operation_id = "list_articles", tag = "articles", params(ArticleListQuery, Paging),
    responses(
        (status = 200, description = "A page of published articles as cards", body = ListResponse<ArticleOut>),
        NotModified, Paged,
    ))]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: QueryParams<ArticleListQuery>,
    paging: QueryParams<Paging>,
) -> ApiResult<HttpResponse> {
    let mut filter = query.0.filter()?;
    filter.statuses = Some(vec![ArticleStatus::Published]);
    let sort = query.0.sort();
    let shape = query.0.shape(true)?;
    let fields = super::fields::parse(query.0.fields.as_deref())?;
    let list =
        listing::page_of(&req, &state, listing::ListSpec { endpoint: "public", filter, sort, shape }, paging.0).await?;
    cache::tag(&req, vec![Tag::Lists]);
    match fields {
        Some(fields) => {
            let mut value =
                serde_json::to_value(&list.0).map_err(|e| crate::error::ApiError::Internal(e.to_string()))?;
            super::fields::keep_in_list(&mut value, &fields);
            public_json_at(&req, &value, list.1)
        }
        None => public_json_at(&req, &list.0, list.1),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatsQuery {
    /// Body formats, comma-separated: `html` (default), `markdown`, `text`.
    #[param(pattern = r"^((html|markdown|text)(,(html|markdown|text))*)?$")]
    pub formats: Option<String>,
    /// Only these top-level fields, comma-separated (e.g. `title,body`); JSON only.
    pub fields: Option<String>,
    /// `json` (Newsdesk's own form, the default) or `ninjs` (IPTC ninjs 2.1, as `Accept:
    /// application/ninjs+json` asks). Overrides `Accept`.
    #[param(pattern = "^(json|ninjs)$")]
    pub format: Option<String>,
}

impl FormatsQuery {
    /// One article as the public sees it, whole, in the formats asked for; and the fields to
    /// keep of it (`None`: all).
    pub fn shape(&self) -> ApiResult<(Shape, Option<Vec<String>>)> {
        let mut shape = Shape {
            authors: true,
            tags: true,
            section: true,
            source: true,
            related: true,
            corrections: true,
            public: true,
            ..Shape::default()
        };
        shape.apply_formats(self.formats.as_deref(), true)?;
        Ok((shape, super::fields::parse(self.fields.as_deref())?))
    }

    /// Whether to answer in ninjs: as `format` says, else as `Accept` prefers.
    pub fn ninjs(&self, req: &HttpRequest) -> ApiResult<bool> {
        let ninjs = match self.format.as_deref() {
            None => crate::negotiation::prefers_ninjs(req.headers()),
            Some("ninjs") => true,
            Some("json") => false,
            Some(_) => return Err(crate::error::ApiError::invalid("format", "must be `json` or `ninjs`")),
        };
        if ninjs && self.fields.is_some() {
            return Err(crate::error::ApiError::invalid("fields", "applies to the JSON form only, not to ninjs"));
        }
        Ok(ninjs)
    }
}

/// A retracted article's answer, at its slug and at every old slug: an RFC 9457 problem
/// (`410 Gone`) with the public reason and the time of the retraction.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:newsdesk:problem:retracted",
    "title": "Gone",
    "status": 410,
    "detail": "This article was retracted: It relied on a document later shown to be forged.",
    "slug": "harbour-deal-signed",
    "reason": "It relied on a document later shown to be forged.",
    "retracted_at": "2026-12-07T15:00:00Z"
}))]
pub struct RetractedProblem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// The slug the article had when it was retracted.
    pub slug: String,
    /// Why it was retracted, as the editor gave it.
    pub reason: String,
    pub retracted_at: DateTime<Utc>,
}

impl RetractedProblem {
    pub(super) fn new(notice: RetractionNotice) -> Self {
        Self {
            kind: "urn:newsdesk:problem:retracted".into(),
            title: "Gone".into(),
            status: 410,
            detail: format!("This article was retracted: {}", notice.reason),
            slug: notice.slug,
            reason: notice.reason,
            retracted_at: crate::time::utc(notice.retracted_at),
        }
    }

    /// A final answer (nothing leaves a retraction), so a CDN may keep it like any public one.
    pub(super) fn respond(self, req: &HttpRequest) -> HttpResponse {
        HttpResponse::Gone()
            .content_type(crate::error::PROBLEM_JSON)
            .insert_header((actix_web::http::header::CACHE_CONTROL, crate::respond::public_cache_control(req)))
            .json(self)
    }
}

/// Get one published article with its byline, tags, section, source, related links and
/// `structured_data` (schema.org `NewsArticle`, ready for a page's JSON-LD); or, with
/// `Accept: application/ninjs+json` or `format=ninjs`, as an IPTC ninjs 2.1 news item.
#[utoipa::path(get, path = "/v1/articles/{slug}", operation_id = "get_article", tag = "articles",
    params(("slug" = String, Path, description = "The article's slug"), FormatsQuery),
    responses(
        (status = 200, description = "The article. Every answer says `Vary: Accept`", content(
            (ArticleOut = "application/json"),
            (super::ninjs::Ninjs = "application/ninjs+json"),
        )),
        (status = 301, description = "An old slug: `Location` gives the article's current URL"),
        (status = 410, description = "The article was retracted: the reason and when. Its old slugs answer the same, \
            not a redirect", body = RetractedProblem, content_type = "application/problem+json"),
        PublicRead, BadQuery,
    ))]
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: QueryParams<FormatsQuery>,
) -> ApiResult<HttpResponse> {
    let ninjs = query.0.ninjs(&req)?;
    let (mut shape, fields) = query.0.shape()?;
    if ninjs {
        (shape.html, shape.text, shape.embargo) = (true, true, true);
    }
    let found = find(&state, slug.into_inner(), shape).await?;
    match found {
        Found::Article(mut article, changed, coverage) => {
            let mut tags = shown_in(&article);
            tags.extend(coverage.iter().flat_map(|c| c.tags()));
            cache::tag(&req, tags);
            let mut response = if ninjs {
                let item = super::ninjs::item(&article, &state.public_url);
                let body = serde_json::to_vec(&item).map_err(|e| crate::error::ApiError::Internal(e.to_string()))?;
                crate::respond::public_bytes(&req, crate::negotiation::NINJS, body, changed)
            } else {
                let live = coverage.as_deref();
                article.structured_data =
                    Some(super::structured_data::news_article(&article, live, &state.public_url, &state.publication));
                respond_article(&req, &article, fields, changed)?
            };
            // Shared caches must keep the JSON and ninjs forms apart (`Accept-Encoding` joins it
            // in `middleware::request_context`, as on every answer).
            let vary = actix_web::http::header::HeaderValue::from_static("accept");
            response.headers_mut().insert(actix_web::http::header::VARY, vary);
            Ok(response)
        }
        Found::Elsewhere(elsewhere) => Ok(elsewhere.respond(&req, "")),
        Found::Nothing => Err(crate::error::ApiError::not_found("article")),
    }
}

/// Where a slug leads when no published article holds it now: the article it was an old slug
/// of (its current slug), or the notice of the article retracted under it.
pub(crate) enum Elsewhere {
    MovedTo(String),
    Retracted(RetractionNotice),
}

/// Where `slug` leads, once the lookup of a published article by it came back empty.
pub(crate) fn elsewhere(
    conn: &mut newsdesk_persistence::DbConn,
    slug: &str,
) -> newsdesk_persistence::StoreResult<Option<Elsewhere>> {
    if let Some(current) = store::slugs::published_redirect(conn, slug)? {
        return Ok(Some(Elsewhere::MovedTo(current)));
    }
    Ok(store::retractions::by_slug(conn, slug)?.map(Elsewhere::Retracted))
}

impl Elsewhere {
    /// The answer for the article's resource `rest` (`""`, `"/entries"`, …): `301` to the same
    /// resource under the current slug, with the query kept; or `410` with the retraction.
    pub(crate) fn respond(self, req: &HttpRequest, rest: &str) -> HttpResponse {
        match self {
            Self::MovedTo(current) => {
                let query = req.query_string();
                let query = if query.is_empty() { String::new() } else { format!("?{query}") };
                HttpResponse::MovedPermanently()
                    .insert_header((actix_web::http::header::LOCATION, format!("/v1/articles/{current}{rest}{query}")))
                    .insert_header((actix_web::http::header::CACHE_CONTROL, crate::respond::public_cache_control(req)))
                    .finish()
            }
            Self::Retracted(notice) => RetractedProblem::new(notice).respond(req),
        }
    }
}

/// What a slug leads to in public.
pub(crate) enum Found {
    /// The published article, when it last changed (for `Last-Modified`), and its live
    /// coverage if it is a live blog (its `live` is set from it).
    Article(Box<ArticleOut>, Option<chrono::NaiveDateTime>, Option<Box<Coverage>>),
    Elsewhere(Elsewhere),
    Nothing,
}

/// The published article at `slug` rendered in `shape` (its row and labels in one statement,
/// then the relations `shape` asks for); else where it moved, else its retraction. The public
/// GET and the reader's article page both read through here.
pub(crate) async fn find(state: &AppState, slug: String, shape: Shape) -> ApiResult<Found> {
    state
        .read(move |conn| match store::find_published_with_labels(conn, &slug) {
            Ok(found) => {
                let mut article = view::render_labelled(conn, found.row, found.section, found.source, shape)?;
                let coverage = super::live_public::coverage(conn, &article.id)?;
                article.live = Some(coverage.as_ref().map(|c| c.out(&article.slug)));
                Ok(Found::Article(Box::new(article), found.last_change, coverage.map(Box::new)))
            }
            Err(newsdesk_persistence::StoreError::NotFound) => {
                Ok(elsewhere(conn, &slug)?.map_or(Found::Nothing, Found::Elsewhere))
            }
            Err(e) => Err(e),
        })
        .await
}

fn respond_article(
    req: &HttpRequest,
    article: &ArticleOut,
    fields: Option<Vec<String>>,
    changed: Option<chrono::NaiveDateTime>,
) -> ApiResult<HttpResponse> {
    match fields {
        Some(fields) => {
            let mut value =
                serde_json::to_value(article).map_err(|e| crate::error::ApiError::Internal(e.to_string()))?;
            super::fields::keep(&mut value, &fields);
            public_json_at(req, &value, changed)
        }
        None => public_json_at(req, article, changed),
    }
}

/// Everything an article page shows: itself, its byline, section, source, tags and the
/// articles it links to. A write to any of them voids the cached page; nothing else does.
pub fn shown_in(article: &ArticleOut) -> Vec<Tag> {
    let mut tags = vec![Tag::entity(&article.id)];
    if let Some(Some(section)) = &article.section {
        tags.push(Tag::entity(&section.id));
    }
    if let Some(Some(source)) = &article.source {
        tags.push(Tag::entity(&source.id));
    }
    tags.extend(article.authors.iter().flatten().map(|a| Tag::entity(&a.id)));
    tags.extend(article.tags.iter().flatten().map(|t| Tag::entity(&t.id)));
    for link in article.related.iter().flatten() {
        if let RelatedOut::Article { article } = link {
            tags.push(Tag::entity(&article.id));
        }
    }
    tags
}

//! The ninjs feed partners poll: `GET /v1/syndication/ninjs`, published articles as IPTC
//! ninjs 2.1 items, cursor paged, with the public list's filters and orders.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use newsdesk_domain::ArticleStatus;
use serde::Deserialize;
use utoipa::IntoParams;

use super::listing;
use super::ninjs::{self, Ninjs};
use super::query::{ArticleListQuery, SortParam};
use super::view::Shape;
use crate::cache::{self, Tag};
use crate::error::ApiResult;
use crate::extract::{Paging, QueryParams};
use crate::respond::{public_json_at, ListResponse};
use crate::responses::{NotModified, Paged};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SyndicationQuery {
    /// Only articles in this section (slug).
    pub section: Option<String>,
    /// Only articles with this tag (slug).
    pub tag: Option<String>,
    /// Only articles by this author (slug).
    pub author: Option<String>,
    /// Only articles from this source (slug).
    pub source: Option<String>,
    /// Only articles published after this instant (RFC 3339).
    pub published_after: Option<DateTime<Utc>>,
    /// Only articles published before this instant (RFC 3339).
    pub published_before: Option<DateTime<Utc>>,
    /// Order: newest first by default; `-updated_at` for a partner that polls for changes.
    pub sort: Option<SortParam>,
}

/// Published articles as IPTC ninjs 2.1 news items, whole (bodies as HTML and text, byline,
/// subjects, source, corrections and featured image), newest first, cursor paged.
#[utoipa::path(get, path = "/v1/syndication/ninjs", operation_id = "syndication_ninjs", tag = "feeds",
    params(SyndicationQuery, Paging),
    responses(
        (status = 200, description = "A page of ninjs items in the usual list envelope", body = ListResponse<Ninjs>),
        NotModified, Paged,
    ))]
pub async fn feed(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: QueryParams<SyndicationQuery>,
    paging: QueryParams<Paging>,
) -> ApiResult<HttpResponse> {
    let SyndicationQuery { section, tag, author, source, published_after, published_before, sort } = query.0;
    let list_query = ArticleListQuery {
        q: None,
        section,
        tag,
        author,
        source,
        published_after,
        published_before,
        sort,
        include: None,
        formats: None,
        fields: None,
    };
    let mut filter = list_query.filter()?;
    filter.statuses = Some(vec![ArticleStatus::Published]);
    let shape = Shape {
        authors: true,
        tags: true,
        section: true,
        source: true,
        corrections: true,
        html: true,
        text: true,
        embargo: true,
        public: true,
        ..Shape::default()
    };
    let spec = listing::ListSpec { endpoint: "syndication", filter, sort: list_query.sort(), shape };
    let (page, changed) = listing::page_of(&req, &state, spec, paging.0).await?;
    let items = page.data.iter().map(|article| ninjs::item(article, &state.public_url)).collect();
    cache::tag(&req, vec![Tag::Lists]);
    public_json_at(&req, &ListResponse { data: items, meta: page.meta }, changed)
}

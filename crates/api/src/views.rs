//! Most viewed: a cheap view beacon (counted by [`crate::view_counter`]) and the ranked list.
//!
//! `POST /v1/articles/{slug}/views` reads one indexed row and touches a counter in memory.

use std::hash::{Hash, Hasher};
use std::net::IpAddr;

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;
use newsdesk_persistence::{articles, views};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::articles::dto::ArticleOut;
use crate::articles::view::{self as render, Shape};
use crate::cache::{CacheTags, Tag};
use crate::error::{ApiError, ApiResult};
use crate::extract::QueryParams;
use crate::respond::public_json_at;
use crate::responses::{BadQuery, NotFound, NotModified};
use crate::state::AppState;
use crate::view_counter::Viewer;

/// Who sent a view, hashed with the article: the client (address and agent), and the address,
/// an IPv6 one by its /64 (one subscriber's prefix, which it can rotate through freely).
fn viewer(req: &HttpRequest, state: &AppState, article_id: &str) -> Viewer {
    let address = state.trusted_proxies.client(req);
    let hash = |address: Option<IpAddr>, agent: Option<&[u8]>| {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        address.hash(&mut hasher);
        agent.hash(&mut hasher);
        article_id.hash(&mut hasher);
        hasher.finish()
    };
    let agent = req.headers().get(header::USER_AGENT).map_or(&[][..], |v| v.as_bytes());
    // The address alone is hashed with no agent, which no client key has (`Some` differs).
    Viewer { client: hash(address, Some(agent)), address: hash(address.map(subscriber), None) }
}

/// The part of an address one subscriber holds: an IPv4 address, or an IPv6 address's /64.
fn subscriber(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !u128::from(u64::MAX)).into()),
        },
        v4 => v4,
    }
}

/// The id of the published article at `slug`, from the response cache when it holds it. The
/// entry is tagged with the article, so unpublishing or renaming it voids the entry at once, in
/// every process; a slug with no published article is never remembered, so one published a
/// moment later counts at once.
async fn published_id(state: &AppState, slug: String) -> ApiResult<Option<String>> {
    let key = format!("#published-id/{slug}");
    if let Some(entry) = state.cache.get(&key) {
        return Ok(std::str::from_utf8(&entry.body).ok().map(str::to_owned));
    }
    let filled = state.cache.epoch();
    let id = state
        .read(move |conn| match articles::published_id_by_slug(conn, &slug) {
            Ok(id) => Ok(Some(id)),
            Err(newsdesk_persistence::StoreError::NotFound) => Ok(None),
            Err(e) => Err(e),
        })
        .await?;
    if let Some(id) = &id {
        let tags = CacheTags { tags: vec![Tag::entity(id)], expires: None };
        state.cache.insert(&key, filled, tags, Vec::new(), web::Bytes::copy_from_slice(id.as_bytes()), None);
    }
    Ok(id)
}

/// Count a view of a published article. Cheap and asynchronous: counts appear in the
/// most-viewed list within about a second.
#[utoipa::path(post, path = "/v1/articles/{slug}/views", operation_id = "record_view", tag = "articles",
    params(("slug" = String, Path, description = "The article's slug")),
    responses(
        (status = 202, description = "Counted, or taken and not counted: repeat views from one client (address and User-Agent) within 30 minutes count once, and one address adds at most `NEWSDESK_VIEWS_PER_ADDRESS` views (default 20) to one article in that time"),
        NotFound,
    ))]
pub async fn beacon(req: HttpRequest, state: web::Data<AppState>, slug: web::Path<String>) -> ApiResult<HttpResponse> {
    let article_id = published_id(&state, slug.into_inner()).await?.ok_or_else(|| ApiError::not_found("article"))?;
    state.views.count(&article_id, viewer(&req, &state, &article_id));
    Ok(HttpResponse::build(StatusCode::ACCEPTED).insert_header((header::CACHE_CONTROL, "no-store")).finish())
}

#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Window {
    Day,
    #[default]
    Week,
    Month,
    All,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MostViewedQuery {
    /// Count views over the last day, week (default), month, or all time.
    pub window: Option<Window>,
    /// How many, 1 to 50 (default 10).
    #[param(minimum = 1, maximum = 50)]
    pub limit: Option<i64>,
    /// Only articles in this section (slug).
    pub section: Option<String>,
    /// Only articles with this tag (slug).
    pub tag: Option<String>,
}

/// A card in the most-viewed list.
#[derive(Debug, Serialize, ToSchema)]
pub struct MostViewedItem {
    pub views: i64,
    pub article: ArticleOut,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MostViewed {
    pub data: Vec<MostViewedItem>,
}

/// Published articles ranked by views in a window.
#[utoipa::path(get, path = "/v1/articles/most-viewed", operation_id = "list_most_viewed", tag = "articles",
    params(MostViewedQuery),
    responses(
        (status = 200, description = "Most viewed first, as cards with their section", body = MostViewed),
        NotModified, BadQuery,
    ))]
pub async fn most_viewed(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: QueryParams<MostViewedQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.0;
    let limit = q.limit.unwrap_or(10);
    if !(1..=50).contains(&limit) {
        return Err(ApiError::invalid("limit", "must be between 1 and 50"));
    }
    let today = Utc::now().date_naive().and_hms_opt(0, 0, 0).unwrap_or_default();
    let since = match q.window.unwrap_or_default() {
        Window::Day => Some(today),
        Window::Week => Some(today - chrono::Duration::days(6)),
        Window::Month => Some(today - chrono::Duration::days(29)),
        Window::All => None,
    };
    let shape = Shape { section: true, public: true, ..Shape::default() };
    let data = state
        .read(move |conn| {
            let ranked = views::most_viewed(conn, since, q.section.as_deref(), q.tag.as_deref(), limit)?;
            let (rows, counts): (Vec<_>, Vec<_>) = ranked.into_iter().unzip();
            let cards = render::render_all(conn, rows, shape)?;
            Ok(cards
                .into_iter()
                .zip(counts)
                .map(|(article, views)| MostViewedItem { views, article })
                .collect::<Vec<_>>())
        })
        .await?;
    // Views change without a write anyone audits, so the list is dated now: always fresh.
    // Day-based windows move at midnight UTC even without a write.
    let midnight = (Utc::now().date_naive() + chrono::Days::new(1)).and_time(chrono::NaiveTime::MIN).and_utc();
    let until = std::time::Instant::now() + (midnight - Utc::now()).to_std().unwrap_or_default();
    crate::cache::tag_until(&req, vec![crate::cache::Tag::Lists, crate::cache::Tag::Views], until);
    public_json_at(&req, &MostViewed { data }, Some(Utc::now().naive_utc()))
}

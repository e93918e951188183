//! Response helpers: JSON with an ETag, conditional GETs, cache headers and list envelopes.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult};

/// The `Cache-Control` of public responses (configurable; see `NEWSDESK_CACHE_MAX_AGE`), as
/// the app's data.
pub struct PublicCacheControl(pub String);

/// `Cache-Control` for public responses.
pub fn public_cache_control(req: &HttpRequest) -> String {
    req.app_data::<actix_web::web::Data<PublicCacheControl>>()
        .map(|policy| policy.0.clone())
        .unwrap_or_else(|| "public, max-age=60, stale-while-revalidate=300".to_owned())
}

/// A public response: a strong ETag over the exact bytes and, when known, `Last-Modified`;
/// 304 when the client already has it (`If-None-Match` first, else `If-Modified-Since`).
pub fn public_json_at<T: Serialize>(
    req: &HttpRequest,
    value: &T,
    last_modified: Option<chrono::NaiveDateTime>,
) -> ApiResult<HttpResponse> {
    let body = serde_json::to_vec(value).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(public_bytes(req, mime::APPLICATION_JSON.as_ref(), body, last_modified))
}

/// Any public representation (JSON, feeds, the sitemap) with the same validators and caching.
pub fn public_bytes(
    req: &HttpRequest,
    content_type: &str,
    body: Vec<u8>,
    last_modified: Option<chrono::NaiveDateTime>,
) -> HttpResponse {
    let etag = format!("\"{:016x}\"", xxhash_rust::xxh3::xxh3_64(&body));
    let mut response = conditional(req, StatusCode::OK, body, &etag, &public_cache_control(req));
    if response.status() == StatusCode::OK {
        if let Ok(value) = header::HeaderValue::from_str(content_type) {
            response.headers_mut().insert(header::CONTENT_TYPE, value);
        }
    }
    if let Some(at) = last_modified {
        let at = at.and_utc();
        let stamp = header::HttpDate::from(std::time::SystemTime::from(at));
        if let Ok(value) = header::HeaderValue::from_str(&stamp.to_string()) {
            response.headers_mut().insert(header::LAST_MODIFIED, value);
        }
        if response.status() == StatusCode::OK && not_modified_since(req.headers(), at) {
            let mut not_modified = HttpResponse::NotModified();
            for name in [header::ETAG, header::CACHE_CONTROL, header::LAST_MODIFIED] {
                if let Some(value) = response.headers().get(&name) {
                    not_modified.insert_header((name.clone(), value.clone()));
                }
            }
            return not_modified.finish();
        }
    }
    response
}

/// A public response without a known modification time.
pub fn public_json<T: Serialize>(req: &HttpRequest, value: &T) -> ApiResult<HttpResponse> {
    public_json_at(req, value, None)
}

/// `If-Modified-Since` says the client's copy is current. Ignored when `If-None-Match` is sent,
/// as RFC 9110 asks; HTTP dates have whole seconds, so the change time is cut to the second.
pub fn not_modified_since(headers: &header::HeaderMap, changed: chrono::DateTime<chrono::Utc>) -> bool {
    if headers.contains_key(header::IF_NONE_MATCH) {
        return false;
    }
    let Some(since) = headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<header::HttpDate>().ok())
    else {
        return false;
    };
    let since = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::from(since));
    changed.timestamp() <= since.timestamp()
}

/// An admin response for one resource: the ETag is its version, which `If-Match` echoes back.
pub fn versioned_json<T: Serialize>(
    req: &HttpRequest,
    status: StatusCode,
    value: &T,
    version: i64,
) -> ApiResult<HttpResponse> {
    let body = serde_json::to_vec(value).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(conditional(req, status, body, &format!("\"{version}\""), "no-store"))
}

/// An admin response with no single version (lists, tokens).
pub fn private_json<T: Serialize>(status: StatusCode, value: &T) -> HttpResponse {
    HttpResponse::build(status).insert_header((header::CACHE_CONTROL, "no-store")).json(value)
}

fn conditional(req: &HttpRequest, status: StatusCode, body: Vec<u8>, etag: &str, cache_control: &str) -> HttpResponse {
    let fresh = status == StatusCode::OK && etag_matches(req.headers(), etag);
    let mut response = if fresh { HttpResponse::NotModified() } else { HttpResponse::build(status) };
    response
        .insert_header((header::ETAG, etag.to_owned()))
        .insert_header((header::CACHE_CONTROL, cache_control.to_owned()));
    if fresh {
        response.finish()
    } else {
        response.content_type(mime::APPLICATION_JSON).body(body)
    }
}

/// `If-None-Match` names `etag` (weakly, as RFC 9110 asks for GET) or is `*`.
pub fn etag_matches(headers: &header::HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == "*" || t.trim().trim_start_matches("W/") == etag))
}

/// A page of a list and how to get the others.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListResponse<T: ToSchema> {
    pub data: Vec<T>,
    pub meta: ListMeta,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListMeta {
    pub pagination: Pagination,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Pagination {
    /// The page number when paging by `page`; null when paging by cursor.
    #[schema(example = 1)]
    pub page: Option<i64>,
    #[schema(example = 20)]
    pub limit: i64,
    /// Items matching the filters, across all pages.
    #[schema(example = 42)]
    pub total: i64,
    #[schema(example = 3)]
    pub pages: i64,
    /// The next page's number, or null on the last page.
    pub next: Option<i64>,
    pub prev: Option<i64>,
    /// The next page's URL (path and query), or null on the last page.
    #[schema(example = "/v1/articles?page=2&limit=20")]
    pub next_url: Option<String>,
    pub prev_url: Option<String>,
    /// Opaque cursor of the next page (send as `cursor`); null on the last page.
    pub next_cursor: Option<String>,
    /// Opaque cursor of the previous page; null on the first.
    pub prev_cursor: Option<String>,
}

impl<T: ToSchema> ListResponse<T> {
    pub fn new(req: &HttpRequest, data: Vec<T>, total: i64, limit: i64, page: i64) -> Self {
        let pages = if total == 0 { 0 } else { (total + limit - 1) / limit };
        let next = (page < pages).then_some(page + 1);
        let prev = (page > 1).then_some(page - 1);
        let url = |p: i64| page_url(req, p, limit);
        Self {
            data,
            meta: ListMeta {
                pagination: Pagination {
                    page: Some(page),
                    limit,
                    total,
                    pages,
                    next,
                    prev,
                    next_url: next.map(url),
                    prev_url: prev.map(url),
                    next_cursor: None,
                    prev_cursor: None,
                },
            },
        }
    }
}

impl<T: ToSchema> ListResponse<T> {
    /// Adds cursors. With `cursor_links` the next and previous links use them too; `page` is
    /// the page number, if the page has one.
    pub fn with_cursors(
        mut self,
        req: &HttpRequest,
        page: Option<i64>,
        cursor_links: bool,
        next: Option<String>,
        prev: Option<String>,
    ) -> Self {
        let p = &mut self.meta.pagination;
        p.page = page;
        if cursor_links {
            p.next = None;
            p.prev = None;
            p.next_url = next.as_deref().map(|c| cursor_url(req, c, p.limit));
            p.prev_url = prev.as_deref().map(|c| cursor_url(req, c, p.limit));
        }
        p.next_cursor = next;
        p.prev_cursor = prev;
        self
    }
}

/// The request's own URL with its paging parameters replaced by `extra`.
fn replace_paging(req: &HttpRequest, extra: &[(&str, String)]) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in url::form_urlencoded::parse(req.query_string().as_bytes()) {
        if key != "page" && key != "limit" && key != "cursor" {
            query.append_pair(&key, &value);
        }
    }
    for (key, value) in extra {
        query.append_pair(key, value);
    }
    format!("{}?{}", req.path(), query.finish())
}

fn page_url(req: &HttpRequest, page: i64, limit: i64) -> String {
    replace_paging(req, &[("page", page.to_string()), ("limit", limit.to_string())])
}

fn cursor_url(req: &HttpRequest, cursor: &str, limit: i64) -> String {
    replace_paging(req, &[("cursor", cursor.to_owned()), ("limit", limit.to_string())])
}

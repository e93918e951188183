//! Serves public GETs (and HEADs) from the response cache, and fills it from tagged 200 responses.

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpResponse};

use super::{CacheTags, Entry, ResponseCache};
use crate::compression::Coding;
use crate::metrics::RoutePattern;
use crate::respond::{etag_matches, not_modified_since};

/// Paths that never depend on who asks are looked up; the rest go straight through.
fn is_public(path: &str) -> bool {
    if crate::live::is_stream(path) {
        return false;
    }
    if matches!(path, "/sitemap.xml" | "/sitemap-news.xml" | "/sitemaps/articles.xml") || path.starts_with("/articles/")
    {
        return true;
    }
    path.strip_prefix("/v1/")
        .is_some_and(|rest| !["admin", "auth", "me", "preview"].iter().any(|p| rest.split('/').next() == Some(p)))
}

/// Entries are kept by path and query, exactly as sent, and apart for a client whose `Accept`
/// asks first for ninjs (the one form negotiated by `Accept`; its answers say `Vary: Accept`).
fn key_of(req: &ServiceRequest) -> std::borrow::Cow<'_, str> {
    let key = req.uri().path_and_query().map_or(req.path(), |p| p.as_str());
    if crate::negotiation::prefers_ninjs(req.headers()) {
        std::borrow::Cow::Owned(format!("{key}\0{}", crate::negotiation::NINJS))
    } else {
        std::borrow::Cow::Borrowed(key)
    }
}

fn has_conditions(headers: &HeaderMap) -> bool {
    headers.contains_key(header::IF_NONE_MATCH) || headers.contains_key(header::IF_MODIFIED_SINCE)
}

pub async fn response_cache(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody, BoxBody>>, actix_web::Error> {
    let cache = req.app_data::<web::Data<ResponseCache>>().cloned();
    // HEAD is answered like GET (actix leaves the body out), so it shares GET's entries.
    let readable = matches!(*req.method(), Method::GET | Method::HEAD);
    let Some(cache) = cache.filter(|c| c.enabled() && readable && is_public(req.path())) else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    // A client that accepts neither gzip nor brotli gets identity (see `Coding::preferred`).
    let coding = Coding::preferred(&req).unwrap_or(Coding::Identity);
    if let Some(entry) = cache.get(&key_of(&req)) {
        if let Some(route) = &entry.route {
            req.extensions_mut().insert(RoutePattern(route.clone()));
        }
        let response = from_entry(&entry, req.headers(), coding).await?;
        return Ok(req.into_response(response).map_into_right_body());
    }
    // A revalidation that misses is answered by the handler itself and not stored.
    if has_conditions(req.headers()) {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    // Owned only on a miss: a hit answers from the borrowed path.
    let key = key_of(&req).into_owned();
    let filled = cache.epoch();
    let response = next.call(req).await?;
    let tags = response.request().extensions_mut().remove::<CacheTags>();
    let Some(tags) = tags.filter(|_| response.status() == StatusCode::OK) else {
        return Ok(response.map_into_left_body());
    };
    let route = response.request().match_pattern().map(Into::into);
    let (req, response) = response.into_parts();
    let (head, body) = response.into_parts();
    let body =
        actix_web::body::to_bytes(body).await.map_err(|e| actix_web::error::ErrorInternalServerError(e.into()))?;
    let headers = head.headers().iter().map(|(n, v)| (n.clone(), v.clone())).collect();
    let entry = cache.insert(&key, filled, tags, headers, body, route);
    // Compressed here, once, for this client and every later hit that asks the same.
    let response = from_entry(&entry, req.headers(), coding).await?;
    Ok(ServiceResponse::new(req, response).map_into_right_body())
}

/// The cached response in `coding`, or 304 when the client's copy is current. (Both say
/// `Vary: Accept-Encoding`, as every answer does: `middleware::request_context` adds it.)
async fn from_entry(entry: &Entry, request: &HeaderMap, coding: Coding) -> Result<HttpResponse, actix_web::Error> {
    let etag = entry.header(&header::ETAG).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let unchanged = etag_matches(request, etag)
        || entry
            .header(&header::LAST_MODIFIED)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<header::HttpDate>().ok())
            .is_some_and(|at| not_modified_since(request, std::time::SystemTime::from(at).into()));
    if unchanged {
        let mut response = HttpResponse::NotModified();
        for name in [header::ETAG, header::CACHE_CONTROL, header::LAST_MODIFIED, header::VARY] {
            if let Some(value) = entry.header(&name) {
                response.insert_header((name, value.clone()));
            }
        }
        return Ok(response.finish());
    }
    let mut response = HttpResponse::with_body(StatusCode::OK, entry.body_in(coding).await?);
    let headers = response.headers_mut();
    for (name, value) in entry.headers.iter() {
        headers.append(name.clone(), value.clone());
    }
    if let Some(encoding) = coding.header_value() {
        headers.insert(header::CONTENT_ENCODING, header::HeaderValue::from_static(encoding));
    }
    Ok(response.map_into_boxed_body())
}

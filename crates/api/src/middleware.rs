//! Request ids, one log line per request, `Vary: Accept-Encoding` on every answer, and problem
//! bodies for errors the router makes.

use std::time::Instant;

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::{ErrorHandlerResponse, Next};
use actix_web::{HttpMessage, HttpRequest, HttpResponse};

use crate::error::{problem_for_status, PROBLEM_JSON};

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The request's id, kept in its extensions for the audit log.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Takes `X-Request-Id` from the client when it is sane, or makes one; echoes it back and logs
/// method, path, status and latency. The query string is not logged.
pub async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let given = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_owned);
    let id = given.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    {
        use actix_web::HttpMessage;
        req.extensions_mut().insert(RequestId(id.clone()));
    }
    // No id or slug can hold a NUL; answering here keeps it away from the database.
    let started = Instant::now();
    let mut response = if req.path().contains("%00") {
        let not_found = HttpResponse::NotFound()
            .content_type(PROBLEM_JSON)
            .json(problem_for_status(actix_web::http::StatusCode::NOT_FOUND, "no such resource"));
        req.into_response(not_found).map_into_right_body()
    } else {
        next.call(req).await?.map_into_left_body()
    };
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    vary_by_encoding(response.headers_mut());
    if tracing::enabled!(tracing::Level::INFO) {
        tracing::info!(
            method = %response.request().method(),
            path = %logged_path(response.request().path()),
            status = response.status().as_u16(),
            latency_ms = started.elapsed().as_secs_f64() * 1000.0,
            request_id = %id,
            "request"
        );
    }
    Ok(response)
}

/// Adds `Accept-Encoding` to `Vary` unless it is there, and says every name once, in one
/// header. `Compress` says so only on the answers it compresses (appending a header of its
/// own), but the identity answer to a client that asked for none varies just as much: a shared
/// cache that kept it without `Vary` would hand it to every client, and never the compressed
/// one. One header, because some clients read only the first.
fn vary_by_encoding(headers: &mut header::HeaderMap) {
    let mut names: Vec<String> = Vec::new();
    for value in headers.get_all(header::VARY) {
        for name in value.to_str().unwrap_or_default().split(',').map(str::trim).filter(|n| !n.is_empty()) {
            if !names.iter().any(|seen| seen.eq_ignore_ascii_case(name)) {
                names.push(name.to_ascii_lowercase());
            }
        }
    }
    if !names.iter().any(|name| name == "*" || name == "accept-encoding") {
        names.push("accept-encoding".into());
    }
    if let Ok(value) = HeaderValue::from_str(&names.join(", ")) {
        headers.insert(header::VARY, value);
    }
}

/// The path as logged. Preview links carry a credential in the path, which stays out of the
/// logs however it is spelled: the router decodes `/v1/%70review/…` to the preview route too.
fn logged_path(raw: &str) -> std::borrow::Cow<'_, str> {
    const PREVIEW: &str = "/v1/preview";
    let decoded = percent_encoding::percent_decode_str(raw).decode_utf8_lossy();
    if decoded.get(..PREVIEW.len()).is_some_and(|start| start.eq_ignore_ascii_case(PREVIEW)) {
        return "/v1/preview/<redacted>".into();
    }
    raw.into()
}

/// Gives router and framework errors (404, 405, …) a problem body like every other error. A
/// page that answers an error itself (the reader page of a retracted article, 410) keeps its HTML.
pub fn problem_body<B: MessageBody + 'static>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let kept = res.headers().get(header::CONTENT_TYPE).is_some_and(|v| {
        let v = v.as_bytes();
        v.starts_with(PROBLEM_JSON.as_bytes()) || v.starts_with(b"text/html")
    });
    if kept {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let detail = match status.as_u16() {
        404 => "no such route; see /docs for the API".to_owned(),
        405 => "this route does not accept that method".to_owned(),
        _ => status.canonical_reason().unwrap_or("error").to_lowercase(),
    };
    let (req, original) = res.into_parts();
    let mut replacement = HttpResponse::build(status);
    for (name, value) in original.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            replacement.append_header((name.clone(), value.clone()));
        }
    }
    let replacement: HttpResponse<BoxBody> =
        replacement.content_type(PROBLEM_JSON).json(problem_for_status(status, &detail));
    let response: ServiceResponse<EitherBody<B>> = ServiceResponse::new(req, replacement).map_into_right_body();
    Ok(ErrorHandlerResponse::Response(response))
}

/// The request id and the client's address (the socket peer, or past a trusted proxy the
/// address it names).
pub fn origin(req: &HttpRequest) -> (Option<String>, Option<String>) {
    let request_id = req.extensions().get::<RequestId>().map(|r| r.0.clone());
    let client_ip = match req.app_data::<actix_web::web::Data<crate::state::AppState>>() {
        Some(state) => state.trusted_proxies.client(req),
        None => req.peer_addr().map(|a| a.ip()),
    }
    .map(|ip| ip.to_string());
    (request_id, client_ip)
}

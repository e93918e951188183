//! The reference reader page at `/` and `/articles/{slug}`: plain HTML, CSS and JavaScript
//! compiled into the binary, rendering an article page entirely from the public API. A
//! retracted article's page answers `410 Gone` and says why, script or not.

use actix_web::body::MessageBody;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use newsdesk_persistence::articles::retractions;

use crate::error::ApiResult;
use crate::state::AppState;

const PAGE: &str = include_str!("index.html");
const SCRIPT: &str = include_str!("reader.js");
const STYLE: &str = include_str!("reader.css");

fn asset(content_type: &'static str, body: &'static str) -> HttpResponse {
    with_status(StatusCode::OK, content_type, body)
}

fn with_status(status: StatusCode, content_type: &'static str, body: impl MessageBody + 'static) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(body)
}

/// The reader page (the same page for every article; its script reads the URL).
pub async fn page() -> HttpResponse {
    with_policy(asset("text/html; charset=utf-8", PAGE))
}

/// An article's reader page: the page, or for a retracted article (at its slug or an old one)
/// the page with status 410 and the retraction's reason in place of the headline and summary.
pub async fn article_page(state: web::Data<AppState>, slug: web::Path<String>) -> ApiResult<HttpResponse> {
    let slug = slug.into_inner();
    let Some(notice) = state.read(move |conn| retractions::by_slug(conn, &slug)).await? else {
        return Ok(page().await);
    };
    let html = PAGE
        .replace(">Loading…<", ">This article has been retracted<")
        .replace(r#"id="summary"></p>"#, &format!(r#"id="summary">{}</p>"#, escape(&notice.reason)));
    Ok(with_policy(with_status(StatusCode::GONE, "text/html; charset=utf-8", html)))
}

/// Text as HTML character data.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn with_policy(mut response: HttpResponse) -> HttpResponse {
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static(
            "default-src 'self'; img-src * data:; style-src 'self'; script-src 'self'; connect-src 'self'",
        ),
    );
    response
}

pub async fn script() -> HttpResponse {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

pub async fn style() -> HttpResponse {
    asset("text/css; charset=utf-8", STYLE)
}

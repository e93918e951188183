//! The reference reader page at `/` and `/articles/{slug}`: plain HTML, CSS and JavaScript
//! compiled into the binary, rendering an article page entirely from the public API.

use actix_web::http::header;
use actix_web::HttpResponse;

const PAGE: &str = include_str!("index.html");
const SCRIPT: &str = include_str!("reader.js");
const STYLE: &str = include_str!("reader.css");

fn asset(content_type: &'static str, body: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(body)
}

/// The reader page (the same page for every article; its script reads the URL).
pub async fn page() -> HttpResponse {
    let mut response = asset("text/html; charset=utf-8", PAGE);
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

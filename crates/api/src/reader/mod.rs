//! The reference reader page at `/` and `/articles/{slug}`: plain HTML, CSS and JavaScript
//! compiled into the binary, rendering an article page entirely from the public API. An
//! article's page carries its search and social metadata in its `<head>`, written on the server
//! (see [`head`]). A retracted article's page answers `410 Gone` and says why, script or not.

mod head;

use actix_web::body::MessageBody;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};

use crate::articles::public::{self, Elsewhere, Found};
use crate::articles::structured_data::{news_article, PageMeta};
use crate::articles::view::Shape;
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

/// The page's default title, which an article's page replaces with its metadata.
const DEFAULT_TITLE: &str = "<title>Newsdesk reader</title>";

/// An article's reader page: the page with the article's metadata in its head (one read, as
/// the public GET makes); an old slug's redirect to the current one; for a retracted article
/// (at its slug or an old one) the page with status 410 and the retraction's reason in place of
/// the headline and summary; else the bare page, whose script says the article is missing.
pub async fn article_page(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> ApiResult<HttpResponse> {
    // What the head shows: the byline and section for the structured data, the corrections for
    // its `correction`; no body, tags or links.
    let shape = Shape { authors: true, section: true, corrections: true, public: true, ..Shape::default() };
    match public::find(&state, slug.into_inner(), shape).await? {
        Found::Article(article, _, coverage) => {
            let data = news_article(&article, coverage.as_deref(), &state.public_url, &state.publication);
            let meta = PageMeta::of(&article, &state.public_url);
            let tags = head::tags(&article, &data, &meta, &state.publication.name)?;
            let html = PAGE.replacen(DEFAULT_TITLE, &tags, 1);
            // Kept in the response cache like the article's JSON, and voided by the same writes:
            // a page view reads the database once per change, not once per reader.
            let mut tags = public::shown_in(&article);
            tags.extend(coverage.iter().flat_map(|c| c.tags()));
            crate::cache::tag(&req, tags);
            Ok(with_policy(with_status(StatusCode::OK, "text/html; charset=utf-8", html)))
        }
        Found::Elsewhere(Elsewhere::MovedTo(current)) => Ok(HttpResponse::MovedPermanently()
            .insert_header((header::LOCATION, format!("/articles/{current}")))
            .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
            .finish()),
        Found::Elsewhere(Elsewhere::Retracted(notice)) => {
            let html = PAGE
                .replace(">Loading…<", ">This article has been retracted<")
                .replace(r#"id="summary"></p>"#, &format!(r#"id="summary">{}</p>"#, head::escape(&notice.reason)));
            Ok(with_policy(with_status(StatusCode::GONE, "text/html; charset=utf-8", html)))
        }
        Found::Nothing => Ok(page().await),
    }
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

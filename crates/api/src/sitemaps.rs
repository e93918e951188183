//! What search engines read: `/sitemap.xml`, an index over as many child sitemaps as the
//! archive needs (each within the protocol's 50,000 URLs and 50 MB), `/sitemap-news.xml` for
//! Google News, and `/robots.txt`, which names both.
//!
//! A child sitemap is named by where its span of the archive starts (a signed cursor), so each
//! is one keyset range of the index, as cheap at the millionth article as at the first. The
//! archive runs oldest first: new articles fill the last child, and the older children change
//! only when one of their articles does.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{NaiveDateTime, Utc};
use newsdesk_domain::slug::MAX_SLUG_LEN;
use newsdesk_persistence::articles::sitemap::{self as store, SitemapSpan, SpanStart};
use newsdesk_persistence::articles::{Keyset, SortKey};
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::writer::ElementWriter;
use quick_xml::Writer;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::cursor::Position;
use crate::error::{ApiError, ApiResult};
use crate::extract::QueryParams;
use crate::publication::article_url;
use crate::respond::public_bytes;
use crate::responses::{NotModified, Paged};
use crate::state::AppState;

/// The protocol's limits for one sitemap file.
const MAX_URLS: i64 = 50_000;
const MAX_BYTES: usize = 50 * 1000 * 1000;
/// What one `<url>` takes beyond its address: tags, `lastmod` and indentation.
const URL_OVERHEAD: usize = 80;
/// Google News reads articles of the last two days, at most 1,000.
const NEWS_WINDOW_HOURS: i64 = 48;
const MAX_NEWS: i64 = 1_000;
/// The longest a news sitemap is kept when nothing leaves its window sooner.
const NEWS_RECHECK: std::time::Duration = std::time::Duration::from_secs(3600);
/// The list a child sitemap's cursor belongs to.
const SPAN_LIST: &str = "sitemap";
const XML: &str = "application/xml; charset=utf-8";
const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const NEWS_NS: &str = "http://www.google.com/schemas/sitemap-news/0.9";

/// URLs per child sitemap: 50,000, or fewer when the public URL is so long that 50,000 of the
/// longest addresses would pass 50 MB.
fn urls_per_child(base: &str) -> i64 {
    let longest = URL_OVERHEAD + article_url(base, &"x".repeat(MAX_SLUG_LEN)).len();
    i64::try_from(MAX_BYTES / longest).unwrap_or(MAX_URLS).clamp(1, MAX_URLS)
}

fn w3c_time(at: NaiveDateTime) -> String {
    crate::time::seconds(crate::time::utc(at))
}

/// Writes an XML document whose root `root` carries `namespaces`, its content by `inner`.
fn document(
    root: &str,
    namespaces: &[(&str, &str)],
    inner: impl FnOnce(&mut Writer<Vec<u8>>) -> std::io::Result<()>,
) -> ApiResult<Vec<u8>> {
    let xml_error = |e: std::io::Error| ApiError::Internal(e.to_string());
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None))).map_err(xml_error)?;
    let element: ElementWriter<'_, Vec<u8>> =
        namespaces.iter().fold(writer.create_element(root), |element, attribute| element.with_attribute(*attribute));
    element.write_inner_content(inner).map_err(xml_error)?;
    Ok(writer.into_inner())
}

/// Reads what `work` reads and when anything last changed (the answer's `Last-Modified`), from
/// one connection.
async fn read_with_change<T: Send + 'static>(
    state: &AppState,
    work: impl Fn(&mut newsdesk_persistence::DbConn) -> newsdesk_persistence::StoreResult<T> + Send + 'static,
) -> ApiResult<(T, Option<NaiveDateTime>)> {
    state.read(move |conn| Ok((work(conn)?, newsdesk_persistence::audit::last_change(conn)?))).await
}

/// A sitemap document, cached until any list changes.
fn answer(req: &HttpRequest, body: Vec<u8>, changed: Option<NaiveDateTime>) -> HttpResponse {
    crate::cache::tag(req, vec![crate::cache::Tag::Lists]);
    public_bytes(req, XML, body, changed)
}

/// The address of the child sitemap of `span`.
fn child_url(state: &AppState, span: &SitemapSpan) -> String {
    let base = &state.public_url;
    match &span.after {
        None => format!("{base}/sitemaps/articles.xml"),
        Some((at, id)) => {
            let position = Position::Keyset(Keyset { key: SortKey::Time(*at), id: id.clone(), backwards: false });
            format!("{base}/sitemaps/articles.xml?after={}", state.cursors.encode(SPAN_LIST, &position))
        }
    }
}

/// The sitemap index: one child sitemap per 50,000 published articles, each with the time of
/// the last change to any of its articles.
#[utoipa::path(get, path = "/sitemap.xml", operation_id = "sitemap", tag = "feeds",
    responses(
        (status = 200, description = "A sitemap index (sitemaps.org 0.9) naming every child sitemap; there is always at least one", content_type = "application/xml", body = String),
        NotModified,
    ))]
pub async fn index(req: HttpRequest, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let size = urls_per_child(&state.public_url);
    let (spans, changed) = read_with_change(&state, move |conn| store::spans(conn, size)).await?;
    let children: Vec<(String, Option<String>)> =
        spans.iter().map(|span| (child_url(&state, span), span.last_modified.map(w3c_time))).collect();
    let body = document("sitemapindex", &[("xmlns", SITEMAP_NS)], |w| {
        for (loc, lastmod) in &children {
            w.create_element("sitemap").write_inner_content(|s| {
                s.create_element("loc").write_text_content(BytesText::new(loc))?;
                if let Some(lastmod) = lastmod {
                    s.create_element("lastmod").write_text_content(BytesText::new(lastmod))?;
                }
                Ok(())
            })?;
        }
        Ok(())
    })?;
    Ok(answer(&req, body, changed))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChildQuery {
    /// Where this child's span of the archive starts, as the sitemap index gives it; without
    /// it, the oldest articles.
    pub after: Option<String>,
}

/// One child sitemap: up to 50,000 published articles, oldest first, each with its last change.
#[utoipa::path(get, path = "/sitemaps/articles.xml", operation_id = "sitemap_articles", tag = "feeds", params(ChildQuery),
    responses(
        (status = 200, description = "A sitemap (sitemaps.org 0.9) of one span of the archive", content_type = "application/xml", body = String),
        NotModified, Paged,
    ))]
pub async fn child(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: QueryParams<ChildQuery>,
) -> ApiResult<HttpResponse> {
    let start: Option<SpanStart> = match query.0.after.as_deref().map(|c| state.cursors.decode(SPAN_LIST, c)) {
        None => None,
        Some(Ok(Position::Keyset(Keyset { key: SortKey::Time(at), id, backwards: false }))) => Some((at, id)),
        Some(Ok(_)) => return Err(ApiError::BadRequest("`after` is not a sitemap position".into())),
        Some(Err(e)) => return Err(e),
    };
    let size = urls_per_child(&state.public_url);
    let (rows, changed) = read_with_change(&state, move |conn| store::span_urls(conn, start.as_ref(), size)).await?;
    let base = state.public_url.clone();
    let body = document("urlset", &[("xmlns", SITEMAP_NS)], |w| {
        for row in &rows {
            w.create_element("url").write_inner_content(|u| {
                u.create_element("loc").write_text_content(BytesText::new(&article_url(&base, &row.slug)))?;
                u.create_element("lastmod").write_text_content(BytesText::new(&w3c_time(row.updated_at)))?;
                Ok(())
            })?;
        }
        Ok(())
    })?;
    Ok(answer(&req, body, changed))
}

/// The Google News sitemap: the articles published in the last two days (at most 1,000, newest
/// first), each with the publication's name and language, its publication time and its title.
#[utoipa::path(get, path = "/sitemap-news.xml", operation_id = "sitemap_news", tag = "feeds",
    responses(
        (status = 200, description = "A Google News sitemap", content_type = "application/xml", body = String),
        NotModified,
    ))]
pub async fn news(req: HttpRequest, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let since = (Utc::now() - chrono::Duration::hours(NEWS_WINDOW_HOURS)).naive_utc();
    let rows = state.read(move |conn| store::published_since(conn, since, MAX_NEWS)).await?;
    // The window moves with the clock, not only with writes: the kept copy goes when its oldest
    // article leaves the window (within a minute), and its `Last-Modified` is now.
    let leaves = rows.iter().filter_map(|row| row.published_at).min().map_or(NEWS_RECHECK, |oldest| {
        (oldest - since).to_std().unwrap_or_default().clamp(std::time::Duration::from_secs(1), NEWS_RECHECK)
    });
    let base = state.public_url.clone();
    let publication = state.publication.clone();
    let body = document("urlset", &[("xmlns", SITEMAP_NS), ("xmlns:news", NEWS_NS)], |w| {
        for row in &rows {
            let Some(published_at) = row.published_at else { continue };
            w.create_element("url").write_inner_content(|u| {
                u.create_element("loc").write_text_content(BytesText::new(&article_url(&base, &row.slug)))?;
                u.create_element("news:news").write_inner_content(|n| {
                    n.create_element("news:publication").write_inner_content(|p| {
                        p.create_element("news:name").write_text_content(BytesText::new(&publication.name))?;
                        p.create_element("news:language").write_text_content(BytesText::new(&publication.language))?;
                        Ok(())
                    })?;
                    n.create_element("news:publication_date")
                        .write_text_content(BytesText::new(&w3c_time(published_at)))?;
                    n.create_element("news:title").write_text_content(BytesText::new(&row.title))?;
                    Ok(())
                })?;
                Ok(())
            })?;
        }
        Ok(())
    })?;
    crate::cache::tag_until(&req, vec![crate::cache::Tag::Lists], std::time::Instant::now() + leaves);
    Ok(public_bytes(&req, XML, body, Some(Utc::now().naive_utc())))
}

/// Tells crawlers where the sitemaps are, and keeps them out of the editorial API.
#[utoipa::path(get, path = "/robots.txt", operation_id = "robots", tag = "feeds",
    responses((status = 200, description = "robots.txt naming both sitemaps", content_type = "text/plain", body = String), NotModified))]
pub async fn robots(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let base = &state.public_url;
    let body = format!(
        "User-agent: *\nDisallow: /v1/admin/\nDisallow: /v1/auth/\nDisallow: /v1/me\nDisallow: /v1/preview/\n\n\
         Sitemap: {base}/sitemap.xml\nSitemap: {base}/sitemap-news.xml\n"
    );
    public_bytes(&req, "text/plain; charset=utf-8", body.into_bytes(), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_never_passes_fifty_megabytes() {
        assert_eq!(urls_per_child("https://news.example.org"), MAX_URLS);
        let long = format!("https://{}.example.org", "a".repeat(2_000));
        let size = urls_per_child(&long);
        assert!(size < MAX_URLS);
        let longest = URL_OVERHEAD + article_url(&long, &"x".repeat(MAX_SLUG_LEN)).len();
        assert!(usize::try_from(size).unwrap_or(usize::MAX) * longest <= MAX_BYTES);
    }
}

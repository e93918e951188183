//! Feeds and the sitemap: RSS 2.0, Atom and JSON Feed 1.1 of the newest published articles
//! (everything, or one section, tag, author or source). Built with feed and XML crates, with
//! absolute URLs from `NEWSDESK_PUBLIC_URL`. The sitemaps are [`crate::sitemaps`].

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use newsdesk_domain::ArticleStatus;
use newsdesk_persistence::articles::{self as store, ArticleFilter, ArticleSort};
use newsdesk_persistence::PageRequest;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::articles::dto::ArticleOut;
use crate::articles::view::{self, Shape};
use crate::error::{ApiError, ApiResult};
use crate::extract::QueryParams;
use crate::publication::article_url;
use crate::respond::public_bytes;
use crate::responses::{BadQuery, NotModified};
use crate::state::AppState;

/// Most entries in a feed.
const MAX_FEED: i64 = 100;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// Only this section (slug).
    pub section: Option<String>,
    /// Only this tag (slug).
    pub tag: Option<String>,
    /// Only this author (slug).
    pub author: Option<String>,
    /// Only this source (slug).
    pub source: Option<String>,
    /// Entries, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

struct Feed {
    title: String,
    self_url: String,
    items: Vec<ArticleOut>,
    updated: DateTime<Utc>,
    /// The last write anywhere, for `Last-Modified`.
    changed: Option<chrono::NaiveDateTime>,
}

async fn load(req: &HttpRequest, state: &AppState, query: FeedQuery, path: &str) -> ApiResult<Feed> {
    let limit = query.limit.unwrap_or(20);
    if !(1..=MAX_FEED).contains(&limit) {
        return Err(ApiError::invalid("limit", "must be between 1 and 100"));
    }
    let scope =
        [("section", &query.section), ("tag", &query.tag), ("author", &query.author), ("source", &query.source)]
            .iter()
            .filter_map(|(name, value)| value.as_ref().map(|v| format!("{name} {v}")))
            .collect::<Vec<_>>();
    let filter = ArticleFilter {
        statuses: Some(vec![ArticleStatus::Published]),
        section: query.section,
        tag: query.tag,
        author: query.author,
        source: query.source,
        ..ArticleFilter::default()
    };
    let shape = Shape {
        authors: true,
        section: true,
        tags: true,
        html: true,
        corrections: true,
        public: true,
        ..Shape::default()
    };
    let (items, changed) = state
        .read(move |conn| {
            let changed = newsdesk_persistence::audit::last_change(conn)?;
            let found = store::list(conn, &filter, ArticleSort::NewestPublished, PageRequest { limit, offset: 0 })?;
            Ok((view::render_all(conn, found.items, shape)?, changed))
        })
        .await?;
    let base = &state.public_url;
    let query_string = req.query_string();
    let self_url =
        if query_string.is_empty() { format!("{base}{path}") } else { format!("{base}{path}?{query_string}") };
    let title = if scope.is_empty() { "Newsdesk".to_owned() } else { format!("Newsdesk: {}", scope.join(", ")) };
    let updated = items.iter().map(|a| a.updated_at).max().unwrap_or_else(Utc::now);
    Ok(Feed { title, self_url, items, updated, changed })
}

/// Loads the feed at `path` and answers with it as `render` writes it, in `content_type`.
async fn serve(
    req: &HttpRequest,
    state: &AppState,
    query: FeedQuery,
    path: &str,
    content_type: &'static str,
    render: fn(Feed, &str) -> ApiResult<Vec<u8>>,
) -> ApiResult<HttpResponse> {
    let feed = load(req, state, query, path).await?;
    let changed = feed.changed;
    let body = render(feed, &state.public_url)?;
    crate::cache::tag(req, vec![crate::cache::Tag::Lists]);
    Ok(public_bytes(req, content_type, body, changed))
}

fn authors_of(article: &ArticleOut) -> Vec<String> {
    article.authors.iter().flatten().map(|a| a.name.clone()).collect()
}

/// The body's HTML, with the article's correction, clarification and update notes after it, so
/// a feed reader shows what changed with the entry that changed.
fn html_of(article: &ArticleOut) -> Option<String> {
    let body = article.body.as_ref().and_then(|b| b.html.clone());
    let notes = article.corrections.as_deref().unwrap_or_default();
    if notes.is_empty() {
        return body;
    }
    let mut html = body.unwrap_or_default();
    html.push_str(r#"<aside class="corrections">"#);
    for note in notes {
        let day = note.created_at.format("%-d %B %Y");
        let label = note.kind.label();
        match (&note.html, &note.removal_reason) {
            (Some(text), _) => html.push_str(&format!("<p><strong>{label}, {day}:</strong></p>{text}")),
            (None, reason) => {
                let reason = quick_xml::escape::escape(reason.as_deref().unwrap_or_default()).into_owned();
                html.push_str(&format!("<p><strong>{label} of {day} removed:</strong> {reason}</p>"));
            }
        }
    }
    html.push_str("</aside>");
    Some(html)
}

/// RSS 2.0 feed of the newest published articles.
#[utoipa::path(get, path = "/v1/feed.rss", operation_id = "feed_rss", tag = "feeds", params(FeedQuery),
    responses(
        (status = 200, description = "RSS 2.0", content_type = "application/rss+xml", body = String),
        NotModified, BadQuery,
    ))]
pub async fn rss_feed(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: QueryParams<FeedQuery>,
) -> ApiResult<HttpResponse> {
    serve(&req, &state, query.0, "/v1/feed.rss", "application/rss+xml; charset=utf-8", write_rss).await
}

/// An RFC 2822 date, which has four-digit years only: a stored date outside them is left out
/// of the feed rather than taking the feed down (chrono panics on it).
fn rfc2822(at: chrono::DateTime<chrono::Utc>) -> Option<String> {
    use chrono::Datelike;
    (0..=9999).contains(&at.year()).then(|| at.to_rfc2822())
}

fn write_rss(feed: Feed, base: &str) -> ApiResult<Vec<u8>> {
    use rss::extension::atom::{AtomExtensionBuilder, Link};
    let items: Vec<rss::Item> = feed
        .items
        .iter()
        .map(|a| {
            let link = article_url(base, &a.slug);
            rss::ItemBuilder::default()
                .title(Some(a.title.clone()))
                .link(Some(link.clone()))
                .guid(Some(rss::GuidBuilder::default().value(link).permalink(true).build()))
                // RSS readers take a description as HTML; a summary is plain text, so it goes in
                // escaped, and markup in it shows as text rather than running.
                .description(a.summary.as_deref().map(|s| quick_xml::escape::escape(s).into_owned()))
                .content(html_of(a))
                .author(None)
                .dublin_core_ext(Some(
                    rss::extension::dublincore::DublinCoreExtensionBuilder::default().creators(authors_of(a)).build(),
                ))
                .categories(
                    a.tags
                        .iter()
                        .flatten()
                        .map(|t| rss::CategoryBuilder::default().name(t.name.clone()).build())
                        .collect::<Vec<_>>(),
                )
                .pub_date(a.published_at.and_then(rfc2822))
                .build()
        })
        .collect();
    let mut self_link = Link::default();
    self_link.set_href(feed.self_url.clone());
    self_link.set_rel("self");
    self_link.set_mime_type(Some("application/rss+xml".to_owned()));
    let channel = rss::ChannelBuilder::default()
        .title(feed.title)
        .link(format!("{base}/"))
        .description("The newest published articles")
        .language(Some("en".to_owned()))
        .last_build_date(rfc2822(feed.updated))
        .atom_ext(Some(AtomExtensionBuilder::default().links(vec![self_link]).build()))
        .items(items)
        .build();
    let mut body = Vec::new();
    channel.pretty_write_to(&mut body, b' ', 2).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(body)
}

/// Atom feed of the newest published articles.
#[utoipa::path(get, path = "/v1/feed.atom", operation_id = "feed_atom", tag = "feeds", params(FeedQuery),
    responses(
        (status = 200, description = "Atom 1.0", content_type = "application/atom+xml", body = String),
        NotModified, BadQuery,
    ))]
pub async fn atom_feed(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: QueryParams<FeedQuery>,
) -> ApiResult<HttpResponse> {
    serve(&req, &state, query.0, "/v1/feed.atom", "application/atom+xml; charset=utf-8", write_atom).await
}

fn write_atom(feed: Feed, base: &str) -> ApiResult<Vec<u8>> {
    use atom_syndication::{ContentBuilder, EntryBuilder, FeedBuilder, FixedDateTime, LinkBuilder, PersonBuilder};
    let date = |d: DateTime<Utc>| FixedDateTime::from(d);
    let entries: Vec<atom_syndication::Entry> = feed
        .items
        .iter()
        .map(|a| {
            let link = article_url(base, &a.slug);
            EntryBuilder::default()
                .title(a.title.clone())
                .id(link.clone())
                .link(LinkBuilder::default().href(link).rel("alternate").build())
                .updated(date(a.updated_at))
                .published(a.published_at.map(date))
                .summary(a.summary.clone().map(Into::into))
                .content(Some(
                    ContentBuilder::default().value(html_of(a)).content_type(Some("html".to_owned())).build(),
                ))
                .authors(
                    authors_of(a)
                        .into_iter()
                        .map(|name| PersonBuilder::default().name(name).build())
                        .collect::<Vec<_>>(),
                )
                .build()
        })
        .collect();
    let atom = FeedBuilder::default()
        .title(feed.title)
        .id(feed.self_url.clone())
        .updated(date(feed.updated))
        .links(vec![
            LinkBuilder::default()
                .href(feed.self_url)
                .rel("self")
                .mime_type(Some("application/atom+xml".to_owned()))
                .build(),
            LinkBuilder::default().href(format!("{base}/")).rel("alternate").build(),
        ])
        .entries(entries)
        .build();
    let mut body = Vec::new();
    atom.write_to(&mut body).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(body)
}

/// A JSON Feed 1.1 document (<https://jsonfeed.org/version/1.1>), as this server writes it.
#[derive(Serialize, ToSchema)]
struct JsonFeed {
    #[schema(example = "https://jsonfeed.org/version/1.1")]
    version: &'static str,
    title: String,
    home_page_url: String,
    feed_url: String,
    language: &'static str,
    items: Vec<JsonFeedItem>,
}

#[derive(Serialize, ToSchema)]
struct JsonFeedItem {
    id: String,
    url: String,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    summary: Option<String>,
    content_html: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    image: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String, format = DateTime)]
    date_published: Option<String>,
    #[schema(format = DateTime)]
    date_modified: String,
    authors: Vec<JsonFeedAuthor>,
    tags: Vec<String>,
}

#[derive(Serialize, ToSchema)]
struct JsonFeedAuthor {
    name: String,
}

/// JSON Feed 1.1 of the newest published articles.
#[utoipa::path(get, path = "/v1/feed.json", operation_id = "feed_json", tag = "feeds", params(FeedQuery),
    responses(
        (status = 200, description = "JSON Feed 1.1", content_type = "application/feed+json", body = JsonFeed),
        NotModified, BadQuery,
    ))]
pub async fn json_feed(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: QueryParams<FeedQuery>,
) -> ApiResult<HttpResponse> {
    serve(&req, &state, query.0, "/v1/feed.json", "application/feed+json", write_json).await
}

fn write_json(feed: Feed, base: &str) -> ApiResult<Vec<u8>> {
    let json = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: feed.title,
        home_page_url: format!("{base}/"),
        feed_url: feed.self_url,
        language: "en",
        items: feed
            .items
            .iter()
            .map(|a| JsonFeedItem {
                id: article_url(base, &a.slug),
                url: article_url(base, &a.slug),
                title: a.title.clone(),
                summary: a.summary.clone(),
                content_html: html_of(a).unwrap_or_default(),
                image: a.featured_image.as_ref().map(|i| i.url.clone()),
                date_published: a.published_at.map(|d| d.to_rfc3339()),
                date_modified: a.updated_at.to_rfc3339(),
                authors: authors_of(a).into_iter().map(|name| JsonFeedAuthor { name }).collect(),
                tags: a.tags.iter().flatten().map(|t| t.name.clone()).collect(),
            })
            .collect(),
    };
    let body = serde_json::to_vec(&json).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(body)
}

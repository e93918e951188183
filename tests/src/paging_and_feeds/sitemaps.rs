//! The sitemaps, read with a real XML parser: an index over child sitemaps that together hold
//! every published URL once (at 60,001 articles, two children), the Google News sitemap of the
//! last two days, and robots.txt naming both.

use std::collections::HashSet;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use newsdesk_exchange::import::{import_records, ImportOptions, OnError};
use newsdesk_exchange::progress::Silent;
use newsdesk_exchange::read::records;
use newsdesk_persistence::{Database, DatabaseUrl};
use serde_json::{json, Value};

use super::{article_url, slug_in, texts_of, PUBLIC_URL};
use crate::common::values::{id_of, slug_of};
use crate::common::{on_both_backends, Reply, TestApp};

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const NEWS_NS: &str = "http://www.google.com/schemas/sitemap-news/0.9";

/// Imports published articles `(slug, title, published_at)` straight into the app's database,
/// as `newsdesk import` does: fast enough for tens of thousands. It runs off the test's own
/// thread, so the client meanwhile sees the server close idle connections.
async fn import(app: &TestApp, stories: impl Iterator<Item = (String, String, DateTime<Utc>)>) {
    let ndjson: String = stories
        .map(|(slug, title, at)| {
            let at = at.to_rfc3339_opts(SecondsFormat::Secs, true);
            let line =
                json!({"slug": slug, "title": title, "body": "A line.", "status": "published", "published_at": at});
            format!("{line}\n")
        })
        .collect();
    let url = DatabaseUrl::parse(app.database_url());
    let summary = actix_web::rt::task::spawn_blocking(move || {
        let db = Database::open(&url, 1, std::time::Duration::from_secs(30)).expect("the database opens");
        let opts = ImportOptions { on_error: OnError::Stop, batch_size: 1_000 };
        import_records(&db, records(ndjson.as_bytes()), &opts, &Silent).expect("the import runs")
    })
    .await
    .expect("the import finishes");
    assert!(summary.skipped.is_empty() && summary.stopped_at.is_none(), "{summary:?}");
}

/// The root element of an XML answer and the value of its attribute `xmlns:{prefix}` (or
/// `xmlns`), after checking it is served as XML.
fn root_of(reply: &Reply, namespace_attribute: &str) -> (String, Option<String>) {
    assert!(
        reply.header("content-type").is_some_and(|t| t.starts_with("application/xml")),
        "{:?}",
        reply.header("content-type")
    );
    let mut reader = quick_xml::Reader::from_str(&reply.text);
    loop {
        match reader.read_event().unwrap_or_else(|e| panic!("well-formed XML ({e}): {}", reply.text)) {
            quick_xml::events::Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                let ns = e.try_get_attribute(namespace_attribute).ok().flatten();
                return (name, ns.map(|a| String::from_utf8_lossy(&a.value).into_owned()));
            }
            quick_xml::events::Event::Eof => panic!("an empty document: {}", reply.text),
            _ => {}
        }
    }
}

/// The path of an absolute URL under the public URL.
fn path_of(url: &str) -> String {
    url.strip_prefix(PUBLIC_URL).unwrap_or_else(|| panic!("`{url}` is not under {PUBLIC_URL}")).to_owned()
}

/// The child sitemaps the index names, as paths, after checking the index's shape: a
/// `sitemapindex` with a `loc` for every child.
async fn children(app: &TestApp) -> Vec<String> {
    let index = app.get("/sitemap.xml").await.expect(200);
    assert_eq!(root_of(&index, "xmlns"), ("sitemapindex".into(), Some(SITEMAP_NS.into())), "{}", index.text);
    texts_of(&index.text, "loc").iter().map(|loc| path_of(loc)).collect()
}

/// Every `<url>` of every child sitemap, as (slug, lastmod), in the order served.
async fn every_listed_url(app: &TestApp) -> Vec<(String, String)> {
    let mut urls = Vec::new();
    for child in children(app).await {
        let reply = app.get(&child).await.expect(200);
        assert_eq!(root_of(&reply, "xmlns"), ("urlset".into(), Some(SITEMAP_NS.into())), "{child}");
        let (locs, lastmods) = (texts_of(&reply.text, "loc"), texts_of(&reply.text, "lastmod"));
        assert_eq!(locs.len(), lastmods.len(), "{child}: every <url> has a <loc> and a <lastmod>");
        urls.extend(locs.iter().map(|loc| slug_in(loc)).zip(lastmods));
    }
    urls
}

async fn the_index_leads_to_every_published_article_with_its_last_change(app: TestApp) {
    // An empty archive still has an index naming one (empty) child.
    assert_eq!(children(&app).await, ["/sitemaps/articles.xml"]);
    assert!(every_listed_url(&app).await.is_empty());

    let first = app.published(json!({"title": "Harbour wall repaired", "body": "Stones."})).await;
    let second = app.published(json!({"title": "Ferry timetable & fares", "body": "Times."})).await;
    let draft = app.post("/v1/admin/articles", &app.admin, json!({"title": "Unfinished sitemap draft", "body": "x"}));
    let draft = slug_of(&draft.await.expect(201).body);
    // An edit moves the article's lastmod, and the child's in the index.
    let edited = app.admin_get(&format!("/v1/admin/articles/{}", id_of(&second)), &app.admin).await.expect(200);
    let etag = edited.header("etag").expect("an ETag").to_owned();
    let path = format!("/v1/admin/articles/{}", id_of(&second));
    app.patch_if_match(&path, &app.admin, json!({"summary": "New times."}), &etag).await.expect(200);

    let urls = every_listed_url(&app).await;
    let slugs: Vec<&str> = urls.iter().map(|(slug, _)| slug.as_str()).collect();
    assert_eq!(slugs, [slug_of(&first), slug_of(&second)], "oldest first, the draft left out");
    assert!(!slugs.contains(&draft.as_str()));
    for (slug, lastmod) in &urls {
        let article = app.get(&format!("/v1/articles/{slug}")).await.expect(200);
        let updated = DateTime::parse_from_rfc3339(article.body["updated_at"].as_str().unwrap_or_default());
        let lastmod = DateTime::parse_from_rfc3339(lastmod).unwrap_or_else(|e| panic!("`{lastmod}` is W3C ({e})"));
        assert_eq!(
            Some(lastmod.timestamp()),
            updated.ok().map(|u| u.timestamp()),
            "{slug}: lastmod is its last change"
        );
    }
    let index = app.get("/sitemap.xml").await.expect(200).text;
    let newest = urls.iter().map(|(_, lastmod)| lastmod.clone()).max();
    assert_eq!(texts_of(&index, "lastmod").into_iter().max(), newest, "the child's lastmod is its newest change");

    // robots.txt names both sitemaps with absolute URLs.
    let robots = app.get("/robots.txt").await.expect(200);
    assert!(robots.header("content-type").is_some_and(|t| t.starts_with("text/plain")));
    for line in [format!("Sitemap: {PUBLIC_URL}/sitemap.xml"), format!("Sitemap: {PUBLIC_URL}/sitemap-news.xml")] {
        assert!(robots.text.lines().any(|l| l == line), "robots.txt lacks `{line}`: {}", robots.text);
    }
    assert!(robots.text.lines().any(|l| l == "Disallow: /v1/admin/"), "{}", robots.text);

    // A made-up or altered position is refused, naming the problem; stray parameters do no harm.
    for bad in ["nonsense", "eyJsIjoic2l0ZW1hcCJ9.AAAA"] {
        app.get(&format!("/sitemaps/articles.xml?after={bad}")).await.expect_problem(400);
    }
    let cursor = app.get("/v1/articles?limit=1").await.expect(200).body["meta"]["pagination"]["next_cursor"].clone();
    let other_list = cursor.as_str().expect("a list cursor");
    app.get(&format!("/sitemaps/articles.xml?after={other_list}")).await.expect_problem(400);
    app.get("/sitemaps/articles.xml?utm_source=x").await.expect(200);
}

/// At 60,001 published articles the index names two children; together they hold every
/// published URL exactly once, the first the oldest 50,000.
async fn sixty_thousand_and_one_articles_fill_two_child_sitemaps(app: TestApp) {
    const STORIES: usize = 60_001;
    let start = Utc::now() - Duration::days(400);
    // Three articles a second, so the spans must break ties on the id, not only on the time.
    let slug = |i: usize| format!("archive-story-{i:05}");
    import(
        &app,
        (0..STORIES).map(|i| (slug(i), format!("Archive story {i}"), start + Duration::seconds((i / 3) as i64))),
    )
    .await;

    let children = children(&app).await;
    assert_eq!(children.len(), 2, "{children:?}");
    let first = app.get(&children[0]).await.expect(200);
    assert_eq!(texts_of(&first.text, "loc").len(), 50_000, "the protocol's limit, and no fewer");
    assert!(first.text.len() < 50_000_000);
    let urls = every_listed_url(&app).await;
    assert_eq!(urls.len(), STORIES);
    let unique: HashSet<&str> = urls.iter().map(|(slug, _)| slug.as_str()).collect();
    assert_eq!(unique.len(), STORIES, "no URL twice");
    let listed: Vec<&str> = urls.iter().map(|(slug, _)| slug.as_str()).collect();
    let want: Vec<String> = (0..STORIES).map(slug).collect();
    assert!(listed.iter().zip(&want).all(|(a, b)| a == b), "every published article, oldest first");

    // One more article lands in the second child; the first stays as it was.
    let late = app.published(json!({"title": "One more story", "body": "Late."})).await;
    let again = every_listed_url(&app).await;
    assert_eq!(again.len(), STORIES + 1);
    assert_eq!(again.last().map(|(slug, _)| slug.clone()), Some(slug_of(&late)));
    assert_eq!(app.get(&children[0]).await.expect(200).text, first.text, "old children keep their content");
}

/// The news sitemap: exactly the articles published in the last two days, newest first, each
/// with the publication's name and language, its publication time and its title.
async fn the_news_sitemap_holds_the_last_two_days(app: TestApp) {
    let now = Utc::now();
    import(
        &app,
        [
            ("an-hour-ago", "Tides & storms: an hour ago", now - Duration::hours(1)),
            ("almost-two-days-ago", "Almost two days ago", now - Duration::hours(47)),
            ("three-days-ago", "Three days ago", now - Duration::hours(72)),
            ("last-month", "Last month", now - Duration::days(30)),
        ]
        .into_iter()
        .map(|(slug, title, at)| (slug.to_owned(), title.to_owned(), at)),
    )
    .await;
    let fresh = app.published(json!({"title": "Published this minute", "body": "Now."})).await;
    app.post("/v1/admin/articles", &app.admin, json!({"title": "A draft from today", "body": "x"})).await.expect(201);

    let reply = app.get("/sitemap-news.xml").await.expect(200);
    assert_eq!(root_of(&reply, "xmlns:news"), ("urlset".into(), Some(NEWS_NS.into())), "{}", reply.text);
    let slugs: Vec<String> = texts_of(&reply.text, "loc").iter().map(|loc| slug_in(loc)).collect();
    assert_eq!(slugs, [slug_of(&fresh), "an-hour-ago".into(), "almost-two-days-ago".into()], "{}", reply.text);
    assert_eq!(texts_of(&reply.text, "name"), vec!["The Example Courier"; 3]);
    assert_eq!(texts_of(&reply.text, "language"), vec!["en"; 3]);
    assert_eq!(texts_of(&reply.text, "title")[1], "Tides & storms: an hour ago", "titles are escaped and read back");
    let dates = texts_of(&reply.text, "publication_date");
    assert_eq!(dates.len(), 3);
    let hour_ago = DateTime::parse_from_rfc3339(&dates[1]).unwrap_or_else(|e| panic!("`{}` is W3C ({e})", dates[1]));
    assert_eq!(hour_ago.timestamp(), (now - Duration::hours(1)).timestamp());
    let article: Value = app.get("/v1/articles/an-hour-ago").await.expect(200).body;
    assert_eq!(texts_of(&reply.text, "loc")[1], article_url(article["slug"].as_str().unwrap_or_default()));
}

on_both_backends!(
    the_index_leads_to_every_published_article_with_its_last_change,
    sixty_thousand_and_one_articles_fill_two_child_sitemaps,
    the_news_sitemap_holds_the_last_two_days
);

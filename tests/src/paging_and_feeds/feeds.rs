//! The RSS, Atom and JSON feeds, read with real feed parsers: the newest published articles,
//! with absolute links.

use chrono::{DateTime, FixedOffset};
use serde_json::json;

use super::{article_url, slug_in, texts_of, PUBLIC_URL};
use crate::common::values::{id_of, slug_of};
use crate::common::{on_both_backends, Reply, TestApp};

fn owned(slugs: &[&String]) -> Vec<String> {
    slugs.iter().map(|s| (*s).clone()).collect()
}

/// What a feed should say about one article, from the public API.
struct Expected {
    slug: String,
    title: String,
    summary: String,
    html: String,
    published_at: DateTime<FixedOffset>,
    updated_at: DateTime<FixedOffset>,
    authors: Vec<String>,
}

async fn expected(app: &TestApp, slug: &str) -> Expected {
    let article = app.get(&format!("/v1/articles/{slug}")).await.expect(200).body;
    let date = |field: &str| {
        let text = article[field].as_str().unwrap_or_else(|| panic!("{field} in {article}"));
        DateTime::parse_from_rfc3339(text).unwrap_or_else(|e| panic!("{field} `{text}`: {e}"))
    };
    Expected {
        slug: slug.to_owned(),
        title: article["title"].as_str().unwrap_or_default().to_owned(),
        summary: article["summary"].as_str().unwrap_or_default().to_owned(),
        html: article["body"]["html"].as_str().unwrap_or_else(|| panic!("html in {article}")).to_owned(),
        published_at: date("published_at"),
        updated_at: date("updated_at"),
        authors: article["authors"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|a| a["name"].as_str().unwrap_or_default().to_owned())
            .collect(),
    }
}

/// The feed at `path`, served as `content_type`.
async fn feed(app: &TestApp, path: &str, content_type: &str) -> Reply {
    let reply = app.get(path).await.expect(200);
    assert!(
        reply.header("content-type").is_some_and(|t| t.starts_with(content_type)),
        "{path}: {:?}",
        reply.header("content-type")
    );
    reply
}

/// The slugs an RSS feed lists, in order, after validating it and checking every item.
async fn rss_slugs(app: &TestApp, query: &str, articles: &[Expected]) -> Vec<String> {
    use rss::validation::Validate;
    let path = format!("/v1/feed.rss{query}");
    let reply = feed(app, &path, "application/rss+xml").await;
    let channel =
        rss::Channel::read_from(reply.text.as_bytes()).unwrap_or_else(|e| panic!("{path}: RSS ({e}): {}", reply.text));
    channel.validate().unwrap_or_else(|e| panic!("{path}: a valid RSS channel ({e}): {}", reply.text));
    assert!(channel.link().starts_with(PUBLIC_URL), "{path}: the channel links to the site: {}", channel.link());
    assert!(!channel.title().is_empty(), "{path}");
    if let Some(built) = channel.last_build_date() {
        DateTime::parse_from_rfc2822(built).unwrap_or_else(|e| panic!("{path}: lastBuildDate `{built}` ({e})"));
    }
    let mut slugs = Vec::new();
    for item in channel.items() {
        let link = item.link().unwrap_or_else(|| panic!("{path}: an item link: {item:?}"));
        let slug = slug_in(link);
        let article =
            articles.iter().find(|a| a.slug == slug).unwrap_or_else(|| panic!("{path}: an unexpected item {link}"));
        assert_eq!(item.title(), Some(article.title.as_str()), "{path}: {slug}");
        let guid = item.guid().unwrap_or_else(|| panic!("{path}: a guid for {slug}"));
        assert_eq!(guid.value(), article_url(&slug), "{path}");
        assert!(guid.is_permalink(), "{path}: the guid is the permalink");
        // A summary is text: readers take an RSS description as HTML, so its markup comes escaped
        // (`Fast <boats>.` must not reach a reader as a tag, nor `<img onerror=…>` as an image).
        let escaped = quick_xml::escape::escape(article.summary.as_str());
        assert_eq!(item.description(), Some(escaped.as_ref()), "{path}: {slug}");
        assert!(!item.description().unwrap_or_default().contains('<'), "{path}: {slug}: no raw markup");
        // Feed parsers trim text, so the body's closing newline may go.
        assert_eq!(item.content().map(str::trim), Some(article.html.trim()), "{path}: {slug}");
        let date = item.pub_date().unwrap_or_else(|| panic!("{path}: a pubDate for {slug}"));
        let date =
            DateTime::parse_from_rfc2822(date).unwrap_or_else(|e| panic!("{path}: pubDate `{date}` is RFC 2822 ({e})"));
        assert_eq!(date.timestamp(), article.published_at.timestamp(), "{path}: {slug} published");
        let creators = item.dublin_core_ext().map(|dc| dc.creators().to_vec()).unwrap_or_default();
        assert_eq!(creators, article.authors, "{path}: {slug}'s byline");
        slugs.push(slug);
    }
    slugs
}

async fn atom_slugs(app: &TestApp, query: &str, articles: &[Expected]) -> Vec<String> {
    let path = format!("/v1/feed.atom{query}");
    let reply = feed(app, &path, "application/atom+xml").await;
    let feed = atom_syndication::Feed::read_from(reply.text.as_bytes())
        .unwrap_or_else(|e| panic!("{path}: Atom ({e}): {}", reply.text));
    // The parser is lenient about dates; Atom wants RFC 3339.
    for name in ["updated", "published"] {
        for text in texts_of(&reply.text, name) {
            DateTime::parse_from_rfc3339(&text)
                .unwrap_or_else(|e| panic!("{path}: <{name}> `{text}` is RFC 3339 ({e})"));
        }
    }
    let own = feed.links().iter().find(|l| l.rel() == "self").unwrap_or_else(|| panic!("{path}: a self link"));
    assert!(own.href().starts_with(&format!("{PUBLIC_URL}/v1/feed.atom")), "{path}: {}", own.href());
    assert!(!feed.title().is_empty(), "{path}");
    let mut slugs = Vec::new();
    for entry in feed.entries() {
        let link = entry
            .links()
            .iter()
            .find(|l| l.rel() == "alternate")
            .unwrap_or_else(|| panic!("{path}: an alternate link: {entry:?}"));
        let slug = slug_in(link.href());
        let article = articles
            .iter()
            .find(|a| a.slug == slug)
            .unwrap_or_else(|| panic!("{path}: an unexpected entry {}", link.href()));
        assert_eq!(entry.title().as_str(), article.title, "{path}: {slug}");
        assert_eq!(entry.id(), article_url(&slug), "{path}");
        let published = entry.published().unwrap_or_else(|| panic!("{path}: {slug} has <published>"));
        assert_eq!(published.timestamp(), article.published_at.timestamp(), "{path}: {slug} published");
        assert_eq!(entry.updated().timestamp(), article.updated_at.timestamp(), "{path}: {slug} updated");
        assert!(feed.updated() >= entry.updated(), "{path}: the feed is as new as its newest entry");
        assert_eq!(entry.summary().map(|s| s.as_str()), Some(article.summary.as_str()), "{path}: {slug}");
        assert_eq!(entry.content().and_then(|c| c.value()).map(str::trim), Some(article.html.trim()), "{path}: {slug}");
        let authors: Vec<&str> = entry.authors().iter().map(|p| p.name()).collect();
        assert_eq!(authors, article.authors, "{path}: {slug}'s byline");
        slugs.push(slug);
    }
    slugs
}

async fn json_feed_slugs(app: &TestApp, query: &str, articles: &[Expected]) -> Vec<String> {
    let path = format!("/v1/feed.json{query}");
    let reply = feed(app, &path, "application/feed+json").await;
    let feed = &reply.body;
    assert_eq!(feed["version"], "https://jsonfeed.org/version/1.1", "{path}");
    assert!(feed["title"].as_str().is_some_and(|t| !t.is_empty()), "{path}: {feed}");
    assert!(feed["home_page_url"].as_str().is_some_and(|u| u.starts_with(PUBLIC_URL)), "{path}: {feed}");
    assert!(
        feed["feed_url"].as_str().is_some_and(|u| u.starts_with(&format!("{PUBLIC_URL}/v1/feed.json"))),
        "{path}: {feed}"
    );
    let mut slugs = Vec::new();
    for item in feed["items"].as_array().unwrap_or_else(|| panic!("{path}: items: {feed}")) {
        let url = item["url"].as_str().unwrap_or_else(|| panic!("{path}: a url: {item}"));
        let slug = slug_in(url);
        let article =
            articles.iter().find(|a| a.slug == slug).unwrap_or_else(|| panic!("{path}: an unexpected item {url}"));
        assert!(item["id"].as_str().is_some_and(|id| !id.is_empty()), "{path}: an id: {item}");
        assert_eq!(item["title"], article.title.as_str(), "{path}");
        assert_eq!(item["content_html"], article.html.as_str(), "{path}: {item}");
        assert_eq!(item["summary"], article.summary.as_str(), "{path}: {item}");
        let date = item["date_published"].as_str().unwrap_or_else(|| panic!("{path}: date_published: {item}"));
        let date = DateTime::parse_from_rfc3339(date).unwrap_or_else(|e| panic!("{path}: `{date}` is RFC 3339 ({e})"));
        assert_eq!(date.timestamp(), article.published_at.timestamp(), "{path}: {slug}");
        let names: Vec<&str> =
            item["authors"].as_array().into_iter().flatten().map(|a| a["name"].as_str().unwrap_or_default()).collect();
        assert_eq!(names, article.authors, "{path}: {slug}'s byline");
        slugs.push(slug);
    }
    slugs
}

async fn feeds_list_the_newest_published_articles_with_absolute_links(app: TestApp) {
    app.seed_taxonomy().await;
    app.post("/v1/admin/sections", &app.admin, json!({"slug": "sport", "name": "Sport"})).await.expect(201);
    app.post("/v1/admin/sources", &app.admin, json!({"slug": "agency", "name": "Other Agency"})).await.expect(201);
    let harbour = slug_of(
        &app.published(json!({
            "title": "Harbour reopens after the storm", "summary": "Boats are back.", "body": "The **harbour** is open.",
            "section": "news", "tags": ["water"], "authors": ["ada-byline"], "source": "wire"
        }))
        .await,
    );
    let withdrawn = app
        .published(json!({"title": "Withdrawn story", "summary": "Gone.", "section": "news", "tags": ["water"], "authors": ["ada-byline"], "source": "wire"}))
        .await;
    let regatta = slug_of(
        &app.published(json!({
            "title": "Regatta results & records", "summary": "Fast <boats>.", "body": "Results below.",
            "section": "sport", "tags": ["coast"], "authors": ["ben-byline"], "source": "agency"
        }))
        .await,
    );
    let ferry = slug_of(
        &app.published(json!({
            "title": "Ferry timetable changes", "summary": "New times.", "body": "From *Monday*.",
            "tags": ["water", "coast"], "authors": ["ada-byline", "ben-byline"], "source": "wire"
        }))
        .await,
    );
    app.act(&app.admin, &id_of(&withdrawn), "unpublish").await.expect(200);
    let draft = slug_of(
        &app.draft(&app.admin, json!({"title": "Embargoed budget", "summary": "Secret.", "section": "news", "tags": ["water", "coast"], "authors": ["ada-byline"], "source": "wire"}))
            .await,
    );
    let mut articles = Vec::new();
    for slug in [&ferry, &regatta, &harbour] {
        articles.push(expected(&app, slug).await);
    }

    let all = owned(&[&ferry, &regatta, &harbour]);
    for (query, want) in [
        ("", all.clone()),
        ("?limit=2", owned(&[&ferry, &regatta])),
        ("?limit=100", all.clone()),
        ("?section=news", owned(&[&harbour])),
        ("?section=sport", owned(&[&regatta])),
        ("?tag=water", owned(&[&ferry, &harbour])),
        ("?tag=coast", owned(&[&ferry, &regatta])),
        ("?tag=coast&limit=1", owned(&[&ferry])),
        ("?author=ada-byline", owned(&[&ferry, &harbour])),
        ("?author=ben-byline", owned(&[&ferry, &regatta])),
        ("?source=wire", owned(&[&ferry, &harbour])),
        ("?source=agency", owned(&[&regatta])),
        ("?section=news&tag=water", owned(&[&harbour])),
        ("?section=news&tag=coast", vec![]),
    ] {
        assert_eq!(rss_slugs(&app, query, &articles).await, want, "RSS {query}");
        assert_eq!(atom_slugs(&app, query, &articles).await, want, "Atom {query}");
        assert_eq!(json_feed_slugs(&app, query, &articles).await, want, "JSON Feed {query}");
    }
    // Neither the draft nor the withdrawn story appears anywhere, not even by name.
    for path in [
        "/v1/feed.rss",
        "/v1/feed.atom",
        "/v1/feed.json",
        "/v1/feed.rss?tag=water",
        "/sitemaps/articles.xml",
        "/sitemap-news.xml",
    ] {
        let text = app.get(path).await.expect(200).text;
        for hidden in [draft.as_str(), "Embargoed budget", "Withdrawn story"] {
            assert!(!text.contains(hidden), "{path} mentions `{hidden}`: {text}");
        }
    }

    for feed in ["/v1/feed.rss", "/v1/feed.atom", "/v1/feed.json"] {
        for limit in ["0", "101", "-1", "many"] {
            let problem = app.get(&format!("{feed}?limit={limit}")).await.expect_problem(422);
            assert_eq!(Reply::fields(&problem), ["limit"], "{feed}?limit={limit}: {problem}");
        }
    }

    // A story published now leads every feed.
    let latest = slug_of(&app.published(json!({"title": "Latest news", "summary": "Just in.", "body": "Now."})).await);
    articles.push(expected(&app, &latest).await);
    let want = owned(&[&latest, &ferry]);
    assert_eq!(rss_slugs(&app, "?limit=2", &articles).await, want);
    assert_eq!(atom_slugs(&app, "?limit=2", &articles).await, want);
    assert_eq!(json_feed_slugs(&app, "?limit=2", &articles).await, want);
}

on_both_backends!(feeds_list_the_newest_published_articles_with_absolute_links);

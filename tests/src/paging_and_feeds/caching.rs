//! HTTP caching of public reads, feeds and the sitemap: `Cache-Control`, `ETag`,
//! `Last-Modified` and conditional requests.

use chrono::{DateTime, FixedOffset, Utc};
use reqwest::Method;
use serde_json::json;

use crate::common::values::{id_of, slug_of};
use crate::common::{on_both_backends, wait_until, Reply, TestApp};

const PUBLIC_CACHE_CONTROL: &str = "public, max-age=60, stale-while-revalidate=300";

/// A GET with extra request headers.
async fn get_with(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> Reply {
    app.send(Method::GET, path, None, None, headers).await
}

/// Parses an HTTP date (`Last-Modified`).
fn http_date(value: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc2822(value).unwrap_or_else(|e| panic!("`{value}` is an HTTP date: {e}"))
}

/// Asserts the cache headers of a public 200 and returns its `(ETag, Last-Modified)`.
#[track_caller]
fn public_headers(reply: &Reply, path: &str) -> (String, String) {
    assert_eq!(reply.status.as_u16(), 200, "{path}: {}", reply.text);
    let etag = reply.header("etag").unwrap_or_else(|| panic!("{path} has an ETag")).to_owned();
    assert!(etag.starts_with('"') && etag.ends_with('"') && etag.len() > 2, "{path}: a strong ETag, not {etag}");
    assert_eq!(reply.header("cache-control"), Some(PUBLIC_CACHE_CONTROL), "{path}");
    let modified = reply.header("last-modified").unwrap_or_else(|| panic!("{path} has a Last-Modified")).to_owned();
    assert!(modified.ends_with(" GMT"), "{path}: an HTTP date, not {modified}");
    http_date(&modified);
    (etag, modified)
}

#[track_caller]
fn not_modified(reply: &Reply, path: &str, etag: &str, what: &str) {
    assert_eq!(reply.status.as_u16(), 304, "{path} with {what}: {}", reply.text);
    assert!(reply.text.is_empty(), "{path}: a 304 has no body: {}", reply.text);
    assert_eq!(reply.header("etag"), Some(etag), "{path}: a 304 repeats the ETag");
    assert_eq!(reply.header("cache-control"), Some(PUBLIC_CACHE_CONTROL), "{path}: a 304 repeats Cache-Control");
}

async fn public_reads_are_cacheable_and_conditional(app: TestApp) {
    app.seed_taxonomy().await;
    let body = "The harbour reopened on Monday after the storm. ".repeat(40);
    let story = app
        .published(json!({"title": "Harbour reopens", "summary": "After the storm.", "body": body, "section": "news", "tags": ["water"]}))
        .await;
    app.published(json!({"title": "Regatta results", "summary": "Fast boats.", "tags": ["coast"]})).await;
    let slug = slug_of(&story);
    let paths = [
        "/v1/articles".to_owned(),
        "/v1/articles?limit=1&include=tags".to_owned(),
        "/v1/articles?fields=slug,title".to_owned(),
        format!("/v1/articles/{slug}"),
        "/v1/sections".to_owned(),
        "/v1/tags/water".to_owned(),
    ];

    let newest_write = app.audit_log("").await[0]["at"].as_str().expect("an audit time").to_owned();
    let newest_write = DateTime::parse_from_rfc3339(&newest_write).expect("an RFC 3339 audit time");
    let mut seen = Vec::new();
    for path in &paths {
        let first = app.get(path).await;
        let (etag, modified) = public_headers(&first, path);
        assert_eq!(
            http_date(&modified).timestamp(),
            newest_write.timestamp(),
            "{path}: Last-Modified is the last write anywhere ({newest_write})"
        );
        assert_eq!(app.get(path).await.header("etag"), Some(etag.as_str()), "{path}: the same bytes, the same ETag");

        let again = get_with(&app, path, &[("if-none-match", &etag)]).await;
        not_modified(&again, path, &etag, "its ETag");
        let weak = format!("W/{etag}");
        not_modified(&get_with(&app, path, &[("if-none-match", &weak)]).await, path, &etag, "its ETag made weak");
        not_modified(&get_with(&app, path, &[("if-none-match", "*")]).await, path, &etag, "If-None-Match: *");
        let listed = format!("\"stale\", {etag}");
        not_modified(&get_with(&app, path, &[("if-none-match", &listed)]).await, path, &etag, "a list of ETags");
        get_with(&app, path, &[("if-none-match", "\"stale\"")]).await.expect(200);

        not_modified(
            &get_with(&app, path, &[("if-modified-since", &modified)]).await,
            path,
            &etag,
            "If-Modified-Since",
        );
        // If-None-Match decides when both are sent.
        let both = get_with(&app, path, &[("if-none-match", "\"stale\""), ("if-modified-since", &modified)]).await;
        assert_eq!(both.status.as_u16(), 200, "{path}: a stale ETag wins over a current date: {}", both.text);
        let earlier = (http_date(&modified) - chrono::TimeDelta::seconds(1)).to_rfc2822().replace("+0000", "GMT");
        get_with(&app, path, &[("if-modified-since", &earlier)]).await.expect(200);
        seen.push((path, etag, modified));
    }

    // A write anywhere (a new tag) makes every public read modified since then. HTTP dates have
    // whole seconds, so the write must land in a later second than the one they name.
    let modified = seen[0].2.clone();
    let then = http_date(&modified).timestamp();
    wait_until("the clock to pass the second of Last-Modified", || async move {
        (Utc::now().timestamp() > then).then_some(())
    })
    .await;
    app.post("/v1/admin/tags", &app.admin, json!({"slug": "storm", "name": "Storm"})).await.expect(201);
    for (path, etag, modified) in &seen {
        let after = get_with(&app, path, &[("if-modified-since", modified)]).await;
        if path.as_str() == format!("/v1/articles/{slug}") && after.status.as_u16() == 304 {
            // The new tag is not on this article, so the response cache may keep its page,
            // dates and all: still current, and still the same ETag.
            not_modified(&after, path, etag, "the old Last-Modified of an unchanged article");
            continue;
        }
        let (_, now) = public_headers(&after, path);
        assert!(
            http_date(&now) > http_date(modified),
            "{path}: Last-Modified moves on after a write: {modified} -> {now}"
        );
        not_modified(
            &get_with(&app, path, &[("if-modified-since", &now)]).await,
            path,
            after.header("etag").unwrap_or_default(),
            "the new Last-Modified",
        );
        if path.as_str() == format!("/v1/articles/{slug}") {
            // The article itself did not change: its ETag still matches.
            not_modified(&get_with(&app, path, &[("if-none-match", etag)]).await, path, etag, "its unchanged ETag");
        }
    }

    // Editorial and preview responses are never stored.
    let admin = app.admin_get("/v1/admin/articles", &app.admin).await.expect(200);
    assert_eq!(admin.header("cache-control"), Some("no-store"), "the admin list");
    let one = app.admin_get(&format!("/v1/admin/articles/{}", id_of(&story)), &app.admin).await.expect(200);
    assert_eq!(one.header("cache-control"), Some("no-store"), "an admin article");
    let link = app
        .send(Method::POST, &format!("/v1/admin/articles/{}/preview", id_of(&story)), Some(&app.admin), None, &[])
        .await
        .expect(201);
    assert_eq!(link.header("cache-control"), Some("no-store"), "a preview link");
    let preview = app.get(link.body["url"].as_str().unwrap_or_default()).await.expect(200);
    assert_eq!(preview.header("cache-control"), Some("no-store"), "a preview");

    // Compression when asked for, and only then.
    for path in [format!("/v1/articles/{slug}"), "/v1/articles?formats=html".to_owned()] {
        let plain = app.get(&path).await.expect(200);
        assert_eq!(plain.header("content-encoding"), None, "{path}: identity unless asked");
        assert!(plain.body.is_object(), "{path}: plain JSON: {}", plain.text);
        for encoding in ["br", "gzip"] {
            let packed = get_with(&app, &path, &[("accept-encoding", encoding)]).await.expect(200);
            assert_eq!(packed.header("content-encoding"), Some(encoding), "{path} with Accept-Encoding: {encoding}");
            assert_ne!(packed.text, plain.text, "{path}: the {encoding} body is not the identity body");
            assert!(packed.body.is_null(), "{path}: a {encoding} body is not JSON as sent");
            assert!(
                packed.header("vary").is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding")),
                "{path}: a compressed response varies by Accept-Encoding: {:?}",
                packed.header("vary")
            );
            if encoding == "gzip" {
                assert!(packed.text.starts_with('\u{1f}'), "{path}: a gzip stream starts with its magic bytes");
            }
            let etag = plain.header("etag").unwrap_or_default();
            let cached = get_with(&app, &path, &[("accept-encoding", encoding), ("if-none-match", etag)]).await;
            assert_eq!(cached.status.as_u16(), 304, "{path}: {encoding} and a current ETag: {}", cached.text);
        }
        let preferred = get_with(&app, &path, &[("accept-encoding", "gzip, br")]).await.expect(200);
        assert!(
            matches!(preferred.header("content-encoding"), Some("br" | "gzip")),
            "{path}: one of the offered encodings: {:?}",
            preferred.header("content-encoding")
        );
    }
}

async fn feeds_and_the_sitemap_answer_conditional_requests(app: TestApp) {
    app.seed_taxonomy().await;
    app.published(json!({"title": "Feed cache story", "summary": "Cached.", "tags": ["water"]})).await;
    let paths =
        ["/v1/feed.rss", "/v1/feed.atom", "/v1/feed.json", "/v1/feed.rss?tag=water&limit=5", "/sitemaps/articles.xml"];
    let mut seen = Vec::new();
    for path in paths {
        let first = app.get(path).await.expect(200);
        let etag = first.header("etag").unwrap_or_else(|| panic!("{path} has an ETag")).to_owned();
        assert!(etag.starts_with('"') && etag.ends_with('"'), "{path}: a strong ETag, not {etag}");
        assert_eq!(first.header("cache-control"), Some(PUBLIC_CACHE_CONTROL), "{path}");
        not_modified(&get_with(&app, path, &[("if-none-match", &etag)]).await, path, &etag, "its ETag");
        get_with(&app, path, &[("if-none-match", "\"stale\"")]).await.expect(200);
        let packed = get_with(&app, path, &[("accept-encoding", "gzip")]).await.expect(200);
        assert_eq!(packed.header("content-encoding"), Some("gzip"), "{path}");
        assert_ne!(packed.text, first.text, "{path}");
        seen.push((path, etag, first.text));
    }
    // A new story changes every one of them: the old ETag no longer matches.
    app.published(json!({"title": "Second feed cache story", "tags": ["water"]})).await;
    for (path, etag, before) in &seen {
        let after = get_with(&app, path, &[("if-none-match", etag)]).await.expect(200);
        assert_ne!(after.header("etag"), Some(etag.as_str()), "{path}: a new ETag for new content");
        assert_ne!(&after.text, before, "{path}");
    }
}

async fn feeds_and_the_sitemap_carry_last_modified_like_every_public_get(app: TestApp) {
    app.published(json!({"title": "Dated feed story"})).await;
    let newest_write = app.audit_log("").await[0]["at"].as_str().expect("an audit time").to_owned();
    let newest_write = DateTime::parse_from_rfc3339(&newest_write).expect("an RFC 3339 audit time");
    for path in ["/v1/feed.rss", "/v1/feed.atom", "/v1/feed.json", "/sitemap.xml"] {
        let reply = app.get(path).await;
        let (etag, modified) = public_headers(&reply, path);
        assert_eq!(http_date(&modified).timestamp(), newest_write.timestamp(), "{path}: the last write anywhere");
        not_modified(
            &get_with(&app, path, &[("if-modified-since", &modified)]).await,
            path,
            &etag,
            "If-Modified-Since",
        );
    }
}

/// `If-None-Match` compares weakly (RFC 9110 13.1.2): a proxy that compresses a response (nginx's
/// gzip does) hands clients `W/"…"`, and they send that back. `*` matches any current version.
async fn feeds_and_the_sitemap_match_weak_and_star_if_none_match(app: TestApp) {
    app.published(json!({"title": "Weakly cached story"})).await;
    for path in ["/v1/feed.rss", "/v1/feed.atom", "/v1/feed.json", "/sitemap.xml"] {
        let first = app.get(path).await.expect(200);
        let etag = first.header("etag").unwrap_or_else(|| panic!("{path} has an ETag")).to_owned();
        let weak = format!("W/{etag}");
        not_modified(&get_with(&app, path, &[("if-none-match", &weak)]).await, path, &etag, "its ETag made weak");
        not_modified(&get_with(&app, path, &[("if-none-match", "*")]).await, path, &etag, "If-None-Match: *");
    }
}

on_both_backends!(
    public_reads_are_cacheable_and_conditional,
    feeds_and_the_sitemap_answer_conditional_requests,
    feeds_and_the_sitemap_carry_last_modified_like_every_public_get,
    feeds_and_the_sitemap_match_weak_and_star_if_none_match
);

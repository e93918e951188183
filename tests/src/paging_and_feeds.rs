//! Reading the news at scale: cursor pagination that stays correct while the newsroom keeps
//! publishing, sparse `fields=`, HTTP caching and compression, and the RSS, Atom and JSON
//! feeds and the sitemap, read with real feed and XML parsers.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, FixedOffset, Utc};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::values::{id_of, slug_of};
use crate::common::{on_both_backends, wait_until, Reply, TestApp};

const PUBLIC_URL: &str = "https://news.example.org";
const PUBLIC_CACHE_CONTROL: &str = "public, max-age=60, stale-while-revalidate=300";

/// The slugs of a list page, in order.
fn slugs(reply: &Reply) -> Vec<String> {
    reply.body["data"].as_array().unwrap_or_else(|| panic!("a list: {}", reply.text)).iter().map(slug_of).collect()
}

fn pagination(reply: &Reply) -> &Value {
    let pagination = &reply.body["meta"]["pagination"];
    assert!(pagination.is_object(), "meta.pagination in {}", reply.text);
    pagination
}

fn next_cursor(reply: &Reply) -> Option<String> {
    pagination(reply)["next_cursor"].as_str().map(str::to_owned)
}

fn prev_cursor(reply: &Reply) -> Option<String> {
    pagination(reply)["prev_cursor"].as_str().map(str::to_owned)
}

/// The public address of an article page.
fn article_url(slug: &str) -> String {
    format!("{PUBLIC_URL}/articles/{slug}")
}

/// The slug of an absolute article URL; fails when the URL is not one.
fn slug_in(url: &str) -> String {
    url.strip_prefix(&format!("{PUBLIC_URL}/articles/"))
        .unwrap_or_else(|| panic!("`{url}` is not an absolute article URL under {PUBLIC_URL}"))
        .to_owned()
}

fn owned(slugs: &[&String]) -> Vec<String> {
    slugs.iter().map(|s| (*s).clone()).collect()
}

/// A GET with extra request headers.
async fn get_with(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> Reply {
    app.send(Method::GET, path, None, None, headers).await
}

/// A cursor with the same signature but a forged position: the next page "starts" elsewhere.
fn forged(cursor: &str) -> String {
    let (data, signature) = cursor.split_once('.').unwrap_or_else(|| panic!("a signed cursor: {cursor}"));
    let payload = URL_SAFE_NO_PAD.decode(data).unwrap_or_else(|e| panic!("base64 cursor payload ({e}): {cursor}"));
    let mut payload: Value =
        serde_json::from_slice(&payload).unwrap_or_else(|e| panic!("a JSON cursor payload ({e}): {cursor}"));
    let shown = payload.to_string();
    let object = payload.as_object_mut().unwrap_or_else(|| panic!("a cursor payload object: {shown}"));
    // Move the position a long way back, and walk the other way, whatever the payload's shape.
    for (key, value) in object.iter_mut() {
        match value {
            Value::Number(n) if n.is_i64() => *value = json!(n.as_i64().unwrap_or(0) - 86_400_000_000),
            Value::Bool(b) => *value = json!(!*b),
            Value::String(s) if key != "l" => s.push('0'),
            _ => {}
        }
    }
    let forged = serde_json::to_vec(&payload).unwrap_or_default();
    format!("{}.{signature}", URL_SAFE_NO_PAD.encode(forged))
}

/// The same cursor with one character of its signature changed.
fn resigned(cursor: &str) -> String {
    let (data, signature) = cursor.split_once('.').unwrap_or_else(|| panic!("a signed cursor: {cursor}"));
    let mut signature: Vec<char> = signature.chars().collect();
    signature[0] = if signature[0] == 'A' { 'B' } else { 'A' };
    format!("{data}.{}", signature.into_iter().collect::<String>())
}

/// Asserts a 400 problem for a cursor that is not this list's.
#[track_caller]
fn refused(reply: Reply, what: &str) {
    assert_eq!(reply.status.as_u16(), 400, "{what}: expected 400, got {}: {}", reply.status, reply.text);
    reply.expect_problem(400);
}

// ---------------------------------------------------------------------------------------------
// Cursor pagination

async fn cursors_walk_the_public_list_exactly_once_while_articles_are_published(app: TestApp) {
    app.seed_taxonomy().await;
    // Eight published articles, alternately tagged; `existing` ends newest first.
    let mut existing = Vec::new();
    for i in 1..=8 {
        let tag = if i % 2 == 0 { "water" } else { "coast" };
        existing.push(slug_of(&app.published(json!({"title": format!("Walked story {i}"), "tags": [tag]})).await));
    }
    existing.reverse();
    // A draft is never listed publicly.
    app.draft(&app.admin, json!({"title": "Walked draft"})).await;
    let mut fresh = Vec::new();

    let first = app.get("/v1/articles?limit=3").await.expect(200);
    assert_eq!(slugs(&first), existing[0..3], "the first page, newest first");
    let p = pagination(&first);
    assert_eq!(
        (p["page"].clone(), p["limit"].clone(), p["total"].clone(), p["pages"].clone()),
        (json!(1), json!(3), json!(8), json!(3)),
        "{p}"
    );
    assert!(p["prev_cursor"].is_null() && p["prev_url"].is_null(), "nothing before the first page: {p}");
    assert!(p["next"].is_null() && p["prev"].is_null(), "page numbers only when paging by page=: {p}");
    let cursor = next_cursor(&first).unwrap_or_else(|| panic!("a next cursor on the first page: {p}"));
    let next_url = p["next_url"].as_str().unwrap_or_else(|| panic!("a next link on the first page: {p}")).to_owned();
    assert!(next_url.starts_with("/v1/articles?"), "{next_url}");
    assert!(next_url.contains(&format!("cursor={cursor}")), "the next link is a cursor link: {next_url}");
    assert!(next_url.contains("limit=3") && !next_url.contains("page="), "{next_url}");

    // Walk forward by the links and cursors, publishing a new story after every page.
    let breaking = |n: usize| json!({"title": format!("Breaking story {n}")});
    fresh.push(slug_of(&app.published(breaking(1)).await));
    let mut pages = vec![slugs(&first)];
    let mut reply = first;
    let mut follow = Some(next_url);
    while let Some(path) = follow.take() {
        reply = app.get(&path).await.expect(200);
        let p = pagination(&reply);
        assert!(p["page"].is_null(), "no page number when paging by cursor: {p}");
        assert!(p["next"].is_null() && p["prev"].is_null(), "no page numbers when paging by cursor: {p}");
        assert_eq!(p["limit"], 3, "{p}");
        assert_eq!(p["total"], 8 + fresh.len(), "the total counts what is published now: {p}");
        assert!(prev_cursor(&reply).is_some(), "a page after the first has a previous page: {p}");
        pages.push(slugs(&reply));
        assert!(pages.len() <= 4, "the walk does not end: {pages:?}");
        follow = next_cursor(&reply).map(|c| format!("/v1/articles?limit=3&cursor={c}"));
        fresh.push(slug_of(&app.published(breaking(fresh.len() + 1)).await));
    }
    assert_eq!(fresh.len(), 3, "one story published after each of the three pages");
    let walked: Vec<String> = pages.concat();
    assert_eq!(walked, existing, "every article that existed at the start, once, newest first; pages {pages:?}");
    assert_eq!(pages, [&existing[0..3], &existing[3..6], &existing[6..8]], "three pages");
    let last = pagination(&reply);
    assert!(last["next_cursor"].is_null() && last["next_url"].is_null(), "nothing after the last page: {last}");

    // Back from the last page: the page before it, and from there both ways again.
    let back = prev_cursor(&reply).unwrap_or_else(|| panic!("a previous cursor on the last page: {last}"));
    let prev_url = last["prev_url"].as_str().unwrap_or_else(|| panic!("a previous link on the last page: {last}"));
    assert!(prev_url.contains(&format!("cursor={back}")), "the previous link is a cursor link: {prev_url}");
    let middle = app.get(&format!("/v1/articles?limit=3&cursor={back}")).await.expect(200);
    assert_eq!(slugs(&middle), existing[3..6], "the previous page of the last one, newest first");
    assert_eq!(slugs(&app.get(prev_url).await.expect(200)), existing[3..6], "the previous link gives the same page");
    let forward = next_cursor(&middle).unwrap_or_else(|| panic!("a next cursor: {}", middle.text));
    assert_eq!(slugs(&app.get(&format!("/v1/articles?limit=3&cursor={forward}")).await.expect(200)), existing[6..8]);
    let back = prev_cursor(&middle).unwrap_or_else(|| panic!("a previous cursor: {}", middle.text));
    let top = app.get(&format!("/v1/articles?limit=3&cursor={back}")).await.expect(200);
    assert_eq!(slugs(&top), existing[0..3], "the first page of those that existed at the start");
    // Before it now lie the stories published during the walk, newest first, and nothing more.
    let back = prev_cursor(&top).unwrap_or_else(|| panic!("stories were published before this page: {}", top.text));
    let newest = app.get(&format!("/v1/articles?limit=3&cursor={back}")).await.expect(200);
    let mut expected_newest = fresh.clone();
    expected_newest.reverse();
    assert_eq!(slugs(&newest), expected_newest, "the stories published during the walk, newest first");
    assert!(prev_cursor(&newest).is_none(), "nothing is newer: {}", newest.text);
    let forward = next_cursor(&newest).unwrap_or_else(|| panic!("a next cursor: {}", newest.text));
    assert_eq!(slugs(&app.get(&format!("/v1/articles?limit=3&cursor={forward}")).await.expect(200)), existing[0..3]);

    // Numbered pages still work, with page links, and their cursors continue from them.
    let all: Vec<String> = expected_newest.iter().chain(&existing).cloned().collect();
    let second = app.get("/v1/articles?limit=3&page=2").await.expect(200);
    assert_eq!(slugs(&second), all[3..6], "page 2 by offset");
    let p = pagination(&second);
    assert_eq!((p["page"].clone(), p["next"].clone(), p["prev"].clone()), (json!(2), json!(3), json!(1)), "{p}");
    assert_eq!((p["total"].clone(), p["pages"].clone()), (json!(11), json!(4)), "{p}");
    let next_url = p["next_url"].as_str().unwrap_or_else(|| panic!("a next link: {p}"));
    assert!(next_url.contains("page=3") && !next_url.contains("cursor="), "page links when paging by page=: {p}");
    let prev_url = p["prev_url"].as_str().unwrap_or_else(|| panic!("a previous link: {p}"));
    assert!(prev_url.contains("page=1") && !prev_url.contains("cursor="), "page links when paging by page=: {p}");
    assert_eq!(slugs(&app.get(next_url).await.expect(200)), all[6..9], "the next page link");
    let cursor = next_cursor(&second).unwrap_or_else(|| panic!("a next cursor on page 2: {p}"));
    let back = prev_cursor(&second).unwrap_or_else(|| panic!("a previous cursor on page 2: {p}"));
    // One more story shifts the numbered pages, but not the cursors.
    let latest = slug_of(&app.published(json!({"title": "Breaking story after page two"})).await);
    assert_eq!(slugs(&app.get("/v1/articles?limit=3&page=3").await.expect(200))[0], all[5], "numbered pages shift");
    let third = app.get(&format!("/v1/articles?limit=3&cursor={cursor}")).await.expect(200);
    assert_eq!(slugs(&third), all[6..9], "page 2's next cursor continues right after page 2");
    assert!(pagination(&third)["page"].is_null(), "{}", third.text);
    let before = app.get(&format!("/v1/articles?limit=3&cursor={back}")).await.expect(200);
    assert_eq!(slugs(&before), all[0..3], "page 2's previous cursor gives what was page 1");
    assert!(!slugs(&before).contains(&latest), "{}", before.text);

    // Cursors cannot be forged, nor used on another list.
    for (what, bad) in [
        ("a forged position", forged(&cursor)),
        ("a changed signature", resigned(&cursor)),
        ("no signature", cursor.split('.').next().unwrap_or_default().to_owned()),
        ("not a cursor", "not-a-cursor".to_owned()),
    ] {
        refused(app.get(&format!("/v1/articles?limit=3&cursor={bad}")).await, what);
    }
    let water = app.get("/v1/articles?tag=water&limit=2").await.expect(200);
    // Stories 8, 6, 4 and 2 carry `water`: every other one, starting from the newest.
    let water_slugs: Vec<String> = existing.iter().step_by(2).cloned().collect();
    assert_eq!(slugs(&water), water_slugs[0..2], "tag=water, newest first");
    let water_cursor = next_cursor(&water).unwrap_or_else(|| panic!("a next cursor for tag=water: {}", water.text));
    let next_url = pagination(&water)["next_url"].as_str().unwrap_or_default().to_owned();
    assert!(next_url.contains("tag=water"), "the next link keeps the filters: {next_url}");
    let rest = app.get(&next_url).await.expect(200);
    assert_eq!(slugs(&rest), water_slugs[2..4], "tag=water continues by cursor");
    for (what, path) in [
        ("tag=coast", format!("/v1/articles?tag=coast&limit=2&cursor={water_cursor}")),
        ("no tag", format!("/v1/articles?limit=2&cursor={water_cursor}")),
        ("another order", format!("/v1/articles?tag=water&sort=title&limit=2&cursor={water_cursor}")),
        ("a tag and a section", format!("/v1/articles?tag=water&section=news&limit=2&cursor={water_cursor}")),
    ] {
        refused(app.get(&path).await, &format!("a tag=water cursor on {what}"));
    }
    refused(
        app.admin_get(&format!("/v1/admin/articles?tag=water&limit=2&cursor={water_cursor}"), &app.admin).await,
        "a public cursor on the admin list",
    );
    // The same cursor still works where it belongs, and with another page size.
    let again = app.get(&format!("/v1/articles?tag=water&limit=1&cursor={water_cursor}")).await.expect(200);
    assert_eq!(slugs(&again), water_slugs[2..3]);
}

async fn cursors_walk_the_admin_drafts_exactly_once_while_drafts_are_written(app: TestApp) {
    let t = app.admin.clone();
    let mut drafts = Vec::new();
    for i in 1..=5 {
        drafts.push(slug_of(&app.draft(&t, json!({"title": format!("Draft number {i}")})).await));
        // Published articles are not drafts.
        if i % 2 == 0 {
            app.published(json!({"title": format!("Published number {i}")})).await;
        }
    }
    drafts.reverse();
    let mut written = Vec::new();

    let first = app.admin_get("/v1/admin/articles?status=draft&limit=2", &t).await.expect(200);
    assert_eq!(first.header("cache-control"), Some("no-store"), "admin lists are never cached");
    assert_eq!(pagination(&first)["total"], 5, "{}", first.text);
    let mut pages = vec![slugs(&first)];
    let mut reply = first;
    while let Some(cursor) = next_cursor(&reply) {
        written.push(slug_of(&app.draft(&t, json!({"title": format!("Late draft {}", written.len() + 1)})).await));
        let next_url = pagination(&reply)["next_url"].as_str().unwrap_or_default().to_owned();
        assert!(
            next_url.starts_with("/v1/admin/articles?")
                && next_url.contains("status=draft")
                && next_url.contains(&cursor),
            "a cursor link that keeps the filters: {next_url}"
        );
        reply =
            app.admin_get(&format!("/v1/admin/articles?status=draft&limit=2&cursor={cursor}"), &t).await.expect(200);
        assert!(pagination(&reply)["page"].is_null(), "{}", reply.text);
        pages.push(slugs(&reply));
        assert!(pages.len() <= 3, "the walk does not end: {pages:?}");
    }
    assert_eq!(pages.concat(), drafts, "every draft that existed at the start, once, newest first; pages {pages:?}");
    assert_eq!(pages, [&drafts[0..2], &drafts[2..4], &drafts[4..5]]);

    let back = prev_cursor(&reply).unwrap_or_else(|| panic!("a previous cursor on the last page: {}", reply.text));
    let middle = app.admin_get(&format!("/v1/admin/articles?status=draft&limit=2&cursor={back}"), &t).await.expect(200);
    assert_eq!(slugs(&middle), drafts[2..4], "the previous page of the last one");
    let back = prev_cursor(&middle).unwrap_or_else(|| panic!("a previous cursor: {}", middle.text));
    let top = app.admin_get(&format!("/v1/admin/articles?status=draft&limit=2&cursor={back}"), &t).await.expect(200);
    assert_eq!(slugs(&top), drafts[0..2]);
    let back = prev_cursor(&top).unwrap_or_else(|| panic!("drafts were written before this page: {}", top.text));
    let newest = app.admin_get(&format!("/v1/admin/articles?status=draft&limit=2&cursor={back}"), &t).await.expect(200);
    assert_eq!(slugs(&newest), [written[1].clone(), written[0].clone()], "the drafts written during the walk");

    // Numbered pages, and their cursors.
    let all: Vec<String> = written.iter().rev().chain(&drafts).cloned().collect();
    let second = app.admin_get("/v1/admin/articles?status=draft&limit=2&page=2", &t).await.expect(200);
    assert_eq!(slugs(&second), all[2..4]);
    assert_eq!(pagination(&second)["page"], 2, "{}", second.text);
    assert_eq!(pagination(&second)["next"], 3, "{}", second.text);
    let cursor = next_cursor(&second).unwrap_or_else(|| panic!("a next cursor on page 2: {}", second.text));
    let third =
        app.admin_get(&format!("/v1/admin/articles?status=draft&limit=2&cursor={cursor}"), &t).await.expect(200);
    assert_eq!(slugs(&third), all[4..6]);

    for (what, path) in [
        ("a forged position", format!("/v1/admin/articles?status=draft&limit=2&cursor={}", forged(&cursor))),
        ("a changed signature", format!("/v1/admin/articles?status=draft&limit=2&cursor={}", resigned(&cursor))),
        ("status=published", format!("/v1/admin/articles?status=published&limit=2&cursor={cursor}")),
        ("no status", format!("/v1/admin/articles?limit=2&cursor={cursor}")),
    ] {
        refused(app.admin_get(&path, &t).await, what);
    }
    refused(app.get(&format!("/v1/articles?limit=2&cursor={cursor}")).await, "an admin cursor on the public list");
}

// ---------------------------------------------------------------------------------------------
// fields=

fn keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> =
        value.as_object().unwrap_or_else(|| panic!("an object: {value}")).keys().cloned().collect();
    keys.sort();
    keys
}

async fn fields_keeps_only_the_named_top_level_fields(app: TestApp) {
    app.seed_taxonomy().await;
    let older = app
        .published(
            json!({"title": "Fields story one", "summary": "The first.", "body": "Some *body*.", "tags": ["water"]}),
        )
        .await;
    let newer = app.published(json!({"title": "Fields story two", "summary": "The second.", "tags": ["coast"]})).await;
    let draft =
        app.draft(&app.admin, json!({"title": "Fields draft", "summary": "Not yet.", "body": "Draft body."})).await;

    let list = app.get("/v1/articles?fields=slug,title").await.expect(200);
    let data = list.body["data"].as_array().unwrap_or_else(|| panic!("a list: {}", list.text));
    assert_eq!(data.len(), 2, "{}", list.text);
    for item in data {
        assert_eq!(keys(item), ["slug", "title"], "only the named fields: {item}");
    }
    assert_eq!(data[0], json!({"slug": slug_of(&newer), "title": "Fields story two"}));
    assert_eq!(pagination(&list)["total"], 2, "the envelope stays whole: {}", list.text);
    // Spaces around names are fine, and fields= composes with include= and with cursors.
    let list = app.get("/v1/articles?fields=slug,%20tags&include=tags&limit=1").await.expect(200);
    assert_eq!(keys(&list.body["data"][0]), ["slug", "tags"], "{}", list.text);
    assert_eq!(list.body["data"][0]["tags"][0]["slug"], "coast", "{}", list.text);
    let cursor = next_cursor(&list).unwrap_or_else(|| panic!("a next cursor: {}", list.text));
    let rest =
        app.get(&format!("/v1/articles?fields=slug,%20tags&include=tags&limit=1&cursor={cursor}")).await.expect(200);
    assert_eq!(rest.body["data"].as_array().map(Vec::len), Some(1), "{}", rest.text);
    assert_eq!(keys(&rest.body["data"][0]), ["slug", "tags"], "{}", rest.text);
    assert_eq!(rest.body["data"][0]["slug"], slug_of(&older).as_str(), "{}", rest.text);
    assert_eq!(rest.body["data"][0]["tags"][0]["slug"], "water", "{}", rest.text);
    let full = app.get("/v1/articles").await.expect(200);
    assert!(keys(&full.body["data"][0]).len() > 2, "without fields=, every field: {}", full.text);

    let path = format!("/v1/articles/{}", slug_of(&older));
    let one = app.get(&format!("{path}?fields=slug,title")).await.expect(200);
    assert_eq!(one.body, json!({"slug": slug_of(&older), "title": "Fields story one"}));
    let one = app.get(&format!("{path}?fields=title,body,published_at")).await.expect(200);
    assert_eq!(keys(&one.body), ["body", "published_at", "title"], "{}", one.text);
    assert_eq!(one.body["published_at"], older["published_at"]);
    assert!(one.body["body"]["html"].as_str().is_some_and(|h| h.contains("<em>body</em>")), "{}", one.text);
    let full = app.get(&path).await.expect(200);
    assert_ne!(full.header("etag"), app.get(&format!("{path}?fields=slug,title")).await.header("etag"));

    let link = app
        .send(Method::POST, &format!("/v1/admin/articles/{}/preview", id_of(&draft)), Some(&app.admin), None, &[])
        .await
        .expect(201);
    let preview = link.body["url"].as_str().unwrap_or_else(|| panic!("a preview url: {}", link.text)).to_owned();
    let shown = app.get(&format!("{preview}?fields=slug,title")).await.expect(200);
    assert_eq!(shown.body, json!({"slug": slug_of(&draft), "title": "Fields draft"}));
    assert_eq!(shown.header("cache-control"), Some("no-store"), "a preview is never cached");
    let shown = app.get(&format!("{preview}?fields=summary,status")).await.expect(200);
    assert_eq!(shown.body, json!({"summary": "Not yet.", "status": "draft"}));

    for path in ["/v1/articles".to_owned(), path.clone(), preview.clone()] {
        for fields in ["slug,nope", "password_hash", "title,Slug"] {
            let reply = app.get(&format!("{path}?fields={fields}")).await;
            let problem = reply.expect_problem(422);
            assert_eq!(Reply::fields(&problem), ["fields"], "{path}?fields={fields}: {problem}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Caching

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
    let paths = ["/v1/feed.rss", "/v1/feed.atom", "/v1/feed.json", "/v1/feed.rss?tag=water&limit=5", "/sitemap.xml"];
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

// ---------------------------------------------------------------------------------------------
// Feeds and the sitemap

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

/// The text of every element named `name` (local name), in document order.
fn texts_of(xml: &str, name: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut found, mut current) = (Vec::new(), None::<String>);
    loop {
        match reader.read_event().unwrap_or_else(|e| panic!("well-formed XML ({e}): {xml}")) {
            Event::Start(e) if e.local_name().as_ref() == name.as_bytes() => current = Some(String::new()),
            Event::Text(t) => {
                if let Some(text) = current.as_mut() {
                    text.push_str(&t.unescape().unwrap_or_else(|e| panic!("XML text ({e})")));
                }
            }
            Event::CData(t) => {
                if let Some(text) = current.as_mut() {
                    text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::End(e) if e.local_name().as_ref() == name.as_bytes() => {
                found.extend(current.take());
            }
            Event::Eof => return found,
            _ => {}
        }
    }
}

/// The slugs an RSS feed lists, in order, after validating it and checking every item.
async fn rss_slugs(app: &TestApp, query: &str, articles: &[Expected]) -> Vec<String> {
    use rss::validation::Validate;
    let path = format!("/v1/feed.rss{query}");
    let reply = app.get(&path).await.expect(200);
    assert!(
        reply.header("content-type").is_some_and(|t| t.starts_with("application/rss+xml")),
        "{path}: {:?}",
        reply.header("content-type")
    );
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
        assert_eq!(item.description(), Some(article.summary.as_str()), "{path}: {slug}");
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
    let reply = app.get(&path).await.expect(200);
    assert!(
        reply.header("content-type").is_some_and(|t| t.starts_with("application/atom+xml")),
        "{path}: {:?}",
        reply.header("content-type")
    );
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
    let reply = app.get(&path).await.expect(200);
    assert!(
        reply.header("content-type").is_some_and(|t| t.starts_with("application/feed+json")),
        "{path}: {:?}",
        reply.header("content-type")
    );
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
    for path in ["/v1/feed.rss", "/v1/feed.atom", "/v1/feed.json", "/v1/feed.rss?tag=water", "/sitemap.xml"] {
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

    // The sitemap: every published article, with absolute URLs and RFC 3339 dates.
    let reply = app.get("/sitemap.xml").await.expect(200);
    assert!(
        reply.header("content-type").is_some_and(|t| t.starts_with("application/xml")),
        "{:?}",
        reply.header("content-type")
    );
    let root = {
        let mut reader = quick_xml::Reader::from_str(&reply.text);
        loop {
            match reader.read_event().unwrap_or_else(|e| panic!("a well-formed sitemap ({e}): {}", reply.text)) {
                quick_xml::events::Event::Start(e) => break e.into_owned(),
                quick_xml::events::Event::Eof => panic!("an empty sitemap: {}", reply.text),
                _ => {}
            }
        }
    };
    assert_eq!(root.local_name().as_ref(), b"urlset", "{}", reply.text);
    let namespace = root.try_get_attribute("xmlns").ok().flatten().map(|a| a.value.into_owned());
    assert_eq!(namespace.as_deref(), Some(&b"http://www.sitemaps.org/schemas/sitemap/0.9"[..]), "{}", reply.text);
    let (locs, lastmods) = (texts_of(&reply.text, "loc"), texts_of(&reply.text, "lastmod"));
    assert_eq!(locs.len(), lastmods.len(), "every <url> has a <loc> and a <lastmod>: {}", reply.text);
    let mut listed: Vec<String> = locs.iter().map(|loc| slug_in(loc)).collect();
    listed.sort();
    let mut want = all.clone();
    want.sort();
    assert_eq!(listed, want, "every published article, once: {}", reply.text);
    for (loc, lastmod) in locs.iter().zip(&lastmods) {
        let at =
            DateTime::parse_from_rfc3339(lastmod).unwrap_or_else(|e| panic!("<lastmod> `{lastmod}` is RFC 3339 ({e})"));
        let article = articles.iter().find(|a| article_url(&a.slug) == *loc).unwrap_or_else(|| panic!("{loc}"));
        assert_eq!(at.timestamp(), article.updated_at.timestamp(), "{loc}: lastmod is its last change");
    }

    // A story published now leads every feed, and joins the sitemap.
    let latest = slug_of(&app.published(json!({"title": "Latest news", "summary": "Just in.", "body": "Now."})).await);
    articles.push(expected(&app, &latest).await);
    let want = owned(&[&latest, &ferry]);
    assert_eq!(rss_slugs(&app, "?limit=2", &articles).await, want);
    assert_eq!(atom_slugs(&app, "?limit=2", &articles).await, want);
    assert_eq!(json_feed_slugs(&app, "?limit=2", &articles).await, want);
    let sitemap = texts_of(&app.get("/sitemap.xml").await.expect(200).text, "loc");
    assert!(sitemap.contains(&article_url(&latest)), "{sitemap:?}");
    assert_eq!(sitemap.len(), 4, "{sitemap:?}");
}

on_both_backends!(
    cursors_walk_the_public_list_exactly_once_while_articles_are_published,
    cursors_walk_the_admin_drafts_exactly_once_while_drafts_are_written,
    fields_keeps_only_the_named_top_level_fields,
    public_reads_are_cacheable_and_conditional,
    feeds_and_the_sitemap_answer_conditional_requests,
    feeds_and_the_sitemap_carry_last_modified_like_every_public_get,
    feeds_and_the_sitemap_match_weak_and_star_if_none_match,
    feeds_list_the_newest_published_articles_with_absolute_links,
);

//! Long lists read page by page: cursors that visit every article exactly once while the
//! newsroom keeps writing, and sparse `fields=`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use reqwest::Method;
use serde_json::{json, Value};

use super::slugs;
use crate::common::values::{id_of, slug_of};
use crate::common::{on_both_backends, Reply, TestApp};

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

    // The editorial list honours fields= too, drafts included.
    let admin = app
        .send(Method::GET, "/v1/admin/articles?fields=slug,status&status=draft", Some(&app.admin), None, &[])
        .await
        .expect(200);
    assert_eq!(admin.body["data"], json!([{"slug": slug_of(&draft), "status": "draft"}]), "{}", admin.text);
    let bad = app.send(Method::GET, "/v1/admin/articles?fields=nope", Some(&app.admin), None, &[]).await;
    assert_eq!(Reply::fields(&bad.expect_problem(422)), ["fields"]);

    for path in ["/v1/articles".to_owned(), path.clone(), preview.clone()] {
        for fields in ["slug,nope", "password_hash", "title,Slug"] {
            let reply = app.get(&format!("{path}?fields={fields}")).await;
            let problem = reply.expect_problem(422);
            assert_eq!(Reply::fields(&problem), ["fields"], "{path}?fields={fields}: {problem}");
        }
    }
}

on_both_backends!(
    cursors_walk_the_public_list_exactly_once_while_articles_are_published,
    cursors_walk_the_admin_drafts_exactly_once_while_drafts_are_written,
    fields_keeps_only_the_named_top_level_fields
);

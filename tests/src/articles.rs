//! An editor's day: write a draft with its byline and relations, publish it, read it publicly.

use reqwest::Method;
use serde_json::json;

use crate::common::{on_both_backends, Reply, TestApp};

async fn an_editor_publishes_a_draft_and_the_public_sees_it(app: TestApp) {
    app.seed_taxonomy().await;
    let (_, editor) = app.user_with_role("editor").await;
    let draft = app
        .draft(
            &editor,
            json!({
                "title": "Delta towns vote on a shared water board",
                "summary": "Three towns pool their water rights.",
                "body": "The councils met on **Tuesday**.\n\nThey voted 7 to 2.",
                "section": "news",
                "source": "wire",
                "source_url": "https://example.org/wire/delta-vote",
                "authors": ["ben-byline", "ada-byline"],
                "tags": ["water", "coast"],
                "featured_image": {"url": "https://example.org/delta.jpg", "alt": "The delta at dawn"},
                "related": [{"url": "https://example.net/compact", "title": "The delta compact", "source_name": "Example Net"}]
            }),
        )
        .await;
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["slug"], "delta-towns-vote-on-a-shared-water-board");
    assert_eq!(draft["version"], 1);
    assert_eq!(draft["word_count"], 10);
    assert_eq!(
        draft["body"]["html"],
        "<p>The councils met on <strong>Tuesday</strong>.</p>\n<p>They voted 7 to 2.</p>\n"
    );
    let byline: Vec<_> = draft["authors"].as_array().unwrap().iter().map(|a| a["slug"].as_str().unwrap()).collect();
    assert_eq!(byline, ["ben-byline", "ada-byline"], "the byline keeps its order");

    // Private while a draft.
    app.get("/v1/articles/delta-towns-vote-on-a-shared-water-board").await.expect_problem(404);
    assert_eq!(app.get("/v1/articles").await.expect(200).body["meta"]["pagination"]["total"], 0);

    let id = draft["id"].as_str().unwrap();
    let published =
        app.send(Method::POST, &format!("/v1/admin/articles/{id}/publish"), Some(&editor), None, &[]).await.expect(200);
    assert_eq!(published.body["status"], "published");
    assert!(published.body["published_at"].is_string());

    let public = app.get("/v1/articles/delta-towns-vote-on-a-shared-water-board").await.expect(200);
    assert_eq!(public.body["section"]["slug"], "news");
    assert_eq!(public.body["source"]["short_name"], "TW");
    assert_eq!(public.body["authors"][0]["name"], "Ben Byline");
    assert!(public.body["authors"][0].get("email").is_none(), "author e-mail stays private");
    assert_eq!(public.body["related"][0]["type"], "external");
    assert!(public.body["body"]["html"].is_string());
    assert!(public.body["body"].get("markdown").is_none(), "html only by default");
    assert!(public.header("etag").is_some());
    assert!(public.header("cache-control").unwrap().starts_with("public"));

    let list = app.get("/v1/articles?include=authors,tags,source,section").await.expect(200);
    assert_eq!(list.body["meta"]["pagination"]["total"], 1);
    let card = &list.body["data"][0];
    assert_eq!(card["tags"].as_array().unwrap().len(), 2);
    assert!(card.get("body").is_none(), "cards carry no body unless asked");
}

async fn list_filters_sort_and_page(app: TestApp) {
    app.seed_taxonomy().await;
    for (i, tag) in ["water", "coast", "water"].iter().enumerate() {
        app.published(json!({"title": format!("Story {i}"), "tags": [tag], "authors": ["ada-byline"]})).await;
    }
    let by_tag = app.get("/v1/articles?tag=water").await.expect(200);
    assert_eq!(by_tag.body["meta"]["pagination"]["total"], 2);
    let newest: Vec<_> =
        app.get("/v1/articles").await.body["data"].as_array().unwrap().iter().map(|a| a["title"].clone()).collect();
    assert_eq!(newest, ["Story 2", "Story 1", "Story 0"]);
    let paged = app.get("/v1/articles?limit=2&page=2").await.expect(200);
    assert_eq!(paged.body["data"].as_array().unwrap().len(), 1);
    assert_eq!(paged.body["meta"]["pagination"]["pages"], 2);
    assert_eq!(paged.body["meta"]["pagination"]["prev"], 1);
    assert!(paged.body["meta"]["pagination"]["next"].is_null());
    assert_eq!(app.get("/v1/articles?author=ada-byline&sort=title").await.body["data"][0]["title"], "Story 0");
    assert_eq!(app.get("/v1/articles?section=nope").await.body["meta"]["pagination"]["total"], 0);
    let problem = app.get("/v1/articles?limit=0").await.expect_problem(422);
    assert_eq!(Reply::fields(&problem), ["limit"]);
    let problem = app.get("/v1/articles?limit=abc").await.expect_problem(422);
    assert_eq!(Reply::fields(&problem), ["limit"]);
    app.get("/v1/articles?include=bodies").await.expect_problem(422);
    app.get("/v1/articles?sort=random").await.expect_problem(422);
    app.get("/v1/articles?published_after=yesterday").await.expect_problem(422);
}

async fn a_repeated_get_with_the_etag_is_not_modified(app: TestApp) {
    app.published(json!({"title": "Cached story"})).await;
    let first = app.get("/v1/articles/cached-story").await.expect(200);
    let etag = first.header("etag").unwrap().to_owned();
    let again = app.send(Method::GET, "/v1/articles/cached-story", None, None, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status.as_u16(), 304);
    assert!(again.text.is_empty());
}

/// Each card carries its own section and source, whichever of the two it has, and an article
/// page shows both. PostgreSQL reads a page's labels in one statement (SQLite in two), and an
/// article's with its row on both.
async fn each_card_shows_its_own_section_and_source(app: TestApp) {
    app.seed_taxonomy().await;
    let admin = &app.admin;
    app.post("/v1/admin/sections", admin, json!({"slug": "opinion", "name": "Opinion"})).await.expect(201);
    app.post("/v1/admin/sources", admin, json!({"slug": "agency", "name": "Agency Desk"})).await.expect(201);
    for (title, section, source) in [
        ("Both labels", Some("news"), Some("wire")),
        ("Other labels", Some("opinion"), Some("agency")),
        ("Section only", Some("opinion"), None),
        ("Source only", None, Some("wire")),
        ("No labels", None, None),
    ] {
        app.published(json!({"title": title, "section": section, "source": source})).await;
    }
    // Asked for, a missing label is there as null.
    let label = |card: &serde_json::Value, kind: &str, field: &str| match card.get(kind) {
        Some(serde_json::Value::Null) => json!(null),
        Some(label) => label[field].clone(),
        None => panic!("no {kind} at all in {card}"),
    };
    let labels = |card: &serde_json::Value| {
        (card["title"].as_str().unwrap().to_owned(), label(card, "section", "slug"), label(card, "source", "name"))
    };
    let list = app.get("/v1/articles?include=section,source&sort=title").await.expect(200);
    let cards: Vec<_> = list.body["data"].as_array().unwrap().iter().map(labels).collect();
    assert_eq!(
        cards,
        [
            ("Both labels".to_owned(), json!("news"), json!("Test Wire")),
            ("No labels".to_owned(), json!(null), json!(null)),
            ("Other labels".to_owned(), json!("opinion"), json!("Agency Desk")),
            ("Section only".to_owned(), json!("opinion"), json!(null)),
            ("Source only".to_owned(), json!(null), json!("Test Wire")),
        ]
    );
    let wire = &list.body["data"][0]["source"];
    assert_eq!((&wire["short_name"], &wire["homepage_url"]), (&json!("TW"), &json!("https://example.org/wire")));
    let only_sources = app.get("/v1/articles?include=source&sort=title&limit=1").await.expect(200);
    assert_eq!(only_sources.body["data"][0]["source"]["short_name"], "TW");
    assert!(only_sources.body["data"][0].get("section").is_none(), "a section only when asked for");
    let page = app.get("/v1/articles/both-labels").await.expect(200);
    assert_eq!(page.body["section"]["name"], "News");
    let wire = &page.body["source"];
    assert_eq!((&wire["short_name"], &wire["homepage_url"]), (&json!("TW"), &json!("https://example.org/wire")));
    let other = app.get("/v1/articles/other-labels").await.expect(200);
    let other_labels = (label(&other.body, "section", "slug"), label(&other.body, "source", "slug"));
    assert_eq!(other_labels, (json!("opinion"), json!("agency")));
    let bare = app.get("/v1/articles/no-labels").await.expect(200);
    assert_eq!((label(&bare.body, "section", "slug"), label(&bare.body, "source", "slug")), (json!(null), json!(null)));
}

on_both_backends!(
    each_card_shows_its_own_section_and_source,
    an_editor_publishes_a_draft_and_the_public_sees_it,
    list_filters_sort_and_page,
    a_repeated_get_with_the_etag_is_not_modified,
);

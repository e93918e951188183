//! Authors, sources, sections and tags: their whole life through the admin API, and what the
//! public sees of them.

use reqwest::Method;
use serde_json::{json, Map, Value};

use crate::common::{on_both_backends, TestApp};

/// The four taxonomy resources, by their path segment.
const KINDS: [&str; 4] = ["authors", "sources", "sections", "tags"];

/// `{field: value}` with a field name known only at run time.
fn object(field: &str, value: Value) -> Value {
    let mut map = Map::new();
    map.insert(field.to_owned(), value);
    Value::Object(map)
}

/// The ids of a list's entries, in order.
fn slugs(list: &Value) -> Vec<String> {
    list["data"].as_array().expect("a list").iter().map(|e| e["slug"].as_str().expect("slug").to_owned()).collect()
}

/// One resource from creation to deletion: `create` must set `nullable` to a non-null value.
async fn lives_and_dies(app: &TestApp, kind: &str, create: Value, nullable: &str) {
    let admin = format!("/v1/admin/{kind}");
    let created = app.post(&admin, &app.admin, create.clone()).await.expect(201);
    let id = created.body["id"].as_str().expect("id").to_owned();
    let item = format!("{admin}/{id}");
    assert_eq!(created.header("location"), Some(item.as_str()), "{kind}: Location points at the new resource");
    assert_eq!(created.header("etag"), Some("\"1\""), "{kind}");
    assert_eq!(created.body["version"], 1, "{kind}");
    assert_eq!(created.body["name"], create["name"], "{kind}");
    assert_eq!(created.body["slug"], create["slug"], "{kind}");
    assert_eq!(created.body[nullable], create[nullable], "{kind}");
    assert!(created.body.get("article_count").is_none(), "{kind}: counts are for the public view");
    let slug = create["slug"].as_str().expect("the story gives a slug");

    // Read it back, then conditionally.
    let fetched = app.admin_get(&item, &app.admin).await.expect(200);
    assert_eq!(fetched.header("etag"), Some("\"1\""), "{kind}");
    assert_eq!(fetched.body["id"], id.as_str());
    assert_eq!(fetched.body[nullable], create[nullable], "{kind}");
    let unchanged = app.send(Method::GET, &item, Some(&app.admin), None, &[("if-none-match", "\"1\"")]).await;
    assert_eq!(unchanged.status.as_u16(), 304, "{kind}: If-None-Match with the current ETag; body {}", unchanged.text);
    assert!(unchanged.text.is_empty(), "{kind}: a 304 has no body");
    app.send(Method::GET, &item, Some(&app.admin), None, &[("if-none-match", "\"7\"")]).await.expect(200);

    // Rename: a new version, the slug (a public URL) stays.
    let renamed = app.patch(&item, &app.admin, json!({"name": "Renamed Entry"})).await.expect(200);
    assert_eq!(renamed.body["version"], 2, "{kind}");
    assert_eq!(renamed.header("etag"), Some("\"2\""), "{kind}");
    assert_eq!(renamed.body["name"], "Renamed Entry", "{kind}");
    assert_eq!(renamed.body["slug"], slug, "{kind}: renaming keeps the slug");
    assert_eq!(renamed.body[nullable], create[nullable], "{kind}: fields left out stay as they are");
    let stale = app.send(Method::GET, &item, Some(&app.admin), None, &[("if-none-match", "\"1\"")]).await.expect(200);
    assert_eq!(stale.header("etag"), Some("\"2\""), "{kind}: the old ETag no longer matches");

    // `null` clears a nullable field.
    let cleared = app.patch(&item, &app.admin, object(nullable, Value::Null)).await.expect(200);
    assert_eq!(cleared.body["version"], 3, "{kind}");
    assert!(cleared.body[nullable].is_null(), "{kind}: {nullable} cleared; body {}", cleared.text);
    assert_eq!(cleared.body["name"], "Renamed Entry", "{kind}");
    let reread = app.admin_get(&item, &app.admin).await.expect(200);
    assert!(reread.body[nullable].is_null(), "{kind}: the cleared {nullable} is stored");
    assert_eq!(reread.header("etag"), Some("\"3\""), "{kind}");

    // The public view, by slug, with a count.
    let public_item = format!("/v1/{kind}/{slug}");
    let public = app.get(&public_item).await.expect(200);
    assert_eq!(public.body["name"], "Renamed Entry", "{kind}");
    assert_eq!(public.body["article_count"], 0, "{kind}");
    assert!(public.body[nullable].is_null(), "{kind}");
    assert!(public.header("etag").is_some(), "{kind}: public responses carry an ETag");
    assert!(public.header("cache-control").is_some_and(|c| c.starts_with("public")), "{kind}");
    let etag = public.header("etag").unwrap().to_owned();
    let not_modified = app.send(Method::GET, &public_item, None, None, &[("if-none-match", &etag)]).await;
    assert_eq!(not_modified.status.as_u16(), 304, "{kind}");

    let list = app.get(&format!("/v1/{kind}")).await.expect(200);
    let pagination = &list.body["meta"]["pagination"];
    assert_eq!(pagination["total"], 1, "{kind}");
    assert_eq!(pagination["page"], 1, "{kind}");
    assert_eq!(pagination["limit"], 20, "{kind}");
    assert_eq!(pagination["pages"], 1, "{kind}");
    assert!(pagination["next"].is_null() && pagination["prev"].is_null(), "{kind}");
    assert_eq!(slugs(&list.body), [slug], "{kind}");
    assert_eq!(list.body["data"][0]["article_count"], 0, "{kind}");

    app.get(&format!("/v1/{kind}/no-such-{kind}")).await.expect_problem(404);

    // Delete, and it is gone everywhere.
    let deleted = app.delete(&item, &app.admin).await.expect(204);
    assert!(deleted.text.is_empty(), "{kind}: a 204 has no body");
    app.admin_get(&item, &app.admin).await.expect_problem(404);
    app.get(&public_item).await.expect_problem(404);
    assert_eq!(app.get(&format!("/v1/{kind}")).await.expect(200).body["meta"]["pagination"]["total"], 0, "{kind}");
    assert_eq!(app.admin_get(&admin, &app.admin).await.expect(200).body["meta"]["pagination"]["total"], 0, "{kind}");
    app.delete(&item, &app.admin).await.expect_problem(404);
    app.patch(&item, &app.admin, json!({"name": "Back from the dead"})).await.expect_problem(404);
}

async fn an_author_lives_and_dies(app: TestApp) {
    let create = json!({
        "slug": "mira-okafor",
        "name": "Mira Okafor",
        "email": "mira@example.org",
        "bio": "Covers water policy.",
        "avatar_url": "https://example.org/mira.jpg",
        "website": "https://example.org/mira"
    });
    lives_and_dies(&app, "authors", create, "bio").await;
}

async fn a_source_lives_and_dies(app: TestApp) {
    let create = json!({"slug": "meridian-press", "name": "Meridian Press Agency", "short_name": "MPA", "homepage_url": "https://example.org/mpa"});
    lives_and_dies(&app, "sources", create, "short_name").await;
}

async fn a_section_lives_and_dies(app: TestApp) {
    let create = json!({"slug": "analysis", "name": "Analysis", "description": "Context and explanation."});
    lives_and_dies(&app, "sections", create, "description").await;
}

async fn a_tag_lives_and_dies(app: TestApp) {
    let create = json!({"slug": "water", "name": "Water", "description": "Rivers, rain and rights."});
    lives_and_dies(&app, "tags", create, "description").await;
}

async fn other_nullable_fields_clear_too(app: TestApp) {
    let t = &app.admin;
    let author = app
        .post("/v1/admin/authors", t, json!({"name": "Ana Null", "email": "ana@example.org", "avatar_url": "https://example.org/a.jpg", "website": "https://example.org/ana"}))
        .await
        .expect(201);
    let id = author.body["id"].as_str().unwrap();
    let cleared = app
        .patch(&format!("/v1/admin/authors/{id}"), t, json!({"email": null, "avatar_url": null, "website": null}))
        .await
        .expect(200);
    for field in ["email", "avatar_url", "website"] {
        assert!(cleared.body[field].is_null(), "author {field}: {}", cleared.text);
    }
    let source = app
        .post("/v1/admin/sources", t, json!({"name": "Null Wire", "homepage_url": "https://example.org/nw"}))
        .await
        .expect(201);
    let id = source.body["id"].as_str().unwrap();
    let cleared = app.patch(&format!("/v1/admin/sources/{id}"), t, json!({"homepage_url": null})).await.expect(200);
    assert!(cleared.body["homepage_url"].is_null(), "{}", cleared.text);
    // An empty description is no description.
    let tag = app.post("/v1/admin/tags", t, json!({"name": "Blank", "description": "   "})).await.expect(201);
    assert!(tag.body["description"].is_null(), "{}", tag.text);
}

async fn an_author_email_stays_private(app: TestApp) {
    let t = &app.admin;
    let created =
        app.post("/v1/admin/authors", t, json!({"name": "Ada Byline", "email": "Ada@Example.org"})).await.expect(201);
    assert_eq!(created.body["email"], "ada@example.org", "admin view has the (normalised) e-mail");
    let id = created.body["id"].as_str().unwrap();
    assert_eq!(app.admin_get(&format!("/v1/admin/authors/{id}"), t).await.expect(200).body["email"], "ada@example.org");
    assert_eq!(app.admin_get("/v1/admin/authors", t).await.expect(200).body["data"][0]["email"], "ada@example.org");

    let public = app.get("/v1/authors/ada-byline").await.expect(200);
    assert!(public.body.get("email").is_none(), "public author: {}", public.text);
    assert!(!public.text.contains("ada@example.org"));
    let list = app.get("/v1/authors").await.expect(200);
    assert_eq!(list.body["data"][0]["slug"], "ada-byline");
    assert!(list.body["data"][0].get("email").is_none(), "public author list: {}", list.text);
    assert!(!list.text.contains("ada@example.org"));

    // Nor on an article's byline.
    app.published(json!({"title": "Bylined", "authors": ["ada-byline"]})).await;
    let article = app.get("/v1/articles/bylined").await.expect(200);
    assert_eq!(article.body["authors"][0]["slug"], "ada-byline");
    assert!(!article.text.contains("ada@example.org"), "article byline: {}", article.text);
    let cards = app.get("/v1/articles?include=authors").await.expect(200);
    assert!(!cards.text.contains("ada@example.org"), "article cards: {}", cards.text);
}

async fn a_slug_is_derived_from_the_name(app: TestApp) {
    for kind in KINDS {
        let created =
            app.post(&format!("/v1/admin/{kind}"), &app.admin, json!({"name": "  Élan Vital  "})).await.expect(201);
        assert_eq!(created.body["slug"], "elan-vital", "{kind}");
        assert_eq!(created.body["name"], "Élan Vital", "{kind}: the name is trimmed");
        let public = app.get(&format!("/v1/{kind}/elan-vital")).await.expect(200);
        assert_eq!(public.body["name"], "Élan Vital", "{kind}");
    }
}

async fn a_new_slug_moves_the_public_url(app: TestApp) {
    for kind in KINDS {
        let created = app.post(&format!("/v1/admin/{kind}"), &app.admin, json!({"name": "Old Name"})).await.expect(201);
        let id = created.body["id"].as_str().unwrap();
        let moved =
            app.patch(&format!("/v1/admin/{kind}/{id}"), &app.admin, json!({"slug": "new-name"})).await.expect(200);
        assert_eq!(moved.body["slug"], "new-name", "{kind}");
        app.get(&format!("/v1/{kind}/old-name")).await.expect_problem(404);
        app.get(&format!("/v1/{kind}/new-name")).await.expect(200);
    }
}

async fn lists_page_in_name_order(app: TestApp) {
    for kind in KINDS {
        for name in ["Charlie", "Alpha", "Bravo"] {
            app.post(&format!("/v1/admin/{kind}"), &app.admin, json!({"name": name})).await.expect(201);
        }
        let first = app.get(&format!("/v1/{kind}?limit=2")).await.expect(200);
        assert_eq!(slugs(&first.body), ["alpha", "bravo"], "{kind}");
        let pagination = &first.body["meta"]["pagination"];
        assert_eq!(pagination["total"], 3, "{kind}");
        assert_eq!(pagination["pages"], 2, "{kind}");
        assert_eq!(pagination["limit"], 2, "{kind}");
        assert_eq!(pagination["next"], 2, "{kind}");
        assert!(pagination["prev"].is_null(), "{kind}");
        assert_eq!(pagination["next_url"], format!("/v1/{kind}?page=2&limit=2"), "{kind}");

        let second = app.get(&format!("/v1/{kind}?limit=2&page=2")).await.expect(200);
        assert_eq!(slugs(&second.body), ["charlie"], "{kind}");
        let pagination = &second.body["meta"]["pagination"];
        assert_eq!(pagination["prev"], 1, "{kind}");
        assert!(pagination["next"].is_null(), "{kind}");
        assert_eq!(pagination["prev_url"], format!("/v1/{kind}?page=1&limit=2"), "{kind}");

        let beyond = app.get(&format!("/v1/{kind}?limit=2&page=3")).await.expect(200);
        assert_eq!(slugs(&beyond.body), Vec::<String>::new(), "{kind}: past the end is an empty page");
        assert_eq!(beyond.body["meta"]["pagination"]["total"], 3, "{kind}");

        let admin = app.admin_get(&format!("/v1/admin/{kind}?limit=2&page=2"), &app.admin).await.expect(200);
        assert_eq!(slugs(&admin.body), ["charlie"], "{kind}: admin list");
        assert_eq!(admin.body["meta"]["pagination"]["total"], 3, "{kind}");
    }
}

async fn public_counts_follow_published_articles(app: TestApp) {
    app.seed_taxonomy().await;
    app.published(
        json!({"title": "Counted", "authors": ["ada-byline"], "tags": ["water"], "section": "news", "source": "wire"}),
    )
    .await;
    app.published(json!({"title": "Counted again", "authors": ["ada-byline", "ben-byline"], "tags": ["water", "coast"], "section": "news", "source": "wire"}))
        .await;
    for (path, count) in [
        ("/v1/authors/ada-byline", 2),
        ("/v1/authors/ben-byline", 1),
        ("/v1/tags/water", 2),
        ("/v1/tags/coast", 1),
        ("/v1/sections/news", 2),
        ("/v1/sources/wire", 2),
    ] {
        assert_eq!(app.get(path).await.expect(200).body["article_count"], count, "{path}");
    }
    let tags = app.get("/v1/tags").await.expect(200);
    let counts: Vec<_> =
        tags.body["data"].as_array().unwrap().iter().map(|t| (t["slug"].clone(), t["article_count"].clone())).collect();
    assert_eq!(counts, [(json!("coast"), json!(1)), (json!("water"), json!(2))]);
}

async fn deleting_an_author_takes_it_off_the_byline(app: TestApp) {
    app.seed_taxonomy().await;
    let article = app.published(json!({"title": "Two bylines", "authors": ["ada-byline", "ben-byline"]})).await;
    let article_id = article["id"].as_str().unwrap();
    let ada = app.admin_get("/v1/admin/authors", &app.admin).await.expect(200).body["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["slug"] == "ada-byline")
        .expect("ada is listed")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.delete(&format!("/v1/admin/authors/{ada}"), &app.admin).await.expect(204);

    let byline = |v: &Value| -> Vec<String> {
        v["authors"].as_array().unwrap().iter().map(|a| a["slug"].as_str().unwrap().to_owned()).collect()
    };
    let admin = app.admin_get(&format!("/v1/admin/articles/{article_id}"), &app.admin).await.expect(200);
    assert_eq!(byline(&admin.body), ["ben-byline"]);
    let public = app.get("/v1/articles/two-bylines").await.expect(200);
    assert_eq!(byline(&public.body), ["ben-byline"], "the article itself stays published");
    assert_eq!(app.get("/v1/articles?author=ada-byline").await.expect(200).body["meta"]["pagination"]["total"], 0);
    assert_eq!(app.get("/v1/articles?author=ben-byline").await.expect(200).body["meta"]["pagination"]["total"], 1);
    app.get("/v1/authors/ada-byline").await.expect_problem(404);
}

async fn deleting_a_label_or_source_keeps_the_article(app: TestApp) {
    app.seed_taxonomy().await;
    let article = app
        .published(json!({"title": "Labelled", "tags": ["water", "coast"], "section": "news", "source": "wire"}))
        .await;
    let article_id = article["id"].as_str().unwrap();
    for (kind, slug) in [("sections", "news"), ("sources", "wire"), ("tags", "water")] {
        let list = app.admin_get(&format!("/v1/admin/{kind}"), &app.admin).await.expect(200);
        let id = list.body["data"].as_array().unwrap().iter().find(|e| e["slug"] == slug).expect("listed")["id"]
            .as_str()
            .unwrap()
            .to_owned();
        app.delete(&format!("/v1/admin/{kind}/{id}"), &app.admin).await.expect(204);
    }
    let admin = app.admin_get(&format!("/v1/admin/articles/{article_id}"), &app.admin).await.expect(200);
    assert!(admin.body["section"].is_null(), "{}", admin.text);
    assert!(admin.body["source"].is_null(), "{}", admin.text);
    let tags: Vec<_> = admin.body["tags"].as_array().unwrap().iter().map(|t| t["slug"].clone()).collect();
    assert_eq!(tags, [json!("coast")]);
    let public = app.get("/v1/articles/labelled").await.expect(200);
    assert_eq!(public.body["status"], "published");
    assert!(public.body["section"].is_null() && public.body["source"].is_null());
}

async fn only_editors_and_admins_manage_taxonomy(app: TestApp) {
    let (_, author) = app.user_with_role("author").await;
    let (_, editor) = app.user_with_role("editor").await;
    for kind in KINDS {
        let path = format!("/v1/admin/{kind}");
        app.post(&path, &author, json!({"name": "Not Yours"})).await.expect_problem(403);
        let created = app.post(&path, &editor, json!({"name": "Editors Pick"})).await.expect(201);
        let item = format!("{path}/{}", created.body["id"].as_str().unwrap());
        app.patch(&item, &author, json!({"name": "Hijacked"})).await.expect_problem(403);
        app.delete(&item, &author).await.expect_problem(403);
        assert_eq!(app.admin_get(&item, &editor).await.expect(200).body["name"], "Editors Pick");
        app.send(Method::POST, &path, None, Some(json!({"name": "Anonymous"})), &[]).await.expect_problem(401);
        let problem = app.delete(&item, &editor).await;
        assert_eq!(problem.status.as_u16(), 204, "{kind}: {}", problem.text);
    }
}

on_both_backends!(
    an_author_lives_and_dies,
    a_source_lives_and_dies,
    a_section_lives_and_dies,
    a_tag_lives_and_dies,
    other_nullable_fields_clear_too,
    an_author_email_stays_private,
    a_slug_is_derived_from_the_name,
    a_new_slug_moves_the_public_url,
    lists_page_in_name_order,
    public_counts_follow_published_articles,
    deleting_an_author_takes_it_off_the_byline,
    deleting_a_label_or_source_keeps_the_article,
    only_editors_and_admins_manage_taxonomy,
);

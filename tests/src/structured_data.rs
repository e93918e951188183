//! Structured data and social metadata: the public article's `structured_data` (schema.org
//! `NewsArticle`) and the reader page's `<head>`, read with a real HTML parser as a crawler
//! would, without running the page's script.
//!
//! Google's Article structured-data guide requires no property and recommends `author` (with
//! `name` and `url`), `dateModified`, `datePublished`, `headline` and `image`; these tests check
//! each of them, and the publisher, page, description and correction besides.

use scraper::{Html, Selector};
use serde_json::{json, Value};

use crate::common::values::{id_of, slug_of, time};
use crate::common::{on_both_backends, Reply, TestApp};

const BASE: &str = "https://news.example.org";
const LOGO: &str = "https://courier.example/logo.png";
const PICTURE: &str = "https://example.org/i/harbour.jpg";

/// The reader page of `slug` as served, parsed.
async fn page(app: &TestApp, slug: &str) -> Html {
    let reply = app.get(&format!("/articles/{slug}")).await.expect(200);
    assert_eq!(reply.header("content-type"), Some("text/html; charset=utf-8"));
    Html::parse_document(&reply.text)
}

fn select<'a>(html: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = Selector::parse(css).expect("a valid selector");
    html.select(&selector).collect()
}

/// The one element `css` selects.
fn one<'a>(html: &'a Html, css: &str) -> scraper::ElementRef<'a> {
    let found = select(html, css);
    assert_eq!(found.len(), 1, "exactly one `{css}` in {}", html.html());
    found[0]
}

/// The `content` of the one `<meta {attribute}="{name}">`, or none when there is no such tag.
fn meta(html: &Html, attribute: &str, name: &str) -> Option<String> {
    let found = select(html, &format!(r#"meta[{attribute}="{name}"]"#));
    assert!(found.len() <= 1, "at most one {name}");
    found.first().map(|m| m.value().attr("content").expect("content").to_owned())
}

/// The page's JSON-LD, parsed.
fn json_ld(html: &Html) -> Value {
    let script = one(html, r#"script[type="application/ld+json"]"#);
    let text: String = script.text().collect();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("the JSON-LD is JSON ({e}): {text}"))
}

/// A published story with a byline of two, a section, a summary and a featured image.
async fn a_story(app: &TestApp, title: &str) -> Value {
    app.seed_taxonomy().await;
    app.published(json!({
        "title": title,
        "summary": "Dredging starts in spring.",
        "body": "The **board** voted on Tuesday.",
        "section": "news", "authors": ["ada-byline", "ben-byline"],
        "featured_image": {"url": PICTURE, "alt": "Cranes at the quay"},
    }))
    .await
}

async fn public(app: &TestApp, slug: &str) -> Value {
    app.get(&format!("/v1/articles/{slug}")).await.expect(200).body
}

async fn the_page_carries_every_property_google_recommends(app: TestApp) {
    let story = a_story(&app, "Harbour board agrees on dredging").await;
    let slug = slug_of(&story);
    let article = public(&app, &slug).await;
    let data = json_ld(&page(&app, &slug).await);
    // The page's JSON-LD is the public article's `structured_data`, as a frontend would copy it.
    assert_eq!(data, article["structured_data"]);
    assert_eq!(data["@context"], "https://schema.org");
    assert_eq!(data["@type"], "NewsArticle");
    assert_eq!(data["headline"], "Harbour board agrees on dredging");
    assert_eq!(data["image"], json!([PICTURE]));
    assert_eq!(time(&data["datePublished"]), time(&article["published_at"]));
    assert_eq!(time(&data["dateModified"]), time(&article["updated_at"]));
    assert_eq!(
        data["author"],
        json!([
            {"@type": "Person", "name": "Ada Byline", "url": format!("{BASE}/v1/authors/ada-byline")},
            {"@type": "Person", "name": "Ben Byline", "url": format!("{BASE}/v1/authors/ben-byline")},
        ])
    );
    // Each author's URL is a public page that answers.
    app.get("/v1/authors/ada-byline").await.expect(200);
    assert_eq!(data["publisher"]["@type"], "Organization");
    assert_eq!(data["publisher"]["name"], "The Example Courier");
    assert_eq!(data["publisher"]["logo"], json!({"@type": "ImageObject", "url": LOGO}));
    assert_eq!(data["isAccessibleForFree"], true);
    let own_page = format!("{BASE}/articles/{slug}");
    assert_eq!(data["mainEntityOfPage"], json!({"@type": "WebPage", "@id": own_page}));
    assert_eq!(data["url"], own_page.as_str());
    assert_eq!(data["description"], "Dredging starts in spring.");
    assert_eq!(data["articleSection"], "News");
    assert!(data.get("correction").is_none(), "no correction yet: {data}");
    // Lists carry no structured data: it is for the article's own page.
    let list = app.get("/v1/articles").await.expect(200).body;
    assert!(list["data"].as_array().is_some_and(|items| items.iter().all(|a| a.get("structured_data").is_none())));
}

async fn the_open_graph_and_twitter_tags_fall_back_to_the_article(app: TestApp) {
    let story = a_story(&app, "Harbour board agrees on dredging").await;
    let slug = slug_of(&story);
    let article = public(&app, &slug).await;
    assert!(article["meta_title"].is_null() && article["canonical_url"].is_null(), "{article}");
    let html = page(&app, &slug).await;
    let own_page = format!("{BASE}/articles/{slug}");
    assert_eq!(one(&html, "title").text().collect::<String>(), "Harbour board agrees on dredging");
    assert_eq!(one(&html, r#"link[rel="canonical"]"#).value().attr("href"), Some(own_page.as_str()));
    let expected = [
        ("name", "description", Some("Dredging starts in spring.")),
        ("property", "og:type", Some("article")),
        ("property", "og:title", Some("Harbour board agrees on dredging")),
        ("property", "og:description", Some("Dredging starts in spring.")),
        ("property", "og:url", Some(own_page.as_str())),
        ("property", "og:image", Some(PICTURE)),
        ("property", "og:site_name", Some("The Example Courier")),
        ("name", "twitter:card", Some("summary_large_image")),
        ("name", "twitter:title", Some("Harbour board agrees on dredging")),
        ("name", "twitter:description", Some("Dredging starts in spring.")),
        ("name", "twitter:image", Some(PICTURE)),
    ];
    for (attribute, name, content) in expected {
        assert_eq!(meta(&html, attribute, name).as_deref(), content, "{name}");
    }
    let published = meta(&html, "property", "article:published_time").expect("article:published_time");
    assert_eq!(time(&json!(published)), time(&article["published_at"]));
    let modified = meta(&html, "property", "article:modified_time").expect("article:modified_time");
    assert_eq!(time(&json!(modified)), time(&article["updated_at"]));
    // The page still loads its script and style, under the same policy.
    assert_eq!(one(&html, "script[src]").value().attr("src"), Some("/reader.js"));
    let reply = app.get(&format!("/articles/{slug}")).await;
    assert!(reply.header("content-security-policy").is_some_and(|p| p.contains("script-src 'self'")));
    assert!(reply.header("cache-control").is_some_and(|c| c.starts_with("public")));

    // Without an image: a small card, and no image anywhere.
    let plain = app.published(json!({"title": "Council meets", "body": "Briefly."})).await;
    let html = page(&app, &slug_of(&plain)).await;
    assert_eq!(meta(&html, "name", "twitter:card").as_deref(), Some("summary"));
    assert_eq!(meta(&html, "property", "og:image"), None);
    assert_eq!(meta(&html, "name", "twitter:image"), None);
    assert_eq!(meta(&html, "name", "description"), None);
    let data = json_ld(&html);
    assert!(data.get("image").is_none() && data.get("description").is_none(), "{data}");
    assert_eq!(data["author"], json!([]));
}

async fn the_seo_fields_override_the_fallbacks(app: TestApp) {
    let story = a_story(&app, "Harbour board agrees on dredging").await;
    let (id, slug) = (id_of(&story), slug_of(&story));
    let seo = json!({
        "meta_title": "Dredging approved: what it means for the harbour",
        "meta_description": "Everything about the spring dredging.",
        "social_image_url": "https://example.org/i/card.jpg",
        "canonical_url": "https://partner.example.net/story/dredging",
    });
    let edited = app.patch(&format!("/v1/admin/articles/{id}"), &app.admin, seo.clone()).await.expect(200).body;
    let article = public(&app, &slug).await;
    for field in ["meta_title", "meta_description", "social_image_url", "canonical_url"] {
        assert_eq!(edited[field], seo[field], "admin {field}");
        assert_eq!(article[field], seo[field], "public {field}");
    }
    let html = page(&app, &slug).await;
    assert_eq!(one(&html, "title").text().collect::<String>(), "Dredging approved: what it means for the harbour");
    assert_eq!(
        one(&html, r#"link[rel="canonical"]"#).value().attr("href"),
        Some("https://partner.example.net/story/dredging")
    );
    for (attribute, name, content) in [
        ("name", "description", "Everything about the spring dredging."),
        ("property", "og:title", "Dredging approved: what it means for the harbour"),
        ("property", "og:description", "Everything about the spring dredging."),
        ("property", "og:url", "https://partner.example.net/story/dredging"),
        ("property", "og:image", "https://example.org/i/card.jpg"),
        ("name", "twitter:image", "https://example.org/i/card.jpg"),
        ("name", "twitter:title", "Dredging approved: what it means for the harbour"),
    ] {
        assert_eq!(meta(&html, attribute, name).as_deref(), Some(content), "{name}");
    }
    let data = json_ld(&html);
    assert_eq!(data, article["structured_data"]);
    assert_eq!(data["headline"], "Dredging approved: what it means for the harbour");
    assert_eq!(data["description"], "Everything about the spring dredging.");
    assert_eq!(data["image"], json!(["https://example.org/i/card.jpg", PICTURE]));
    assert_eq!(data["url"], "https://partner.example.net/story/dredging");
    assert_eq!(data["mainEntityOfPage"]["@id"], "https://partner.example.net/story/dredging");

    // The revision keeps them; `null` clears one, and the fallback comes back.
    let revisions = app.admin_get(&format!("/v1/admin/articles/{id}/revisions"), &app.admin).await.expect(200).body;
    let newest = &revisions["data"][0];
    assert!(newest["changed_fields"].as_array().is_some_and(|f| f.contains(&json!("meta_title"))), "{newest}");
    let path = format!("/v1/admin/articles/{id}/revisions/{}", id_of(newest));
    let revision = app.admin_get(&path, &app.admin).await.expect(200).body;
    assert_eq!(revision["snapshot"]["canonical_url"], seo["canonical_url"]);
    app.patch(&format!("/v1/admin/articles/{id}"), &app.admin, json!({"meta_title": null})).await.expect(200);
    let data = json_ld(&page(&app, &slug).await);
    assert_eq!(data["headline"], "Harbour board agrees on dredging");
    // Restoring the revision brings the override back.
    let restore = format!("/v1/admin/articles/{id}/revisions/{}/restore", id_of(newest));
    let restored = app.send(reqwest::Method::POST, &restore, Some(&app.admin), None, &[]).await.expect(200).body;
    assert_eq!(restored["meta_title"], seo["meta_title"]);
    assert_eq!(json_ld(&page(&app, &slug).await)["headline"], seo["meta_title"]);

    // A long headline is cut to the 110 characters Google shows.
    let long = "Harbour board agrees on dredging after a long night of talks that ran well past the deadline set by the minister";
    assert!(long.chars().count() > 110);
    app.patch(&format!("/v1/admin/articles/{id}"), &app.admin, json!({"meta_title": long})).await.expect(200);
    let headline = json_ld(&page(&app, &slug).await)["headline"].as_str().unwrap_or_default().to_owned();
    assert!(headline.chars().count() <= 110 && headline.ends_with('…'), "{headline}");
    assert!(long.starts_with(headline.trim_end_matches('…')), "{headline}");
}

async fn nothing_in_a_title_breaks_out_of_the_page(app: TestApp) {
    let title = r#"Quote "this" </script><script>alert(1)</script> & 'that' <!--"#;
    let story = a_story(&app, title).await;
    let slug = slug_of(&story);
    let reply = app.get(&format!("/articles/{slug}")).await.expect(200);
    assert!(!reply.text.contains("<script>alert(1)"), "the title is escaped everywhere");
    let html = Html::parse_document(&reply.text);
    // The parser sees the page's two scripts and no third one.
    assert_eq!(select(&html, "script").len(), 2, "{}", reply.text);
    assert_eq!(json_ld(&html)["headline"], title);
    assert_eq!(one(&html, "title").text().collect::<String>(), title);
    for (attribute, name) in [("property", "og:title"), ("name", "twitter:title")] {
        assert_eq!(meta(&html, attribute, name).as_deref(), Some(title), "{name}");
    }
    // The same in SEO fields.
    let description = r#"</script>"><img src=x onerror=alert(1)>"#;
    let path = format!("/v1/admin/articles/{}", id_of(&story));
    app.patch(&path, &app.admin, json!({"meta_description": description})).await.expect(200);
    let html = page(&app, &slug).await;
    assert_eq!(select(&html, "script").len(), 2);
    assert!(select(&html, "img").iter().all(|i| i.value().attr("onerror").is_none()));
    assert_eq!(meta(&html, "name", "description").as_deref(), Some(description));
    assert_eq!(json_ld(&html)["description"], description);
}

async fn a_correction_appears_in_the_structured_data(app: TestApp) {
    let story = a_story(&app, "Harbour board agrees on dredging").await;
    let slug = slug_of(&story);
    let corrections = format!("/v1/admin/articles/{}/corrections", id_of(&story));
    let note = json!({"kind": "correction", "text": "An earlier version said *May*."});
    let article = app.post(&corrections, &app.admin, note).await.expect(201).body;
    let added = &article["corrections"][0];
    // A clarification is not a correction.
    let clarification = json!({"kind": "clarification", "text": "The board has nine members."});
    app.post(&corrections, &app.admin, clarification).await.expect(201);
    let data = json_ld(&page(&app, &slug).await);
    let listed = data["correction"].as_array().cloned().unwrap_or_default();
    assert_eq!(listed.len(), 1, "{data}");
    assert_eq!(listed[0]["@type"], "CorrectionComment");
    assert_eq!(listed[0]["text"], "An earlier version said May.");
    assert_eq!(time(&listed[0]["datePublished"]), time(&added["created_at"]));
    assert_eq!(public(&app, &slug).await["structured_data"], data);
}

async fn bad_seo_fields_are_refused_by_name(app: TestApp) {
    let bad = [
        ("meta_title", json!("two\nlines")),
        ("meta_title", json!("t".repeat(301))),
        ("meta_title", json!(" ")),
        ("meta_description", json!("d".repeat(501))),
        ("meta_description", json!("a\u{0007}bell")),
        ("social_image_url", json!("javascript:alert(1)")),
        ("social_image_url", json!("/relative.jpg")),
        ("canonical_url", json!("ftp://example.org/story")),
        ("canonical_url", json!(format!("https://example.org/{}", "p".repeat(2048)))),
    ];
    let draft = app.draft(&app.admin, json!({"title": "Fine"})).await;
    let path = format!("/v1/admin/articles/{}", id_of(&draft));
    for (field, value) in bad {
        let mut body = json!({"title": "Council meets"});
        body[field] = value.clone();
        let problem = app.post("/v1/admin/articles", &app.admin, body).await.expect_problem(422);
        assert_eq!(Reply::fields(&problem), [field], "create with {field} = {value}");
        let problem = app.patch(&path, &app.admin, json!({ field: value })).await.expect_problem(422);
        assert_eq!(Reply::fields(&problem), [field], "edit with {field} = {value}");
    }
    // A wrong type is a 422 too, never a 500.
    let problem = app.post("/v1/admin/articles", &app.admin, json!({"title": "x", "canonical_url": 7})).await;
    assert_eq!(problem.status.as_u16(), 422, "{}", problem.text);
}

async fn old_missing_and_retracted_slugs_keep_their_pages(app: TestApp) {
    let story = a_story(&app, "Harbour board agrees on dredging").await;
    let (id, old) = (id_of(&story), slug_of(&story));
    app.patch(&format!("/v1/admin/articles/{id}"), &app.admin, json!({"slug": "dredging-agreed"})).await.expect(200);
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("a client");
    let moved = client.get(format!("{}/articles/{old}", app.base)).send().await.expect("an answer");
    assert_eq!(moved.status().as_u16(), 301);
    let location = moved.headers().get("location").and_then(|l| l.to_str().ok());
    assert_eq!(location, Some("/articles/dredging-agreed"));
    // A slug that leads nowhere: the bare page, whose script says so.
    let missing = Html::parse_document(&app.get("/articles/no-such-story").await.expect(200).text);
    assert!(select(&missing, r#"script[type="application/ld+json"]"#).is_empty());
    assert_eq!(meta(&missing, "property", "og:title"), None);
    let retract = format!("/v1/admin/articles/{id}/retract");
    app.post(&retract, &app.admin, json!({"reason": "The figures were wrong."})).await.expect(200);
    let gone = app.get("/articles/dredging-agreed").await.expect(410);
    let html = Html::parse_document(&gone.text);
    assert!(select(&html, r#"script[type="application/ld+json"]"#).is_empty());
    assert!(gone.text.contains("The figures were wrong."));
}

/// A live blog is a `LiveBlogPosting`: its coverage times and its newest 20 entries (deleted
/// ones left out) as `BlogPosting`s, on the page as in the JSON, and fresh after each write.
async fn a_live_blog_is_a_live_blog_posting_with_its_newest_entries(app: TestApp) {
    let story = a_story(&app, "Harbour strike: live").await;
    let (id, slug) = (id_of(&story), slug_of(&story));
    let ada = app.get("/v1/authors/ada-byline").await.expect(200).body;
    let live = format!("/v1/admin/articles/{id}/live");
    app.send(reqwest::Method::PUT, &live, Some(&app.admin), Some(json!({"live": true})), &[]).await.expect(200);
    let entries = format!("/v1/admin/articles/{id}/entries");
    for i in 0..21 {
        app.post(&entries, &app.admin, json!({"body": format!("Update {i}")})).await.expect(201);
    }
    assert_eq!(json_ld(&page(&app, &slug).await)["liveBlogUpdate"][0]["headline"], "Update 20");
    let long = format!("{}\n\nThe second paragraph.", "Dockers walk out ".repeat(10).trim());
    let body = json!({"body": long, "author_id": id_of(&ada), "image": {"url": PICTURE}});
    app.post(&entries, &app.admin, body).await.expect(201);
    let gone = app.post(&entries, &app.admin, json!({"body": "Posted by mistake"})).await.expect(201).body;
    let path = format!("{entries}/{}", id_of(&gone));
    app.send(reqwest::Method::DELETE, &path, Some(&app.admin), None, &[("if-match", "*")]).await.expect(204);

    let article = public(&app, &slug).await;
    let data = json_ld(&page(&app, &slug).await);
    assert_eq!(data, article["structured_data"]);
    assert_eq!(data["@type"], "LiveBlogPosting");
    assert_eq!(data["headline"], "Harbour strike: live");
    assert_eq!(time(&data["coverageStartTime"]), time(&article["live"]["started_at"]));
    assert!(data.get("coverageEndTime").is_none(), "{data}");
    let updates = data["liveBlogUpdate"].as_array().expect("updates");
    assert_eq!(updates.len(), 20, "the newest 20: {data}");
    let newest = &updates[0];
    assert_eq!(newest["@type"], "BlogPosting");
    let headline = newest["headline"].as_str().expect("a headline");
    assert!(
        headline.chars().count() <= 110 && headline.ends_with('…') && headline.starts_with("Dockers"),
        "{headline}"
    );
    assert!(newest["articleBody"].as_str().is_some_and(|b| b.ends_with("The second paragraph.")), "{newest}");
    assert_eq!(
        newest["author"],
        json!({"@type": "Person", "name": "Ada Byline", "url": format!("{BASE}/v1/authors/ada-byline")})
    );
    assert_eq!(newest["image"], PICTURE);
    assert!(time(&newest["datePublished"]) <= time(&newest["dateModified"]));
    assert_eq!(updates[1]["headline"], "Update 20");
    assert!(updates[1].get("author").is_none() && updates[1].get("image").is_none(), "{}", updates[1]);
    assert_eq!(updates[19]["headline"], "Update 2");

    app.send(reqwest::Method::PUT, &live, Some(&app.admin), Some(json!({"live": false})), &[]).await.expect(200);
    let ended = json_ld(&page(&app, &slug).await);
    assert!(ended["coverageEndTime"].is_string(), "the page's cached copy went: {ended}");
}

on_both_backends!(
    the_page_carries_every_property_google_recommends,
    the_open_graph_and_twitter_tags_fall_back_to_the_article,
    the_seo_fields_override_the_fallbacks,
    nothing_in_a_title_breaks_out_of_the_page,
    a_correction_appears_in_the_structured_data,
    bad_seo_fields_are_refused_by_name,
    old_missing_and_retracted_slugs_keep_their_pages,
    a_live_blog_is_a_live_blog_posting_with_its_newest_entries,
);

fn no_logo(config: &mut newsdesk_api::Config) {
    config.publication_logo_url = None;
}

/// Without `NEWSDESK_PUBLICATION_LOGO_URL` the publisher is named, with no logo.
async fn without_a_logo_setting_the_publisher_has_none(app: TestApp) {
    let story = app.published(json!({"title": "Council meets", "body": "Briefly."})).await;
    let data = json_ld(&page(&app, &slug_of(&story)).await);
    assert_eq!(data["publisher"], json!({"@type": "Organization", "name": "The Example Courier", "url": BASE}));
}

on_both_backends!(settings = no_logo; without_a_logo_setting_the_publisher_has_none);

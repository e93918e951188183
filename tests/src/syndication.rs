//! IPTC ninjs 2.1 for syndication partners: an article by `Accept` or `format=ninjs`, and the
//! ninjs feed, every answer validated against the IPTC's own JSON Schema (tests/schemas/, with
//! its licence), formats included.

use std::sync::OnceLock;

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::values::{id_of, slug_of};
use crate::common::{on_both_backends, Reply, TestApp};

const NINJS: &str = "application/ninjs+json";
const BASE: &str = "https://news.example.org";
/// The full story's embargo, long over.
const EMBARGO: &str = "2026-01-05T06:00:00Z";

/// The ninjs schema's one outside reference is GeoJSON, for `places[].geojson`, which Newsdesk
/// never sends. The suite fetches nothing from the network, so that reference resolves to an
/// empty (permissive) schema; any other outside reference fails the build of the validator.
struct GeoJsonOnly;

impl jsonschema::Retrieve for GeoJsonOnly {
    fn retrieve(&self, uri: &jsonschema::Uri<String>) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        match uri.as_str() {
            "https://geojson.org/schema/GeoJSON.json" => Ok(json!({})),
            other => Err(format!("the ninjs schema names an unexpected outside schema: {other}").into()),
        }
    }
}

fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema: Value =
            serde_json::from_str(include_str!("../schemas/ninjs-schema_2.1.json")).expect("the ninjs schema is JSON");
        jsonschema::options()
            .should_validate_formats(true)
            .with_retriever(GeoJsonOnly)
            .build(&schema)
            .expect("the ninjs schema compiles")
    })
}

/// Fails, listing every violation, unless `item` is a valid ninjs 2.1 item.
fn assert_ninjs(item: &Value) {
    let errors: Vec<String> =
        validator().iter_errors(item).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "not valid ninjs 2.1: {errors:#?}\n{item:#}");
}

async fn get_accepting(app: &TestApp, path: &str, accept: &str) -> Reply {
    app.send(Method::GET, path, None, None, &[("accept", accept)]).await
}

/// A published story with everything ninjs maps: byline, section, tags, a wire source, a
/// featured image, a summary, a body and a correction.
async fn a_full_story(app: &TestApp) -> Value {
    app.seed_taxonomy().await;
    let story = app
        .published(json!({
            "title": "Harbour board & council agree on dredging",
            "summary": "The work starts in spring.",
            "body": "The **board** voted on Tuesday.\n\nDredging starts in March.",
            "section": "news", "tags": ["water", "coast"], "authors": ["ada-byline", "ben-byline"], "source": "wire",
            "embargo_until": EMBARGO,
            "featured_image": {"url": "https://example.org/i/harbour.jpg", "alt": "Cranes at the quay",
                "caption": "The quay at dawn", "credit": "A. Photographer"},
        }))
        .await;
    let corrections = format!("/v1/admin/articles/{}/corrections", id_of(&story));
    app.post(&corrections, &app.admin, json!({"kind": "correction", "text": "An earlier version said May."}))
        .await
        .expect(201);
    story
}

async fn an_article_reads_as_valid_ninjs_by_accept_or_format(app: TestApp) {
    let story = a_full_story(&app).await;
    let path = format!("/v1/articles/{}", slug_of(&story));
    // Read the JSON first, so a response cache that mixed the forms would show it.
    let json_form = app.get(&path).await.expect(200);
    for reply in [get_accepting(&app, &path, NINJS).await, app.get(&format!("{path}?format=ninjs")).await] {
        let reply = reply.expect(200);
        assert_eq!(reply.header("content-type"), Some(NINJS));
        assert!(reply.header("vary").is_some_and(|v| v.contains("accept")), "{:?}", reply.header("vary"));
        assert_ninjs(&reply.body);
        let item = &reply.body;
        let id = id_of(&story);
        assert!(item["uri"].as_str().is_some_and(|u| u.starts_with("tag:news.example.org,") && u.ends_with(&id)));
        assert_eq!(item["type"], "text");
        assert_eq!(item["pubstatus"], "usable");
        assert_eq!(item["embargoed"], EMBARGO, "the embargo it was held by");
        assert_eq!(item["language"], "en");
        assert_eq!(item["version"], json_form.body["version"].to_string());
        assert_eq!(item["headlines"][0]["value"], "Harbour board & council agree on dredging");
        assert_eq!(
            item["descriptions"][0],
            json!({"role": "summary", "contenttype": "text/plain", "value": "The work starts in spring."})
        );
        let correction = &item["descriptions"][1];
        assert_eq!(
            (correction["role"].as_str(), correction["contenttype"].as_str()),
            (Some("correction"), Some("text/html"))
        );
        assert!(correction["value"].as_str().is_some_and(|v| v.contains("An earlier version said May.")));
        assert_eq!(item["by"], "Ada Byline, Ben Byline");
        assert_eq!(item["people"][0]["uri"], format!("{BASE}/v1/authors/ada-byline"));
        assert_eq!(item["infosources"][0]["name"], "Test Wire");
        assert_eq!(item["infosources"][0]["literal"], "TW");
        let subjects: Vec<(&str, &str)> = item["subjects"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| (s["rel"].as_str().unwrap_or_default(), s["literal"].as_str().unwrap_or_default()))
            .collect();
        assert_eq!(
            subjects,
            [("section", "news"), ("tag", "water"), ("tag", "coast")],
            "the section, then the tags in order"
        );
        let bodies = item["bodies"].as_array().expect("bodies");
        let html = bodies.iter().find(|b| b["contenttype"] == "text/html").expect("an HTML body");
        let text = bodies.iter().find(|b| b["contenttype"] == "text/plain").expect("a plain-text body");
        assert!(html["value"].as_str().is_some_and(|v| v.contains("<strong>board</strong>")), "{html}");
        assert!(text["value"].as_str().is_some_and(|v| v.contains("The board voted") && !v.contains('<')));
        assert_eq!(html["wordcount"], json_form.body["word_count"]);
        assert_eq!(text["charcount"].as_u64(), text["value"].as_str().map(|v| v.chars().count() as u64));
        let image = &item["associations"][0];
        assert_eq!((image["name"].as_str(), image["type"].as_str()), (Some("featureimage"), Some("picture")));
        assert_eq!(image["renditions"][0]["href"], "https://example.org/i/harbour.jpg");
        assert_eq!(image["by"], "A. Photographer");
        assert_eq!(item["renditions"][0]["href"], format!("{BASE}/articles/{}", slug_of(&story)));
    }
    // The JSON form is untouched, from the cache or not; `format=json` wins over `Accept`.
    for reply in [app.get(&path).await, get_accepting(&app, &format!("{path}?format=json"), NINJS).await] {
        let reply = reply.expect(200);
        assert!(reply.header("content-type").is_some_and(|t| t.starts_with("application/json")));
        assert_eq!(reply.body["slug"], story["slug"], "{}", reply.text);
        assert!(reply.body.get("embargo_until").is_none(), "the public JSON leaves the embargo out");
        assert!(reply.header("vary").is_some_and(|v| v.contains("accept")));
    }
    // Asked by `Accept` twice, the second from the cache: still ninjs, still valid.
    assert_ninjs(&get_accepting(&app, &path, "application/json;q=0.5, application/ninjs+json").await.expect(200).body);

    let problem = app.get(&format!("{path}?format=xml")).await.expect_problem(422);
    assert_eq!(Reply::fields(&problem), ["format"]);
    let problem = app.get(&format!("{path}?format=ninjs&fields=title")).await.expect_problem(422);
    assert_eq!(Reply::fields(&problem), ["fields"]);
    let problem = get_accepting(&app, &format!("{path}?fields=title"), NINJS).await.expect_problem(422);
    assert_eq!(Reply::fields(&problem), ["fields"], "however ninjs is asked for");
    get_accepting(&app, "/v1/articles/no-such-story", NINJS).await.expect_problem(404);
}

async fn the_ninjs_feed_pages_through_published_articles(app: TestApp) {
    let full = a_full_story(&app).await;
    let plain = app.published(json!({"title": "A short note", "body": "Only a line."})).await;
    let tagged = app.published(json!({"title": "Tide tables", "body": "High water at six.", "tags": ["water"]})).await;
    app.draft(&app.admin, json!({"title": "Unpublished syndication draft", "body": "x"})).await;

    let first = app.get("/v1/syndication/ninjs?limit=2").await.expect(200);
    let cursor = first.body["meta"]["pagination"]["next_cursor"].as_str().expect("a next cursor").to_owned();
    let second = app.get(&format!("/v1/syndication/ninjs?limit=2&cursor={cursor}")).await.expect(200);
    let mut seen = Vec::new();
    for page in [&first, &second] {
        assert!(!page.text.contains("Unpublished syndication draft"), "{}", page.text);
        for item in page.body["data"].as_array().expect("a list") {
            assert_ninjs(item);
            seen.push(item["slugline"].as_str().unwrap_or_default().to_owned());
        }
    }
    assert_eq!(seen, [slug_of(&tagged), slug_of(&plain), slug_of(&full)], "newest first, each once");

    let water = app.get("/v1/syndication/ninjs?tag=water").await.expect(200);
    let slugs: Vec<&str> =
        water.body["data"].as_array().into_iter().flatten().filter_map(|i| i["slugline"].as_str()).collect();
    assert_eq!(slugs, [slug_of(&tagged), slug_of(&full)]);

    // A retracted story leaves the feed, and its slug answers 410 in ninjs too.
    let retract = format!("/v1/admin/articles/{}/retract", id_of(&plain));
    app.send(Method::POST, &retract, Some(&app.admin), Some(json!({"reason": "Wrong town."})), &[]).await.expect(200);
    let after = app.get("/v1/syndication/ninjs").await.expect(200);
    assert!(!after.text.contains(&slug_of(&plain)), "{}", after.text);
    get_accepting(&app, &format!("/v1/articles/{}", slug_of(&plain)), NINJS).await.expect_problem(410);

    app.get("/v1/syndication/ninjs?limit=0").await.expect_problem(422);
    app.get("/v1/syndication/ninjs?cursor=forged").await.expect_problem(400);
    let problem = app.get("/v1/syndication/ninjs?published_after=yesterday").await.expect_problem(422);
    assert_eq!(Reply::fields(&problem), ["published_after"]);
}

/// A partner can be shown a story before it is out: its preview link answers ninjs too, marked
/// `withheld` and carrying the embargo still to come.
async fn a_preview_link_answers_ninjs_withheld_until_published(app: TestApp) {
    let until = "2099-03-01T06:00:00Z";
    let draft = app
        .draft(&app.admin, json!({"title": "Budget under embargo", "body": "Figures.", "embargo_until": until}))
        .await;
    let mint = format!("/v1/admin/articles/{}/preview", id_of(&draft));
    let link = app.send(Method::POST, &mint, Some(&app.admin), None, &[]).await.expect(201);
    let url = link.body["url"].as_str().expect("a preview URL").to_owned();
    for reply in [get_accepting(&app, &url, NINJS).await, app.get(&format!("{url}?format=ninjs")).await] {
        let reply = reply.expect(200);
        assert_eq!(reply.header("content-type"), Some(NINJS));
        assert_eq!(reply.header("cache-control"), Some("no-store"));
        assert_ninjs(&reply.body);
        assert_eq!(reply.body["pubstatus"], "withheld", "not to be used before it is published");
        assert_eq!(reply.body["embargoed"], until);
        assert_eq!(reply.body["headlines"][0]["value"], "Budget under embargo");
    }
    assert!(app.get(&url).await.expect(200).body["title"].is_string(), "JSON unless ninjs is asked for");
    let problem = app.get(&format!("{url}?format=pdf")).await.expect_problem(422);
    assert_eq!(Reply::fields(&problem), ["format"]);
}

on_both_backends!(
    an_article_reads_as_valid_ninjs_by_accept_or_format,
    the_ninjs_feed_pages_through_published_articles,
    a_preview_link_answers_ninjs_withheld_until_published
);

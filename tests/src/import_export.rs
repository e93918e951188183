//! Bulk import through the import pipeline, read back over HTTP: relations, redirects, search,
//! the audit trail, resuming, and bad lines skipped or stopping the run with nothing half-written.
//! (The `newsdesk import`/`export` commands themselves are tested in tests/cli/import_export.rs.)

use newsdesk_exchange::export::ExportStatus;
use newsdesk_exchange::import::{import_records, ImportOptions, ImportSummary, OnError};
use newsdesk_exchange::progress::Silent;
use newsdesk_exchange::read::records;
use newsdesk_persistence::{Database, DatabaseUrl};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{on_both_backends, wait_until, TestApp};

/// Imports NDJSON `lines` into the app's database, as `newsdesk import` does.
fn import(app: &TestApp, lines: &[Value], on_error: OnError) -> ImportSummary {
    let ndjson: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let db = Database::open(&DatabaseUrl::parse(app.database_url()), 1, std::time::Duration::from_secs(5))
        .expect("the database opens");
    let opts = ImportOptions { on_error, batch_size: 2 };
    import_records(&db, records(ndjson.as_bytes()), &opts, &Silent).expect("the import runs")
}

fn story(slug: &str, extra: Value) -> Value {
    let mut line = json!({
        "slug": slug,
        "title": format!("Story {slug}"),
        "body": format!("The *{slug}* body mentions quillwort once."),
        "status": "published",
        "published_at": "2026-03-01T09:30:00Z",
    });
    if let (Some(line), Some(extra)) = (line.as_object_mut(), extra.as_object()) {
        line.extend(extra.clone());
    }
    line
}

async fn imported_articles_read_back_over_http(app: TestApp) {
    // An existing tag keeps its own name whatever the file says.
    app.post("/v1/admin/tags", &app.admin, json!({"slug": "water", "name": "Water"})).await.expect(201);
    // The server has answered (and may have cached) the empty list before the import runs.
    assert_eq!(app.get("/v1/articles").await.expect(200).body["meta"]["pagination"]["total"], 0);
    let lines = [
        story(
            "delta-towns-vote",
            json!({
                "summary": "Three river towns agree.",
                "authors": [{"slug": "mira-okafor", "name": "Mira Okafor", "bio": "Covers water."},
                            {"slug": "tomas-novak", "name": "Tomas Novak"}],
                "tags": [{"slug": "water", "name": "Water Things"}, {"slug": "rivers", "name": "Rivers"}],
                "section": {"slug": "news", "name": "News"},
                "source": {"slug": "meridian-press", "name": "Meridian Press", "short_name": "MP",
                           "homepage_url": "https://example.net"},
                "source_url": "https://example.net/original",
                "featured_image": {"url": "https://example.org/i/1.jpg", "alt": "A river", "caption": null, "credit": null},
                // The first link points at an article further down the file.
                "related": [{"article": "board-meets"},
                            {"url": "https://example.net/x", "title": "Background", "source_name": "Example"}],
                "previous_slugs": ["delta-towns-vote-draft"],
            }),
        ),
        story(
            "board-meets",
            json!({"related": [{"article": "delta-towns-vote"}], "authors": [{"slug": "mira-okafor", "name": "M. O."}]}),
        ),
        json!({"slug": "quiet-draft", "title": "A quiet draft"}),
    ];
    let summary = import(&app, &lines, OnError::Stop);
    assert_eq!((summary.counts.imported, summary.counts.already_present, summary.counts.skipped), (3, 0, 0));
    assert_eq!(summary.links_left_out, 0);
    // The import's audit entries tell the running server that its lists changed.
    wait_until("the public list to show the imported articles", || async {
        let total = app.get("/v1/articles").await.expect(200).body["meta"]["pagination"]["total"].clone();
        (total == 2).then_some(())
    })
    .await;

    let article = app.get("/v1/articles/delta-towns-vote").await.expect(200).body;
    assert_eq!(article["title"], "Story delta-towns-vote");
    assert_eq!(article["summary"], "Three river towns agree.");
    assert_eq!(article["body"]["html"], "<p>The <em>delta-towns-vote</em> body mentions quillwort once.</p>\n");
    assert_eq!(article["word_count"], 6);
    assert_eq!(article["published_at"], "2026-03-01T09:30:00Z");
    let byline: Vec<&str> =
        article["authors"].as_array().unwrap().iter().map(|a| a["slug"].as_str().unwrap()).collect();
    assert_eq!(byline, ["mira-okafor", "tomas-novak"]);
    assert_eq!(article["authors"][0]["name"], "Mira Okafor", "the first line that names a term creates it");
    let tags: Vec<&str> = article["tags"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(tags, ["Water", "Rivers"]);
    assert_eq!(article["section"]["slug"], "news");
    assert_eq!(article["source"]["short_name"], "MP");
    assert_eq!(article["featured_image"]["alt"], "A river");
    assert_eq!(article["related"][0]["type"], "article");
    assert_eq!(article["related"][0]["article"]["slug"], "board-meets");
    assert_eq!(article["related"][1]["url"], "https://example.net/x");
    let back = app.get("/v1/articles/board-meets").await.expect(200).body;
    assert_eq!(back["related"][0]["article"]["slug"], "delta-towns-vote");

    // The former slug redirects; the draft stays private; search finds imported text.
    let direct = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let moved = direct.get(format!("{}/v1/articles/delta-towns-vote-draft", app.base)).send().await.unwrap();
    assert_eq!(moved.status().as_u16(), 301);
    assert!(moved.headers()["location"].to_str().unwrap().ends_with("/v1/articles/delta-towns-vote"));
    app.get("/v1/articles/quiet-draft").await.expect_problem(404);
    let found = app.get("/v1/articles?q=quillwort").await.expect(200).body;
    assert_eq!(found["meta"]["pagination"]["total"], 2);
    let draft = app.admin_get("/v1/admin/articles?status=draft", &app.admin).await.expect(200).body;
    assert_eq!(draft["data"][0]["slug"], "quiet-draft");

    // One audit entry per batch (two articles per batch here), by the system.
    let entries = app.audit_log("action=article.import").await;
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert_eq!(entries[0]["actor_type"], "system");

    // Running the same file again changes nothing and says so.
    let again = import(&app, &lines, OnError::Stop);
    assert_eq!((again.counts.imported, again.counts.already_present), (0, 3));
    let list = app.get("/v1/articles").await.expect(200).body;
    assert_eq!(list["meta"]["pagination"]["total"], 2);
    let article = app.get("/v1/articles/delta-towns-vote").await.expect(200).body;
    assert_eq!(article["related"].as_array().unwrap().len(), 2, "no link written twice");
}

async fn bad_lines_are_skipped_or_stop_the_run(app: TestApp) {
    let bad_author = story(
        "bad-byline",
        json!({"authors": [{"slug": "Not A Slug", "name": "X"}], "tags": [{"slug": "only-in-bad-line", "name": "Only"}]}),
    );
    let lines =
        [story("first-one", json!({"previous_slugs": ["first-old"]})), bad_author, story("third-one", json!({}))];
    let summary = import(&app, &lines, OnError::Skip);
    assert_eq!((summary.counts.imported, summary.counts.skipped), (2, 1));
    let error = &summary.skipped[0];
    assert_eq!((error.line, error.field.as_str()), (2, "authors[0].slug"));
    assert!(error.to_string().starts_with("line 2: authors[0].slug: must be lowercase"), "{error}");
    app.get("/v1/articles/third-one").await.expect(200);
    app.get("/v1/tags/only-in-bad-line").await.expect_problem(404);

    // A slug that still redirects to another article is refused by the database check, after
    // validation passed: nothing of that line (not its new tag or author) is written, the line
    // before it is kept, and nothing after it runs.
    let taken = story(
        "first-old",
        json!({"tags": [{"slug": "stop-tag", "name": "Stop"}], "authors": [{"slug": "stop-author", "name": "Stop"}]}),
    );
    let lines = [story("fourth-one", json!({})), taken, story("sixth-one", json!({}))];
    let summary = import(&app, &lines, OnError::Stop);
    let stopped = summary.stopped_at.expect("the run stopped");
    assert_eq!(stopped.to_string(), "line 2: slug: is taken: it still redirects to another article");
    assert_eq!(summary.counts.imported, 1);
    app.get("/v1/articles/fourth-one").await.expect(200);
    app.get("/v1/articles/sixth-one").await.expect_problem(404);
    app.get("/v1/tags/stop-tag").await.expect_problem(404);
    app.get("/v1/authors/stop-author").await.expect_problem(404);
    let redirect = app.admin_get("/v1/admin/articles?limit=100", &app.admin).await.expect(200).body;
    assert_eq!(redirect["meta"]["pagination"]["total"], 3, "first-one, third-one and fourth-one only");

    // Broken JSON and unknown fields name their line and field too.
    let raw = "{\"slug\":\"ok-one\",\"title\":\"Ok\"}\n{\"slug\":\"x\",\"title\":\"X\",\"colour\":\"red\"}\n{oops\n";
    let db = Database::open(&DatabaseUrl::parse(app.database_url()), 1, std::time::Duration::from_secs(5)).unwrap();
    let opts = ImportOptions { on_error: OnError::Skip, batch_size: 10 };
    let summary = import_records(&db, records(raw.as_bytes()), &opts, &Silent).unwrap();
    assert_eq!(summary.counts.imported, 1);
    assert_eq!(summary.skipped[0].line, 2);
    assert!(summary.skipped[0].to_string().contains("unknown field `colour`"), "{}", summary.skipped[0]);
    assert_eq!((summary.skipped[1].line, summary.skipped[1].field.as_str()), (3, ""));
    let _ = app.send(Method::GET, "/v1/articles", None, None, &[]).await.expect(200);
}

/// The review stages travel both ways: imported in review or approved, they stay private, land
/// in the desk's queue, and export as they were.
async fn review_stages_round_trip_through_import_and_export(app: TestApp) {
    let lines = [
        story("pitch-in-review", json!({"status": "in_review", "published_at": null})),
        story("pitch-approved", json!({"status": "approved", "published_at": null})),
        story("pitch-out", json!({})),
    ];
    let summary = import(&app, &lines, OnError::Stop);
    assert_eq!((summary.counts.imported, summary.counts.skipped), (3, 0), "{:?}", summary.skipped);
    for (status, slug) in [("in_review", "pitch-in-review"), ("approved", "pitch-approved")] {
        let queue = app.admin_get(&format!("/v1/admin/articles?status={status}"), &app.admin).await.expect(200);
        assert_eq!(queue.body["data"][0]["slug"], slug, "{}", queue.text);
        app.get(&format!("/v1/articles/{slug}")).await.expect_problem(404);
    }
    let public = app.get("/v1/articles").await.expect(200);
    assert_eq!(public.body["meta"]["pagination"]["total"], 1, "{}", public.text);
    let db = Database::open(&DatabaseUrl::parse(app.database_url()), 1, std::time::Duration::from_secs(5))
        .expect("the database opens");
    let mut out = Vec::new();
    newsdesk_exchange::export::export(&db, ExportStatus::All, &mut out).expect("the export runs");
    let exported: Vec<Value> =
        String::from_utf8_lossy(&out).lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
    let status_of = |slug: &str| exported.iter().find(|r| r["slug"] == slug).map(|r| r["status"].clone());
    assert_eq!(status_of("pitch-in-review"), Some(json!("in_review")));
    assert_eq!(status_of("pitch-approved"), Some(json!("approved")));
    let mut published_only = Vec::new();
    newsdesk_exchange::export::export(&db, ExportStatus::Published, &mut published_only).expect("the export runs");
    assert_eq!(String::from_utf8_lossy(&published_only).lines().count(), 1);
}

/// The search and social overrides travel both ways, checked like the API's.
async fn seo_fields_round_trip_through_import_and_export(app: TestApp) {
    let seo = json!({
        "meta_title": "Quillwort returns to the delta",
        "meta_description": "A rare fern is back.",
        "social_image_url": "https://example.org/i/fern.jpg",
        "canonical_url": "https://partner.example.net/fern",
    });
    let bad = story("bad-canonical", json!({"canonical_url": "not a url"}));
    let summary = import(&app, &[story("fern-returns", seo.clone()), bad], OnError::Skip);
    assert_eq!((summary.counts.imported, summary.counts.skipped), (1, 1), "{:?}", summary.skipped);
    assert_eq!((summary.skipped[0].line, summary.skipped[0].field.as_str()), (2, "canonical_url"));
    let article = app.get("/v1/articles/fern-returns").await.expect(200).body;
    assert_eq!(article["structured_data"]["headline"], "Quillwort returns to the delta");
    let db = Database::open(&DatabaseUrl::parse(app.database_url()), 1, std::time::Duration::from_secs(5))
        .expect("the database opens");
    let mut out = Vec::new();
    newsdesk_exchange::export::export(&db, ExportStatus::All, &mut out).expect("the export runs");
    let line: Value =
        serde_json::from_str(String::from_utf8_lossy(&out).lines().next().unwrap_or_default()).expect("a JSON line");
    for (field, value) in seo.as_object().into_iter().flatten() {
        assert_eq!(&article[field], value, "{field}");
        assert_eq!(&line[field], value, "exported {field}");
    }
}

on_both_backends!(
    imported_articles_read_back_over_http,
    bad_lines_are_skipped_or_stop_the_run,
    review_stages_round_trip_through_import_and_export,
    seo_fields_round_trip_through_import_and_export,
);

//! A publisher moves an archive in from Ghost or WordPress with `newsdesk import --from …`,
//! and readers find every story under its old slug, with its byline and tags.

use serde_json::Value;

use crate::common::{on_both_backends, TestApp};
use crate::process::{run_on, Run};

const GHOST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/ghost-export.json");
const WORDPRESS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/wordpress-export.xml");

async fn import(app: &TestApp, from: &str, file: &str) -> Run {
    run_on(app.database_url(), &["import", "--from", from, file], "").await
}

/// Imports `file` with the `from` importer, which succeeds and reports each of `lines`.
async fn imports_reporting(app: &TestApp, from: &str, file: &str, lines: &[&str]) {
    let run = import(app, from, file).await;
    assert!(run.success, "{run:?}");
    for expected in lines {
        assert!(run.stdout.contains(expected), "missing {expected:?} in:\n{}", run.stdout);
    }
}

fn slugs(list: &Value) -> Vec<&str> {
    list.as_array().expect("a list").iter().map(|item| item["slug"].as_str().expect("a slug")).collect()
}

/// Every article as the admin API lists it: slug -> status.
async fn admin_statuses(app: &TestApp) -> Vec<(String, String)> {
    let list = app.admin_get("/v1/admin/articles?limit=100", &app.admin).await.expect(200);
    let mut all: Vec<(String, String)> = list.body["data"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|a| (a["slug"].as_str().unwrap_or("").to_owned(), a["status"].as_str().unwrap_or("").to_owned()))
        .collect();
    all.sort();
    all
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = pairs.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect();
    pairs.sort();
    pairs
}

async fn a_ghost_export_imports_and_reads_back(app: TestApp) {
    imports_reporting(
        &app,
        "ghost",
        GHOST,
        &[
            "imported: 4",
            "left out of the export: 3",
            "post `about` (id 65f0a1c2e4b0a1000a000004): a page, not an article",
            "post `weekly-letter-12` (id 65f0a1c2e4b0a1000a000006): sent as an email newsletter only",
            "tag `#hero`: internal tag",
            "post `dredging-contract-briefing` (id 65f0a1c2e4b0a1000a000005): visible only to `paid` readers",
        ],
    )
    .await;

    let story = app.get("/v1/articles/harbour-pilots-walk-out").await.expect(200).body;
    assert_eq!(story["title"], "Harbour pilots walk out over night shifts");
    assert_eq!(slugs(&story["authors"]), ["tomas-lindqvist", "mira-okafor"], "the byline keeps Ghost's order");
    assert_eq!(slugs(&story["tags"]), ["harbour", "climate"], "internal #tags are not imported");
    assert_eq!(story["section"]["slug"], "harbour", "the primary tag is the section");
    assert_eq!(story["published_at"], "2026-03-02T07:15:00Z");
    assert_eq!(story["summary"], "Pilots say two-person night crews are unsafe.");
    assert_eq!(story["featured_image"]["alt"], "Pilot boats moored at dawn");
    let html = story["body"]["html"].as_str().expect("html");
    assert!(html.contains("<strong>Eastmere</strong>") && html.contains("href=\"/tag/harbour/\""), "{html}");
    assert!(!html.contains("<script") && !html.contains("hijacked"), "the body is sanitized: {html}");

    let author = app.get("/v1/authors/mira-okafor").await.expect(200).body;
    assert_eq!(
        (author["name"].as_str(), author["bio"].as_str()),
        (Some("Mira Okafor"), Some("Covers the harbour and the council."))
    );
    app.get("/v1/tags/hash-hero").await.expect_problem(404);

    // Only the published, public post is public; drafts and scheduled posts are in the admin API.
    let public = app.get("/v1/articles").await.expect(200).body;
    assert_eq!(slugs(&public["data"]), ["harbour-pilots-walk-out"]);
    for private in ["tidal-lagoon-notes", "council-budget-preview", "dredging-contract-briefing", "about"] {
        app.get(&format!("/v1/articles/{private}")).await.expect_problem(404);
    }
    let everything = owned(&[
        ("harbour-pilots-walk-out", "published"),
        ("tidal-lagoon-notes", "draft"),
        ("council-budget-preview", "scheduled"),
        ("dredging-contract-briefing", "draft"),
    ]);
    assert_eq!(admin_statuses(&app).await, everything);

    // Running it again finds everything in place and writes nothing twice.
    let again = import(&app, "ghost", GHOST).await;
    assert!(again.success, "{again:?}");
    assert!(again.stdout.contains("imported: 0") && again.stdout.contains("already present: 4"), "{}", again.stdout);
    assert_eq!(admin_statuses(&app).await, everything);
}

async fn a_wordpress_export_imports_and_reads_back(app: TestApp) {
    imports_reporting(
        &app,
        "wordpress",
        WORDPRESS,
        &[
            "imported: 5",
            "left out of the export: 3",
            "item `old-rumour__trashed` (post_id 13): in the WordPress trash",
            "item `about` (post_id 20): a page, not an article",
            "item `ferry` (post_id 30): an attachment (a media file), not an article",
            "item `cafe-lumen` (post_id 15): slug `caf%c3%a9-lumen` is not a valid Newsdesk slug",
        ],
    )
    .await;

    let story = app.get("/v1/articles/ferry-timetable-cuts").await.expect(200).body;
    assert_eq!(story["title"], "Winter ferry timetable cuts two crossings");
    assert_eq!(slugs(&story["authors"]), ["jdoyle"]);
    assert_eq!(story["authors"][0]["name"], "June Doyle");
    assert_eq!(story["section"]["slug"], "news");
    assert_eq!(slugs(&story["tags"]), ["ferries", "features", "winter"]);
    assert_eq!(story["published_at"], "2026-02-10T08:00:00Z");
    assert_eq!(story["summary"], "Two crossings go from the winter timetable.");
    assert_eq!(story["language"], "en-GB");
    assert_eq!(story["featured_image"]["url"], "https://courier.example.net/wp-content/uploads/2026/02/ferry.jpg");
    let html = story["body"]["html"].as_str().expect("html");
    assert!(html.contains("<em>06:10</em>") && html.contains("<strong>stranded</strong>"), "{html}");
    assert!(!html.contains("<script") && !html.contains("tracker.example.com"), "the body is sanitized: {html}");
    // The slug WordPress remembered from before the post was renamed still leads to it.
    assert_eq!(app.get("/v1/articles/ferry-timetable").await.expect(200).body["slug"], "ferry-timetable-cuts");

    let cafe = app.get("/v1/articles/cafe-lumen").await.expect(200).body;
    assert_eq!(
        (cafe["section"]["slug"].as_str(), cafe["authors"][0]["name"].as_str()),
        (Some("features"), Some("Rafi Amani"))
    );

    let public = app.get("/v1/articles").await.expect(200).body;
    assert_eq!(slugs(&public["data"]), ["ferry-timetable-cuts", "cafe-lumen"]);
    let everything = owned(&[
        ("ferry-timetable-cuts", "published"),
        ("cafe-lumen", "published"),
        ("lighthouse-keepers-remember-the-long-nights", "draft"),
        ("market-hall-reopens", "scheduled"),
        ("flood-appeal-notes", "draft"),
    ]);
    assert_eq!(admin_statuses(&app).await, everything);
    for private in ["lighthouse-keepers-remember-the-long-nights", "market-hall-reopens", "flood-appeal-notes", "about"]
    {
        app.get(&format!("/v1/articles/{private}")).await.expect_problem(404);
    }

    let again = import(&app, "wordpress", WORDPRESS).await;
    assert!(again.success, "{again:?}");
    assert!(again.stdout.contains("imported: 0") && again.stdout.contains("already present: 5"), "{}", again.stdout);
    assert_eq!(admin_statuses(&app).await, everything);
}

async fn a_malformed_export_is_refused_whole(app: TestApp) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let wxr = std::fs::read_to_string(WORDPRESS).expect("the fixture");
    // Cut after the fourth item's title: three good posts come before the break.
    let fourth = wxr.match_indices("<item>").nth(3).map(|(at, _)| at).expect("four items");
    let cut = fourth + wxr[fourth..].find("</title>").expect("a title") + "</title>".len();
    let truncated = dir.path().join("truncated.xml");
    std::fs::write(&truncated, &wxr[..cut]).expect("written");
    let run = import(&app, "wordpress", truncated.to_str().expect("a path")).await;
    assert!(!run.success, "{run:?}");
    let line = wxr[..cut].lines().count();
    assert!(
        run.stderr.contains("truncated.xml: line ") && run.stderr.contains("the file ends inside <item>"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(&format!("line {line},")), "the error names line {line}: {}", run.stderr);

    let ghost = std::fs::read_to_string(GHOST).expect("the fixture");
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, ghost.replacen("\"title\": \"Notes on the tidal lagoon proposal\",", "\"title\": ,", 1))
        .expect("written");
    let run = import(&app, "ghost", broken.to_str().expect("a path")).await;
    assert!(!run.success, "{run:?}");
    let line = ghost.lines().position(|l| l.contains("Notes on the tidal lagoon proposal")).expect("the title") + 1;
    assert!(run.stderr.contains(&format!("broken.json: line {line}, column")), "{}", run.stderr);

    let run = import(&app, "wordpress", GHOST).await;
    assert!(!run.success && run.stderr.contains("not a WordPress export"), "{run:?}");
    let run = import(&app, "ghost", WORDPRESS).await;
    assert!(!run.success && run.stderr.contains("line 1, column 1"), "{run:?}");

    assert!(admin_statuses(&app).await.is_empty(), "nothing of a refused file is imported");
}

async fn an_article_the_rules_refuse_is_named_by_its_slug(app: TestApp) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let ghost = std::fs::read_to_string(GHOST).expect("the fixture");
    let long = ghost.replacen("Notes on the tidal lagoon proposal", &"very ".repeat(61), 1);
    let file = dir.path().join("long-title.json");
    std::fs::write(&file, long).expect("written");
    let path = file.to_str().expect("a path");

    let stopped = import(&app, "ghost", path).await;
    assert!(!stopped.success, "{stopped:?}");
    let reason = "article `tidal-lagoon-notes`: title: must be at most 300 characters";
    assert!(stopped.stderr.contains(&format!("import stopped at {reason}")), "{}", stopped.stderr);
    assert_eq!(
        admin_statuses(&app).await,
        owned(&[("harbour-pilots-walk-out", "published")]),
        "what came before stays"
    );

    let skipping = run_on(app.database_url(), &["import", "--from", "ghost", "--on-error", "skip", path], "").await;
    assert!(skipping.success, "{skipping:?}");
    assert!(skipping.stdout.contains(&format!("skipped: 1\n  {reason}")), "{}", skipping.stdout);
    assert!(
        skipping.stdout.contains("imported: 2") && skipping.stdout.contains("already present: 1"),
        "{}",
        skipping.stdout
    );
    assert_eq!(admin_statuses(&app).await.len(), 3);
}

on_both_backends!(
    an_article_the_rules_refuse_is_named_by_its_slug,
    a_ghost_export_imports_and_reads_back,
    a_wordpress_export_imports_and_reads_back,
    a_malformed_export_is_refused_whole
);

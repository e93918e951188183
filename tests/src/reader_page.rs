//! The reference reader page, loaded in real headless Chromium: it renders an article page
//! from the public API alone, and its view beacon is counted.

use std::process::Command;

use serde_json::json;

use crate::common::{on_both_backends, wait_until, TestApp};

/// Chromium from `NEWSDESK_CHROMIUM`, or `chromium` on the PATH (`make test` installs it).
fn chromium() -> String {
    std::env::var("NEWSDESK_CHROMIUM").unwrap_or_else(|_| "chromium".to_owned())
}

/// The page's DOM after its scripts ran, as Chromium dumps it.
async fn rendered(url: String) -> String {
    tokio::task::spawn_blocking(move || {
        let profile = tempfile::tempdir().expect("temp profile dir");
        let output = Command::new(chromium())
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"])
            .args(["--disable-background-networking", "--disable-component-update", "--disable-sync"])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(["--virtual-time-budget=10000", "--dump-dom", &url])
            .output()
            .expect("Chromium runs (install Debian's `chromium` package; `make test` does)");
        String::from_utf8_lossy(&output.stdout).into_owned()
    })
    .await
    .expect("Chromium finished")
}

async fn the_reader_page_renders_an_article_and_counts_the_view(app: TestApp) {
    app.seed_taxonomy().await;
    let story = app
        .published(json!({
            "title": "Harbour pilots vote to strike",
            "summary": "Night shifts are unsafe, the pilots say.",
            "body": "The vote was **unanimous**.\n\nTalks resume on Monday.",
            "section": "news", "source": "wire",
            "authors": ["ada-byline", "ben-byline"], "tags": ["water"]
        }))
        .await;
    let other = app
        .published(json!({"title": "Ferry timetable changes", "summary": "Winter sailings.", "tags": ["water"]}))
        .await;
    let slug = story["slug"].as_str().unwrap().to_owned();
    let note = json!({"kind": "correction", "text": "An earlier version misspelt the harbour master's **name**."});
    let path = format!("/v1/admin/articles/{}/corrections", story["id"].as_str().unwrap());
    app.post(&path, &app.admin, note).await.expect(201);
    // Someone already read the other story, so "Most viewed" has an entry before the page loads.
    let other_slug = other["slug"].as_str().unwrap().to_owned();
    app.send(reqwest::Method::POST, &format!("/v1/articles/{other_slug}/views"), None, None, &[]).await.expect(202);
    wait_until("the earlier view is counted", || async {
        app.get("/v1/articles/most-viewed?window=day").await.body["data"]
            .as_array()
            .is_some_and(|d| !d.is_empty())
            .then_some(())
    })
    .await;

    let dom = rendered(format!("{}/articles/{slug}", app.base)).await;
    assert!(dom.contains(r#"data-ready="true""#), "the page finished rendering: {dom}");
    assert!(dom.contains(r#"<h1 id="headline">Harbour pilots vote to strike</h1>"#), "headline: {dom}");
    assert!(dom.contains("By Ada Byline and Ben Byline"), "byline in order: {dom}");
    assert!(dom.contains(r#"id="section">News<"#), "section: {dom}");
    assert!(dom.contains(r#"id="source">TW<"#), "source: {dom}");
    assert!(dom.contains("<strong>unanimous</strong>"), "body HTML: {dom}");
    let notes = dom.split(r#"id="corrections""#).nth(1).and_then(|rest| rest.split("</ol>").next()).unwrap_or_default();
    assert!(notes.contains(r#"class="note correction""#), "the correction is listed: {notes}");
    assert!(notes.contains("<strong>name</strong>"), "with its text as HTML: {notes}");
    let newest = dom.split(r#"id="newest""#).nth(1).and_then(|rest| rest.split("</ul>").next()).unwrap_or_default();
    assert!(newest.contains("Ferry timetable changes"), "New Articles lists the other story: {newest}");
    let most_viewed =
        dom.split(r#"id="most-viewed""#).nth(1).and_then(|rest| rest.split("</ul>").next()).unwrap_or_default();
    assert!(most_viewed.contains("<li>"), "Most viewed lists something: {most_viewed}");

    // The page's beacon counted this article's view.
    wait_until("the page's view is counted", || async {
        let list = app.get("/v1/articles/most-viewed?window=day").await.body;
        let counted = list["data"]
            .as_array()
            .is_some_and(|d| d.iter().any(|i| i["article"]["slug"] == slug.as_str() && i["views"] == 1));
        counted.then_some(())
    })
    .await;

    let home = rendered(format!("{}/", app.base)).await;
    assert!(home.contains(r#"data-ready="true""#), "the home page renders the newest article: {home}");
}

/// A retracted article's page says so, with the reason, instead of the story.
async fn the_reader_page_of_a_retracted_article_shows_the_reason(app: TestApp) {
    let story = app.published(json!({"title": "Harbour deal signed", "body": "Forged figures."})).await;
    let id = story["id"].as_str().expect("an id");
    let reason = json!({"reason": "It relied on a forged document."});
    let path = format!("/v1/admin/articles/{id}/retract");
    app.send(reqwest::Method::POST, &path, Some(&app.admin), Some(reason), &[]).await.expect(200);
    let dom = rendered(format!("{}/articles/harbour-deal-signed", app.base)).await;
    assert!(dom.contains(r#"data-ready="retracted""#), "the page finished rendering: {dom}");
    assert!(dom.contains(r#"<h1 id="headline">This article has been retracted</h1>"#), "headline: {dom}");
    assert!(dom.contains("It relied on a forged document."), "the reason: {dom}");
    assert!(!dom.contains("Forged figures"), "not the story: {dom}");
}

on_both_backends!(
    the_reader_page_renders_an_article_and_counts_the_view,
    the_reader_page_of_a_retracted_article_shows_the_reason,
);

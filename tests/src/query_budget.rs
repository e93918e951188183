//! Every public endpoint runs a fixed number of SQL statements, whatever the page size: the
//! relations of a page are loaded in one statement per kind, never one per row. The server's
//! connections are instrumented; each endpoint is measured with the response cache off.

use reqwest::Method;
use serde_json::json;

use crate::common::{wait_until, Backend, TestApp};

const ARTICLES: usize = 24;

async fn seed(app: &TestApp) {
    let admin = &app.admin;
    let mut author_ids = Vec::new();
    for (kind, slug) in [
        ("authors", "ana"),
        ("authors", "ben"),
        ("authors", "chloe"),
        ("tags", "tides"),
        ("tags", "ferries"),
        ("tags", "harbours"),
        ("tags", "weather"),
        ("sections", "news"),
        ("sources", "coast-wire"),
    ] {
        let created = app.post(&format!("/v1/admin/{kind}"), admin, json!({"slug": slug, "name": slug})).await;
        if kind == "authors" {
            author_ids.push(created.expect(201).body["id"].as_str().expect("an id").to_owned());
        }
    }
    let authors = ["ana", "ben", "chloe"];
    let tags = ["tides", "ferries", "harbours", "weather"];
    let mut ids = Vec::new();
    for i in 0..ARTICLES {
        let mut related = vec![json!({"url": format!("https://example.net/background/{i}"), "title": "Background"})];
        related.extend(ids.iter().rev().take(2).map(|(_, slug): &(String, String)| json!({"article": slug})));
        let body = json!({
            "title": format!("Harbour report number {i}"),
            "slug": format!("harbour-report-{i}"),
            "summary": "What changed at the harbour this week.",
            "body": format!("The harbour board met again.\n\nItem {i} was agreed."),
            "section": "news",
            "source": "coast-wire",
            "authors": [authors[i % 3], authors[(i + 1) % 3]],
            "tags": [tags[i % 4], tags[(i + 1) % 4], tags[(i + 2) % 4]],
            "related": related,
        });
        let created = app.post("/v1/admin/articles", admin, body).await.expect(201);
        ids.push((created.body["id"].as_str().expect("an id").to_owned(), format!("harbour-report-{i}")));
    }
    // One live blog, its entries credited to each author in turn.
    let live = &ids[3].0;
    app.send(Method::PUT, &format!("/v1/admin/articles/{live}/live"), Some(admin), Some(json!({"live": true})), &[])
        .await
        .expect(200);
    for i in 0..ARTICLES {
        let entry = json!({"body": format!("Entry {i}"), "author_id": author_ids[i % 3]});
        app.post(&format!("/v1/admin/articles/{live}/entries"), admin, entry).await.expect(201);
    }
    let all: Vec<&str> = ids.iter().map(|(id, _)| id.as_str()).collect();
    app.post("/v1/admin/articles/bulk", admin, json!({"action": "publish", "ids": all})).await.expect(200);
    for (_, slug) in ids.iter().take(ARTICLES) {
        app.send(Method::POST, &format!("/v1/articles/{slug}/views"), None, None, &[]).await.expect(202);
    }
    wait_until("every view to be counted", || async move {
        let list = app.get(&format!("/v1/articles/most-viewed?window=all&limit={ARTICLES}")).await.expect(200);
        (list.body["data"].as_array().map(Vec::len) == Some(ARTICLES)).then_some(())
    })
    .await;
}

/// Statements the server runs for one GET of `path`: the fewest seen over three tries, so a
/// background tick (the scheduler, the view flusher) landing in the middle cannot count.
async fn statements(app: &TestApp, path: &str) -> u64 {
    let mut fewest = u64::MAX;
    for _ in 0..3 {
        let before = app.db.statements_run();
        app.get(path).await.expect(200);
        fewest = fewest.min(app.db.statements_run() - before);
    }
    fewest
}

/// The budget of each endpoint (the statements it runs today, counted on each backend), and
/// its path for a page size. Lower a budget when an endpoint gets cheaper. PostgreSQL's pool
/// checks a connection (`SELECT 1`) only when it has not answered for 2 s, and of three quick
/// requests at least two skip it. PostgreSQL reads a page's section and source labels in one
/// statement, where SQLite (with no round trip to save) reads them in two.
fn endpoints(cursor: &str, backend: Backend) -> Vec<(&'static str, u64, String)> {
    let labels = if matches!(backend, Backend::Postgres) { 1 } else { 2 };
    let paged = |path: &str, limit: usize| {
        let sep = if path.contains('?') { '&' } else { '?' };
        format!("{path}{sep}limit={limit}")
    };
    let mut list = Vec::new();
    for limit in [1, 8, 20] {
        list.extend([
            (
                "list with every include",
                6 + labels,
                paged("/v1/articles?include=authors,tags,source,section,related", limit),
            ),
            ("search", 6, paged("/v1/articles?q=harbour&include=authors,tags", limit)),
            ("deep cursor page", 5, paged(&format!("/v1/articles?include=authors,tags&cursor={cursor}"), limit)),
            ("related", 5, paged("/v1/articles/harbour-report-5/related", limit)),
            ("most viewed", 3, paged("/v1/articles/most-viewed?window=all", limit)),
            ("live blog entries", 5, paged("/v1/articles/harbour-report-3/entries", limit)),
            ("tags", 4, paged("/v1/tags", limit)),
            ("authors", 4, paged("/v1/authors", limit)),
        ]);
    }
    list.extend([
        // An article and the feeds read its correction notes in one more statement; an article
        // asks whether it is a live blog in one more, and a live blog reads its newest entries
        // and their authors (for `liveBlogUpdate`) in two more.
        ("article by slug", 6, "/v1/articles/harbour-report-7".to_owned()),
        ("live blog by slug", 8, "/v1/articles/harbour-report-3".to_owned()),
        ("tag by slug", 3, "/v1/tags/tides".to_owned()),
        ("rss feed", 7, "/v1/feed.rss".to_owned()),
        ("atom feed", 7, "/v1/feed.atom".to_owned()),
        ("json feed", 7, "/v1/feed.json".to_owned()),
        ("sitemap index", 3, "/sitemap.xml".to_owned()),
        ("child sitemap", 3, "/sitemaps/articles.xml".to_owned()),
        ("news sitemap", 3, "/sitemap-news.xml".to_owned()),
    ]);
    list
}

async fn every_public_endpoint_keeps_its_statement_budget(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.no_cache = true).await;
    seed(&app).await;
    let first = app.get("/v1/articles?limit=2").await.expect(200);
    let cursor = first.body["meta"]["pagination"]["next_cursor"].as_str().expect("a cursor").to_owned();
    let mut seen: std::collections::BTreeMap<&str, u64> = Default::default();
    let mut report = Vec::new();
    for (name, budget, path) in endpoints(&cursor, backend) {
        let used = statements(&app, &path).await;
        report.push(format!("{name}: {used} (budget {budget}) {path}"));
        assert!(used <= budget, "{name} ran {used} statements, over its budget of {budget}: {path}\n{report:#?}");
        // Related skips its topic query when the editors' picks fill a page of one; past that
        // the count must not move with the page size.
        let first = *seen.entry(name).or_insert(used);
        let small_page = name == "related" && path.ends_with("limit=1");
        if small_page {
            seen.remove(name);
        } else {
            assert_eq!(used, first, "{name} ran {used} statements at one page size and {first} at another: {path}");
        }
    }
    println!("{}", report.join("\n"));
}

#[actix_web::test]
async fn sqlite() {
    every_public_endpoint_keeps_its_statement_budget(Backend::Sqlite).await
}

#[actix_web::test]
async fn postgres() {
    every_public_endpoint_keeps_its_statement_budget(Backend::Postgres).await
}

//! The in-process response cache: public answers come from memory, and a write voids exactly
//! the answers it changes, before it is acknowledged, here and in every other server process.

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{on_both_backends, TestApp};

/// Creates and publishes an article; returns its id.
async fn published(app: &TestApp, body: Value) -> String {
    let created = app.post("/v1/admin/articles", &app.admin, body).await.expect(201);
    let id = created.body["id"].as_str().expect("an id").to_owned();
    app.send(Method::POST, &format!("/v1/admin/articles/{id}/publish"), Some(&app.admin), None, &[]).await.expect(200);
    id
}

/// GETs `path` and says whether the cache answered it.
async fn fetch(app: &TestApp, path: &str) -> (Value, bool) {
    let (hits, _) = app.cache.hits_and_misses();
    let reply = app.get(path).await.expect(200);
    (reply.body, app.cache.hits_and_misses().0 > hits)
}

fn titles(list: &Value) -> Vec<String> {
    list["data"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|a| a["title"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn seed(app: &TestApp) -> (String, String) {
    app.post("/v1/admin/tags", &app.admin, json!({"slug": "tides", "name": "Tides"})).await.expect(201);
    app.post("/v1/admin/authors", &app.admin, json!({"slug": "ana-reyes", "name": "Ana Reyes"})).await.expect(201);
    let harbour = published(
        app,
        json!({"title": "Harbour wall repaired", "slug": "harbour-wall", "body": "Stone by stone.", "tags": ["tides"], "authors": ["ana-reyes"]}),
    )
    .await;
    let ferry =
        published(app, json!({"title": "Ferry timetable changes", "slug": "ferry-timetable", "body": "New times."}))
            .await;
    (harbour, ferry)
}

async fn a_repeated_read_is_served_from_memory_until_a_write_changes_it(app: TestApp) {
    let (harbour, _) = seed(&app).await;
    let (first, hit) = fetch(&app, "/v1/articles/harbour-wall").await;
    assert!(!hit, "the first read fills the cache");
    let (again, hit) = fetch(&app, "/v1/articles/harbour-wall").await;
    assert!(hit, "the second read comes from the cache");
    assert_eq!(first, again);
    let (_, hit) = fetch(&app, "/v1/articles?include=authors,tags").await;
    assert!(!hit);
    let (_, hit) = fetch(&app, "/v1/articles?include=authors,tags").await;
    assert!(hit);

    // The edit is visible in the very next read, on the page and in the list.
    app.patch(&format!("/v1/admin/articles/{harbour}"), &app.admin, json!({"title": "Harbour wall rebuilt"}))
        .await
        .expect(200);
    let (page, hit) = fetch(&app, "/v1/articles/harbour-wall").await;
    assert!(!hit);
    assert_eq!(page["title"], "Harbour wall rebuilt");
    let (list, _) = fetch(&app, "/v1/articles?include=authors,tags").await;
    assert!(titles(&list).contains(&"Harbour wall rebuilt".to_owned()), "{list}");

    // A 304 from the cache for a client that already has the page.
    let etag = app.get("/v1/articles/harbour-wall").await.expect(200).header("etag").expect("an etag").to_owned();
    let (hits, _) = app.cache.hits_and_misses();
    app.send(Method::GET, "/v1/articles/harbour-wall", None, None, &[("if-none-match", &etag)]).await.expect(304);
    assert!(app.cache.hits_and_misses().0 > hits);

    // Unpublished: gone from the page and the list at once.
    app.send(Method::POST, &format!("/v1/admin/articles/{harbour}/unpublish"), Some(&app.admin), None, &[])
        .await
        .expect(200);
    app.get("/v1/articles/harbour-wall").await.expect_problem(404);
    let (list, _) = fetch(&app, "/v1/articles?include=authors,tags").await;
    assert!(!titles(&list).iter().any(|t| t.starts_with("Harbour")), "{list}");
}

async fn a_write_voids_exactly_the_answers_that_show_what_it_changed(app: TestApp) {
    let (_, _) = seed(&app).await;
    for path in ["/v1/articles/harbour-wall", "/v1/articles/ferry-timetable", "/v1/articles", "/v1/feed.rss"] {
        fetch(&app, path).await;
        assert!(fetch(&app, path).await.1, "{path} is cached");
    }

    // Renaming a tag changes the page that shows it and the lists, not the other article.
    let tag_path = tag_admin_path(&app).await;
    app.patch(&tag_path, &app.admin, json!({"name": "Tides and currents"})).await.expect(200);
    let (page, hit) = fetch(&app, "/v1/articles/harbour-wall").await;
    assert!(!hit);
    assert_eq!(page["tags"][0]["name"], "Tides and currents");
    assert!(fetch(&app, "/v1/articles/ferry-timetable").await.1, "an article without the tag stays cached");
    assert!(!fetch(&app, "/v1/articles").await.1);

    // Writing a draft changes nothing the public sees, so nothing public is voided.
    for path in ["/v1/articles", "/v1/feed.rss", "/v1/articles/ferry-timetable"] {
        fetch(&app, path).await;
    }
    let draft = app.post("/v1/admin/articles", &app.admin, json!({"title": "Unfinished draft"})).await.expect(201);
    let draft_id = draft.body["id"].as_str().expect("an id");
    app.patch(&format!("/v1/admin/articles/{draft_id}"), &app.admin, json!({"title": "Still unfinished"}))
        .await
        .expect(200);
    for path in ["/v1/articles", "/v1/feed.rss", "/v1/articles/ferry-timetable"] {
        assert!(fetch(&app, path).await.1, "{path} survives a draft edit");
    }

    // Publishing it changes the lists and the feed.
    app.send(Method::POST, &format!("/v1/admin/articles/{draft_id}/publish"), Some(&app.admin), None, &[])
        .await
        .expect(200);
    let (list, hit) = fetch(&app, "/v1/articles").await;
    assert!(!hit);
    assert!(titles(&list).contains(&"Still unfinished".to_owned()));
    assert!(!fetch(&app, "/v1/feed.rss").await.1);
}

/// The admin path of the `tides` tag (admin taxonomy routes take an id).
async fn tag_admin_path(app: &TestApp) -> String {
    let list = app.admin_get("/v1/admin/tags?limit=100", &app.admin).await.expect(200);
    let tag = list.body["data"].as_array().expect("tags").iter().find(|t| t["slug"] == "tides").expect("tides").clone();
    format!("/v1/admin/tags/{}", tag["id"].as_str().expect("an id"))
}

async fn most_viewed_follows_the_beacons_through_the_cache(app: TestApp) {
    seed(&app).await;
    let path = "/v1/articles/most-viewed?window=all";
    fetch(&app, path).await;
    assert!(fetch(&app, path).await.1);
    app.send(Method::POST, "/v1/articles/ferry-timetable/views", None, None, &[]).await.expect(202);
    crate::common::wait_until("the view to reach the cached most-viewed list", || {
        let app = &app;
        async move {
            let list = app.get(path).await.expect(200);
            (list.body["data"][0]["article"]["slug"] == "ferry-timetable").then_some(())
        }
    })
    .await;
}

/// GETs `path` asking for `encoding`; returns the decoded body, the encoding sent and whether
/// the cache answered.
async fn fetch_encoded(app: &TestApp, path: &str, encoding: &str) -> (Value, Option<String>, bool) {
    let (hits, _) = app.cache.hits_and_misses();
    let whole = fetch_whole(app, path, None, encoding).await;
    let hit = app.cache.hits_and_misses().0 > hits;
    assert_eq!(whole.status, 200, "{path} with {encoding}");
    assert!(whole.vary.contains("accept-encoding"), "{path} with {encoding}: an answer varies by Accept-Encoding");
    let body = serde_json::from_slice(&whole.body).unwrap_or_else(|e| panic!("{path}: not JSON once decoded: {e}"));
    (body, whole.encoding, hit)
}

/// An answer that came whole, with its length, decoded.
struct Whole {
    status: u16,
    encoding: Option<String>,
    /// The `Vary` values, lowercased and joined.
    vary: String,
    body: Vec<u8>,
}

/// GETs `path` (with `token`, if any) asking for `encoding`, checks that the answer came whole
/// with its length (not in chunks), and decodes it.
async fn fetch_whole(app: &TestApp, path: &str, token: Option<&str>, encoding: &str) -> Whole {
    use std::io::Read;
    let mut request = app.client.get(format!("{}{path}", app.base)).header("accept-encoding", encoding);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let reply = request.send().await.expect("an answer");
    let status = reply.status().as_u16();
    let sent = reply.headers().get("content-encoding").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let vary: Vec<String> =
        reply.headers().get_all("vary").iter().filter_map(|v| Some(v.to_str().ok()?.to_ascii_lowercase())).collect();
    let length = reply.headers().get("content-length").and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    let raw = reply.bytes().await.expect("a body").to_vec();
    assert_eq!(length, Some(raw.len()), "{path} in {encoding}: sent whole, with its length, not in chunks");
    let mut plain = Vec::new();
    let decoded = match sent.as_deref() {
        Some("gzip") => flate2::read::GzDecoder::new(&raw[..]).read_to_end(&mut plain),
        Some("br") => brotli::Decompressor::new(&raw[..], 4096).read_to_end(&mut plain),
        _ => std::io::Read::read_to_end(&mut &raw[..], &mut plain),
    };
    decoded.unwrap_or_else(|e| panic!("{path}: a {sent:?} body that does not decode: {e}"));
    Whole { status, encoding: sent, vary: vary.join(","), body: plain }
}

async fn compressed_answers_come_from_the_cache_and_follow_writes(app: TestApp) {
    let (harbour, _) = seed(&app).await;
    let path = "/v1/articles?include=authors,tags";
    let (plain, _) = fetch(&app, path).await;
    for (asked, expected) in
        [("gzip", Some("gzip")), ("br", Some("br")), ("gzip, deflate, br", Some("br")), ("*", None)]
    {
        for _ in 0..2 {
            let (body, sent, hit) = fetch_encoded(&app, path, asked).await;
            assert!(hit, "{asked}: served from the cache, compressed there");
            assert_eq!(sent.as_deref(), expected, "Accept-Encoding: {asked}");
            assert_eq!(body, plain, "{asked}: the same list as the identity answer");
        }
    }
    app.patch(&format!("/v1/admin/articles/{harbour}"), &app.admin, json!({"title": "Harbour wall reopened"}))
        .await
        .expect(200);
    for asked in ["gzip", "br"] {
        let (list, _, _) = fetch_encoded(&app, path, asked).await;
        assert!(titles(&list).contains(&"Harbour wall reopened".to_owned()), "{asked} after an edit: {list}");
        let (_, _, hit) = fetch_encoded(&app, path, asked).await;
        assert!(hit, "{asked}: cached again");
    }

    // A client revalidating its compressed copy gets a 304 from the cache that varies as the 200 did.
    let etag = app.get(path).await.expect(200).header("etag").expect("an etag").to_owned();
    let (hits, _) = app.cache.hits_and_misses();
    let revalidated = app
        .send(Method::GET, path, None, None, &[("accept-encoding", "br"), ("if-none-match", &etag)])
        .await
        .expect(304);
    assert!(app.cache.hits_and_misses().0 > hits, "answered by the cache");
    assert_eq!(revalidated.header("vary"), Some("accept-encoding"), "a 304 varies as its 200 does");
}

async fn no_cache_answers_every_read_from_the_database(app: TestApp) {
    seed(&app).await;
    for _ in 0..3 {
        let (page, hit) = fetch(&app, "/v1/articles/harbour-wall").await;
        assert!(!hit);
        assert_eq!(page["title"], "Harbour wall repaired");
    }
    assert_eq!(app.cache.hits_and_misses(), (0, 0), "with --no-cache nothing is looked up");
}

/// The `Vary` names of a reply, lowercased, however many headers carry them.
fn vary_names(reply: &crate::common::Reply) -> Vec<String> {
    let values = reply.headers.get_all("vary").iter().filter_map(|v| v.to_str().ok());
    values.flat_map(|v| v.split(',')).map(|name| name.trim().to_ascii_lowercase()).collect()
}

/// With the cache or without it, every answer says it varies by `Accept-Encoding`, once:
/// compressed or not, public, editorial or an error. A shared cache that kept an identity
/// answer without it would hand that to every client, and never the compressed one. An article
/// also varies by `Accept`, which picks its JSON or ninjs form.
async fn every_answer_varies_by_accept_encoding(app: TestApp) {
    seed(&app).await;
    let public = ["/v1/articles/harbour-wall", "/v1/articles?include=authors,tags", "/v1/feed.rss"];
    for path in public {
        // Twice, so that with the cache on the second answer is a hit.
        for asked in [None, Some("identity"), Some("gzip"), Some("br"), Some("deflate")].repeat(2) {
            let headers: Vec<(&str, &str)> = asked.map(|a| ("accept-encoding", a)).into_iter().collect();
            let reply = app.send(Method::GET, path, None, None, &headers).await.expect(200);
            let varies = if path.starts_with("/v1/articles/") {
                &["accept", "accept-encoding"][..]
            } else {
                &["accept-encoding"]
            };
            assert_eq!(vary_names(&reply), varies, "{path} asking for {asked:?}");
            let compressed = matches!(asked, Some("gzip" | "br" | "deflate"));
            assert_eq!(reply.header("content-encoding"), asked.filter(|_| compressed), "{path} asking for {asked:?}");
        }
    }
    let etag = app.get("/v1/articles/harbour-wall").await.header("etag").expect("an etag").to_owned();
    let unchanged = app.send(Method::GET, "/v1/articles/harbour-wall", None, None, &[("if-none-match", &etag)]).await;
    assert_eq!(vary_names(&unchanged.expect(304)), ["accept", "accept-encoding"], "a 304 varies as its 200 does");
    let editorial = app.admin_get("/v1/admin/articles", &app.admin).await.expect(200);
    assert_eq!(vary_names(&editorial), ["accept-encoding"], "an editorial answer");
    let missing = app.get("/v1/articles/no-such-story").await;
    assert_eq!(vary_names(&missing), ["accept-encoding"], "a problem");
    missing.expect_problem(404);
}

/// Public, editorial and problem answers come compressed in the encoding the client prefers,
/// whole and with their length, and decode to the identity answer, whether or not the response
/// cache kept them.
async fn every_answer_comes_compressed_whole(app: TestApp) {
    seed(&app).await;
    let admin = app.admin.clone();
    let paths = [
        ("/v1/articles/harbour-wall", None, 200),
        ("/v1/articles?include=authors,tags", None, 200),
        ("/v1/feed.rss", None, 200),
        ("/sitemap.xml", None, 200),
        ("/sitemaps/articles.xml", None, 200),
        ("/v1/admin/articles", Some(admin.as_str()), 200),
        ("/v1/articles/no-such-story", None, 404),
    ];
    for (path, token, status) in paths {
        let plain = fetch_whole(&app, path, token, "identity").await;
        assert_eq!((plain.status, plain.encoding.as_deref()), (status, None), "{path}: identity when asked");
        for (asked, expected) in [("gzip", "gzip"), ("br", "br"), ("gzip, deflate, br", "br")] {
            let packed = fetch_whole(&app, path, token, asked).await;
            assert_eq!(packed.status, status, "{path} in {asked}");
            assert_eq!(packed.encoding.as_deref(), Some(expected), "{path}: Accept-Encoding: {asked}");
            assert_eq!(
                String::from_utf8_lossy(&packed.body),
                String::from_utf8_lossy(&plain.body),
                "{path} in {asked}: decodes to the identity answer"
            );
        }
    }
}

/// A view of the reader's page of `harbour-wall`, and whether the cache answered it.
async fn page(app: &TestApp) -> (String, bool) {
    let (hits, _) = app.cache.hits_and_misses();
    let reply = app.get("/articles/harbour-wall").await.expect(200);
    (reply.text, app.cache.hits_and_misses().0 > hits)
}

/// The reader's article page (its head written from the article) is kept like the article's
/// JSON, and an edit to the article or its author's name shows on the very next view.
async fn the_reader_page_is_kept_until_what_it_shows_changes(app: TestApp) {
    let (harbour, _) = seed(&app).await;
    let (first, hit) = page(&app).await;
    assert!(!hit && first.contains("<title>Harbour wall repaired</title>"), "{first}");
    let (again, hit) = page(&app).await;
    assert!(hit, "the second view comes from the cache");
    assert_eq!(first, again);
    app.patch(&format!("/v1/admin/articles/{harbour}"), &app.admin, json!({"title": "Harbour wall rebuilt"}))
        .await
        .expect(200);
    let (edited, hit) = page(&app).await;
    assert!(!hit && edited.contains("<title>Harbour wall rebuilt</title>"), "{edited}");
    let author = app.get("/v1/authors/ana-reyes").await.expect(200).body["id"].as_str().unwrap_or_default().to_owned();
    app.patch(&format!("/v1/admin/authors/{author}"), &app.admin, json!({"name": "Ana Reyes-Ortiz"})).await.expect(200);
    let (renamed, _) = page(&app).await;
    assert!(renamed.contains("Ana Reyes-Ortiz"), "the byline in the structured data follows the author: {renamed}");
}

on_both_backends!(
    the_reader_page_is_kept_until_what_it_shows_changes,
    every_answer_varies_by_accept_encoding,
    every_answer_comes_compressed_whole,
    a_repeated_read_is_served_from_memory_until_a_write_changes_it,
    a_write_voids_exactly_the_answers_that_show_what_it_changed,
    most_viewed_follows_the_beacons_through_the_cache,
    compressed_answers_come_from_the_cache_and_follow_writes,
    an_edit_on_one_server_reaches_the_other_servers_cache_within_a_second,
);

/// The server as `--no-cache` starts it.
fn no_cache(config: &mut newsdesk_api::Config) {
    config.no_cache = true;
}

on_both_backends!(
    settings = no_cache;
    no_cache_answers_every_read_from_the_database,
    every_answer_varies_by_accept_encoding_without_the_cache,
    every_answer_comes_compressed_whole_without_the_cache,
);

async fn every_answer_comes_compressed_whole_without_the_cache(app: TestApp) {
    every_answer_comes_compressed_whole(app).await
}

async fn every_answer_varies_by_accept_encoding_without_the_cache(app: TestApp) {
    every_answer_varies_by_accept_encoding(app).await
}

/// Two server processes on one database: an edit made through one reaches the other's cache
/// within a second (LISTEN/NOTIFY on PostgreSQL, the notices table on SQLite). The second server
/// has its own pool, cache and listener.
async fn an_edit_on_one_server_reaches_the_other_servers_cache_within_a_second(first: TestApp) {
    let second = first.spawn_sibling().await;
    let (harbour, _) = seed(&first).await;
    // The seed's own notices reach the second server a moment after they were sent; once its
    // answers are cached and stay cached, the edit below is the only change on its way.
    for path in ["/v1/articles/harbour-wall", "/v1/articles"] {
        let second = &second;
        crate::common::wait_until(&format!("{path} to be cached on the second server"), || async move {
            fetch(second, path).await.1.then_some(())
        })
        .await;
    }
    first
        .patch(&format!("/v1/admin/articles/{harbour}"), &first.admin, json!({"title": "Harbour wall rebuilt"}))
        .await
        .expect(200);
    // The notice travels at commit; the second server's entries must go within a second.
    let second = &second;
    crate::common::wait::wait_until_within(
        std::time::Duration::from_secs(1),
        "the second server to drop the old answers",
        || async move {
            (second.cache.get("/v1/articles/harbour-wall").is_none() && second.cache.get("/v1/articles").is_none())
                .then_some(())
        },
    )
    .await;
    let page = second.get("/v1/articles/harbour-wall").await.expect(200);
    assert_eq!(page.body["title"], "Harbour wall rebuilt");
    let list = second.get("/v1/articles").await.expect(200);
    assert!(titles(&list.body).contains(&"Harbour wall rebuilt".into()), "{}", list.text);
}

//! Full-text search: ranked, marked, following every write, and never failing on odd input.

use reqwest::Method;
use serde_json::json;

use crate::common::values::{id_of, slug_of};
use crate::common::{on_both_backends, Reply, TestApp};

/// `path` with `pairs` as its query string, percent-encoded.
fn with_query(path: &str, pairs: &[(&str, &str)]) -> String {
    let mut url = reqwest::Url::parse("http://localhost").expect("a base URL");
    url.set_path(path);
    url.query_pairs_mut().extend_pairs(pairs);
    format!("{}?{}", url.path(), url.query().unwrap_or_default())
}

async fn search(app: &TestApp, q: &str, more: &[(&str, &str)]) -> Reply {
    let mut pairs = vec![("q", q)];
    pairs.extend_from_slice(more);
    app.get(&with_query("/v1/articles", &pairs)).await
}

async fn admin_search(app: &TestApp, q: &str) -> Reply {
    app.admin_get(&with_query("/v1/admin/articles", &[("q", q)]), &app.admin).await
}

/// The slugs in a 200 list, in order.
fn slugs(reply: Reply) -> Vec<String> {
    let reply = reply.expect(200);
    let data = reply.body["data"].as_array().unwrap_or_else(|| panic!("a list: {}", reply.text));
    assert_eq!(reply.body["meta"]["pagination"]["total"], data.len(), "one page: {}", reply.text);
    data.iter().map(slug_of).collect()
}

/// Asserts that every hit's snippet marks a match of `word` and is HTML-escaped.
#[track_caller]
fn assert_snippets_mark(reply: &Reply, word: &str) {
    let data = reply.body["data"].as_array().unwrap_or_else(|| panic!("a list: {}", reply.text));
    assert!(!data.is_empty(), "no hits: {}", reply.text);
    for hit in data {
        let snippet = hit["snippet"].as_str().unwrap_or_else(|| panic!("a snippet on {}: {hit}", hit["slug"]));
        assert!(
            snippet.to_lowercase().contains(&format!("<mark>{word}</mark>")),
            "the snippet of {} marks no `{word}`: {snippet:?}",
            hit["slug"]
        );
        let bare = snippet.replace("<mark>", "").replace("</mark>", "");
        assert!(!bare.contains(['<', '>']), "an unescaped tag in the snippet of {}: {snippet:?}", hit["slug"]);
    }
}

async fn search_ranks_title_matches_first_and_marks_the_match(app: TestApp) {
    app.seed_taxonomy().await;
    let title_match = app
        .published(json!({
            "title": "Lighthouse keepers retire",
            "body": "The last keepers left the rock on Friday.",
            "tags": ["coast"], "section": "news", "authors": ["ada-byline"]
        }))
        .await;
    // Newer, so only relevance puts the title match first.
    let body_match = app
        .published(json!({
            "title": "Council sets the budget",
            "summary": "Spending rises again.",
            "body": "Money for lighthouse repairs was approved after a long debate.",
            "tags": ["water"], "authors": ["ben-byline"]
        }))
        .await;
    let escaped = app
        .published(json!({
            "title": "Weather notes",
            "summary": "A column about kelp.",
            "body": "Readers asked about the zephyrine breeze: `a<b` & \"more\".",
            "tags": ["water"]
        }))
        .await;
    let draft =
        app.draft(&app.admin, json!({"title": "Lighthouse sale planned", "body": "The lighthouse may be sold."})).await;
    let (title_match, body_match, escaped, draft) =
        (slug_of(&title_match), slug_of(&body_match), slug_of(&escaped), slug_of(&draft));
    let (title_match, body_match, escaped, draft) =
        (title_match.as_str(), body_match.as_str(), escaped.as_str(), draft.as_str());

    // Ranked by relevance by default; the draft is not public.
    let hits = search(&app, "lighthouse", &[]).await.expect(200);
    assert_eq!(slugs(hits), [title_match, body_match], "a title match ranks above a body-only match");
    assert_eq!(slugs(search(&app, "lighthouse", &[("sort", "relevance")]).await), [title_match, body_match]);
    assert_eq!(slugs(search(&app, "Lighthouse", &[]).await), [title_match, body_match], "case does not matter");
    assert_eq!(slugs(search(&app, "lighthouses", &[]).await), [title_match, body_match], "nor the plural");
    // Another order on request.
    assert_eq!(slugs(search(&app, "lighthouse", &[("sort", "-published_at")]).await), [body_match, title_match]);

    // A word only in a body; one only in a summary; every word must match.
    let hits = search(&app, "zephyrine", &[]).await.expect(200);
    assert_snippets_mark(&hits, "zephyrine");
    let snippet = hits.body["data"][0]["snippet"].as_str().unwrap_or_default().to_owned();
    // PostgreSQL's headline may end the excerpt before the closing quote; the escaping is the point.
    assert!(snippet.contains("a&lt;b &amp; &quot;more"), "the body text is HTML-escaped: {snippet:?}");
    assert_eq!(slugs(hits), [escaped]);
    assert_eq!(slugs(search(&app, "kelp", &[]).await), [escaped]);
    assert_eq!(slugs(search(&app, "lighthouse repairs", &[]).await), [body_match]);
    assert!(slugs(search(&app, "lighthouse zephyrine", &[]).await).is_empty());
    assert!(slugs(search(&app, "nowhere", &[]).await).is_empty());
    assert!(search(&app, "lighthouse", &[]).await.body["data"][0].get("snippet").is_some());
    assert!(
        app.get("/v1/articles").await.expect(200).body["data"][0].get("snippet").is_none(),
        "no snippet without a search"
    );

    // Combined with every other filter.
    assert_eq!(slugs(search(&app, "lighthouse", &[("tag", "coast")]).await), [title_match]);
    assert_eq!(slugs(search(&app, "lighthouse", &[("tag", "water")]).await), [body_match]);
    assert!(slugs(search(&app, "zephyrine", &[("tag", "coast")]).await).is_empty());
    assert_eq!(slugs(search(&app, "lighthouse", &[("section", "news")]).await), [title_match]);
    assert_eq!(slugs(search(&app, "lighthouse", &[("author", "ben-byline")]).await), [body_match]);
    assert!(slugs(search(&app, "lighthouse", &[("published_after", "2999-01-01T00:00:00Z")]).await).is_empty());
    assert_eq!(
        slugs(search(&app, "lighthouse", &[("published_before", "2999-01-01T00:00:00Z")]).await),
        [title_match, body_match]
    );
    let paged = search(&app, "lighthouse", &[("limit", "1"), ("page", "2")]).await.expect(200);
    assert_eq!(paged.body["meta"]["pagination"]["total"], 2);
    assert_eq!(paged.body["data"][0]["slug"], body_match);

    // The admin list searches every status.
    let hits = admin_search(&app, "lighthouse").await.expect(200);
    let mut found: Vec<String> = hits.body["data"].as_array().unwrap().iter().map(slug_of).collect();
    found.sort();
    let mut expected = vec![title_match, body_match, draft];
    expected.sort();
    assert_eq!(found, expected);
    assert_eq!(hits.body["meta"]["pagination"]["total"], 3);
    let drafts = app
        .admin_get(&with_query("/v1/admin/articles", &[("q", "lighthouse"), ("status", "draft")]), &app.admin)
        .await
        .expect(200);
    assert_eq!(drafts.body["data"].as_array().unwrap().iter().map(slug_of).collect::<Vec<_>>(), [draft]);

    // Every hit's snippet marks the match, wherever it is: in the body, or only in the title.
    assert_snippets_mark(&search(&app, "lighthouse", &[("tag", "water")]).await.expect(200), "lighthouse");
    assert_snippets_mark(&search(&app, "lighthouse", &[]).await.expect(200), "lighthouse");
    assert_snippets_mark(&admin_search(&app, "lighthouse").await.expect(200), "lighthouse");
}

async fn search_follows_every_write(app: TestApp) {
    let article = app
        .published(json!({"title": "Council sets the budget", "body": "Money for lighthouse repairs was approved."}))
        .await;
    let (id, slug) = (id_of(&article), slug_of(&article));
    let slug = slug.as_str();
    let path = format!("/v1/admin/articles/{id}");
    assert_eq!(slugs(search(&app, "lighthouse", &[]).await), [slug]);
    assert!(slugs(search(&app, "quixotic", &[]).await).is_empty());

    // A new body: its words are found, the old ones are not.
    app.patch(&path, &app.admin, json!({"body": "Money for a quixotic harbour plan was approved."})).await.expect(200);
    let hits = search(&app, "quixotic", &[]).await.expect(200);
    assert_snippets_mark(&hits, "quixotic");
    assert_eq!(slugs(hits), [slug]);
    assert!(slugs(search(&app, "lighthouse", &[]).await).is_empty(), "a word removed by PATCH is still found");
    // A new title and summary too.
    app.patch(&path, &app.admin, json!({"title": "Council sets the ferry budget", "summary": "Pelicans object."}))
        .await
        .expect(200);
    assert_eq!(slugs(search(&app, "ferry", &[]).await), [slug]);
    assert_eq!(slugs(search(&app, "pelicans", &[]).await), [slug]);

    // Unpublished: gone publicly, still found by the admin.
    app.act(&app.admin, &id, "unpublish").await.expect(200);
    assert!(slugs(search(&app, "quixotic", &[]).await).is_empty(), "an unpublished article is found publicly");
    let admin_hits = admin_search(&app, "quixotic").await.expect(200);
    assert_eq!(admin_hits.body["data"][0]["id"], id.as_str(), "{}", admin_hits.text);
    assert_eq!(admin_hits.body["data"][0]["status"], "draft");
    app.act(&app.admin, &id, "publish").await.expect(200);
    assert_eq!(slugs(search(&app, "quixotic", &[]).await), [slug]);

    // Trashed: gone publicly; restored it is a draft, still not public; published, back.
    app.delete(&path, &app.admin).await.expect(204);
    assert!(slugs(search(&app, "quixotic", &[]).await).is_empty(), "a trashed article is found publicly");
    assert!(slugs(admin_search(&app, "quixotic").await).is_empty(), "the trash is not in the admin list");
    app.act(&app.admin, &id, "restore").await.expect(200);
    assert!(slugs(search(&app, "quixotic", &[]).await).is_empty(), "a restored draft is found publicly");
    app.act(&app.admin, &id, "publish").await.expect(200);
    assert_eq!(slugs(search(&app, "quixotic", &[]).await), [slug]);
    assert_eq!(slugs(search(&app, "pelicans", &[]).await), [slug]);

    // A second article is found alongside, and a purged one is gone for good.
    let other = app.published(json!({"title": "Quixotic ideas", "body": "Windmills."})).await;
    assert_eq!(slugs(search(&app, "quixotic", &[]).await), [slug_of(&other), slug.to_owned()]);
    let other_path = format!("/v1/admin/articles/{}", id_of(&other));
    app.delete(&other_path, &app.admin).await.expect(204);
    app.send(Method::DELETE, &format!("/v1/admin/trash/{}", id_of(&other)), Some(&app.admin), None, &[])
        .await
        .expect(204);
    assert_eq!(slugs(search(&app, "quixotic", &[]).await), [slug]);
    assert_eq!(slugs(admin_search(&app, "windmills").await), Vec::<String>::new());
}

async fn malformed_searches_never_fail(app: TestApp) {
    let story = &slug_of(
        &app.published(json!({"title": "Lighthouse keepers retire", "body": "The last keepers left on Friday."})).await,
    );
    let long_words = "lighthouse ".repeat(18); // 197 characters once trimmed
    let wide = "é".repeat(200); // 200 characters, 400 bytes
                                // Literal searches: 200, or 422 naming `q`; never a 500.
    let tolerated = [
        "\"lighthouse",
        "lighthouse\"",
        "\"lighthouse keepers\"",
        "lighthouse AND",
        "AND",
        "OR",
        "NOT",
        "AND lighthouse",
        "lighthouse OR",
        "lighthouse NOT",
        "-lighthouse",
        "lighthouse -",
        "lighthouse*",
        "*lighthouse",
        "light*house",
        "lighthouse:*",
        "title:lighthouse",
        "NEAR(lighthouse keepers, 2)",
        "(lighthouse",
        "lighthouse)",
        "^lighthouse",
        "lighthouse'",
        "'lighthouse'",
        "lighthouse & keepers",
        "lighthouse | keepers",
        "lighthouse <-> keepers",
        "!lighthouse",
        "lighthouse\\",
        "{lighthouse}",
        "[lighthouse]",
        "lighthouse;",
        "lighthouse' OR 1=1 --",
        "%",
        "_",
        "½",
        "²",
        "💥 lighthouse",
        "日本語",
        "\u{1}lighthouse\u{2}",
        "lighthouse\tkeepers\nretire",
        "a",
        "the",
        "a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a",
        long_words.trim(),
        &wide,
    ];
    for q in tolerated {
        for (endpoint, reply) in [("public", search(&app, q, &[]).await), ("admin", admin_search(&app, q).await)] {
            match reply.status.as_u16() {
                200 => assert!(reply.body["data"].is_array(), "{endpoint} q={q:?}: {}", reply.text),
                422 => {
                    let problem = reply.expect_problem(422);
                    assert_eq!(Reply::fields(&problem), ["q"], "{endpoint} q={q:?}: {problem}");
                }
                other => panic!("{endpoint} q={q:?}: {other}: {}", reply.text),
            }
        }
    }
    // Literal: the word in quotes is still the word.
    for q in ["\"lighthouse", "\"lighthouse keepers\"", "lighthouse*", long_words.trim()] {
        let reply = search(&app, q, &[]).await;
        if reply.status.as_u16() == 200 {
            assert_eq!(slugs(reply), [story.as_str()], "q={q:?}");
        }
    }
    // Nothing to search for, or too long: 422 naming `q`.
    let too_long = "a".repeat(201);
    let too_wide = "é".repeat(201);
    let too_many_words = "lighthouse ".repeat(19);
    let huge = "lighthouse ".repeat(1000);
    for q in [
        "",
        " ",
        "*",
        "\"",
        "\"\"",
        "***",
        "-",
        "\" * \"",
        "&&",
        "()",
        &too_long,
        &too_wide,
        too_many_words.trim(),
        &huge,
    ] {
        for (endpoint, reply) in [("public", search(&app, q, &[]).await), ("admin", admin_search(&app, q).await)] {
            let shown: String = q.chars().take(30).collect();
            assert_eq!(reply.status.as_u16(), 422, "{endpoint} q={shown:?}…: {}", reply.text);
            let problem = reply.expect_problem(422);
            assert_eq!(Reply::fields(&problem), ["q"], "{endpoint} q={shown:?}: {problem}");
        }
    }
    // A NUL character is refused, not sent to the database.
    let problem = app.get("/v1/articles?q=light%00house").await.expect_problem(422);
    assert_eq!(Reply::fields(&problem), ["q"]);
    // Exactly 200 characters is allowed.
    search(&app, &wide, &[]).await.expect(200);
    search(&app, &"a".repeat(200), &[]).await.expect(200);
}

/// A search in relevance order ranks only the newest matches (3 here, `NEWSDESK_SEARCH_WINDOW`;
/// 1,000 by default): an older, better match drops out, filters apply before the window, a
/// draft takes no public place, and every other order sorts the same window.
async fn search_ranks_only_the_newest_matches(app: TestApp) {
    app.seed_taxonomy().await;
    let oldest = slug_of(
        &app.published(json!({"title": "Harbour, harbour", "body": "All about the harbour.", "tags": ["coast"]})).await,
    );
    let mut newer = Vec::new();
    for n in 1..=4 {
        let body = format!("A walk past the harbour, part {n}.");
        newer.push(slug_of(&app.published(json!({"title": format!("Walk {n}"), "body": body})).await));
    }
    let draft = slug_of(&app.draft(&app.admin, json!({"title": "Draft", "body": "The harbour at night."})).await);

    // Equal scores, so newest first; the title match is older than the window.
    let hits = search(&app, "harbour", &[]).await;
    assert_eq!(slugs(hits), [newer[3].clone(), newer[2].clone(), newer[1].clone()]);
    let second = search(&app, "harbour", &[("limit", "2"), ("page", "2")]).await.expect(200);
    assert_eq!(second.body["meta"]["pagination"]["total"], 3, "{}", second.text);
    assert_eq!(
        second.body["data"].as_array().map(|d| d.iter().map(slug_of).collect::<Vec<_>>()),
        Some(vec![newer[1].clone()])
    );
    assert_eq!(slugs(search(&app, "harbour", &[("tag", "coast")]).await), [oldest.as_str()], "filters come first");
    // Any other order sorts the same window.
    let by_date = search(&app, "harbour", &[("sort", "published_at")]).await;
    assert_eq!(
        slugs(by_date),
        [newer[1].clone(), newer[2].clone(), newer[3].clone()],
        "the oldest of the window first"
    );
    let by_title = search(&app, "harbour", &[("sort", "-title")]).await;
    assert_eq!(slugs(by_title), [newer[3].clone(), newer[2].clone(), newer[1].clone()]);
    // Paging by cursor stays inside the window too.
    let first = search(&app, "harbour", &[("sort", "-published_at"), ("limit", "2")]).await.expect(200);
    let next = first.body["meta"]["pagination"]["next_cursor"].as_str().expect("a next cursor").to_owned();
    let rest =
        search(&app, "harbour", &[("sort", "-published_at"), ("limit", "2"), ("cursor", &next)]).await.expect(200);
    assert_eq!(
        rest.body["data"].as_array().map(|d| d.iter().map(slug_of).collect::<Vec<_>>()),
        Some(vec![newer[1].clone()])
    );
    assert!(rest.body["meta"]["pagination"]["next_cursor"].is_null(), "the window ends: {}", rest.text);
    // The admin list's window holds every status.
    let admin = admin_search(&app, "harbour").await.expect(200);
    let found: Vec<String> = admin.body["data"].as_array().unwrap().iter().map(slug_of).collect();
    assert_eq!(found.len(), 3, "{}", admin.text);
    assert!(found.contains(&draft), "{found:?}");
}

/// A search window of three articles.
fn search_window_of_three(config: &mut newsdesk_api::Config) {
    config.search_window = 3;
}

on_both_backends!(settings = search_window_of_three; search_ranks_only_the_newest_matches);
on_both_backends!(
    search_ranks_title_matches_first_and_marks_the_match,
    search_follows_every_write,
    malformed_searches_never_fail
);

//! What readers get besides the articles themselves: the most-viewed list fed by a view
//! beacon, related reading (the editors' picks, then shared topics), and full-text search.

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::values::{id_of, slug_of};
use crate::common::{on_both_backends, wait_until, Reply, TestApp};

/// `path` with `pairs` as its query string, percent-encoded.
fn with_query(path: &str, pairs: &[(&str, &str)]) -> String {
    let mut url = reqwest::Url::parse("http://localhost").expect("a base URL");
    url.set_path(path);
    url.query_pairs_mut().extend_pairs(pairs);
    format!("{}?{}", url.path(), url.query().unwrap_or_default())
}

// ---------------------------------------------------------------------------------------------
// Most viewed

/// A view beacon for `slug` from the reader whose browser says `agent`.
async fn view(app: &TestApp, slug: &str, agent: &str) -> Reply {
    app.send(Method::POST, &format!("/v1/articles/{slug}/views"), None, None, &[("user-agent", agent)]).await
}

/// The most-viewed list for `query` as `(slug, views)`, most viewed first.
async fn most_viewed(app: &TestApp, query: &str) -> Vec<(String, i64)> {
    let reply = app.get(&format!("/v1/articles/most-viewed?{query}")).await.expect(200);
    reply.body["data"]
        .as_array()
        .unwrap_or_else(|| panic!("a list: {}", reply.text))
        .iter()
        .map(|item| {
            let views = item["views"].as_i64().unwrap_or_else(|| panic!("a view count in {item}"));
            (slug_of(&item["article"]), views)
        })
        .collect()
}

/// Waits until the all-time list shows `slug` with `views`, and returns that list. Used after
/// a last beacon as a barrier: counts are flushed in one batch, so once the last beacon shows,
/// every beacon answered before it has been written too.
async fn wait_for_views(app: &TestApp, slug: &str, views: i64) -> Vec<(String, i64)> {
    wait_until(&format!("`{slug}` to show {views} view(s) in the most-viewed list"), || async move {
        let list = most_viewed(app, "window=all&limit=50").await;
        list.iter().any(|(s, n)| s == slug && *n == views).then_some(list)
    })
    .await
}

fn ranked(expected: &[(&str, i64)]) -> Vec<(String, i64)> {
    expected.iter().map(|(slug, n)| ((*slug).to_owned(), *n)).collect()
}

async fn most_viewed_ranks_distinct_readers_within_about_a_second(app: TestApp) {
    app.seed_taxonomy().await;
    app.post("/v1/admin/sections", &app.admin, json!({"slug": "sport", "name": "Sport"})).await.expect(201);
    let harbour = slug_of(
        &app.published(json!({"title": "Harbour reopens after the storm", "section": "news", "tags": ["water"]})).await,
    );
    let tides = slug_of(
        &app.published(json!({"title": "Tide tables for the regatta", "section": "sport", "tags": ["coast"]})).await,
    );
    let ferry = app.published(json!({"title": "Ferry timetable changes", "tags": ["water", "coast"]})).await;
    let (ferry_id, ferry) = (id_of(&ferry), slug_of(&ferry));
    let draft =
        app.draft(&app.admin, json!({"title": "Embargoed budget story", "section": "news", "tags": ["water"]})).await;
    let (draft_id, draft) = (id_of(&draft), slug_of(&draft));

    for reader in ["reader-1", "reader-2", "reader-3"] {
        let beacon = view(&app, &harbour, reader).await.expect(202);
        assert!(beacon.text.is_empty(), "a beacon answers with no body: {}", beacon.text);
    }
    for reader in ["reader-1", "reader-2"] {
        view(&app, &tides, reader).await.expect(202);
    }
    // The same reader again, and again: accepted, but counted once.
    view(&app, &tides, "reader-2").await.expect(202);
    view(&app, &tides, "reader-1").await.expect(202);
    // A draft and an unknown slug are not found, and nothing is counted for them.
    view(&app, &draft, "reader-1").await.expect_problem(404);
    view(&app, "no-such-story", "reader-1").await.expect_problem(404);
    // Last, so that once it shows every beacon before it has been written.
    view(&app, &ferry, "reader-9").await.expect(202);

    let expected = ranked(&[(&harbour, 3), (&tides, 2), (&ferry, 1)]);
    assert_eq!(wait_for_views(&app, &ferry, 1).await, expected);
    for window in ["day", "week", "month", "all"] {
        assert_eq!(most_viewed(&app, &format!("window={window}")).await, expected, "window={window}");
    }
    assert_eq!(most_viewed(&app, "").await, expected, "the default window (a week) has today's views");

    // Each entry is a public card with its section.
    let first = app.get("/v1/articles/most-viewed?window=day").await.expect(200);
    let card = &first.body["data"][0]["article"];
    assert_eq!(card["title"], "Harbour reopens after the storm");
    assert_eq!(card["status"], "published");
    assert_eq!(card["section"]["slug"], "news");
    assert!(card.get("body").is_none(), "cards carry no body: {card}");

    assert_eq!(most_viewed(&app, "window=day&limit=2").await, ranked(&[(&harbour, 3), (&tides, 2)]));
    assert_eq!(most_viewed(&app, "limit=1").await, ranked(&[(&harbour, 3)]));
    assert_eq!(most_viewed(&app, "section=news").await, ranked(&[(&harbour, 3)]));
    assert_eq!(most_viewed(&app, "section=sport&window=day").await, ranked(&[(&tides, 2)]));
    assert_eq!(most_viewed(&app, "tag=coast").await, ranked(&[(&tides, 2), (&ferry, 1)]));
    assert_eq!(most_viewed(&app, "tag=water&window=all").await, ranked(&[(&harbour, 3), (&ferry, 1)]));
    assert_eq!(most_viewed(&app, "tag=water&section=news").await, ranked(&[(&harbour, 3)]));
    assert!(most_viewed(&app, "section=no-such-section").await.is_empty());
    assert!(most_viewed(&app, "tag=no-such-tag").await.is_empty());

    // More readers move an article up.
    for reader in ["reader-4", "reader-5", "reader-6"] {
        view(&app, &tides, reader).await.expect(202);
    }
    wait_for_views(&app, &tides, 5).await;
    assert_eq!(most_viewed(&app, "window=day").await, ranked(&[(&tides, 5), (&harbour, 3), (&ferry, 1)]));

    // Taken down, an article leaves the list at once.
    app.act(&app.admin, &ferry_id, "unpublish").await.expect(200);
    assert_eq!(most_viewed(&app, "window=all").await, ranked(&[(&tides, 5), (&harbour, 3)]));
    // Published at last, the draft has no views from the time it was turned away.
    app.act(&app.admin, &draft_id, "publish").await.expect(200);
    assert_eq!(most_viewed(&app, "window=all").await, ranked(&[(&tides, 5), (&harbour, 3)]));
}

async fn most_viewed_rejects_bad_parameters(app: TestApp) {
    for (query, field) in [
        ("window=year", "window"),
        ("window=", "window"),
        ("window=DAY", "window"),
        ("limit=0", "limit"),
        ("limit=51", "limit"),
        ("limit=-1", "limit"),
        ("limit=abc", "limit"),
    ] {
        let problem = app.get(&format!("/v1/articles/most-viewed?{query}")).await.expect_problem(422);
        assert_eq!(Reply::fields(&problem), [field], "{query}: {problem}");
    }
    for query in ["limit=1", "limit=50", "window=day", "window=week", "window=month", "window=all"] {
        let reply = app.get(&format!("/v1/articles/most-viewed?{query}")).await.expect(200);
        assert_eq!(reply.body["data"], json!([]), "{query}");
    }
}

async fn a_reader_who_comes_back_counts_once(app: TestApp) {
    let story = slug_of(&app.published(json!({"title": "Night train returns"})).await);
    let other = slug_of(&app.published(json!({"title": "Morning bus cancelled"})).await);
    for _ in 0..3 {
        view(&app, &story, "Mozilla/5.0 (the same reader)").await.expect(202);
    }
    // No User-Agent at all is one more reader, also counted once.
    for _ in 0..2 {
        app.send(Method::POST, &format!("/v1/articles/{story}/views"), None, None, &[]).await.expect(202);
    }
    // The same reader on another article counts there.
    view(&app, &other, "Mozilla/5.0 (the same reader)").await.expect(202);
    assert_eq!(wait_for_views(&app, &other, 1).await, ranked(&[(&story, 2), (&other, 1)]));

    // Still once, however long they keep coming back within the half hour.
    view(&app, &story, "Mozilla/5.0 (the same reader)").await.expect(202);
    view(&app, &other, "a second reader").await.expect(202);
    view(&app, &other, "a third reader").await.expect(202);
    assert_eq!(wait_for_views(&app, &other, 3).await, ranked(&[(&other, 3), (&story, 2)]));
}

async fn a_story_published_after_a_reader_tried_it_counts_at_once(app: TestApp) {
    let draft = app.draft(&app.admin, json!({"title": "Late edition"})).await;
    let (id, slug) = (id_of(&draft), slug_of(&draft));
    let barrier = slug_of(&app.published(json!({"title": "Weather for the weekend"})).await);

    view(&app, &slug, "reader-1").await.expect_problem(404);
    app.act(&app.admin, &id, "publish").await.expect(200);
    // Published now: the reader who was turned away a moment ago is counted this time.
    view(&app, &slug, "reader-1").await.expect(202);
    view(&app, &barrier, "reader-1").await.expect(202);
    let mut list = wait_for_views(&app, &barrier, 1).await;
    list.sort();
    assert_eq!(list, ranked(&[(&slug, 1), (&barrier, 1)]));
}

async fn an_unpublished_story_stops_counting_at_once(app: TestApp) {
    let article = app.published(json!({"title": "Recalled edition"})).await;
    let (id, slug) = (id_of(&article), slug_of(&article));
    let barrier = slug_of(&app.published(json!({"title": "Tides for the weekend"})).await);
    view(&app, &slug, "reader-1").await.expect(202);
    view(&app, &slug, "reader-2").await.expect(202);
    view(&app, &barrier, "reader-1").await.expect(202);
    assert_eq!(wait_for_views(&app, &barrier, 1).await, ranked(&[(&slug, 2), (&barrier, 1)]));

    // Taken down: out of the list at once, and a draft's views are not counted.
    app.act(&app.admin, &id, "unpublish").await.expect(200);
    assert_eq!(most_viewed(&app, "window=all").await, ranked(&[(&barrier, 1)]));
    view(&app, &slug, "reader-3").await.expect_problem(404);
    view(&app, &barrier, "reader-2").await.expect(202);
    wait_for_views(&app, &barrier, 2).await;
    app.act(&app.admin, &id, "publish").await.expect(200);
    let mut list = most_viewed(&app, "window=all").await;
    list.sort();
    assert_eq!(list, ranked(&[(&slug, 2), (&barrier, 2)]), "a view of the unpublished article was counted");
}

async fn views_buffered_at_shutdown_survive_a_restart(app: TestApp) {
    let slug = slug_of(&app.published(json!({"title": "Last bulletin before the deploy"})).await);
    for reader in ["reader-1", "reader-2"] {
        view(&app, &slug, reader).await.expect(202);
    }
    let app = app.stop().start().await;
    // No waiting: stopping flushed what was buffered.
    assert_eq!(most_viewed(&app, "window=day").await, ranked(&[(&slug, 2)]));
}

async fn two_replicas_add_up_their_readers(app: TestApp) {
    let slug = slug_of(&app.published(json!({"title": "Election night live"})).await);
    let other = app.spawn_sibling().await;
    for reader in ["reader-1", "reader-2", "reader-3"] {
        view(&app, &slug, reader).await.expect(202);
    }
    for reader in ["reader-4", "reader-5"] {
        view(&other, &slug, reader).await.expect(202);
    }
    // Each replica flushes its own counts; the database adds them up.
    wait_for_views(&app, &slug, 5).await;
    assert_eq!(most_viewed(&other, "window=day").await, ranked(&[(&slug, 5)]));
}

// ---------------------------------------------------------------------------------------------
// Related

/// One related item as `origin:slug` or `origin:url`, with its card or link checked.
fn describe(item: &Value) -> String {
    let origin = item["origin"].as_str().unwrap_or_else(|| panic!("an origin in {item}"));
    let link = &item["link"];
    match link["type"].as_str() {
        Some("article") => {
            let card = &link["article"];
            assert_eq!(card["status"], "published", "{item}");
            assert!(card["title"].is_string() && card["published_at"].is_string(), "a card: {item}");
            assert!(card.get("body").is_none(), "no body in a card: {item}");
            format!("{origin}:{}", slug_of(card))
        }
        Some("external") => format!("{origin}:{}", link["url"].as_str().unwrap_or_else(|| panic!("a url in {item}"))),
        _ => panic!("unknown link type: {item}"),
    }
}

async fn related(app: &TestApp, slug: &str, query: &str) -> Vec<String> {
    let reply = app.get(&format!("/v1/articles/{slug}/related{query}")).await.expect(200);
    reply.body["data"].as_array().unwrap_or_else(|| panic!("a list: {}", reply.text)).iter().map(describe).collect()
}

async fn related_puts_the_editors_picks_first_then_shared_topics(app: TestApp) {
    app.seed_taxonomy().await;
    app.post("/v1/admin/tags", &app.admin, json!({"slug": "ports", "name": "Ports"})).await.expect(201);
    let published = |title: &str, tags: &[&str]| app.published(json!({"title": title, "tags": tags}));
    // Oldest first: among equally related articles the newest comes first.
    let one_old = slug_of(&published("Old water story", &["water"]).await);
    let two_old = slug_of(&published("Water and coast, older", &["water", "coast"]).await);
    let one_new = slug_of(&published("Newer water story", &["water", "ports"]).await);
    let picked = published("The picked story", &["water", "coast"]).await;
    let (picked_id, picked) = (id_of(&picked), slug_of(&picked));
    let elsewhere = slug_of(&published("Nothing in common", &["ports"]).await);
    let untagged = slug_of(&published("No tags at all", &[]).await);
    let unpublished =
        app.draft(&app.admin, json!({"title": "Unpublished water and coast", "tags": ["water", "coast"]})).await;
    let trashed = app.published(json!({"title": "Trashed water and coast", "tags": ["water", "coast"]})).await;
    app.delete(&format!("/v1/admin/articles/{}", id_of(&trashed)), &app.admin).await.expect(204);
    let anchor = app
        .published(json!({
            "title": "The anchor story",
            "tags": ["water", "coast"],
            "related": [
                {"url": "https://example.net/background", "title": "Background reading", "source_name": "Example Net"},
                {"article": slug_of(&unpublished)},
                {"article": picked},
                {"article": elsewhere},
            ]
        }))
        .await;
    let anchor = slug_of(&anchor);
    let two_new = slug_of(&published("Water and coast, newest", &["coast", "water"]).await);

    let everything = [
        "editor:https://example.net/background".to_owned(),
        format!("editor:{picked}"),
        format!("editor:{elsewhere}"),
        format!("topics:{two_new}"),
        format!("topics:{two_old}"),
        format!("topics:{one_new}"),
        format!("topics:{one_old}"),
    ];
    let all = related(&app, &anchor, "?limit=20").await;
    assert_eq!(all, everything, "never itself, a draft, a trashed article, {untagged} or a second {picked}");
    assert_eq!(related(&app, &anchor, "").await, everything[..5], "five by default");
    for limit in [1, 2, 3, 4, 6, 7] {
        assert_eq!(related(&app, &anchor, &format!("?limit={limit}")).await, everything[..limit], "limit={limit}");
    }

    // The external link as the editor gave it.
    let reply = app.get(&format!("/v1/articles/{anchor}/related")).await.expect(200);
    assert_eq!(
        reply.body["data"][0],
        json!({"origin": "editor", "link": {"type": "external", "url": "https://example.net/background", "title": "Background reading", "source": "Example Net"}})
    );

    // A pick taken down leaves the list, and does not come back as a topic match.
    app.act(&app.admin, &picked_id, "unpublish").await.expect(200);
    let mut without_pick = everything.to_vec();
    without_pick.remove(1);
    assert_eq!(related(&app, &anchor, "?limit=20").await, without_pick);
    // Published again, it is an editor's pick again, not a topic match.
    app.act(&app.admin, &picked_id, "publish").await.expect(200);
    assert_eq!(related(&app, &anchor, "?limit=20").await, everything);

    // Seen from the newest: no picks, so topic matches only, newest first among equals (a
    // re-published pick keeps its first date).
    assert_eq!(
        related(&app, &two_new, "?limit=3").await,
        [format!("topics:{anchor}"), format!("topics:{picked}"), format!("topics:{two_old}")]
    );
    assert!(related(&app, &untagged, "").await.is_empty(), "no tags and no picks: nothing related");
}

async fn related_answers_404_and_422(app: TestApp) {
    let draft = app.draft(&app.admin, json!({"title": "A draft with friends"})).await;
    app.published(json!({"title": "Published story"})).await;
    app.get("/v1/articles/no-such-story/related").await.expect_problem(404);
    app.get(&format!("/v1/articles/{}/related", slug_of(&draft))).await.expect_problem(404);
    for query in ["limit=0", "limit=21", "limit=-3", "limit=many"] {
        let problem = app.get(&format!("/v1/articles/published-story/related?{query}")).await.expect_problem(422);
        assert_eq!(Reply::fields(&problem), ["limit"], "{query}: {problem}");
    }
    for query in ["limit=1", "limit=20"] {
        app.get(&format!("/v1/articles/published-story/related?{query}")).await.expect(200);
    }
}

// ---------------------------------------------------------------------------------------------
// Search

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

/// Views buffered for an article that is purged before the flush are dropped, and never stop
/// other articles' views from being saved.
async fn a_purged_story_does_not_block_other_counts(app: TestApp) {
    let doomed = app.published(json!({"title": "Doomed story"})).await;
    let keeper = app.published(json!({"title": "Keeper story"})).await;
    let (doomed_id, doomed_slug) = (doomed["id"].as_str().unwrap(), doomed["slug"].as_str().unwrap());
    app.send(Method::POST, &format!("/v1/articles/{doomed_slug}/views"), None, None, &[]).await.expect(202);
    app.delete(&format!("/v1/admin/articles/{doomed_id}"), &app.admin).await.expect(204);
    app.send(Method::DELETE, &format!("/v1/admin/trash/{doomed_id}"), Some(&app.admin), None, &[]).await.expect(204);
    let keeper_slug = keeper["slug"].as_str().unwrap().to_owned();
    app.send(Method::POST, &format!("/v1/articles/{keeper_slug}/views"), None, None, &[]).await.expect(202);
    crate::common::wait_until("the other story's view is saved", || async {
        let list = app.get("/v1/articles/most-viewed?window=day").await.body;
        list["data"]
            .as_array()
            .is_some_and(|d| d.iter().any(|i| i["article"]["slug"] == keeper_slug.as_str()))
            .then_some(())
    })
    .await;
}

on_both_backends!(
    a_purged_story_does_not_block_other_counts,
    most_viewed_ranks_distinct_readers_within_about_a_second,
    most_viewed_rejects_bad_parameters,
    a_reader_who_comes_back_counts_once,
    a_story_published_after_a_reader_tried_it_counts_at_once,
    an_unpublished_story_stops_counting_at_once,
    views_buffered_at_shutdown_survive_a_restart,
    two_replicas_add_up_their_readers,
    related_puts_the_editors_picks_first_then_shared_topics,
    related_answers_404_and_422,
    search_ranks_title_matches_first_and_marks_the_match,
    search_follows_every_write,
    malformed_searches_never_fail,
);

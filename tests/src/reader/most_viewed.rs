//! The most-viewed list, fed by a view beacon: distinct readers, within about a second, only
//! while a story is public, across restarts and replicas.

use reqwest::Method;
use serde_json::json;

use crate::common::values::{id_of, slug_of};
use crate::common::{on_both_backends, wait_until, Reply, TestApp};

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

/// One address rotating its User-Agent adds at most 20 views to a story in half an hour (the
/// default of `NEWSDESK_VIEWS_PER_ADDRESS`), and its readers still count on other stories.
async fn one_address_cannot_inflate_a_story_by_rotating_its_agent(app: TestApp) {
    let story = slug_of(&app.published(json!({"title": "Council vote tonight"})).await);
    let other = slug_of(&app.published(json!({"title": "Library hours extended"})).await);
    // Neither the agent nor an `X-Forwarded-For` it writes itself (no proxy is trusted) helps.
    for n in 0..300 {
        let (agent, forwarded) = (format!("agent-{n}"), format!("198.51.100.{}", n % 250));
        let headers = [("user-agent", agent.as_str()), ("x-forwarded-for", forwarded.as_str())];
        app.send(Method::POST, &format!("/v1/articles/{story}/views"), None, None, &headers).await.expect(202);
    }
    for reader in ["reader-1", "reader-2"] {
        view(&app, &other, reader).await.expect(202);
    }
    assert_eq!(wait_for_views(&app, &other, 2).await, ranked(&[(&story, 20), (&other, 2)]));
}

fn behind_a_trusted_proxy(config: &mut newsdesk_api::Config) {
    config.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()];
}

/// Behind a trusted proxy each reader is told by the address it forwards, so 30 readers with
/// the same browser all count, and one of them rotating agents is still capped.
async fn readers_behind_a_trusted_proxy_count_by_their_own_address(app: TestApp) {
    let story = slug_of(&app.published(json!({"title": "Bridge closed for repairs"})).await);
    let other = slug_of(&app.published(json!({"title": "Ferry fares rise"})).await);
    let beacon = |slug: String, agent: String, forwarded: String| {
        let app = &app;
        async move {
            let headers = [("user-agent", agent.as_str()), ("x-forwarded-for", forwarded.as_str())];
            app.send(Method::POST, &format!("/v1/articles/{slug}/views"), None, None, &headers).await.expect(202);
        }
    };
    for n in 1..=30 {
        beacon(story.clone(), "the same browser".into(), format!("198.51.100.{n}")).await;
    }
    for n in 0..40 {
        beacon(other.clone(), format!("agent-{n}"), "203.0.113.5".into()).await;
    }
    beacon(other.clone(), "a last reader".into(), "203.0.113.6".into()).await;
    assert_eq!(wait_for_views(&app, &other, 21).await, ranked(&[(&story, 30), (&other, 21)]));
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
    settings = behind_a_trusted_proxy;
    readers_behind_a_trusted_proxy_count_by_their_own_address,
);

on_both_backends!(
    a_purged_story_does_not_block_other_counts,
    most_viewed_ranks_distinct_readers_within_about_a_second,
    most_viewed_rejects_bad_parameters,
    a_reader_who_comes_back_counts_once,
    one_address_cannot_inflate_a_story_by_rotating_its_agent,
    a_story_published_after_a_reader_tried_it_counts_at_once,
    an_unpublished_story_stops_counting_at_once,
    views_buffered_at_shutdown_survive_a_restart,
    two_replicas_add_up_their_readers
);

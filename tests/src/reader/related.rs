//! Related reading: the editors' picks first, then stories that share topics.

use serde_json::{json, Value};

use crate::common::values::{id_of, slug_of};
use crate::common::{on_both_backends, Reply, TestApp};

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

on_both_backends!(related_puts_the_editors_picks_first_then_shared_topics, related_answers_404_and_422);

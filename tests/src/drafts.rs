//! Drafts never reach the public: not in lists, filters, related links or article counts; nor
//! do articles in review or approved, which are not published either; and an unpublished
//! article goes back to being invisible until it is published again. The desk's internal notes
//! never reach the public either: not in any answer, the export or a public webhook.

use reqwest::Method;
use serde_json::{json, Value};

use newsdesk_exchange::export::ExportStatus;
use newsdesk_persistence::{Database, DatabaseUrl};

use crate::common::values::time;
use crate::common::{on_both_backends, wait_until, TestApp};
use crate::webhooks::Receiver;

const DRAFT: &str = "the-unfinished-draft";
const PUBLISHED: &str = "the-published-story";

/// Every public list that could leak an article, and the taxonomy views that count them.
const PUBLIC_LISTS: [&str; 9] = [
    "/v1/articles",
    "/v1/articles?tag=water",
    "/v1/articles?author=ada-byline",
    "/v1/articles?section=news",
    "/v1/articles?source=wire",
    "/v1/articles?tag=coast",
    "/v1/articles?author=ben-byline",
    "/v1/articles?include=authors,tags,source,section,related&formats=html,markdown,text",
    "/v1/articles?sort=-updated_at",
];

/// Taxonomy both articles carry (`ada-byline`, `water`, `news`, `wire`): counts must say 1.
const SHARED_TERMS: [&str; 4] = ["/v1/authors/ada-byline", "/v1/tags/water", "/v1/sections/news", "/v1/sources/wire"];

/// Slugs of a public article list.
fn listed(list: &Value) -> Vec<String> {
    list["data"].as_array().expect("a list").iter().map(|a| a["slug"].as_str().expect("slug").to_owned()).collect()
}

/// `article_count` of the entry with `slug` in a public taxonomy list.
fn count_in(list: &Value, slug: &str) -> Value {
    list["data"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|e| e["slug"] == slug)
        .unwrap_or_else(|| panic!("{slug} is listed"))["article_count"]
        .clone()
}

/// Asserts what the public sees: only `visible` articles, counts of `count` for the shared
/// terms, and no draft at its slug.
async fn public_sees(app: &TestApp, visible: &[&str], count: i64) {
    public_lists_show(app, visible, count).await;
    app.get(&format!("/v1/articles/{DRAFT}")).await.expect_problem(404);
    app.get(&format!("/v1/articles/{DRAFT}?formats=markdown")).await.expect_problem(404);
}

/// Asserts what the public lists show: only `visible` articles, and counts of `count` for the
/// shared terms.
async fn public_lists_show(app: &TestApp, visible: &[&str], count: i64) {
    for path in PUBLIC_LISTS {
        let list = app.get(path).await.expect(200);
        let slugs = listed(&list.body);
        assert!(!slugs.iter().any(|s| s == DRAFT), "{path} leaks the draft: {}", list.text);
        let expected: Vec<&str> =
            if path.contains("coast") || path.contains("ben-byline") { vec![] } else { visible.to_vec() };
        assert_eq!(slugs, expected, "{path}");
        assert_eq!(
            list.body["meta"]["pagination"]["total"],
            expected.len(),
            "{path}: the total counts only what is shown"
        );
        assert!(!list.text.contains(DRAFT), "{path} mentions the draft: {}", list.text);
    }
    for path in SHARED_TERMS {
        assert_eq!(app.get(path).await.expect(200).body["article_count"], count, "{path}");
    }
    // Only the draft carries ben-byline and coast.
    assert_eq!(app.get("/v1/authors/ben-byline").await.expect(200).body["article_count"], 0);
    assert_eq!(app.get("/v1/tags/coast").await.expect(200).body["article_count"], 0);
    for (kind, slug) in [("authors", "ada-byline"), ("tags", "water"), ("sections", "news"), ("sources", "wire")] {
        let list = app.get(&format!("/v1/{kind}")).await.expect(200);
        assert_eq!(count_in(&list.body, slug), count, "/v1/{kind} count for {slug}");
    }
    let authors = app.get("/v1/authors").await.expect(200);
    assert_eq!(count_in(&authors.body, "ben-byline"), 0, "/v1/authors count for the draft-only author");
    let tags = app.get("/v1/tags").await.expect(200);
    assert_eq!(count_in(&tags.body, "coast"), 0, "/v1/tags count for the draft-only tag");
}

/// A draft with every relation, and a published article that links to it. Returns their ids.
async fn a_draft_and_a_story_that_links_to_it(app: &TestApp) -> (String, String) {
    app.seed_taxonomy().await;
    let draft = app
        .draft(
            &app.admin,
            json!({
                "title": "The unfinished draft",
                "summary": "Not ready yet.",
                "body": "Embargoed until Friday.",
                "authors": ["ada-byline", "ben-byline"],
                "tags": ["water", "coast"],
                "section": "news",
                "source": "wire",
                "source_url": "https://example.org/wire/unfinished"
            }),
        )
        .await;
    assert_eq!(draft["slug"], DRAFT);
    assert_eq!(draft["status"], "draft");
    let story = app
        .published(json!({
            "title": "The published story",
            "authors": ["ada-byline"],
            "tags": ["water"],
            "section": "news",
            "source": "wire"
        }))
        .await;
    assert_eq!(story["slug"], PUBLISHED);
    let story_id = story["id"].as_str().unwrap().to_owned();
    let linked = app
        .patch(
            &format!("/v1/admin/articles/{story_id}"),
            &app.admin,
            json!({"related": [{"article": DRAFT}, {"url": "https://example.net/background", "title": "Background"}]}),
        )
        .await
        .expect(200);
    // The editors see the link, so hiding it publicly is a choice, not a lost write.
    assert_eq!(linked.body["related"][0]["type"], "article", "{}", linked.text);
    assert_eq!(linked.body["related"][0]["article"]["slug"], DRAFT);
    assert_eq!(linked.body["related"][0]["article"]["status"], "draft");
    (draft["id"].as_str().unwrap().to_owned(), story_id)
}

async fn a_draft_is_invisible_to_the_public(app: TestApp) {
    let (draft_id, _) = a_draft_and_a_story_that_links_to_it(&app).await;

    // The draft exists: editors list and read it.
    let drafts = app.admin_get("/v1/admin/articles?status=draft", &app.admin).await.expect(200);
    assert_eq!(listed(&drafts.body), [DRAFT]);
    app.admin_get(&format!("/v1/admin/articles/{draft_id}"), &app.admin).await.expect(200);

    public_sees(&app, &[PUBLISHED], 1).await;

    // The published story's related links skip the draft but keep the rest.
    let story = app.get(&format!("/v1/articles/{PUBLISHED}")).await.expect(200);
    let related = story.body["related"].as_array().expect("related links");
    assert_eq!(related.len(), 1, "only the external link is public: {}", story.text);
    assert_eq!(related[0]["type"], "external");
    assert_eq!(related[0]["url"], "https://example.net/background");
    assert!(!story.text.contains(DRAFT), "the story mentions the draft: {}", story.text);
    let cards = app.get("/v1/articles?include=related").await.expect(200);
    assert_eq!(cards.body["data"][0]["related"].as_array().map(Vec::len), Some(1), "{}", cards.text);
}

/// Nothing public mentions the draft: lists, counts, its slug, the story's related links, the
/// feeds, the sitemap, search and most viewed.
async fn nothing_public_shows_the_draft(app: &TestApp) {
    public_sees(app, &[PUBLISHED], 1).await;
    nothing_public_lists_the_draft(app).await;
}

/// [`nothing_public_shows_the_draft`] but for its own slug's answer.
async fn nothing_public_lists_the_draft(app: &TestApp) {
    public_lists_show(app, &[PUBLISHED], 1).await;
    let story = app.get(&format!("/v1/articles/{PUBLISHED}")).await.expect(200);
    assert_eq!(story.body["related"].as_array().map(Vec::len), Some(1), "{}", story.text);
    // A draft's related links are unknown (404); a retracted article's are gone (410).
    let related = app.get(&format!("/v1/articles/{DRAFT}/related")).await;
    assert!(matches!(related.status.as_u16(), 404 | 410), "{}", related.text);
    for path in [
        "/v1/feed.rss",
        "/v1/feed.atom",
        "/v1/feed.json",
        "/sitemaps/articles.xml",
        "/sitemap-news.xml",
        "/v1/articles?q=embargoed",
        "/v1/articles/most-viewed",
        &format!("/v1/articles/{PUBLISHED}/related"),
    ] {
        let reply = app.get(path).await.expect(200);
        assert!(!reply.text.contains(DRAFT) && !reply.text.contains("unfinished"), "{path} leaks it: {}", reply.text);
    }
}

async fn articles_in_review_or_approved_are_as_private_as_drafts(app: TestApp) {
    let (draft_id, _) = a_draft_and_a_story_that_links_to_it(&app).await;
    for (step, status) in [("submit", "in_review"), ("approve", "approved")] {
        let moved = app.act(&app.admin, &draft_id, step).await.expect(200);
        assert_eq!(moved.body["status"], status);
        nothing_public_shows_the_draft(&app).await;
        let listed_as = app.admin_get(&format!("/v1/admin/articles?status={status}"), &app.admin).await.expect(200);
        assert_eq!(listed(&listed_as.body), [DRAFT], "the desk sees it");
    }
    // A view beacon for it counts nothing and says so as for any article that is not public.
    let beacon = app.send(Method::POST, &format!("/v1/articles/{DRAFT}/views"), None, None, &[]).await;
    assert_eq!(beacon.status.as_u16(), 404, "{}", beacon.text);
    app.act(&app.admin, &draft_id, "publish").await.expect(200);
    app.get(&format!("/v1/articles/{DRAFT}")).await.expect(200);
}

/// Published, viewed and read (so cached), then retracted: it leaves every public answer as a
/// draft never entered one, and its slug answers 410 rather than 404.
async fn a_retracted_article_is_in_no_public_answer(app: TestApp) {
    let (draft_id, _) = a_draft_and_a_story_that_links_to_it(&app).await;
    app.act(&app.admin, &draft_id, "publish").await.expect(200);
    app.send(Method::POST, &format!("/v1/articles/{DRAFT}/views"), None, None, &[]).await.expect(202);
    wait_until("the view to count", || async {
        app.get("/v1/articles/most-viewed").await.text.contains(DRAFT).then_some(())
    })
    .await;
    for path in [
        "/v1/articles",
        "/v1/feed.json",
        "/sitemaps/articles.xml",
        "/sitemap-news.xml",
        &format!("/v1/articles/{PUBLISHED}"),
    ] {
        let reply = app.get(path).await.expect(200);
        assert!(reply.text.contains(DRAFT), "{path} shows it while published: {}", reply.text);
    }
    let reason = json!({"reason": "A court order forbids naming the harbour's buyer."});
    let path = format!("/v1/admin/articles/{draft_id}/retract");
    app.send(Method::POST, &path, Some(&app.admin), Some(reason), &[]).await.expect(200);
    nothing_public_lists_the_draft(&app).await;
    let gone = app.get(&format!("/v1/articles/{DRAFT}")).await.expect_problem(410);
    assert_eq!(gone["reason"], "A court order forbids naming the harbour's buyer.");
    app.get(&format!("/v1/articles/{DRAFT}?formats=markdown")).await.expect_problem(410);
    let listed_as = app.admin_get("/v1/admin/articles?status=retracted", &app.admin).await.expect(200);
    assert_eq!(listed(&listed_as.body), [DRAFT], "the desk sees it");
}

async fn a_published_draft_appears_and_is_counted(app: TestApp) {
    let (draft_id, _) = a_draft_and_a_story_that_links_to_it(&app).await;
    app.send(Method::POST, &format!("/v1/admin/articles/{draft_id}/publish"), Some(&app.admin), None, &[])
        .await
        .expect(200);
    app.get(&format!("/v1/articles/{DRAFT}")).await.expect(200);
    for path in SHARED_TERMS {
        assert_eq!(app.get(path).await.expect(200).body["article_count"], 2, "{path}");
    }
    assert_eq!(app.get("/v1/tags/coast").await.expect(200).body["article_count"], 1);
    let story = app.get(&format!("/v1/articles/{PUBLISHED}")).await.expect(200);
    assert_eq!(story.body["related"][0]["article"]["slug"], DRAFT, "now public, the link shows: {}", story.text);
    assert_eq!(story.body["related"].as_array().map(Vec::len), Some(2));
}

async fn an_unpublished_article_disappears_until_published_again(app: TestApp) {
    let (_, story_id) = a_draft_and_a_story_that_links_to_it(&app).await;
    let first = app.get(&format!("/v1/articles/{PUBLISHED}")).await.expect(200);
    let published_at = first.body["published_at"].as_str().expect("published_at").to_owned();
    public_sees(&app, &[PUBLISHED], 1).await;

    let down = app
        .send(Method::POST, &format!("/v1/admin/articles/{story_id}/unpublish"), Some(&app.admin), None, &[])
        .await
        .expect(200);
    assert_eq!(down.body["status"], "draft");
    public_sees(&app, &[], 0).await;
    app.get(&format!("/v1/articles/{PUBLISHED}")).await.expect_problem(404);
    // Unpublishing twice is a state error, not a silent success.
    app.send(Method::POST, &format!("/v1/admin/articles/{story_id}/unpublish"), Some(&app.admin), None, &[])
        .await
        .expect_problem(409);

    // Timestamps are kept to the microsecond: once the clock is past the first publication, a
    // re-publish that stamped a fresh date would show a different one.
    let first_published = time(&first.body["published_at"]);
    wait_until("the clock to pass the first publication", || async {
        (chrono::Utc::now() > first_published).then_some(())
    })
    .await;
    let up = app
        .send(Method::POST, &format!("/v1/admin/articles/{story_id}/publish"), Some(&app.admin), None, &[])
        .await
        .expect(200);
    assert_eq!(up.body["status"], "published");
    assert_eq!(up.body["published_at"], published_at.as_str(), "a re-publish keeps the first publication date");
    public_sees(&app, &[PUBLISHED], 1).await;
    let again = app.get(&format!("/v1/articles/{PUBLISHED}")).await.expect(200);
    assert_eq!(again.body["published_at"], published_at.as_str());
    app.send(Method::POST, &format!("/v1/admin/articles/{story_id}/publish"), Some(&app.admin), None, &[])
        .await
        .expect_problem(409);
}

async fn a_draft_of_another_user_is_hidden_from_lower_roles_too(app: TestApp) {
    let (draft_id, _) = a_draft_and_a_story_that_links_to_it(&app).await;
    let (_, contributor) = app.user_with_role("contributor").await;
    app.admin_get(&format!("/v1/admin/articles/{draft_id}"), &contributor).await.expect_problem(404);
    let own = app.admin_get("/v1/admin/articles", &contributor).await.expect(200);
    assert_eq!(own.body["meta"]["pagination"]["total"], 0, "a contributor lists only their own: {}", own.text);
}

/// A note with a unique marker on a published story, and on a draft published after it, then an
/// edit: the marker is in no public answer (JSON, lists, search, related, most viewed, feeds,
/// sitemap, the reader page), not in the export, and not in any public webhook payload.
async fn an_internal_note_is_in_no_public_answer_export_or_public_event(app: TestApp) {
    let receiver = Receiver::start(0).await;
    let events = ["article.published", "article.updated", "site.changed", "article.note_added"];
    app.post("/v1/admin/webhooks", &app.admin, json!({"url": receiver.url, "events": events})).await.expect(201);
    let (draft_id, story_id) = a_draft_and_a_story_that_links_to_it(&app).await;
    let marker = format!("deskonly{}", uuid::Uuid::new_v4().simple());
    for id in [&story_id, &draft_id] {
        let note = json!({"text": format!("Do not print: {marker}")});
        app.post(&format!("/v1/admin/articles/{id}/notes"), &app.admin, note).await.expect(201);
    }
    app.act(&app.admin, &draft_id, "publish").await.expect(200);
    let story = format!("/v1/admin/articles/{story_id}");
    app.patch(&story, &app.admin, json!({"summary": "Now with a summary."})).await.expect(200);
    app.send(Method::POST, &format!("/v1/articles/{PUBLISHED}/views"), None, None, &[]).await.expect(202);
    wait_until("the view to count", || async {
        app.get("/v1/articles/most-viewed").await.text.contains(PUBLISHED).then_some(())
    })
    .await;

    let mut paths: Vec<String> = PUBLIC_LISTS.iter().map(|p| p.to_string()).collect();
    for slug in [PUBLISHED, DRAFT] {
        paths.extend([
            format!("/v1/articles/{slug}"),
            format!("/v1/articles/{slug}?formats=html,markdown,text"),
            format!("/v1/articles/{slug}/related"),
            format!("/articles/{slug}"),
        ]);
    }
    paths.extend(
        [
            "/v1/articles?include=authors,tags,source,section,related,corrections&formats=html,markdown,text",
            "/v1/articles?q=published",
            "/v1/articles/most-viewed",
            "/v1/feed.rss",
            "/v1/feed.atom",
            "/v1/feed.json",
            "/sitemap.xml",
            "/",
        ]
        .map(String::from),
    );
    for path in paths {
        let reply = app.get(&path).await.expect(200);
        assert!(!reply.text.contains(&marker), "{path} shows an internal note: {}", reply.text);
    }
    let search = app.get(&format!("/v1/articles?q={marker}")).await.expect(200);
    assert_eq!(search.body["meta"]["pagination"]["total"], 0, "search finds a note: {}", search.text);

    let db = Database::open(&DatabaseUrl::parse(app.database_url()), 1, std::time::Duration::from_secs(5))
        .expect("the database opens");
    let mut out = Vec::new();
    newsdesk_exchange::export::export(&db, ExportStatus::All, &mut out).expect("the export runs");
    let exported = String::from_utf8_lossy(&out);
    assert!(exported.contains(PUBLISHED) && !exported.contains(&marker), "the export carries a note: {exported}");

    let hits = wait_until("the publish, the edit, site.changed and both notes", || async {
        let hits = receiver.acked();
        let count = |name: &str| hits.iter().filter(|h| h.event == name).count();
        let all_in = count("article.note_added") == 2
            && count("article.published") >= 1
            && count("article.updated") >= 1
            && count("site.changed") >= 1;
        all_in.then_some(hits)
    })
    .await;
    for hit in &hits {
        let internal = hit.event == "article.note_added";
        assert_eq!(hit.body.to_string().contains(&marker), internal, "{}: {}", hit.event, hit.body);
    }
}

on_both_backends!(
    a_draft_is_invisible_to_the_public,
    articles_in_review_or_approved_are_as_private_as_drafts,
    a_retracted_article_is_in_no_public_answer,
    a_published_draft_appears_and_is_counted,
    an_unpublished_article_disappears_until_published_again,
    a_draft_of_another_user_is_hidden_from_lower_roles_too,
    an_internal_note_is_in_no_public_answer_export_or_public_event,
);

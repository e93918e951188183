//! Retraction as a desk meets it: an editor pulls a published story with a public reason. Its
//! URL and every old URL answer `410 Gone` with the reason, it leaves every public answer at
//! once (cached copies included, on this server and the others), a webhook tells the CDN what
//! to purge, and the article is kept as it was: no edit, trash, purge or undo, its slug taken.

use reqwest::Method;
use serde_json::{json, Value};

use super::{admin_view, item, revisions};
use crate::common::values::id_of;
use crate::common::{on_both_backends, wait_until, Reply, TestApp};
use crate::webhooks::Receiver;

const REASON: &str = "The report relied on a document later shown to be forged.\nWe regret the error.";
const SLUG: &str = "harbour-deal-signed";
const OLD_SLUG: &str = "harbour-deal-agreed";

/// POSTs a retraction of `id` as `token` with `body`, and `If-Match` when given.
async fn retract_with(app: &TestApp, token: &str, id: &str, body: Value, if_match: Option<&str>) -> Reply {
    let headers: Vec<(&str, &str)> = if_match.map(|tag| vec![("if-match", tag)]).unwrap_or_default();
    app.send(Method::POST, &format!("{}/retract", item(id)), Some(token), Some(body), &headers).await
}

async fn retract(app: &TestApp, token: &str, id: &str) -> Reply {
    retract_with(app, token, id, json!({"reason": REASON}), None).await
}

/// GETs `path` without following redirects.
async fn get_direct(app: &TestApp, path: &str) -> Reply {
    let direct = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("a client");
    Reply::read(direct.get(format!("{}{path}", app.base)).send().await.expect("request is sent")).await
}

/// Asserts `path` answers the retraction itself (not by a redirect): 410, problem+json, the
/// reason and its time.
async fn gone(app: &TestApp, path: &str) -> Value {
    let reply = get_direct(app, path).await;
    assert_eq!(reply.header("location"), None, "{path} answers at once, not by a redirect");
    let problem = reply.expect_problem(410);
    assert_eq!(problem["type"], "urn:newsdesk:problem:retracted", "{problem}");
    assert_eq!(problem["reason"], REASON);
    assert_eq!(problem["slug"], SLUG);
    assert!(problem["retracted_at"].as_str().is_some_and(|t| t.ends_with('Z')), "{problem}");
    problem
}

/// A published story that used to be at [`OLD_SLUG`] and is now at [`SLUG`], sharing a tag with
/// a second published story; both read once, so their answers are cached. Returns the ids.
async fn a_published_story_with_an_old_slug(app: &TestApp) -> (String, String) {
    app.post("/v1/admin/tags", &app.admin, json!({"slug": "harbour", "name": "Harbour"})).await.expect(201);
    let story = app
        .published(
            json!({"title": "Harbour deal agreed", "slug": OLD_SLUG, "body": "Forged figures.", "tags": ["harbour"]}),
        )
        .await;
    let id = id_of(&story);
    app.patch(&item(&id), &app.admin, json!({"slug": SLUG, "title": "Harbour deal signed"})).await.expect(200);
    let other = app.published(json!({"title": "Harbour pilots strike", "tags": ["harbour"]})).await;
    get_direct(app, &format!("/v1/articles/{OLD_SLUG}")).await.expect(301);
    app.send(Method::POST, &format!("/v1/articles/{SLUG}/views"), None, None, &[]).await.expect(202);
    (id, id_of(&other))
}

/// Every public answer that could show the story.
fn public_answers(other_slug: &str) -> Vec<String> {
    let mut paths: Vec<String> = [
        "/v1/articles",
        "/v1/articles?tag=harbour",
        "/v1/articles?q=forged",
        "/v1/articles?include=related",
        "/v1/articles/most-viewed?window=all",
        "/v1/feed.rss",
        "/v1/feed.atom",
        "/v1/feed.json",
        "/sitemaps/articles.xml",
        "/sitemap-news.xml",
        "/v1/tags/harbour",
    ]
    .map(str::to_owned)
    .to_vec();
    paths.push(format!("/v1/articles/{other_slug}/related"));
    paths.push(format!("/v1/articles/{other_slug}"));
    paths
}

async fn a_retracted_story_answers_410_everywhere_and_leaves_every_public_answer(app: TestApp) {
    let receiver = Receiver::start(0).await;
    app.post("/v1/admin/webhooks", &app.admin, json!({"url": receiver.url, "events": ["article.retracted"]}))
        .await
        .expect(201);
    let (id, other_id) = a_published_story_with_an_old_slug(&app).await;
    let other_slug = admin_view(&app, &other_id).await["slug"].as_str().expect("a slug").to_owned();
    wait_until("the view to count in most viewed", || async {
        let list = app.get("/v1/articles/most-viewed?window=all").await.expect(200);
        list.text.contains(SLUG).then_some(())
    })
    .await;
    // Before: the story is everywhere, and its page is cached.
    for path in public_answers(&other_slug) {
        if path.contains("/related") || path.ends_with(&other_slug) || path.contains("/tags/") {
            continue;
        }
        let reply = app.get(&path).await.expect(200);
        assert!(reply.text.contains(SLUG), "{path} shows it before: {}", reply.text);
    }
    let related = app.get(&format!("/v1/articles/{other_slug}/related")).await.expect(200);
    assert!(related.text.contains(SLUG), "related by topic: {}", related.text);
    app.get(&format!("/v1/articles/{SLUG}")).await.expect(200);
    app.get(&format!("/v1/articles/{SLUG}")).await.expect(200);
    assert!(app.cache.get(&format!("/v1/articles/{SLUG}")).is_some(), "the page is cached");
    app.get(&format!("/v1/articles/{SLUG}/related")).await.expect(200);
    app.get(&format!("/v1/articles/{SLUG}/related")).await.expect(200);
    let etag = admin_view(&app, &id).await["version"].to_string();

    // The editor retracts it, with If-Match like every lifecycle step.
    let (editor_id, editor) = app.user_with_role("editor").await;
    let tag = format!("\"{etag}\"");
    let retracted = retract_with(&app, &editor, &id, json!({"reason": REASON}), Some(&tag)).await.expect(200);
    assert_eq!(retracted.body["status"], "retracted", "{}", retracted.text);
    assert_eq!(retracted.body["slug"], SLUG, "the slug stays");

    // Its URL and the old one answer 410 with the reason, the cached copy gone.
    gone(&app, &format!("/v1/articles/{SLUG}")).await;
    gone(&app, &format!("/v1/articles/{SLUG}?formats=markdown")).await;
    gone(&app, &format!("/v1/articles/{OLD_SLUG}")).await;
    app.get("/v1/articles/no-such-story").await.expect_problem(404);
    // Its related reading answers the same, at the slug and the old slug, the cached list gone.
    gone(&app, &format!("/v1/articles/{SLUG}/related")).await;
    gone(&app, &format!("/v1/articles/{SLUG}/related?limit=3")).await;
    gone(&app, &format!("/v1/articles/{OLD_SLUG}/related")).await;
    app.get("/v1/articles/no-such-story/related").await.expect_problem(404);
    // The reader page answers 410 and says why, before any script runs.
    let page = app.get(&format!("/articles/{SLUG}")).await;
    assert_eq!(page.status.as_u16(), 410);
    let said = page.text.contains("This article has been retracted") && page.text.contains("later shown to be forged");
    assert!(said, "{}", page.text);
    assert_eq!(app.get(&format!("/articles/{OLD_SLUG}")).await.status.as_u16(), 410);
    assert_eq!(app.get("/articles/no-such-story").await.status.as_u16(), 200, "other pages load as before");

    // It is in no public answer, counts included.
    for path in public_answers(&other_slug) {
        let reply = app.get(&path).await.expect(200);
        assert!(!reply.text.contains(SLUG) && !reply.text.contains("orged"), "{path} still shows it: {}", reply.text);
    }
    assert_eq!(app.get("/v1/tags/harbour").await.expect(200).body["article_count"], 1);
    let beacon = app.send(Method::POST, &format!("/v1/articles/{SLUG}/views"), None, None, &[]).await;
    assert_eq!(beacon.status.as_u16(), 404, "{}", beacon.text);

    // The desk still sees it, with the step in its revisions and the audit log.
    let listed = app.admin_get("/v1/admin/articles?status=retracted", &app.admin).await.expect(200);
    assert_eq!(listed.body["data"][0]["id"], id.as_str(), "{}", listed.text);
    let newest = &revisions(&app, &id).await[0];
    assert_eq!((newest["action"].as_str(), newest["note"].as_str()), (Some("retract"), Some(REASON)));
    assert_eq!(newest["actor_id"], editor_id.as_str());
    let audit = app.audit_log(&format!("action=article.retract&target={id}")).await;
    assert_eq!(audit.len(), 1, "{audit:#?}");
    assert_eq!(audit[0]["detail"]["note"], REASON);
    assert_eq!(audit[0]["actor_id"], editor_id.as_str());

    // The webhook names the URLs to purge and the reason.
    let hit = wait_until("the article.retracted event", || async {
        receiver.acked().into_iter().find(|h| h.event == "article.retracted")
    })
    .await;
    let data = &hit.body["data"];
    assert_eq!((data["id"].as_str(), data["slug"].as_str()), (Some(id.as_str()), Some(SLUG)), "{data}");
    assert_eq!(data["reason"], REASON);
    assert_eq!(data["status"], "retracted");
    assert!(data["url"].as_str().is_some_and(|u| u.ends_with(&format!("/v1/articles/{SLUG}"))), "{data}");
    let old_urls = data["old_urls"].as_array().expect("old urls");
    assert!(old_urls.len() == 1 && old_urls[0].as_str().is_some_and(|u| u.ends_with(OLD_SLUG)), "{data}");
}

async fn a_retraction_is_final_and_keeps_its_slug(app: TestApp) {
    let (id, _) = a_published_story_with_an_old_slug(&app).await;
    retract(&app, &app.admin, &id).await.expect(200);
    let version = admin_view(&app, &id).await["version"].clone();

    // Nothing leads out of it: no step, edit, trash, purge, revision restore or second retraction.
    for verb in ["publish", "unpublish", "submit", "schedule", "unschedule", "restore"] {
        let body = (verb == "schedule").then(|| json!({"publish_at": "2099-01-01T00:00:00Z"}));
        let reply = app.send(Method::POST, &format!("{}/{verb}", item(&id)), Some(&app.admin), body, &[]).await;
        assert_eq!(reply.status.as_u16(), 409, "{verb}: {}", reply.text);
    }
    retract(&app, &app.admin, &id).await.expect_problem(409);
    app.patch(&item(&id), &app.admin, json!({"title": "Quietly fixed"})).await.expect_problem(409);
    app.patch(&item(&id), &app.admin, json!({"slug": "harbour-deal-moved"})).await.expect_problem(409);
    app.delete(&item(&id), &app.admin).await.expect_problem(409);
    app.send(Method::DELETE, &format!("/v1/admin/trash/{id}"), Some(&app.admin), None, &[]).await.expect_problem(409);
    let first =
        revisions(&app, &id).await.last().and_then(|r| r["id"].as_str().map(str::to_owned)).expect("a revision");
    let restore = format!("{}/revisions/{first}/restore", item(&id));
    app.send(Method::POST, &restore, Some(&app.admin), None, &[("if-match", "*")]).await.expect_problem(409);
    let bulk = json!({"action": "unpublish", "ids": [id]});
    app.post("/v1/admin/articles/bulk", &app.admin, bulk).await;
    let now = admin_view(&app, &id).await;
    assert_eq!((now["status"].as_str(), &now["version"]), (Some("retracted"), &version), "nothing moved");

    // Its slug and old slug stay taken: 409 as for any taken slug.
    let (_, editor) = app.user_with_role("editor").await;
    for slug in [SLUG, OLD_SLUG] {
        let taken = app.post("/v1/admin/articles", &editor, json!({"title": "Another deal", "slug": slug})).await;
        assert_eq!(Reply::fields(&taken.expect_problem(409)), ["slug"]);
    }
    // A preview link handed out before the retraction no longer shows it.
    let link = app.post(&format!("{}/preview", item(&id)), &app.admin, json!({})).await.expect(201);
    let url = link.body["url"].as_str().expect("a preview url").to_owned();
    app.get(&url).await.expect_problem(404);
}

async fn only_editors_and_admins_retract(app: TestApp) {
    let (_, author) = app.user_with_role("author").await;
    let (_, contributor) = app.user_with_role("contributor").await;
    let (_, editor) = app.user_with_role("editor").await;
    // An author's own published story is not theirs to retract; a contributor cannot see it.
    let own = id_of(&app.draft(&author, json!({"title": "Ferry fares rise"})).await);
    app.act(&author, &own, "publish").await.expect(200);
    retract(&app, &author, &own).await.expect_problem(403);
    retract(&app, &contributor, &own).await.expect_problem(404);
    let anon =
        app.send(Method::POST, &format!("{}/retract", item(&own)), None, Some(json!({"reason": REASON})), &[]).await;
    anon.expect_problem(401);
    assert_eq!(admin_view(&app, &own).await["status"], "published");
    app.get("/v1/articles/ferry-fares-rise").await.expect(200);
    retract(&app, &editor, &own).await.expect(200);
    let other = id_of(&app.published(json!({"title": "Tide tables wrong"})).await);
    retract(&app, &app.admin, &other).await.expect(200);
}

async fn a_retraction_refuses_bad_reasons_wrong_states_and_stale_versions(app: TestApp) {
    let admin = app.admin.clone();
    let id = id_of(&app.published(json!({"title": "Lighthouse sold"})).await);
    for body in [
        json!({}),
        json!({"reason": ""}),
        json!({"reason": " \n "}),
        json!({"reason": "x".repeat(2001)}),
        json!({"reason": 7}),
        json!({"reason": null}),
        json!({"reason": "fine", "note": "unknown"}),
    ] {
        let problem = retract_with(&app, &admin, &id, body.clone(), None).await.expect_problem(422);
        let expected = if body.get("note").is_some() { "note" } else { "reason" };
        assert_eq!(Reply::fields(&problem), [expected], "{body}: {problem}");
    }
    let no_body = app.send(Method::POST, &format!("{}/retract", item(&id)), Some(&admin), None, &[]).await;
    assert!(matches!(no_body.status.as_u16(), 400 | 415), "{}", no_body.text);

    // A stale If-Match: 412 with the current version, and nothing moves.
    let current = admin_view(&app, &id).await["version"].as_i64().expect("a version");
    let stale = format!("\"{}\"", current - 1);
    let reply = retract_with(&app, &admin, &id, json!({"reason": REASON}), Some(&stale)).await;
    assert_eq!(reply.expect_problem(412)["current_version"], current);
    app.get("/v1/articles/lighthouse-sold").await.expect(200);

    // Only a published article: a draft, one in review, a scheduled one or one in the trash: 409.
    let draft = id_of(&app.draft(&admin, json!({"title": "Draft only"})).await);
    retract(&app, &admin, &draft).await.expect_problem(409);
    let queued = id_of(&app.draft(&admin, json!({"title": "Queued"})).await);
    app.act(&admin, &queued, "submit").await.expect(200);
    retract(&app, &admin, &queued).await.expect_problem(409);
    let planned = id_of(&app.draft(&admin, json!({"title": "Planned"})).await);
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    app.post(&format!("{}/schedule", item(&planned)), &admin, json!({"publish_at": tomorrow})).await.expect(200);
    retract(&app, &admin, &planned).await.expect_problem(409);
    app.delete(&item(&id), &admin).await.expect(204);
    retract(&app, &admin, &id).await.expect_problem(409);
    retract(&app, &admin, "no-such-article").await.expect_problem(404);
    // A draft keeps no slug reservation of a retraction: nothing was retracted.
    assert_eq!(admin_view(&app, &draft).await["status"], "draft");
}

/// Two server processes on one database: the second has the story cached; a retraction on the
/// first voids it there within a second, and it answers 410.
async fn a_retraction_voids_the_other_servers_cache(first: TestApp) {
    let second = first.spawn_sibling().await;
    let id = id_of(&first.published(json!({"title": "Harbour deal signed", "slug": SLUG})).await);
    for path in [format!("/v1/articles/{SLUG}"), "/v1/articles".to_owned()] {
        let (second, path) = (&second, &path);
        wait_until(&format!("{path} to be cached on the second server"), || async move {
            let reply = second.get(path).await.expect(200);
            (reply.text.contains(SLUG) && second.cache.get(path).is_some()).then_some(())
        })
        .await;
    }
    retract(&first, &first.admin, &id).await.expect(200);
    let second = &second;
    crate::common::wait::wait_until_within(
        std::time::Duration::from_secs(1),
        "the second server to drop the cached story and list",
        || async move {
            (second.cache.get(&format!("/v1/articles/{SLUG}")).is_none() && second.cache.get("/v1/articles").is_none())
                .then_some(())
        },
    )
    .await;
    gone(second, &format!("/v1/articles/{SLUG}")).await;
    let list = second.get("/v1/articles").await.expect(200);
    assert!(!list.text.contains(SLUG), "{}", list.text);
}

on_both_backends!(
    a_retracted_story_answers_410_everywhere_and_leaves_every_public_answer,
    a_retraction_is_final_and_keeps_its_slug,
    only_editors_and_admins_retract,
    a_retraction_refuses_bad_reasons_wrong_states_and_stale_versions,
    a_retraction_voids_the_other_servers_cache,
);

//! Scheduled publication: the server publishes a scheduled article on its own when it falls
//! due (no cron, no outside trigger), catches up after downtime, and with two server processes
//! on one PostgreSQL publishes each article exactly once.

use chrono::{DateTime, Duration, Utc};
use reqwest::Method;
use serde_json::json;

use crate::common::values::{id_of, rfc3339, time};
use crate::common::{on_both_backends, wait_until, Backend, Reply, TestApp};

/// `ms` milliseconds from now, at the millisecond precision it is sent with.
fn in_ms(ms: i64) -> DateTime<Utc> {
    time(&json!(rfc3339(Utc::now() + Duration::milliseconds(ms))))
}

async fn schedule(app: &TestApp, token: &str, id: &str, publish_at: DateTime<Utc>) -> Reply {
    app.send(
        Method::POST,
        &format!("/v1/admin/articles/{id}/schedule"),
        Some(token),
        Some(json!({"publish_at": rfc3339(publish_at)})),
        &[],
    )
    .await
}

async fn unschedule(app: &TestApp, token: &str, id: &str) -> Reply {
    app.send(Method::POST, &format!("/v1/admin/articles/{id}/unschedule"), Some(token), None, &[]).await
}

/// Polls the public article until it is there; returns it and when it was first seen.
async fn wait_until_public(app: &TestApp, slug: &str) -> (Reply, DateTime<Utc>) {
    let path = format!("/v1/articles/{slug}");
    let path = path.as_str();
    wait_until(&format!("`{slug}` to be published by the scheduler"), || async move {
        let reply = app.get(path).await;
        match reply.status.as_u16() {
            200 => Some((reply, Utc::now())),
            404 => None,
            other => panic!("unexpected {other} while waiting for {path}: {}", reply.text),
        }
    })
    .await
}

/// The article's revision actions, newest first.
async fn revision_actions(app: &TestApp, id: &str) -> Vec<String> {
    let reply = app.admin_get(&format!("/v1/admin/articles/{id}/revisions?limit=100"), &app.admin).await.expect(200);
    reply.body["data"]
        .as_array()
        .expect("a list of revisions")
        .iter()
        .map(|r| r["action"].as_str().expect("an action").to_owned())
        .collect()
}

async fn a_scheduled_article_publishes_itself_when_due(app: TestApp) {
    let draft = app.draft(&app.admin, json!({"title": "Morning briefing", "body": "Rain later."})).await;
    let id = id_of(&draft);
    let publish_at = in_ms(2_000);
    let scheduled = schedule(&app, &app.admin, &id, publish_at).await.expect(200);
    assert_eq!(scheduled.body["status"], "scheduled");
    assert_eq!(time(&scheduled.body["published_at"]), publish_at, "published_at is the planned time");

    // Nowhere public before its time.
    app.get("/v1/articles/morning-briefing").await.expect_problem(404);
    assert_eq!(app.get("/v1/articles").await.expect(200).body["meta"]["pagination"]["total"], 0);

    let (public, seen_at) = wait_until_public(&app, "morning-briefing").await;
    assert!(seen_at >= publish_at, "published early: seen at {seen_at}, due at {publish_at}");
    assert_eq!(public.body["id"], id.as_str());
    assert_eq!(public.body["status"], "published");
    assert_eq!(time(&public.body["published_at"]), publish_at, "keeps the planned time as its date");
    assert_eq!(app.get("/v1/articles").await.expect(200).body["meta"]["pagination"]["total"], 1);

    let stored = app.admin_get(&format!("/v1/admin/articles/{id}"), &app.admin).await.expect(200);
    assert_eq!(stored.body["status"], "published");
    assert_eq!(stored.body["version"], scheduled.body["version"].as_i64().expect("version") + 1);

    assert_eq!(revision_actions(&app, &id).await, ["publish_scheduled", "schedule", "create"]);
    let entries = app.audit_log(&format!("action=article.publish_scheduled&target={id}")).await;
    assert_eq!(entries.len(), 1, "one audit entry for the scheduled publication: {entries:?}");
    assert_eq!(entries[0]["actor_type"], "system");
    assert_eq!(entries[0]["target_type"], "article");
    assert_eq!(entries[0]["target_id"], id.as_str());
}

async fn an_unscheduled_article_goes_back_to_draft_and_stays_there(app: TestApp) {
    let cancelled = id_of(&app.draft(&app.admin, json!({"title": "Cancelled launch"})).await);
    let sentinel = id_of(&app.draft(&app.admin, json!({"title": "Sentinel story"})).await);

    schedule(&app, &app.admin, &cancelled, in_ms(2_000)).await.expect(200);
    let back = unschedule(&app, &app.admin, &cancelled).await.expect(200);
    assert_eq!(back.body["status"], "draft");
    assert!(back.body["published_at"].is_null(), "no planned date any more: {}", back.text);
    unschedule(&app, &app.admin, &cancelled).await.expect_problem(409);

    // Once a story due later than the cancelled one is out, the scheduler has passed the
    // cancelled time: it must not have published the cancelled article.
    schedule(&app, &app.admin, &sentinel, in_ms(2_500)).await.expect(200);
    wait_until_public(&app, "sentinel-story").await;
    let stored = app.admin_get(&format!("/v1/admin/articles/{cancelled}"), &app.admin).await.expect(200);
    assert_eq!(stored.body["status"], "draft");
    app.get("/v1/articles/cancelled-launch").await.expect_problem(404);
    assert_eq!(revision_actions(&app, &cancelled).await, ["unschedule", "schedule", "create"]);
}

async fn scheduling_needs_a_future_time_an_unpublished_article_and_the_right_role(app: TestApp) {
    let id = id_of(&app.draft(&app.admin, json!({"title": "Timing rules"})).await);
    let path = format!("/v1/admin/articles/{id}/schedule");

    let problem = schedule(&app, &app.admin, &id, Utc::now() - Duration::minutes(1)).await.expect_problem(422);
    assert_eq!(Reply::fields(&problem), ["publish_at"]);
    let problem = app.post(&path, &app.admin, json!({})).await.expect_problem(422);
    assert_eq!(Reply::fields(&problem), ["publish_at"]);
    let problem = app.post(&path, &app.admin, json!({"publish_at": "tomorrow"})).await.expect_problem(422);
    assert_eq!(Reply::fields(&problem), ["publish_at"]);
    let stored = app.admin_get(&format!("/v1/admin/articles/{id}"), &app.admin).await.expect(200);
    assert_eq!(stored.body["status"], "draft", "a rejected schedule changes nothing");
    unschedule(&app, &app.admin, &id).await.expect_problem(409);

    let published = id_of(&app.published(json!({"title": "Already out"})).await);
    schedule(&app, &app.admin, &published, in_ms(3_600_000)).await.expect_problem(409);

    let (_, contributor) = app.user_with_role("contributor").await;
    let own = id_of(&app.draft(&contributor, json!({"title": "Contributor pitch"})).await);
    schedule(&app, &contributor, &own, in_ms(3_600_000)).await.expect_problem(403);
    let stored = app.admin_get(&format!("/v1/admin/articles/{own}"), &app.admin).await.expect(200);
    assert_eq!(stored.body["status"], "draft");

    let (_, author) = app.user_with_role("author").await;
    let mine = id_of(&app.draft(&author, json!({"title": "Author column"})).await);
    assert_eq!(schedule(&app, &author, &mine, in_ms(3_600_000)).await.expect(200).body["status"], "scheduled");
    // An author may not schedule someone else's article (it is not even visible to them).
    schedule(&app, &author, &id, in_ms(3_600_000)).await.expect_problem(404);

    let (_, editor) = app.user_with_role("editor").await;
    assert_eq!(schedule(&app, &editor, &id, in_ms(3_600_000)).await.expect(200).body["status"], "scheduled");
    // A scheduled article can be published at once, and then it is out now.
    let now =
        app.send(Method::POST, &format!("/v1/admin/articles/{id}/publish"), Some(&editor), None, &[]).await.expect(200);
    assert_eq!(now.body["status"], "published");
    assert!(time(&now.body["published_at"]) <= Utc::now(), "published early, not at the planned time: {}", now.text);
    app.get("/v1/articles/timing-rules").await.expect(200);
}

async fn an_article_that_fell_due_while_the_server_was_down_is_published_on_start(app: TestApp) {
    let id = id_of(&app.draft(&app.admin, json!({"title": "Overnight results"})).await);
    let publish_at = in_ms(2_000);
    schedule(&app, &app.admin, &id, publish_at).await.expect(200);

    let stopped = app.stop();
    assert!(Utc::now() < publish_at, "the server stopped before the article fell due");
    wait_until(
        "the article to fall due while no server runs",
        || async move { (Utc::now() > publish_at).then_some(()) },
    )
    .await;
    let app = stopped.start().await;

    let (public, _) = wait_until_public(&app, "overnight-results").await;
    assert_eq!(time(&public.body["published_at"]), publish_at);
    assert_eq!(revision_actions(&app, &id).await, ["publish_scheduled", "schedule", "create"]);
}

/// A scheduled article that leaves the schedule another way (unpublish, or the trash and back)
/// was never published: when it is published later, it is dated then, not at the cancelled
/// planned time (which may still be in the future).
async fn an_article_taken_off_the_schedule_another_way_is_dated_when_it_goes_out(app: TestApp) {
    let planned = in_ms(3_600_000);
    let unpublished = id_of(&app.draft(&app.admin, json!({"title": "Taken off by unpublish"})).await);
    let trashed = id_of(&app.draft(&app.admin, json!({"title": "Taken off by the trash"})).await);
    for id in [&unpublished, &trashed] {
        schedule(&app, &app.admin, id, planned).await.expect(200);
    }
    let back = app
        .send(Method::POST, &format!("/v1/admin/articles/{unpublished}/unpublish"), Some(&app.admin), None, &[])
        .await
        .expect(200);
    assert_eq!(back.body["status"], "draft");
    app.delete(&format!("/v1/admin/articles/{trashed}"), &app.admin).await.expect(204);
    let back = app
        .send(Method::POST, &format!("/v1/admin/articles/{trashed}/restore"), Some(&app.admin), None, &[])
        .await
        .expect(200);
    assert_eq!(back.body["status"], "draft");

    let mut misdated = Vec::new();
    for (id, slug) in [(&unpublished, "taken-off-by-unpublish"), (&trashed, "taken-off-by-the-trash")] {
        app.send(Method::POST, &format!("/v1/admin/articles/{id}/publish"), Some(&app.admin), None, &[])
            .await
            .expect(200);
        let public = app.get(&format!("/v1/articles/{slug}")).await.expect(200);
        let dated = time(&public.body["published_at"]);
        if dated > Utc::now() {
            misdated.push(format!("`{slug}` was published now but is dated {dated}, the cancelled plan"));
        }
    }
    assert!(misdated.is_empty(), "{misdated:#?}");
}

on_both_backends!(
    an_article_taken_off_the_schedule_another_way_is_dated_when_it_goes_out,
    a_scheduled_article_publishes_itself_when_due,
    an_unscheduled_article_goes_back_to_draft_and_stays_there,
    scheduling_needs_a_future_time_an_unpublished_article_and_the_right_role,
    an_article_that_fell_due_while_the_server_was_down_is_published_on_start,
);

/// Two server processes (two schedulers) on one PostgreSQL database, as two replicas behind a
/// load balancer would run: every due article is published once, not once per process.
async fn two_servers_publish_each_scheduled_article_exactly_once(app: TestApp) {
    let other = app.spawn_sibling().await;
    let servers = [&app, &other];
    let mut drafts = Vec::new();
    for i in 0..6 {
        let server = servers[i % 2];
        drafts.push(server.draft(&server.admin, json!({"title": format!("Simultaneous story {i}")})).await);
    }
    // All due at the same instant, so both schedulers find them due together.
    let publish_at = in_ms(2_000);
    let mut articles = Vec::new();
    for (i, draft) in drafts.iter().enumerate() {
        let server = servers[i % 2];
        let id = id_of(draft);
        let scheduled = schedule(server, &server.admin, &id, publish_at).await.expect(200);
        let version = scheduled.body["version"].as_i64().expect("version");
        articles.push((id, draft["slug"].as_str().expect("slug").to_owned(), version));
    }

    for (i, (_, slug, _)) in articles.iter().enumerate() {
        wait_until_public(servers[i % 2], slug).await;
    }

    for (id, slug, version) in &articles {
        for server in servers {
            let actions = revision_actions(server, id).await;
            let published = actions.iter().filter(|a| *a == "publish_scheduled").count();
            assert_eq!(published, 1, "`{slug}` has one publish_scheduled revision: {actions:?}");
            let entries = server.audit_log(&format!("action=article.publish_scheduled&target={id}")).await;
            assert_eq!(entries.len(), 1, "`{slug}` has one article.publish_scheduled audit entry: {entries:?}");
            let stored = server.admin_get(&format!("/v1/admin/articles/{id}"), &server.admin).await.expect(200);
            assert_eq!(stored.body["version"], version + 1, "`{slug}` changed once after scheduling");
        }
    }
    let all = app.audit_log("action=article.publish_scheduled").await;
    assert_eq!(all.len(), articles.len(), "one entry per article, no more: {all:?}");
}

mod two_servers_publish_each_scheduled_article_exactly_once {
    #[actix_web::test]
    async fn postgres() {
        super::two_servers_publish_each_scheduled_article_exactly_once(
            super::TestApp::spawn(super::Backend::Postgres).await,
        )
        .await
    }
}

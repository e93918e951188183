//! Embargoes as a desk meets them: a story may carry `embargo_until`, and until then nobody can
//! publish it, by hand, in bulk or through a schedule; the refusal says until when. Lifting the
//! embargo (or letting it end) lets it out, a schedule at or after the embargo publishes on
//! time, and the desk reads what waits in a feed of its own.

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

use super::{admin_view, ids_in, item, revisions, total};
use crate::common::values::{id_of, rfc3339, time};
use crate::common::{on_both_backends, wait_until, Reply, TestApp};

/// `ms` milliseconds from now, at the millisecond precision it is sent with.
fn in_ms(ms: i64) -> DateTime<Utc> {
    time(&json!(rfc3339(Utc::now() + Duration::milliseconds(ms))))
}

fn in_days(days: i64) -> DateTime<Utc> {
    in_ms(days * 86_400_000)
}

async fn schedule(app: &TestApp, token: &str, id: &str, at: DateTime<Utc>) -> Reply {
    app.post(&format!("{}/schedule", item(id)), token, json!({"publish_at": rfc3339(at)})).await
}

/// Asserts an embargo's refusal: 409 problem+json saying "embargoed until <time>", with the time
/// as `embargo_until`; returns the problem.
#[track_caller]
fn embargoed(reply: Reply, until: DateTime<Utc>) -> Value {
    let problem = reply.expect_problem(409);
    assert_eq!(problem["type"], "urn:newsdesk:problem:embargoed", "{problem}");
    assert_eq!(time(&problem["embargo_until"]), until, "{problem}");
    let said = format!("embargoed until {}", problem["embargo_until"].as_str().unwrap_or_default());
    assert!(problem["detail"].as_str().is_some_and(|d| d.contains(&said)), "{problem}");
    problem
}

async fn nobody_publishes_before_the_embargo_and_lifting_it_lets_the_story_out(app: TestApp) {
    let (_, editor) = app.user_with_role("editor").await;
    let (_, author) = app.user_with_role("author").await;
    let until = in_days(1);
    let story = app.draft(&editor, json!({"title": "Budget leaked", "embargo_until": rfc3339(until)})).await;
    let id = id_of(&story);
    assert_eq!(time(&story["embargo_until"]), until, "the desk sees the embargo: {story}");

    // By hand, as the editor and as the admin: 409 saying until when, and nothing moves.
    embargoed(app.act(&editor, &id, "publish").await, until);
    embargoed(app.act(&app.admin, &id, "publish").await, until);
    // Approving is not publishing; publishing the approved story is refused the same way.
    app.act(&editor, &id, "submit").await.expect(200);
    app.act(&editor, &id, "approve").await.expect(200);
    embargoed(app.act(&editor, &id, "publish").await, until);
    assert_eq!(admin_view(&app, &id).await["status"], "approved");
    app.get("/v1/articles/budget-leaked").await.expect_problem(404);

    // In bulk: the item is refused by its place in `ids`, and nothing else moves either.
    let free = id_of(&app.draft(&editor, json!({"title": "Ferry timetable"})).await);
    let bulk = json!({"action": "publish", "ids": [free, id]});
    let problem = app.post("/v1/admin/articles/bulk", &editor, bulk.clone()).await.expect_problem(422);
    assert_eq!(Reply::fields(&problem), ["ids[1]"], "{problem}");
    let message = problem["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.starts_with("embargoed until "), "{problem}");
    assert_eq!(admin_view(&app, &free).await["status"], "draft", "all or nothing");

    // A writer who may edit the story may embargo it too: an author's own story.
    let own = id_of(&app.draft(&author, json!({"title": "Council pay rise"})).await);
    let later = in_days(2);
    let set = app.patch(&item(&own), &author, json!({"embargo_until": rfc3339(later)})).await.expect(200);
    assert_eq!(time(&set.body["embargo_until"]), later);
    embargoed(app.act(&author, &own, "publish").await, later);

    // Lifting it (`null`) lets it out, and the lift is in the revisions and the audit log.
    let lifted = app.patch(&item(&id), &editor, json!({"embargo_until": null})).await.expect(200);
    assert!(lifted.body.get("embargo_until").is_none(), "{}", lifted.text);
    let newest = &revisions(&app, &id).await[0];
    assert_eq!(newest["changed_fields"], json!(["embargo_until"]), "{newest}");
    let audit = app.audit_log(&format!("action=article.update&target={id}")).await;
    assert_eq!(audit[0]["detail"]["changed"], json!(["embargo_until"]), "{:?}", audit[0]);
    assert_eq!(audit[0]["detail"]["embargo_until"], Value::Null, "the log says it was lifted: {:?}", audit[0]);
    let audit = app.audit_log(&format!("action=article.update&target={own}")).await;
    assert_eq!(time(&audit[0]["detail"]["embargo_until"]), later, "and when it was set to: {:?}", audit[0]);
    app.act(&editor, &id, "publish").await.expect(200);
    app.post("/v1/admin/articles/bulk", &editor, json!({"action": "publish", "ids": [free]})).await.expect(200);
    let public = app.get("/v1/articles/budget-leaked").await.expect(200);
    assert_eq!(public.body["status"], "published");

    // An embargo that has ended is as good as none; the public JSON never carries it.
    let past = time(&json!("2026-01-05T09:00:00Z"));
    let old = app.draft(&editor, json!({"title": "Archive story", "embargo_until": "2026-01-05T09:00:00Z"})).await;
    app.act(&editor, &id_of(&old), "publish").await.expect(200);
    let public = app.get("/v1/articles/archive-story").await.expect(200);
    assert!(public.body.get("embargo_until").is_none(), "not in the public JSON: {}", public.text);
    let list = app.get("/v1/articles").await.expect(200);
    assert!(!list.text.contains("embargo_until"), "{}", list.text);
    assert_eq!(time(&admin_view(&app, &id_of(&old)).await["embargo_until"]), past, "the desk still sees it");
    let revision = id_of(&revisions(&app, &id_of(&old)).await[0]);
    let path = format!("{}/revisions/{revision}", item(&id_of(&old)));
    let snapshot = app.admin_get(&path, &app.admin).await.expect(200).body["snapshot"].clone();
    assert_eq!(time(&snapshot["embargo_until"]), past, "revisions keep it: {snapshot}");
}

async fn a_schedule_waits_for_the_embargo_and_the_scheduler_keeps_to_it(app: TestApp) {
    let until = in_ms(2_500);
    let id = id_of(&app.draft(&app.admin, json!({"title": "Rate decision", "embargo_until": rfc3339(until)})).await);

    // Before the embargo ends: refused, naming the schedule's field.
    let problem = embargoed(schedule(&app, &app.admin, &id, until - Duration::milliseconds(500)).await, until);
    assert_eq!(Reply::fields(&problem), ["publish_at"], "{problem}");
    assert_eq!(admin_view(&app, &id).await["status"], "draft");

    // At the embargo's end: scheduled, and the scheduler publishes it then, not before.
    let scheduled = schedule(&app, &app.admin, &id, until).await.expect(200);
    assert_eq!(scheduled.body["status"], "scheduled");
    let seen_at = wait_until("the scheduler to publish the embargoed story", || async {
        let reply = app.get("/v1/articles/rate-decision").await;
        (reply.status.as_u16() == 200).then(Utc::now)
    })
    .await;
    assert!(seen_at >= until, "published before the embargo ended: {seen_at} < {until}");

    // An embargo moved past a schedule would strand it: refused, naming `embargo_until`.
    let planned = in_days(1);
    let other = id_of(&app.draft(&app.admin, json!({"title": "Merger vote"})).await);
    schedule(&app, &app.admin, &other, planned).await.expect(200);
    let after = planned + Duration::hours(1);
    let problem = app.patch(&item(&other), &app.admin, json!({"embargo_until": rfc3339(after)})).await;
    let problem = problem.expect_problem(409);
    assert_eq!(Reply::fields(&problem), ["embargo_until"], "{problem}");
    assert_eq!(time(&problem["embargo_until"]), after, "{problem}");
    assert!(admin_view(&app, &other).await.get("embargo_until").is_none(), "nothing changed");
    // Up to the scheduled time is fine, and so is a later schedule.
    app.patch(&item(&other), &app.admin, json!({"embargo_until": rfc3339(planned)})).await.expect(200);
    schedule(&app, &app.admin, &other, after).await.expect(200);
    embargoed(schedule(&app, &app.admin, &other, planned - Duration::hours(1)).await, planned);

    // A published story cannot be held back any more: unpublish it first. An ended one is harmless.
    let out = id_of(&app.published(json!({"title": "Harbour open"})).await);
    let problem = app.patch(&item(&out), &app.admin, json!({"embargo_until": rfc3339(planned)})).await;
    assert_eq!(Reply::fields(&problem.expect_problem(409)), ["embargo_until"]);
    app.patch(&item(&out), &app.admin, json!({"embargo_until": "2026-01-01T00:00:00Z"})).await.expect(200);
}

async fn embargo_input_is_checked(app: TestApp) {
    let id = id_of(&app.draft(&app.admin, json!({"title": "Checked"})).await);
    let bad = [
        json!("tomorrow"),
        json!("2026-13-01T00:00:00Z"),
        json!("2026-12-10"),
        json!(7),
        json!("+10000-01-01T00:00:00Z"),
        json!("0000-12-31T23:00:00Z"),
    ];
    for value in bad {
        let created = app.post("/v1/admin/articles", &app.admin, json!({"title": "Bad", "embargo_until": value})).await;
        assert_eq!(Reply::fields(&created.expect_problem(422)), ["embargo_until"], "create with {value}");
        let patched = app.patch(&item(&id), &app.admin, json!({"embargo_until": value})).await;
        assert_eq!(Reply::fields(&patched.expect_problem(422)), ["embargo_until"], "patch with {value}");
    }
    let unknown =
        app.post("/v1/admin/articles", &app.admin, json!({"title": "Bad", "embargo": "2027-01-01T00:00:00Z"}));
    assert_eq!(Reply::fields(&unknown.await.expect_problem(422)), ["embargo"]);
    let unknown = app.patch(&item(&id), &app.admin, json!({"embargoed_until": "2027-01-01T00:00:00Z"})).await;
    assert_eq!(Reply::fields(&unknown.expect_problem(422)), ["embargoed_until"]);
    assert_eq!(admin_view(&app, &id).await["version"], 1, "refused input changes nothing");
    let filter = app.admin_get("/v1/admin/articles?embargoed=maybe", &app.admin).await.expect_problem(422);
    assert_eq!(Reply::fields(&filter), ["embargoed"]);
    // The last year the API takes.
    app.patch(&item(&id), &app.admin, json!({"embargo_until": "9999-12-31T23:59:59Z"})).await.expect(200);
}

async fn the_desk_reads_what_waits_and_filters_by_it(app: TestApp) {
    app.seed_taxonomy().await;
    let (_, editor) = app.user_with_role("editor").await;
    let (_, author) = app.user_with_role("author").await;
    let (_, contributor) = app.user_with_role("contributor").await;
    let story = |title: &str, embargo: Option<String>| {
        let mut body = json!({"title": title, "tags": ["water"]});
        if let Some(until) = embargo {
            body["embargo_until"] = json!(until);
        }
        body
    };
    let later = id_of(&app.draft(&editor, story("Later", Some(rfc3339(in_days(3))))).await);
    let sooner = id_of(&app.draft(&author, story("Sooner", Some(rfc3339(in_days(1))))).await);
    let ended = id_of(&app.draft(&editor, story("Ended", Some("2026-01-01T00:00:00Z".into()))).await);
    let none = id_of(&app.draft(&editor, story("None", None)).await);
    let binned = id_of(&app.draft(&editor, story("Binned", Some(rfc3339(in_days(2))))).await);
    app.delete(&item(&binned), &editor).await.expect(204);

    // The feed: embargoes still to end, soonest first, with their times; paged by cursor.
    for token in [&editor, &app.admin] {
        let feed = app.admin_get("/v1/admin/embargoes", token).await.expect(200);
        assert_eq!(ids_in(&feed), [sooner.clone(), later.clone()], "{}", feed.text);
        assert_eq!(total(&feed), 2);
        assert!(feed.body["data"][0]["embargo_until"].is_string(), "{}", feed.text);
    }
    let first = app.admin_get("/v1/admin/embargoes?limit=1", &editor).await.expect(200);
    assert_eq!(ids_in(&first), [sooner.as_str()]);
    let cursor = first.body["meta"]["pagination"]["next_cursor"].as_str().expect("a next cursor").to_owned();
    let second = app.admin_get(&format!("/v1/admin/embargoes?limit=1&cursor={cursor}"), &editor).await.expect(200);
    assert_eq!(ids_in(&second), [later.as_str()]);
    // Writers do not read it, not even for their own story; nobody anonymous does.
    for token in [&author, &contributor] {
        app.admin_get("/v1/admin/embargoes", token).await.expect_problem(403);
    }
    app.get("/v1/admin/embargoes").await.expect_problem(401);

    // The admin list's filter, alone and with the others.
    let sorted = |mut ids: Vec<String>| {
        ids.sort();
        ids
    };
    let embargoed = app.admin_get("/v1/admin/articles?embargoed=true", &editor).await.expect(200);
    assert_eq!(sorted(ids_in(&embargoed)), sorted(vec![later.clone(), sooner.clone()]));
    assert_eq!(total(&embargoed), 2);
    let free = app.admin_get("/v1/admin/articles?embargoed=false", &editor).await.expect(200);
    assert_eq!(sorted(ids_in(&free)), sorted(vec![ended.clone(), none.clone()]));
    let narrowed = app.admin_get("/v1/admin/articles?embargoed=true&status=draft&tag=water&q=sooner", &editor).await;
    assert_eq!(ids_in(&narrowed.expect(200)), [sooner.as_str()]);
    let paged = app.admin_get("/v1/admin/articles?embargoed=true&limit=1", &editor).await.expect(200);
    let cursor = paged.body["meta"]["pagination"]["next_cursor"].as_str().expect("a next cursor").to_owned();
    let rest = app.admin_get(&format!("/v1/admin/articles?embargoed=true&limit=1&cursor={cursor}"), &editor).await;
    assert_eq!(sorted([ids_in(&paged), ids_in(&rest.expect(200))].concat()), sorted(vec![later, sooner.clone()]));
    // A writer filters their own.
    let own = app.admin_get("/v1/admin/articles?embargoed=true", &author).await.expect(200);
    assert_eq!(ids_in(&own), [sooner.as_str()]);

    // Once an embargo is lifted, the story leaves the feed.
    app.patch(&item(&sooner), &author, json!({"embargo_until": null})).await.expect(200);
    let feed = app.admin_get("/v1/admin/embargoes", &editor).await.expect(200);
    assert_eq!(total(&feed), 1);
    assert!(!ids_in(&feed).contains(&sooner));
}

/// The scheduler checks for itself: an embargo written straight into the database, around the
/// API's checks, keeps a due article scheduled; lifting it lets the scheduler publish it.
async fn the_scheduler_holds_back_an_embargo_written_around_the_api(app: TestApp) {
    use diesel::prelude::*;
    use newsdesk_persistence::schema::articles;
    let due = in_ms(3_000);
    let held = id_of(&app.draft(&app.admin, json!({"title": "Held story"})).await);
    let control = id_of(&app.draft(&app.admin, json!({"title": "Control story"})).await);
    for id in [&held, &control] {
        schedule(&app, &app.admin, id, due).await.expect(200);
    }
    let until = (Utc::now() + Duration::days(1)).naive_utc();
    let written = app.db.write(|conn| {
        Ok(diesel::update(articles::table.find(&held)).set(articles::embargo_until.eq(Some(until))).execute(conn)?)
    });
    assert_eq!(written.ok(), Some(1));

    // Both fell due in the same claim; the control went out, the embargoed one stayed.
    wait_until("the control story to be published", || async {
        (app.get("/v1/articles/control-story").await.status.as_u16() == 200).then_some(())
    })
    .await;
    assert_eq!(admin_view(&app, &held).await["status"], "scheduled");
    app.get("/v1/articles/held-story").await.expect_problem(404);

    app.patch(&item(&held), &app.admin, json!({"embargo_until": null})).await.expect(200);
    wait_until("the held story to be published once the embargo is lifted", || async {
        (app.get("/v1/articles/held-story").await.status.as_u16() == 200).then_some(())
    })
    .await;
}

on_both_backends!(
    nobody_publishes_before_the_embargo_and_lifting_it_lets_the_story_out,
    a_schedule_waits_for_the_embargo_and_the_scheduler_keeps_to_it,
    the_scheduler_holds_back_an_embargo_written_around_the_api,
    embargo_input_is_checked,
    the_desk_reads_what_waits_and_filters_by_it,
);

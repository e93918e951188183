//! Review and approval as a desk meets it: a contributor submits, an editor sends the story back
//! with a note or approves it, and only then does it go out. Each step is checked for the role
//! that may take it and for those that may not, and each leaves a revision, an audit entry and
//! a webhook event.

use reqwest::Method;
use serde_json::{json, Value};

use super::{admin_view, item, revisions};
use crate::common::values::id_of;
use crate::common::{on_both_backends, wait_until, Reply, TestApp};
use crate::webhooks::Receiver;

const NOTE: &str = "The second quote needs a source.\nCheck it with the harbour office, then resubmit.";

/// POSTs `/v1/admin/articles/{id}/{step}` as `token`, with `body` if any and no `If-Match`.
async fn step(app: &TestApp, token: &str, id: &str, step: &str, body: Option<Value>) -> Reply {
    app.send(Method::POST, &format!("{}/{step}", item(id)), Some(token), body, &[]).await
}

/// Sends the article back to draft with `note` as `token`.
async fn send_back(app: &TestApp, token: &str, id: &str, note: &str) -> Reply {
    step(app, token, id, "return", Some(json!({"note": note}))).await
}

/// Asserts the step was refused with `status`, and the article did not move.
async fn refused(app: &TestApp, reply: Reply, status: u16, still: &str, id: &str) {
    reply.expect_problem(status);
    assert_eq!(admin_view(app, id).await["status"], still, "a refused step changes nothing");
}

/// The audit entries about `id` with `action`, newest first.
async fn audited(app: &TestApp, action: &str, id: &str) -> Vec<Value> {
    app.audit_log(&format!("action={action}&target={id}")).await
}

async fn a_contributors_story_goes_through_review_to_publication(app: TestApp) {
    let receiver = Receiver::start(0).await;
    let events = ["article.submitted", "article.approved", "article.returned", "article.published"];
    app.post("/v1/admin/webhooks", &app.admin, json!({"url": receiver.url, "events": events})).await.expect(201);
    let (contributor_id, contributor) = app.user_with_role("contributor").await;
    let (_, other_contributor) = app.user_with_role("contributor").await;
    let (_, author) = app.user_with_role("author").await;
    let (editor_id, editor) = app.user_with_role("editor").await;
    let id = id_of(&app.draft(&contributor, json!({"title": "Harbour pilots vote to strike"})).await);

    // Submit: someone else's draft is not theirs to submit (nor even to see).
    refused(&app, step(&app, &other_contributor, &id, "submit", None).await, 404, "draft", &id).await;
    refused(&app, step(&app, &author, &id, "submit", None).await, 404, "draft", &id).await;
    let submitted = step(&app, &contributor, &id, "submit", None).await.expect(200);
    assert_eq!(submitted.body["status"], "in_review", "{}", submitted.text);
    assert_eq!(submitted.header("etag"), Some("\"2\""));

    // In review the copy is the desk's: the contributor can no longer edit, approve or publish it.
    let retitle = app.patch(&item(&id), &contributor, json!({"title": "Pilots strike"})).await;
    refused(&app, retitle, 403, "in_review", &id).await;
    refused(&app, step(&app, &contributor, &id, "approve", None).await, 403, "in_review", &id).await;
    refused(&app, send_back(&app, &contributor, &id, NOTE).await, 403, "in_review", &id).await;
    refused(&app, step(&app, &contributor, &id, "publish", None).await, 403, "in_review", &id).await;
    refused(&app, step(&app, &author, &id, "approve", None).await, 404, "in_review", &id).await;

    // Return: only an editor (or admin) sends it back, with a note the writer can read.
    let returned = send_back(&app, &editor, &id, NOTE).await.expect(200);
    assert_eq!(returned.body["status"], "draft", "{}", returned.text);
    let history = app.admin_get(&format!("{}/revisions", item(&id)), &contributor).await.expect(200);
    let newest = &history.body["data"][0];
    assert_eq!((newest["action"].as_str(), newest["note"].as_str()), (Some("return"), Some(NOTE)), "{}", history.text);
    assert_eq!(newest["actor_id"], editor_id.as_str());

    // Back in draft the contributor edits and resubmits.
    app.patch(&item(&id), &contributor, json!({"summary": "Sourced: the harbour office confirmed it."}))
        .await
        .expect(200);
    step(&app, &contributor, &id, "submit", None).await.expect(200);

    // Approve: editors only.
    refused(&app, step(&app, &other_contributor, &id, "approve", None).await, 404, "in_review", &id).await;
    let approved = step(&app, &editor, &id, "approve", None).await.expect(200);
    assert_eq!(approved.body["status"], "approved");
    refused(&app, step(&app, &contributor, &id, "publish", None).await, 403, "approved", &id).await;
    app.get("/v1/articles/harbour-pilots-vote-to-strike").await.expect_problem(404);

    // Publish: the editor sends it out.
    let published = step(&app, &editor, &id, "publish", None).await.expect(200);
    assert_eq!(published.body["status"], "published");
    app.get("/v1/articles/harbour-pilots-vote-to-strike").await.expect(200);

    // Every step is a revision, with who took it ...
    let history = revisions(&app, &id).await;
    let steps: Vec<(&str, &str)> = history
        .iter()
        .rev()
        .map(|r| (r["action"].as_str().unwrap_or(""), r["actor_id"].as_str().unwrap_or("")))
        .collect();
    let (c, e) = (contributor_id.as_str(), editor_id.as_str());
    let expected =
        [("create", c), ("submit", c), ("return", e), ("update", c), ("submit", c), ("approve", e), ("publish", e)];
    assert_eq!(steps, expected);
    assert!(history.iter().filter(|r| r["action"] != "return").all(|r| r.get("note").is_none()));

    // ... an audit entry ...
    for (action, count, actor) in
        [("article.submit", 2, c), ("article.return", 1, e), ("article.approve", 1, e), ("article.publish", 1, e)]
    {
        let entries = audited(&app, action, &id).await;
        assert_eq!(entries.len(), count, "{action}: {entries:#?}");
        assert!(entries.iter().all(|entry| entry["actor_id"] == actor), "{action}: {entries:#?}");
    }
    let returned = audited(&app, "article.return", &id).await;
    assert_eq!(returned[0]["detail"]["note"], NOTE);
    assert_eq!(returned[0]["detail"]["changed"], json!(["status"]));

    // ... and a webhook event, in order, the return carrying its note.
    let delivered = wait_until("the five review events", || async {
        let hits: Vec<_> = receiver.acked().into_iter().filter(|h| h.body["data"]["id"] == id.as_str()).collect();
        (hits.len() >= 5).then_some(hits)
    })
    .await;
    let names: Vec<&str> = delivered.iter().map(|h| h.event.as_str()).collect();
    assert_eq!(
        names,
        ["article.submitted", "article.returned", "article.submitted", "article.approved", "article.published"]
    );
    assert_eq!(delivered[1].body["data"]["note"], NOTE);
    assert_eq!(delivered[1].body["data"]["status"], "draft");
    assert_eq!(delivered[3].body["data"]["status"], "approved");
    assert!(delivered.iter().filter(|h| h.event != "article.returned").all(|h| h.body["data"].get("note").is_none()));
}

async fn authors_publish_their_own_drafts_and_approved_pieces_but_not_while_in_review(app: TestApp) {
    let (_, author) = app.user_with_role("author").await;
    let (_, editor) = app.user_with_role("editor").await;

    // As before review existed, an author may publish their own draft straight away.
    let direct = id_of(&app.draft(&author, json!({"title": "Ferry timetable changes"})).await);
    step(&app, &author, &direct, "publish", None).await.expect(200);

    // Once submitted, it waits for the desk: no publishing, scheduling or approving it oneself.
    let id = id_of(&app.draft(&author, json!({"title": "Council budget analysis"})).await);
    step(&app, &author, &id, "submit", None).await.expect(200);
    refused(&app, step(&app, &author, &id, "publish", None).await, 403, "in_review", &id).await;
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    let schedule = step(&app, &author, &id, "schedule", Some(json!({"publish_at": tomorrow}))).await;
    refused(&app, schedule, 403, "in_review", &id).await;
    refused(&app, step(&app, &author, &id, "approve", None).await, 403, "in_review", &id).await;
    refused(&app, send_back(&app, &author, &id, NOTE).await, 403, "in_review", &id).await;
    // An author may still edit their own piece in review (a contributor may not).
    app.patch(&item(&id), &author, json!({"summary": "Where the money goes."})).await.expect(200);

    // Approved, it is theirs to publish (or schedule) again.
    step(&app, &editor, &id, "approve", None).await.expect(200);
    let scheduled = step(&app, &author, &id, "schedule", Some(json!({"publish_at": tomorrow}))).await.expect(200);
    assert_eq!(scheduled.body["status"], "scheduled");
    step(&app, &author, &id, "publish", None).await.expect(200);

    // An editor may publish straight from review: publishing is approving.
    let queued = id_of(&app.draft(&author, json!({"title": "Storm warning for the coast"})).await);
    step(&app, &author, &queued, "submit", None).await.expect(200);
    let out = step(&app, &editor, &queued, "publish", None).await.expect(200);
    assert_eq!(out.body["status"], "published");
}

async fn review_steps_refuse_the_wrong_state_bad_notes_and_stale_versions(app: TestApp) {
    let admin = app.admin.clone();
    let id = id_of(&app.draft(&admin, json!({"title": "Lighthouse keepers remember"})).await);

    // Wrong state: 409, and nothing moves.
    refused(&app, step(&app, &admin, &id, "approve", None).await, 409, "draft", &id).await;
    refused(&app, send_back(&app, &admin, &id, NOTE).await, 409, "draft", &id).await;
    step(&app, &admin, &id, "submit", None).await.expect(200);
    refused(&app, step(&app, &admin, &id, "submit", None).await, 409, "in_review", &id).await;
    refused(&app, step(&app, &admin, &id, "unpublish", None).await, 409, "in_review", &id).await;
    refused(&app, step(&app, &admin, &id, "unschedule", None).await, 409, "in_review", &id).await;

    // A return needs a note: 422 naming `note`.
    let long = "x".repeat(2001);
    for body in [
        json!({}),
        json!({"note": ""}),
        json!({"note": " \n\t "}),
        json!({"note": long}),
        json!({"note": 7}),
        json!({"note": null}),
        json!({"note": "fine", "reason": "unknown"}),
    ] {
        let reply = step(&app, &admin, &id, "return", Some(body.clone())).await;
        let problem = reply.expect_problem(422);
        let fields = Reply::fields(&problem);
        let expected = if body.get("reason").is_some() { "reason" } else { "note" };
        assert_eq!(fields, [expected], "{body}: {problem}");
    }
    let no_body = app.send(Method::POST, &format!("{}/return", item(&id)), Some(&admin), None, &[]).await;
    assert!(matches!(no_body.status.as_u16(), 400 | 415), "a return without a body: {}", no_body.text);
    assert_eq!(admin_view(&app, &id).await["status"], "in_review");
    send_back(&app, &admin, &id, &"x".repeat(2000)).await.expect(200);

    // A stale If-Match: 412 with the current version; the current one goes through.
    let path = format!("{}/submit", item(&id));
    let current = admin_view(&app, &id).await["version"].as_i64().expect("a version");
    let stale = format!("\"{}\"", current - 1);
    let reply = app.send(Method::POST, &path, Some(&admin), None, &[("if-match", &stale)]).await;
    assert_eq!(reply.expect_problem(412)["current_version"], current);
    let fresh = format!("\"{current}\"");
    app.send(Method::POST, &path, Some(&admin), None, &[("if-match", &fresh)]).await.expect(200);
    let approve = format!("{}/approve", item(&id));
    app.send(Method::POST, &approve, Some(&admin), None, &[("if-match", &fresh)]).await.expect_problem(412);
    let ret = format!("{}/return", item(&id));
    let note = Some(json!({"note": NOTE}));
    app.send(Method::POST, &ret, Some(&admin), note, &[("if-match", &fresh)]).await.expect_problem(412);
    assert_eq!(admin_view(&app, &id).await["status"], "in_review");

    // The trash holds drafts: a trashed article must be restored before it is submitted.
    app.delete(&item(&id), &admin).await.expect(204);
    refused(&app, step(&app, &admin, &id, "submit", None).await, 409, "draft", &id).await;
    // An unknown article is a 404, whatever the step.
    for verb in ["submit", "approve"] {
        step(&app, &admin, "no-such-article", verb, None).await.expect_problem(404);
    }
    send_back(&app, &admin, "no-such-article", NOTE).await.expect_problem(404);
}

/// Drafts (the first two), articles in review (the next two) and an approved one, with terms.
async fn a_review_queue(app: &TestApp, token: &str) -> Vec<String> {
    app.seed_taxonomy().await;
    let full = |title: &str| json!({"title": title, "section": "news", "tags": ["water"], "authors": ["ada-byline"], "source": "wire"});
    let mut ids = Vec::new();
    for (body, steps) in [
        (full("Harbour draft"), &[][..]),
        (json!({"title": "Bare draft"}), &[][..]),
        (full("Harbour pilots in review"), &["submit"][..]),
        (json!({"title": "Ferry fares in review"}), &["submit"][..]),
        (full("Harbour dredging approved"), &["submit", "approve"][..]),
    ] {
        let id = id_of(&app.draft(token, body).await);
        for verb in steps {
            step(app, &app.admin, &id, verb, None).await.expect(200);
        }
        ids.push(id);
    }
    ids
}

fn ids_of(list: &Reply) -> Vec<String> {
    list.body["data"].as_array().unwrap_or_else(|| panic!("a list: {}", list.text)).iter().map(id_of).collect()
}

async fn the_review_queue_lists_by_status_with_every_filter(app: TestApp) {
    let ids = a_review_queue(&app, &app.admin.clone()).await;
    let list = |query: String| {
        let app = &app;
        async move { app.admin_get(&format!("/v1/admin/articles?{query}"), &app.admin).await.expect(200) }
    };
    let (in_review, pilots, approved) = ([ids[3].clone(), ids[2].clone()], ids[2].clone(), ids[4].clone());
    assert_eq!(ids_of(&list("status=in_review".into()).await), in_review, "newest first");
    assert_eq!(list("status=in_review".into()).await.body["meta"]["pagination"]["total"], 2);
    assert_eq!(ids_of(&list("status=approved".into()).await), [approved.as_str()]);
    for filter in ["section=news", "tag=water", "author=ada-byline", "source=wire", "q=harbour"] {
        assert_eq!(ids_of(&list(format!("status=in_review&{filter}")).await), [pilots.as_str()], "{filter}");
        assert_eq!(ids_of(&list(format!("status=approved&{filter}")).await), [approved.as_str()], "{filter}");
    }
    let by_title = list("status=in_review&sort=title".into()).await;
    assert_eq!(ids_of(&by_title), [ids[3].clone(), ids[2].clone()], "Ferry before Harbour");
    let shaped = list("status=in_review&fields=id,status".into()).await;
    assert!(
        shaped.body["data"].as_array().into_iter().flatten().all(|a| a["status"] == "in_review"),
        "{}",
        shaped.text
    );
    // Paging through the queue, one at a time, by cursor.
    let first = list("status=in_review&limit=1".into()).await;
    let cursor = first.body["meta"]["pagination"]["next_cursor"].as_str().expect("a next cursor").to_owned();
    let second = list(format!("status=in_review&limit=1&cursor={cursor}")).await;
    assert_eq!([ids_of(&first), ids_of(&second)].concat(), in_review);
    let bad = app.admin_get("/v1/admin/articles?status=reviewing", &app.admin).await.expect_problem(422);
    assert_eq!(Reply::fields(&bad), ["status"]);
    assert!(bad["errors"][0]["message"].as_str().is_some_and(|m| m.contains("in_review")), "{bad}");
}

async fn writers_see_only_their_own_queue(app: TestApp) {
    let (_, contributor) = app.user_with_role("contributor").await;
    let theirs = a_review_queue(&app, &contributor).await;
    let (_, other) = app.user_with_role("contributor").await;
    let mine = id_of(&app.draft(&other, json!({"title": "My own pitch"})).await);
    step(&app, &other, &mine, "submit", None).await.expect(200);
    let queue = app.admin_get("/v1/admin/articles?status=in_review", &other).await.expect(200);
    assert_eq!(ids_of(&queue), [mine.as_str()]);
    let queue = app.admin_get("/v1/admin/articles?status=in_review", &contributor).await.expect(200);
    assert_eq!(ids_of(&queue), [theirs[3].clone(), theirs[2].clone()]);
    let everyone = app.admin_get("/v1/admin/articles?status=in_review", &app.admin).await.expect(200);
    assert_eq!(everyone.body["meta"]["pagination"]["total"], 3);
}

on_both_backends!(
    a_contributors_story_goes_through_review_to_publication,
    authors_publish_their_own_drafts_and_approved_pieces_but_not_while_in_review,
    review_steps_refuse_the_wrong_state_bad_notes_and_stale_versions,
    the_review_queue_lists_by_status_with_every_filter,
    writers_see_only_their_own_queue,
);

//! Edit locks as a desk meets them: an editor who opens a story takes a lease on it, renews it
//! with a heartbeat and releases it when done; meanwhile anyone else's edit answers `423 Locked`
//! naming the holder and the lease's end. An editor can take the lock over, which is audited and
//! sent to webhooks. Leases live in the database, so they hold across server processes, and
//! expire by themselves. If-Match still guards every write.

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde_json::{json, Value};

use super::{admin_view, item};
use crate::common::values::id_of;
use crate::common::wait::wait_until_within;
use crate::common::{on_both_backends, wait_until, Reply, TestApp, USER_PASSWORD};
use crate::webhooks::Receiver;

async fn lock(app: &TestApp, token: &str, id: &str) -> Reply {
    app.send(Method::POST, &format!("{}/lock", item(id)), Some(token), None, &[]).await
}

async fn release(app: &TestApp, token: &str, id: &str) -> Reply {
    app.send(Method::DELETE, &format!("{}/lock", item(id)), Some(token), None, &[]).await
}

async fn take_over(app: &TestApp, token: &str, id: &str) -> Reply {
    app.send(Method::POST, &format!("{}/lock/takeover", item(id)), Some(token), None, &[]).await
}

/// A user with a name and a role; returns `(id, token)`.
async fn named(app: &TestApp, name: &str, role: &str) -> (String, String) {
    let email = format!("{}-{}@example.org", role, uuid::Uuid::new_v4().simple());
    let body = json!({"email": email, "name": name, "role": role, "password": USER_PASSWORD});
    let created = app.post("/v1/admin/users", &app.admin, body).await.expect(201);
    (id_of(&created.body), app.login(&email, USER_PASSWORD).await)
}

fn time(value: &Value) -> DateTime<Utc> {
    value
        .as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| panic!("an RFC 3339 time: {value}"))
}

/// Asserts `reply` is the 423 that names `holder_id` as the holder, and returns the problem.
fn locked_by(reply: Reply, holder_id: &str) -> Value {
    let retry_after = reply.header("retry-after").map(str::to_owned);
    let problem = reply.expect_problem(423);
    assert_eq!(problem["type"], "urn:newsdesk:problem:locked", "{problem}");
    assert_eq!(problem["lock"]["holder"]["id"], holder_id, "{problem}");
    assert!(time(&problem["lock"]["expires_at"]) > Utc::now(), "a live lease: {problem}");
    assert!(retry_after.is_some_and(|s| s.parse::<u64>().is_ok_and(|s| s >= 1)), "Retry-After: {problem}");
    problem
}

/// PATCHes a new title with `If-Match` set to the version the caller reads now.
async fn retitle(app: &TestApp, token: &str, id: &str, title: &str) -> Reply {
    app.patch(&item(id), token, json!({"title": title})).await
}

async fn a_lock_keeps_others_out_until_its_holder_releases_it(app: TestApp) {
    let (alice_id, alice) = named(&app, "Alice Desk", "editor").await;
    let (_, bob) = named(&app, "Bob Night", "editor").await;
    let id = id_of(&app.draft(&app.admin, json!({"title": "Council budget", "body": "First draft."})).await);
    let before = app.admin_get(&item(&id), &bob).await.expect(200);
    assert_eq!(before.body["lock"], Value::Null, "nobody holds it: {}", before.text);

    // Alice opens it: a lease of five minutes (the default), in her name.
    let taken = lock(&app, &alice, &id).await.expect(200).body;
    assert_eq!(
        (taken["holder"]["id"].as_str(), taken["holder"]["name"].as_str()),
        (Some(&*alice_id), Some("Alice Desk"))
    );
    let (taken_at, expires_at) = (time(&taken["taken_at"]), time(&taken["expires_at"]));
    assert_eq!((expires_at - taken_at).num_seconds(), 300, "{taken}");

    // Bob sees who holds it; the lock is not content: same version, ETag and updated_at.
    let seen = app.admin_get(&item(&id), &bob).await.expect(200);
    assert_eq!(seen.body["lock"], taken, "{}", seen.text);
    assert_eq!(seen.header("etag"), before.header("etag"));
    assert_eq!(seen.body["updated_at"], before.body["updated_at"]);
    let listed = app.admin_get("/v1/admin/articles", &bob).await.expect(200);
    let row = listed.body["data"].as_array().and_then(|all| all.iter().find(|a| a["id"] == id.as_str()).cloned());
    assert_eq!(row.map(|r| r["lock"]["holder"]["id"].clone()), Some(json!(alice_id)), "{}", listed.text);

    // Bob's edit, trash and lock answer 423 with the holder and the lease's end; he holds none
    // to release. Nothing changed.
    let problem = locked_by(retitle(&app, &bob, &id, "Bob's title").await, &alice_id);
    assert_eq!(problem["lock"], taken);
    assert!(problem["detail"].as_str().is_some_and(|d| d.contains("Alice Desk")), "{problem}");
    locked_by(app.delete(&item(&id), &bob).await, &alice_id);
    locked_by(lock(&app, &bob, &id).await, &alice_id);
    release(&app, &bob, &id).await.expect_problem(409);
    assert_eq!(admin_view(&app, &id).await["title"], "Council budget");

    // Alice writes, If-Match still guarding: a stale version is 412, none is 428.
    retitle(&app, &alice, &id, "Council budget passes").await.expect(200);
    let stale = app.patch_if_match(&item(&id), &alice, json!({"title": "Stale"}), "\"1\"").await;
    assert_eq!(stale.expect_problem(412)["current_version"], 2);
    app.send(Method::PATCH, &item(&id), Some(&alice), Some(json!({"title": "No guard"})), &[])
        .await
        .expect_problem(428);

    // Her heartbeat moves the lease's end, not its start.
    let renewed = lock(&app, &alice, &id).await.expect(200).body;
    assert!(time(&renewed["expires_at"]) > expires_at, "{renewed}");
    assert_eq!(time(&renewed["taken_at"]), taken_at);

    // Review and publication steps are not held up by a lock (they do not change the text).
    app.act(&bob, &id, "publish").await.expect(200);
    let public = app.get("/v1/articles/council-budget").await.expect(200);
    assert!(public.body.get("lock").is_none(), "the public never sees a lock: {}", public.text);

    // Released: nobody holds it, and Bob's edit goes through.
    release(&app, &alice, &id).await.expect(204);
    release(&app, &alice, &id).await.expect_problem(409);
    assert_eq!(admin_view(&app, &id).await["lock"], Value::Null);
    retitle(&app, &bob, &id, "Council budget passes, 7-2").await.expect(200);
}

/// The done-when story: two editors on two server processes. One holds the lock; the other's
/// PATCH answers 423 until they take it over, then succeeds; the previous holder hears of it by
/// webhook, and the audit log keeps it.
async fn an_editor_on_another_process_takes_the_lock_over(first: TestApp) {
    let receiver = Receiver::start(0).await;
    let hook = json!({"url": receiver.url, "events": ["article.lock_taken_over"]});
    first.post("/v1/admin/webhooks", &first.admin, hook).await.expect(201);
    let second = first.spawn_sibling().await;
    let (alice_id, alice) = named(&first, "Alice Desk", "editor").await;
    let (bob_id, bob) = named(&first, "Bob Night", "editor").await;
    let id = id_of(&first.draft(&first.admin, json!({"title": "Port strike ends"})).await);

    lock(&first, &alice, &id).await.expect(200);
    locked_by(retitle(&second, &bob, &id, "Port strike over").await, &alice_id);
    assert_eq!(admin_view(&second, &id).await["lock"]["holder"]["id"], alice_id.as_str());

    let taken = take_over(&second, &bob, &id).await.expect(200).body;
    assert_eq!(taken["holder"]["id"], bob_id.as_str());
    retitle(&second, &bob, &id, "Port strike over").await.expect(200);
    // Alice, on the first process, is now the one kept out; her heartbeat tells her so.
    locked_by(retitle(&first, &alice, &id, "Alice again").await, &bob_id);
    locked_by(lock(&first, &alice, &id).await, &bob_id);
    assert_eq!(admin_view(&first, &id).await["title"], "Port strike over");

    let hit = wait_until("the article.lock_taken_over event", || async {
        receiver.acked().into_iter().find(|h| h.event == "article.lock_taken_over")
    })
    .await;
    let data = &hit.body["data"];
    assert_eq!(data["id"], id.as_str(), "{data}");
    assert_eq!(data["previous_holder"], json!({"id": alice_id, "name": "Alice Desk"}), "{data}");
    assert_eq!(data["holder"], json!({"id": bob_id, "name": "Bob Night"}), "{data}");
    assert_eq!(data["expires_at"], taken["expires_at"]);
    assert_eq!(data["title"], "Port strike ends", "the snapshot as the takeover found it");

    let audit = first.audit_log(&format!("action=article.lock_takeover&target={id}")).await;
    assert_eq!(audit.len(), 1, "{audit:#?}");
    assert_eq!(audit[0]["actor_id"], bob_id.as_str());
    assert_eq!(audit[0]["detail"]["previous_holder"]["id"], alice_id.as_str());
    assert_eq!(audit[0]["detail"]["holder"]["id"], bob_id.as_str());
    // Taking a lock nobody holds is no takeover: no event, no audit entry.
    let quiet = id_of(&first.draft(&first.admin, json!({"title": "Quiet story"})).await);
    take_over(&second, &bob, &quiet).await.expect(200);
    assert!(first.audit_log(&format!("action=article.lock_takeover&target={quiet}")).await.is_empty());
}

/// Two server processes race for one lock, many times, on fresh articles: exactly one wins each
/// time, and the other hears who did.
async fn two_processes_racing_for_a_lock_never_both_win(first: TestApp) {
    let second = first.spawn_sibling().await;
    let (alice_id, alice) = named(&first, "Alice Desk", "editor").await;
    let (bob_id, bob) = named(&first, "Bob Night", "editor").await;
    for round in 0..12 {
        let id = id_of(&first.draft(&first.admin, json!({"title": format!("Race {round}")})).await);
        let (a, b) = tokio::join!(lock(&first, &alice, &id), lock(&second, &bob, &id));
        let (winner, loser) = match (a.status.as_u16(), b.status.as_u16()) {
            (200, 423) => (alice_id.as_str(), b),
            (423, 200) => (bob_id.as_str(), a),
            other => panic!("round {round}: exactly one may win, got {other:?}: {} / {}", a.text, b.text),
        };
        locked_by(loser, winner);
        assert_eq!(admin_view(&first, &id).await["lock"]["holder"]["id"], winner, "round {round}");
    }
}

fn short_leases(config: &mut newsdesk_api::Config) {
    config.edit_lock_ttl = 10;
}

/// The holder's process goes away without releasing the lock; the lease ends by itself, and
/// the other editor's PATCH then goes through, with no sweeper and no restart.
async fn a_lease_expires_on_its_own_after_the_holder_disappears(first: TestApp) {
    let (alice_id, alice) = named(&first, "Alice Desk", "editor").await;
    let (_, bob) = named(&first, "Bob Night", "editor").await;
    let id = id_of(&first.draft(&first.admin, json!({"title": "Ferry timetable"})).await);
    let holder = first.spawn_sibling_with(short_leases).await;
    let taken = lock(&holder, &alice, &id).await.expect(200).body;
    let expires_at = time(&taken["expires_at"]);
    assert_eq!((expires_at - time(&taken["taken_at"])).num_seconds(), 10);
    drop(holder.stop());
    locked_by(retitle(&first, &bob, &id, "Ferry timetable changes").await, &alice_id);

    let (first, bob, id) = (&first, bob.as_str(), id.as_str());
    wait_until_within(std::time::Duration::from_secs(20), "the lease to expire", || async move {
        let reply = retitle(first, bob, id, "Ferry timetable changes").await;
        match reply.status.as_u16() {
            423 => None,
            _ => Some(reply.expect(200)),
        }
    })
    .await;
    assert!(Utc::now() >= expires_at, "not before the lease's end");
    assert_eq!(admin_view(first, id).await["lock"], Value::Null, "an expired lease shows as none");
}

async fn only_those_who_may_edit_lock_and_only_the_desk_takes_over(app: TestApp) {
    let (author_id, author) = named(&app, "Ann Author", "author").await;
    let (_, contributor) = named(&app, "Cy Contributor", "contributor").await;
    let (editor_id, editor) = named(&app, "Ed Itor", "editor").await;
    let own = id_of(&app.draft(&author, json!({"title": "Author's story"})).await);

    // An editor holds the author's story: the author is kept out and cannot take it over.
    lock(&app, &editor, &own).await.expect(200);
    locked_by(retitle(&app, &author, &own, "Mine").await, &editor_id);
    take_over(&app, &author, &own).await.expect_problem(403);
    release(&app, &author, &own).await.expect_problem(409);
    // A contributor cannot see it: 404 as on every article route.
    lock(&app, &contributor, &own).await.expect_problem(404);
    take_over(&app, &contributor, &own).await.expect_problem(404);
    release(&app, &contributor, &own).await.expect_problem(404);
    // An admin may take over too; the author may lock again once the desk lets go.
    take_over(&app, &app.admin, &own).await.expect(200);
    release(&app, &app.admin, &own).await.expect(204);
    let mine = lock(&app, &author, &own).await.expect(200).body;
    assert_eq!(mine["holder"]["id"], author_id.as_str());

    // A contributor locks their own draft, not once it is in review (no longer theirs to edit).
    let draft = id_of(&app.draft(&contributor, json!({"title": "Contributor's draft"})).await);
    lock(&app, &contributor, &draft).await.expect(200);
    release(&app, &contributor, &draft).await.expect(204);
    app.act(&contributor, &draft, "submit").await.expect(200);
    lock(&app, &contributor, &draft).await.expect_problem(403);

    // Not logged in, or no such article.
    let anonymous = app.send(Method::POST, &format!("{}/lock", item(&own)), None, None, &[]).await;
    anonymous.expect_problem(401);
    lock(&app, &editor, "no-such-article").await.expect_problem(404);
    release(&app, &editor, "no-such-article").await.expect_problem(404);
    take_over(&app, &editor, "no-such-article").await.expect_problem(404);
    // A trashed article has nothing to edit.
    let trashed = id_of(&app.draft(&app.admin, json!({"title": "Binned"})).await);
    app.delete(&item(&trashed), &app.admin).await.expect(204);
    lock(&app, &editor, &trashed).await.expect_problem(409);
}

/// The other writes that change the text wait for the lock too; corrections and review steps do
/// not.
async fn bulk_edits_and_revision_restores_wait_for_the_lock(app: TestApp) {
    let (alice_id, alice) = named(&app, "Alice Desk", "editor").await;
    let (_, bob) = named(&app, "Bob Night", "editor").await;
    app.post("/v1/admin/tags", &app.admin, json!({"slug": "port", "name": "Port"})).await.expect(201);
    let id = id_of(&app.published(json!({"title": "Harbour dredging"})).await);
    retitle(&app, &app.admin, &id, "Harbour dredging starts").await.expect(200);
    lock(&app, &alice, &id).await.expect(200);

    for body in [json!({"action": "tag", "ids": [id], "tag": "port"}), json!({"action": "trash", "ids": [id]})] {
        let problem = app.post("/v1/admin/articles/bulk", &bob, body.clone()).await.expect_problem(422);
        assert_eq!(Reply::fields(&problem), ["ids[0]"], "{body}: {problem}");
        assert!(problem["errors"][0]["message"].as_str().is_some_and(|m| m.contains("Alice Desk")), "{problem}");
    }
    let revisions = app.admin_get(&format!("{}/revisions", item(&id)), &bob).await.expect(200);
    let first = revisions.body["data"].as_array().and_then(|all| all.last()).map(id_of).expect("a revision");
    let restore = format!("{}/revisions/{first}/restore", item(&id));
    locked_by(app.send(Method::POST, &restore, Some(&bob), None, &[("if-match", "*")]).await, &alice_id);

    let note = json!({"kind": "correction", "text": "The dredger is Dutch, not Belgian."});
    app.post(&format!("{}/corrections", item(&id)), &bob, note).await.expect(201);
    app.act(&bob, &id, "unpublish").await.expect(200);
    let now = admin_view(&app, &id).await;
    assert_eq!(
        (now["title"].as_str(), now["tags"].as_array().map(Vec::len)),
        (Some("Harbour dredging starts"), Some(0))
    );
    // The holder's own bulk edit goes through.
    app.post("/v1/admin/articles/bulk", &alice, json!({"action": "tag", "ids": [id], "tag": "port"})).await.expect(200);
}

on_both_backends!(
    a_lock_keeps_others_out_until_its_holder_releases_it,
    an_editor_on_another_process_takes_the_lock_over,
    two_processes_racing_for_a_lock_never_both_win,
    a_lease_expires_on_its_own_after_the_holder_disappears,
    only_those_who_may_edit_lock_and_only_the_desk_takes_over,
    bulk_edits_and_revision_restores_wait_for_the_lock,
);

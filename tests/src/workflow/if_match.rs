//! Saves guarded by `If-Match`: two editors on one version cannot overwrite each other, and a
//! write without the header is told what to send.

use futures::future::join_all;
use reqwest::Method;
use serde_json::json;

use super::{actions, admin_view, item, revisions};
use crate::common::values::id_of;
use crate::common::{on_both_backends, Reply, TestApp};

/// Asserts a 428 whose detail tells the client to send `If-Match`.
#[track_caller]
fn precondition_required(reply: Reply, context: &str) {
    let problem = reply.expect_problem(428);
    assert_eq!(problem["type"], "urn:newsdesk:problem:precondition-required", "{context}: {problem}");
    let detail = problem["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("If-Match"), "{context}: the detail says what to send: {detail}");
}

async fn two_editors_saving_the_same_version_cannot_overwrite_each_other(app: TestApp) {
    let (_, editor) = app.user_with_role("editor").await;
    let draft = app.draft(&app.admin, json!({"title": "Harbour bridge reopens"})).await;
    let id = id_of(&draft);
    let path = item(&id);
    let read = app.admin_get(&path, &editor).await.expect(200);
    assert_eq!(read.header("etag"), Some("\"1\""));

    // Both read version 1; the first to save wins, the second is told what changed.
    let first = app
        .patch_if_match(&path, &app.admin, json!({"title": "Harbour bridge reopens at dawn"}), "\"1\"")
        .await
        .expect(200);
    assert_eq!(first.body["version"], 2);
    assert_eq!(first.header("etag"), Some("\"2\""));
    let second = app.patch_if_match(&path, &editor, json!({"title": "Harbour bridge stays shut"}), "\"1\"").await;
    let problem = second.expect_problem(412);
    assert_eq!(problem["current_version"], 2, "{problem}");
    assert_eq!(admin_view(&app, &id).await["title"], "Harbour bridge reopens at dawn", "the first save stands");

    // A stale `version` in the body is refused even when the header is current.
    let mixed = app.patch_if_match(&path, &editor, json!({"title": "Mixed signals", "version": 1}), "\"2\"").await;
    assert_eq!(mixed.expect_problem(412)["current_version"], 2);
    // The body `version` alone is enough, and so is the ETag the editor reads again.
    app.send(Method::PATCH, &path, Some(&editor), Some(json!({"summary": "Open again.", "version": 2})), &[])
        .await
        .expect(200);
    app.patch(&path, &editor, json!({"title": "Harbour bridge reopens after repairs"})).await.expect(200);
    // Deleting with a stale ETag is refused too, and leaves the article where it was.
    let stale = app.send(Method::DELETE, &path, Some(&editor), None, &[("if-match", "\"2\"")]).await;
    assert_eq!(stale.expect_problem(412)["current_version"], 4);
    let after = admin_view(&app, &id).await;
    assert!(after["trashed_at"].is_null(), "a refused delete trashes nothing: {after}");
    assert_eq!(after["version"], 4);
}

async fn eight_simultaneous_saves_of_one_version_make_exactly_one_change(app: TestApp) {
    let draft = app.draft(&app.admin, json!({"title": "Flood warning for the valley"})).await;
    let id = id_of(&draft);
    let path = item(&id);
    let shared = &app;
    let saves = (0..8).map(|i| {
        let path = path.clone();
        async move {
            let title = format!("Flood warning, take {i}");
            let reply = shared.patch_if_match(&path, &shared.admin, json!({"title": title}), "\"1\"").await;
            (title, reply)
        }
    });
    let replies = join_all(saves).await;
    let statuses: Vec<u16> = replies.iter().map(|(_, r)| r.status.as_u16()).collect();
    let winners: Vec<&(String, Reply)> = replies.iter().filter(|(_, r)| r.status.as_u16() == 200).collect();
    assert_eq!(winners.len(), 1, "exactly one save wins: {statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 412).count(), 7, "the others are told they are stale: {statuses:?}");
    for (_, reply) in replies.iter().filter(|(_, r)| r.status.as_u16() == 412) {
        assert_eq!(reply.body["current_version"], 2, "{}", reply.text);
    }
    let after = admin_view(&app, &id).await;
    assert_eq!(after["version"], 2, "the version went up by exactly one");
    assert_eq!(after["title"], winners[0].0.as_str(), "the article holds the winner's title");
    assert_eq!(actions(&revisions(&app, &id).await), ["update", "create"], "the losers left no revision");
}

async fn a_write_without_if_match_is_refused_and_says_what_to_send(app: TestApp) {
    app.seed_taxonomy().await;
    let (_, author) = app.user_with_role("author").await;
    let (_, contributor) = app.user_with_role("contributor").await;
    let article = id_of(&app.draft(&app.admin, json!({"title": "Council budget passes"})).await);
    let path = item(&article);

    let patch = app.send(Method::PATCH, &path, Some(&app.admin), Some(json!({"title": "Unguarded"})), &[]).await;
    precondition_required(patch, "PATCH of an article");
    let delete = app.send(Method::DELETE, &path, Some(&app.admin), None, &[]).await;
    precondition_required(delete, "DELETE of an article");
    let after = admin_view(&app, &article).await;
    assert_eq!((after["title"].clone(), after["version"].clone()), (json!("Council budget passes"), json!(1)));
    assert!(after["trashed_at"].is_null(), "{after}");

    let tags = app.admin_get("/v1/admin/tags", &app.admin).await.expect(200);
    let water = tags.body["data"].as_array().unwrap().iter().find(|t| t["slug"] == "water").map(id_of).unwrap();
    let tag = format!("/v1/admin/tags/{water}");
    precondition_required(app.send(Method::DELETE, &tag, Some(&app.admin), None, &[]).await, "DELETE of a tag");
    precondition_required(
        app.send(Method::PATCH, &tag, Some(&app.admin), Some(json!({"name": "Rivers"})), &[]).await,
        "PATCH of a tag",
    );
    let still = app.admin_get(&tag, &app.admin).await.expect(200);
    assert_eq!((still.body["name"].clone(), still.body["version"].clone()), (json!("Water"), json!(1)));

    let (user, _) = app.user_with_role("author").await;
    let user_path = format!("/v1/admin/users/{user}");
    let before = app.admin_get(&user_path, &app.admin).await.expect(200).body;
    precondition_required(
        app.send(Method::PATCH, &user_path, Some(&app.admin), Some(json!({"name": "Renamed"})), &[]).await,
        "PATCH of a user",
    );
    assert_eq!(app.admin_get(&user_path, &app.admin).await.expect(200).body, before, "the user is unchanged");
    // With the ETag each goes through.
    app.patch(&user_path, &app.admin, json!({"name": "Renamed"})).await.expect(200);
    // The precondition comes before the rules, so an admin demoting themselves without it hears
    // 428, as for any other write, and 409 only once they send it.
    let me = format!(
        "/v1/admin/users/{}",
        app.admin_get("/v1/me", &app.admin).await.expect(200).body["id"].as_str().unwrap()
    );
    let demote = json!({"role": "editor"});
    precondition_required(
        app.send(Method::PATCH, &me, Some(&app.admin), Some(demote.clone()), &[]).await,
        "self-demotion",
    );
    app.patch(&me, &app.admin, demote).await.expect_problem(409);

    // The precondition is asked for only once the resource is found and the caller's to change.
    let missing = item("no-such-id");
    app.send(Method::PATCH, &missing, Some(&app.admin), Some(json!({"title": "x"})), &[]).await.expect_problem(404);
    app.send(Method::DELETE, &missing, Some(&app.admin), None, &[]).await.expect_problem(404);
    app.send(Method::DELETE, "/v1/admin/tags/no-such-id", Some(&app.admin), None, &[]).await.expect_problem(404);
    app.send(Method::PATCH, &path, Some(&author), Some(json!({"title": "Not mine"})), &[]).await.expect_problem(404);
    let own_published = id_of(&app.draft(&contributor, json!({"title": "Contributor's published piece"})).await);
    app.act(&app.admin, &own_published, "publish").await.expect(200);
    let refused =
        app.send(Method::PATCH, &item(&own_published), Some(&contributor), Some(json!({"title": "x"})), &[]).await;
    refused.expect_problem(403);
    app.send(Method::PATCH, &tag, Some(&author), Some(json!({"name": "x"})), &[]).await.expect_problem(403);
    app.delete(&tag, &app.admin).await.expect(204);
}

on_both_backends!(
    two_editors_saving_the_same_version_cannot_overwrite_each_other,
    eight_simultaneous_saves_of_one_version_make_exactly_one_change,
    a_write_without_if_match_is_refused_and_says_what_to_send
);

/// `If-Match` is what RFC 9110 allows, `*` or a list of entity tags, compared strongly; any
/// other value is a 400 that names the header, and nothing is written.
async fn if_match_takes_a_list_of_strong_tags_and_nothing_else(app: TestApp) {
    let id = id_of(&app.draft(&app.admin, json!({"title": "Tide tables"})).await);
    let path = item(&id);
    let title = |title: &str| json!({ "title": title });
    let publish = format!("{path}/publish");
    for malformed in ["1", "0", "null", "W/1", "\"1", "\"1\" \"2\"", "*, \"1\"", "w/\"1\""] {
        let reply = app.patch_if_match(&path, &app.admin, title("Malformed"), malformed).await;
        let problem = reply.expect_problem(400);
        let detail = problem["detail"].as_str().unwrap_or_default();
        assert!(detail.contains("If-Match"), "{malformed:?}: the problem names the header: {problem}");
        app.send(Method::POST, &publish, Some(&app.admin), None, &[("if-match", malformed)]).await.expect_problem(400);
    }
    // The weak form of the current ETag does not match: If-Match compares strongly.
    let weak = app.patch_if_match(&path, &app.admin, title("Weak"), "W/\"1\"").await;
    assert_eq!(weak.expect_problem(412)["current_version"], 1);
    let weak = app.send(Method::POST, &publish, Some(&app.admin), None, &[("if-match", "W/\"1\"")]).await;
    assert_eq!(weak.expect_problem(412)["current_version"], 1);
    assert_eq!(admin_view(&app, &id).await["version"], 1, "nothing was written");

    // A list matches when any strong tag in it is current, in one header line or several.
    let listed = app.patch_if_match(&path, &app.admin, title("Listed"), "W/\"1\", \"9\" ,\"1\"").await.expect(200);
    assert_eq!(listed.header("etag"), Some("\"2\""));
    let lines = [("if-match", "\"7\""), ("if-match", "\"2\"")];
    let split = app.send(Method::PATCH, &path, Some(&app.admin), Some(title("Split")), &lines).await.expect(200);
    assert_eq!(split.body["version"], 3);
    let stale = app.patch_if_match(&path, &app.admin, title("Stale"), "\"1\", \"2\"").await;
    assert_eq!(stale.expect_problem(412)["current_version"], 3);
    let tag = app.post("/v1/admin/tags", &app.admin, json!({"slug": "tides", "name": "Tides"})).await.expect(201);
    let tag_path = format!("/v1/admin/tags/{}", id_of(&tag.body));
    let weak_delete = app.send(Method::DELETE, &tag_path, Some(&app.admin), None, &[("if-match", "W/\"1\"")]).await;
    assert_eq!(weak_delete.expect_problem(412)["current_version"], 1);
    app.send(Method::DELETE, &tag_path, Some(&app.admin), None, &[("if-match", "\"5\", \"1\"")]).await.expect(204);
    assert_eq!(admin_view(&app, &id).await["title"], "Split");
}

on_both_backends!(if_match_takes_a_list_of_strong_tags_and_nothing_else);

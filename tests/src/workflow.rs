//! The editorial workflow: writes guarded by `If-Match`, the trash, revisions, slug history
//! and bulk actions, as a newsroom meets them.

use futures::future::join_all;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::values::id_of;
use crate::common::{on_both_backends, Reply, TestApp};

fn item(id: &str) -> String {
    format!("/v1/admin/articles/{id}")
}

/// The article as the admin sees it now.
async fn admin_view(app: &TestApp, id: &str) -> Value {
    app.admin_get(&item(id), &app.admin).await.expect(200).body
}

fn total(list: &Reply) -> &Value {
    &list.body["meta"]["pagination"]["total"]
}

/// The ids in a list, in order.
fn ids_in(list: &Reply) -> Vec<String> {
    list.body["data"].as_array().unwrap_or_else(|| panic!("a list: {}", list.text)).iter().map(id_of).collect()
}

/// Asserts a 428 whose detail tells the client to send `If-Match`.
#[track_caller]
fn precondition_required(reply: Reply, context: &str) {
    let problem = reply.expect_problem(428);
    assert_eq!(problem["type"], "urn:newsdesk:problem:precondition-required", "{context}: {problem}");
    let detail = problem["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("If-Match"), "{context}: the detail says what to send: {detail}");
}

/// The revisions of an article, newest first, as the admin sees them.
async fn revisions(app: &TestApp, id: &str) -> Vec<Value> {
    let list = app.admin_get(&format!("{}/revisions", item(id)), &app.admin).await.expect(200);
    let data = list.body["data"].as_array().unwrap_or_else(|| panic!("a list: {}", list.text)).clone();
    assert_eq!(total(&list), data.len(), "one page holds every revision: {}", list.text);
    data
}

fn actions(revisions: &[Value]) -> Vec<String> {
    revisions.iter().map(|r| r["action"].as_str().expect("an action").to_owned()).collect()
}

fn changed_fields(revision: &Value) -> Vec<String> {
    revision["changed_fields"]
        .as_array()
        .unwrap_or_else(|| panic!("changed_fields in {revision}"))
        .iter()
        .map(|f| f.as_str().expect("a field name").to_owned())
        .collect()
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
        .send(
            Method::PATCH,
            &path,
            Some(&app.admin),
            Some(json!({"title": "Harbour bridge reopens at dawn"})),
            &[("if-match", "\"1\"")],
        )
        .await
        .expect(200);
    assert_eq!(first.body["version"], 2);
    assert_eq!(first.header("etag"), Some("\"2\""));
    let second = app
        .send(
            Method::PATCH,
            &path,
            Some(&editor),
            Some(json!({"title": "Harbour bridge stays shut"})),
            &[("if-match", "\"1\"")],
        )
        .await;
    let problem = second.expect_problem(412);
    assert_eq!(problem["current_version"], 2, "{problem}");
    assert_eq!(admin_view(&app, &id).await["title"], "Harbour bridge reopens at dawn", "the first save stands");

    // A stale `version` in the body is refused even when the header is current.
    let mixed = app
        .send(
            Method::PATCH,
            &path,
            Some(&editor),
            Some(json!({"title": "Mixed signals", "version": 1})),
            &[("if-match", "\"2\"")],
        )
        .await;
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
            let reply = shared
                .send(
                    Method::PATCH,
                    &path,
                    Some(&shared.admin),
                    Some(json!({"title": title})),
                    &[("if-match", "\"1\"")],
                )
                .await;
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

async fn a_deleted_story_waits_in_the_trash_until_an_admin_purges_it(app: TestApp) {
    app.seed_taxonomy().await;
    let (_, editor) = app.user_with_role("editor").await;
    let (_, author) = app.user_with_role("author").await;
    let story = app
        .published(json!({
            "title": "Ferry timetable changes",
            "tags": ["water"],
            "section": "news",
            "authors": ["ada-byline"],
        }))
        .await;
    let id = id_of(&story);
    let slug = "/v1/articles/ferry-timetable-changes";
    app.get(slug).await.expect(200);
    assert_eq!(app.get("/v1/tags/water").await.expect(200).body["article_count"], 1);

    app.delete(&item(&id), &editor).await.expect(204);
    // Gone from every public endpoint at once.
    app.get(slug).await.expect_problem(404);
    for list in
        ["/v1/articles", "/v1/articles?tag=water", "/v1/articles?section=news", "/v1/articles?author=ada-byline"]
    {
        let reply = app.get(list).await.expect(200);
        assert_eq!(total(&reply), 0, "{list}: {}", reply.text);
    }
    for term in ["/v1/tags/water", "/v1/sections/news", "/v1/authors/ada-byline"] {
        assert_eq!(app.get(term).await.expect(200).body["article_count"], 0, "{term}");
    }
    // Out of the admin list, but still readable by id, marked as trashed.
    for list in ["/v1/admin/articles", "/v1/admin/articles?status=draft"] {
        let reply = app.admin_get(list, &editor).await.expect(200);
        assert_eq!(total(&reply), 0, "{list}: {}", reply.text);
    }
    let trashed = app.admin_get(&item(&id), &editor).await.expect(200).body;
    assert_eq!(trashed["status"], "draft");
    assert!(trashed["trashed_at"].is_string(), "{trashed}");

    // The trash lists it for editors; authors see only their own trash.
    let mine = id_of(&app.draft(&author, json!({"title": "Author's abandoned draft"})).await);
    app.delete(&item(&mine), &author).await.expect(204);
    let trash = app.admin_get("/v1/admin/trash", &editor).await.expect(200);
    let mut listed = ids_in(&trash);
    listed.sort();
    let mut both = vec![id.clone(), mine.clone()];
    both.sort();
    assert_eq!(listed, both, "{}", trash.text);
    assert_eq!(total(&trash), 2);
    assert_eq!(ids_in(&app.admin_get("/v1/admin/trash", &author).await.expect(200)), [mine.as_str()]);

    // A trashed article cannot be edited, published or trashed again.
    app.patch(&item(&id), &editor, json!({"title": "Edited in the trash"})).await.expect_problem(409);
    app.act(&editor, &id, "publish").await.expect_problem(409);
    app.delete(&item(&id), &editor).await.expect_problem(409);

    // Restored, it is a draft again: in the admin list, out of the trash, still not public.
    let restored = app.act(&editor, &id, "restore").await.expect(200).body;
    assert_eq!(restored["status"], "draft");
    assert!(restored["trashed_at"].is_null(), "{restored}");
    assert_eq!(ids_in(&app.admin_get("/v1/admin/trash", &editor).await.expect(200)), [mine.as_str()]);
    assert!(ids_in(&app.admin_get("/v1/admin/articles", &editor).await.expect(200)).contains(&id));
    app.get(slug).await.expect_problem(404);
    app.act(&editor, &id, "restore").await.expect_problem(409);
    assert_eq!(actions(&revisions(&app, &id).await), ["restore", "trash", "publish", "create"]);
    app.act(&editor, &id, "publish").await.expect(200);
    app.get(slug).await.expect(200);

    // Only trashed articles can be purged, and only by an admin.
    let purge = format!("/v1/admin/trash/{id}");
    app.send(Method::DELETE, &purge, Some(&app.admin), None, &[]).await.expect_problem(409);
    app.get(slug).await.expect(200);
    app.delete(&item(&id), &editor).await.expect(204);
    app.send(Method::DELETE, &purge, Some(&editor), None, &[]).await.expect_problem(403);
    assert!(admin_view(&app, &id).await["trashed_at"].is_string(), "a refused purge leaves it in the trash");
    app.send(Method::DELETE, &purge, Some(&app.admin), None, &[]).await.expect(204);
    app.admin_get(&item(&id), &app.admin).await.expect_problem(404);
    app.send(Method::DELETE, &purge, Some(&app.admin), None, &[]).await.expect_problem(404);
    assert_eq!(ids_in(&app.admin_get("/v1/admin/trash", &app.admin).await.expect(200)), [mine]);
    app.get(slug).await.expect_problem(404);
}

async fn every_change_is_a_revision_and_an_old_one_can_be_brought_back(app: TestApp) {
    let (editor_id, editor) = app.user_with_role("editor").await;
    let editor_email = app.admin_get("/v1/me", &editor).await.expect(200).body["email"].clone();
    let id = id_of(&app.draft(&editor, json!({"title": "Mayor resigns", "body": "First version."})).await);
    let path = item(&id);
    app.patch(&path, &editor, json!({"title": "Mayor resigns after audit"})).await.expect(200);
    app.patch(&path, &editor, json!({"title": "Mayor resigns after damning audit"})).await.expect(200);
    let published = app.act(&editor, &id, "publish").await.expect(200).body;

    let history = revisions(&app, &id).await;
    assert_eq!(actions(&history), ["publish", "update", "update", "create"], "newest first");
    let versions: Vec<&Value> = history.iter().map(|r| &r["version"]).collect();
    assert_eq!(versions, [4, 3, 2, 1]);
    for revision in &history {
        assert_eq!(revision["actor_id"], editor_id.as_str(), "{revision}");
        assert_eq!(revision["actor_name"], editor_email, "{revision}");
        assert!(revision["created_at"].is_string(), "{revision}");
        assert!(revision.get("snapshot").is_none(), "the list carries no snapshots: {revision}");
    }
    assert_eq!(changed_fields(&history[1]), ["title"]);
    assert_eq!(changed_fields(&history[2]), ["title"]);
    let publish_fields = changed_fields(&history[0]);
    assert!(publish_fields.contains(&"status".to_owned()), "{publish_fields:?}");
    assert!(!publish_fields.contains(&"title".to_owned()), "{publish_fields:?}");
    assert!(changed_fields(&history[3]).contains(&"title".to_owned()), "the first revision has every field");

    // One revision shows the article as it stood then.
    let first_edit = id_of(&history[2]);
    let one = app.admin_get(&format!("{path}/revisions/{first_edit}"), &app.admin).await.expect(200).body;
    assert_eq!(one["snapshot"]["title"], "Mayor resigns after audit");
    assert_eq!(one["snapshot"]["status"], "draft");
    assert_eq!(one["snapshot"]["body"], "First version.");
    assert_eq!(one["action"], "update");
    // Revisions belong to their article, and only those who may see it may read them.
    let other = id_of(&app.draft(&app.admin, json!({"title": "Another story"})).await);
    app.admin_get(&format!("{}/revisions/{first_edit}", item(&other)), &app.admin).await.expect_problem(404);
    app.admin_get(&format!("{path}/revisions/no-such-revision"), &app.admin).await.expect_problem(404);
    let (_, contributor) = app.user_with_role("contributor").await;
    app.admin_get(&format!("{path}/revisions"), &contributor).await.expect_problem(404);

    // Bring back the very first revision: the original title, still published.
    let created = id_of(&history[3]);
    let restore = format!("{path}/revisions/{created}/restore");
    let stale = app.send(Method::POST, &restore, Some(&editor), None, &[("if-match", "\"1\"")]).await;
    assert_eq!(stale.expect_problem(412)["current_version"], 4);
    let restored = app.send(Method::POST, &restore, Some(&editor), None, &[("if-match", "\"4\"")]).await.expect(200);
    assert_eq!(restored.body["title"], "Mayor resigns");
    assert_eq!(restored.body["status"], "published");
    assert_eq!(restored.body["published_at"], published["published_at"]);
    assert_eq!(restored.body["version"], 5);
    assert_eq!(app.get("/v1/articles/mayor-resigns").await.expect(200).body["title"], "Mayor resigns");

    let history = revisions(&app, &id).await;
    assert_eq!(history.len(), 5, "the restore is a revision of its own");
    assert_eq!(history[0]["action"], format!("restore_revision:{created}"));
    assert_eq!(history[0]["version"], 5);
    assert_eq!(changed_fields(&history[0]), ["title"], "only the title differed from the latest");
    assert_eq!(actions(&history[1..]), ["publish", "update", "update", "create"], "earlier revisions stay");
}

async fn a_renamed_story_keeps_its_old_links_working(app: TestApp) {
    let direct = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("a client");
    let fetch = |path: &str| {
        let request = direct.get(format!("{}{path}", app.base));
        async move {
            let response = request.send().await.expect("request is sent");
            let location = response.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_owned);
            (response.status().as_u16(), location)
        }
    };
    let moved = |to: &str| (301, Some(to.to_owned()));

    let story = app.published(json!({"title": "Storm closes schools", "slug": "storm-closes-schools"})).await;
    let id = id_of(&story);
    let path = item(&id);
    app.patch(&path, &app.admin, json!({"slug": "storm-closes-city-schools"})).await.expect(200);
    assert_eq!(fetch("/v1/articles/storm-closes-schools").await, moved("/v1/articles/storm-closes-city-schools"));
    app.patch(&path, &app.admin, json!({"slug": "storm-shuts-schools"})).await.expect(200);
    // Every old slug points straight at the current one, query string kept.
    assert_eq!(fetch("/v1/articles/storm-closes-schools").await, moved("/v1/articles/storm-shuts-schools"));
    assert_eq!(
        fetch("/v1/articles/storm-closes-city-schools?formats=markdown").await,
        moved("/v1/articles/storm-shuts-schools?formats=markdown")
    );
    assert_eq!(fetch("/v1/articles/storm-shuts-schools").await, (200, None));
    // A client that follows redirects lands on the story.
    let followed = app.get("/v1/articles/storm-closes-schools?formats=markdown").await.expect(200);
    assert_eq!(followed.body["id"], id.as_str());
    assert!(followed.body["body"]["markdown"].is_string(), "the query survived the redirect: {}", followed.text);

    // The old slugs stay reserved for the story that had them.
    let taken = app.post("/v1/admin/articles", &app.admin, json!({"title": "Storm closes schools"})).await;
    assert_eq!(Reply::fields(&taken.expect_problem(409)), ["slug"]);
    let other = id_of(&app.draft(&app.admin, json!({"title": "Another storm"})).await);
    let taken = app.patch(&item(&other), &app.admin, json!({"slug": "storm-closes-city-schools"})).await;
    assert_eq!(Reply::fields(&taken.expect_problem(409)), ["slug"]);
    assert_eq!(admin_view(&app, &other).await["slug"], "another-storm");

    // The story itself may go back to its first slug, which then serves it again.
    app.patch(&path, &app.admin, json!({"slug": "storm-closes-schools"})).await.expect(200);
    let back = app.get("/v1/articles/storm-closes-schools").await.expect(200);
    assert_eq!(back.body["id"], id.as_str());
    assert_eq!(fetch("/v1/articles/storm-shuts-schools").await, moved("/v1/articles/storm-closes-schools"));
    assert_eq!(fetch("/v1/articles/storm-closes-city-schools").await, moved("/v1/articles/storm-closes-schools"));

    // A draft has no readers yet: renaming it reserves nothing and redirects nothing.
    let draft = id_of(&app.draft(&app.admin, json!({"title": "Snow day plan"})).await);
    app.patch(&item(&draft), &app.admin, json!({"slug": "snow-day-plans"})).await.expect(200);
    app.act(&app.admin, &draft, "publish").await.expect(200);
    assert_eq!(fetch("/v1/articles/snow-day-plan").await.0, 404, "no redirect from a draft's old slug");
    app.draft(&app.admin, json!({"title": "Snow day plan"})).await;
    app.get("/v1/articles/snow-day-plans").await.expect(200);

    // Bringing back a revision with an older slug redirects the slug it had since.
    let first = revisions(&app, &id).await.last().map(id_of).expect("the create revision");
    let restore = format!("{path}/revisions/{first}/restore");
    app.patch(&path, &app.admin, json!({"slug": "storm-update"})).await.expect(200);
    app.send(Method::POST, &restore, Some(&app.admin), None, &[]).await.expect(200);
    assert_eq!(admin_view(&app, &id).await["slug"], "storm-closes-schools");
    assert_eq!(fetch("/v1/articles/storm-update").await, moved("/v1/articles/storm-closes-schools"));
    // A slug another story took since cannot be brought back.
    let other_first = revisions(&app, &other).await.last().map(id_of).expect("the create revision");
    app.patch(&item(&other), &app.admin, json!({"slug": "another-storm-brews"})).await.expect(200);
    app.draft(&app.admin, json!({"title": "Another storm"})).await;
    let other_restore = format!("{}/revisions/{other_first}/restore", item(&other));
    let taken = app.send(Method::POST, &other_restore, Some(&app.admin), None, &[]).await;
    assert_eq!(Reply::fields(&taken.expect_problem(409)), ["slug"]);
    assert_eq!(admin_view(&app, &other).await["slug"], "another-storm-brews");

    // Once the story is in the trash, neither its slug nor its old ones lead anywhere.
    app.delete(&path, &app.admin).await.expect(204);
    for slug in ["storm-closes-schools", "storm-shuts-schools", "storm-closes-city-schools", "storm-update"] {
        assert_eq!(fetch(&format!("/v1/articles/{slug}")).await, (404, None), "{slug}");
    }
}

async fn bulk_actions_change_everything_or_nothing(app: TestApp) {
    app.seed_taxonomy().await;
    let (_, editor) = app.user_with_role("editor").await;
    let (shared, token) = (&app, editor.as_str());
    let bulk = move |body: Value| shared.post("/v1/admin/articles/bulk", token, body);
    let mut drafts = Vec::new();
    for title in ["Tide tables", "Harbour fees", "Lighthouse tours"] {
        drafts.push(id_of(&app.draft(&editor, json!({"title": title})).await));
    }

    let done = bulk(json!({"action": "publish", "ids": drafts})).await.expect(200);
    assert_eq!(done.body["action"], "publish");
    let results = done.body["results"].as_array().expect("results");
    assert_eq!(results.iter().map(id_of).collect::<Vec<_>>(), drafts, "one result per id, in order");
    for result in results {
        assert_eq!((result["status"].clone(), result["version"].clone()), (json!("published"), json!(2)), "{result}");
    }
    assert_eq!(total(&app.get("/v1/articles").await.expect(200)), 3);
    for slug in ["tide-tables", "harbour-fees", "lighthouse-tours"] {
        app.get(&format!("/v1/articles/{slug}")).await.expect(200);
    }
    assert_eq!(actions(&revisions(&app, &drafts[0]).await), ["publish", "create"]);

    // One unknown id and nothing happens to the others.
    let waiting: Vec<String> = {
        let mut ids = Vec::new();
        for title in ["Pier repairs", "Boat show"] {
            ids.push(id_of(&app.draft(&editor, json!({"title": title})).await));
        }
        ids
    };
    let problem = bulk(json!({"action": "publish", "ids": [waiting[0], "no-such-article", waiting[1]]}))
        .await
        .expect_problem(422);
    assert_eq!(Reply::fields(&problem), ["ids[1]"], "{problem}");
    for id in &waiting {
        let after = admin_view(&app, id).await;
        assert_eq!((after["status"].clone(), after["version"].clone()), (json!("draft"), json!(1)), "{after}");
        assert_eq!(revisions(&app, id).await.len(), 1, "no revision was left behind");
    }
    assert_eq!(total(&app.get("/v1/articles").await.expect(200)), 3);
    // An item in the wrong state fails the same way.
    let problem = bulk(json!({"action": "publish", "ids": [waiting[0], drafts[1]]})).await.expect_problem(422);
    assert_eq!(Reply::fields(&problem), ["ids[1]"], "{problem}");
    assert_eq!(admin_view(&app, &waiting[0]).await["status"], "draft");
    let problem = bulk(json!({"action": "unpublish", "ids": [drafts[0], waiting[0], waiting[1]]})).await;
    assert_eq!(Reply::fields(&problem.expect_problem(422)), ["ids[1]", "ids[2]"]);
    assert_eq!(admin_view(&app, &drafts[0]).await["status"], "published");

    // Tag and untag by the tag's slug.
    let done = bulk(json!({"action": "tag", "ids": [drafts[0], drafts[1]], "tag": "water"})).await.expect(200);
    assert_eq!(done.body["results"][0]["version"], 3);
    let tagged = app.get("/v1/articles?tag=water").await.expect(200);
    let mut ids = ids_in(&tagged);
    ids.sort();
    let mut expected = vec![drafts[0].clone(), drafts[1].clone()];
    expected.sort();
    assert_eq!(ids, expected);
    assert_eq!(app.get("/v1/tags/water").await.expect(200).body["article_count"], 2);
    assert_eq!(actions(&revisions(&app, &drafts[0]).await)[0], "tag");
    bulk(json!({"action": "untag", "ids": [drafts[0]], "tag": "water"})).await.expect(200);
    assert_eq!(ids_in(&app.get("/v1/articles?tag=water").await.expect(200)), [drafts[1].clone()]);
    let problem = bulk(json!({"action": "tag", "ids": [drafts[2]], "tag": "no-such-tag"})).await.expect_problem(422);
    assert_eq!(Reply::fields(&problem), ["tag"]);
    let problem = bulk(json!({"action": "tag", "ids": [drafts[2]]})).await.expect_problem(422);
    assert_eq!(Reply::fields(&problem), ["tag"]);
    let problem = bulk(json!({"action": "publish", "ids": [waiting[0]], "tag": "water"})).await.expect_problem(422);
    assert_eq!(Reply::fields(&problem), ["tag"]);

    // The request itself is checked before anything runs.
    assert_eq!(Reply::fields(&bulk(json!({"action": "trash", "ids": []})).await.expect_problem(422)), ["ids"]);
    let many: Vec<String> = (0..101).map(|i| format!("id-{i}")).collect();
    assert_eq!(Reply::fields(&bulk(json!({"action": "trash", "ids": many})).await.expect_problem(422)), ["ids"]);
    let twice = json!({"action": "trash", "ids": [drafts[2], waiting[0], drafts[2]]});
    assert_eq!(Reply::fields(&bulk(twice).await.expect_problem(422)), ["ids[2]"]);
    assert_eq!(
        Reply::fields(&bulk(json!({"action": "explode", "ids": [drafts[2]]})).await.expect_problem(422)),
        ["action"]
    );
    assert!(admin_view(&app, &drafts[2]).await["trashed_at"].is_null());

    // Trash in bulk: off the site at once, into the trash.
    let done = bulk(json!({"action": "trash", "ids": [drafts[2], waiting[0]]})).await.expect(200);
    for result in done.body["results"].as_array().unwrap() {
        assert_eq!(result["status"], "draft", "{result}");
    }
    app.get("/v1/articles/lighthouse-tours").await.expect_problem(404);
    assert_eq!(total(&app.get("/v1/articles").await.expect(200)), 2);
    let mut trashed = ids_in(&app.admin_get("/v1/admin/trash", &editor).await.expect(200));
    trashed.sort();
    let mut expected = vec![drafts[2].clone(), waiting[0].clone()];
    expected.sort();
    assert_eq!(trashed, expected);
    // Trashing one of them again fails the whole request.
    let problem = bulk(json!({"action": "trash", "ids": [drafts[0], drafts[2]]})).await.expect_problem(422);
    assert_eq!(Reply::fields(&problem), ["ids[1]"]);
    assert!(admin_view(&app, &drafts[0]).await["trashed_at"].is_null());
    app.get("/v1/articles/tide-tables").await.expect(200);
}

async fn a_contributor_cannot_bulk_publish_even_their_own_drafts(app: TestApp) {
    let (_, contributor) = app.user_with_role("contributor").await;
    let (_, author) = app.user_with_role("author").await;
    let mine = [
        id_of(&app.draft(&contributor, json!({"title": "Market day report"})).await),
        id_of(&app.draft(&contributor, json!({"title": "School fair photos"})).await),
    ];
    let problem = app
        .post("/v1/admin/articles/bulk", &contributor, json!({"action": "publish", "ids": mine}))
        .await
        .expect_problem(422);
    assert_eq!(Reply::fields(&problem), ["ids[0]", "ids[1]"], "{problem}");
    for error in problem["errors"].as_array().unwrap() {
        assert!(error["message"].as_str().unwrap().contains("may not"), "each item says it is forbidden: {error}");
    }
    for id in &mine {
        assert_eq!(admin_view(&app, id).await["status"], "draft");
    }
    assert_eq!(total(&app.get("/v1/articles").await.expect(200)), 0);
    // Someone else's article is as unknown to an author as a missing one.
    let problem = app
        .post("/v1/admin/articles/bulk", &author, json!({"action": "trash", "ids": [mine[0]]}))
        .await
        .expect_problem(422);
    assert_eq!(Reply::fields(&problem), ["ids[0]"]);
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("not found"), "{problem}");
    // Trashing their own drafts is theirs to do.
    let done =
        app.post("/v1/admin/articles/bulk", &contributor, json!({"action": "trash", "ids": mine})).await.expect(200);
    assert_eq!(done.body["results"].as_array().unwrap().len(), 2);
    assert_eq!(total(&app.admin_get("/v1/admin/trash", &contributor).await.expect(200)), 2);
}

/// Routes of the public API own some slugs; no article may take them.
async fn reserved_slugs_are_refused(app: TestApp) {
    let problem = app.post("/v1/admin/articles", &app.admin, json!({"title": "Most viewed"})).await.expect_problem(422);
    assert_eq!(Reply::fields(&problem), ["slug"]);
    let draft = app.draft(&app.admin, json!({"title": "Least viewed"})).await;
    let id = draft["id"].as_str().unwrap();
    let problem = app
        .patch(&format!("/v1/admin/articles/{id}"), &app.admin, json!({"slug": "most-viewed"}))
        .await
        .expect_problem(422);
    assert_eq!(Reply::fields(&problem), ["slug"]);
}

/// The totals lists report (kept by the database, not counted per request) follow every kind
/// of change, and always equal the items the list pages through.
async fn list_totals_follow_every_change(app: TestApp) {
    let t = &app.admin;
    let mut ids = Vec::new();
    for i in 0..6 {
        ids.push(id_of(&app.draft(t, json!({"title": format!("Counted story {i}")})).await));
    }
    let expect = |public: usize, drafts: usize, all: usize, trash: usize| {
        let app = &app;
        async move {
            for (path, want) in [
                ("/v1/articles?limit=100", public),
                ("/v1/admin/articles?status=draft&limit=100", drafts),
                ("/v1/admin/articles?limit=100", all),
                ("/v1/admin/trash?limit=100", trash),
            ] {
                let list = if path.starts_with("/v1/admin") {
                    app.admin_get(path, &app.admin).await.expect(200)
                } else {
                    app.get(path).await.expect(200)
                };
                assert_eq!(total(&list), want, "{path}: {}", list.text);
                assert_eq!(ids_in(&list).len(), want, "{path}: {}", list.text);
            }
        }
    };
    expect(0, 6, 6, 0).await;
    for id in &ids[..4] {
        app.act(t, id, "publish").await.expect(200);
    }
    expect(4, 2, 6, 0).await;
    app.act(t, &ids[0], "unpublish").await.expect(200);
    expect(3, 3, 6, 0).await;
    let later = json!({"publish_at": "2099-01-01T00:00:00Z"});
    app.send(Method::POST, &format!("{}/schedule", item(&ids[4])), Some(t), Some(later), &[]).await.expect(200);
    expect(3, 2, 6, 0).await;
    app.delete(&item(&ids[1]), t).await.expect(204);
    app.delete(&item(&ids[5]), t).await.expect(204);
    expect(2, 1, 4, 2).await;
    app.act(t, &ids[1], "restore").await.expect(200);
    expect(2, 2, 5, 1).await;
    app.delete(&format!("/v1/admin/trash/{}", ids[5]), t).await.expect(204);
    expect(2, 2, 5, 0).await;
    app.post("/v1/admin/articles/bulk", t, json!({"action": "publish", "ids": [ids[0], ids[1]]})).await.expect(200);
    expect(4, 0, 5, 0).await;
}

on_both_backends!(
    list_totals_follow_every_change,
    reserved_slugs_are_refused,
    two_editors_saving_the_same_version_cannot_overwrite_each_other,
    eight_simultaneous_saves_of_one_version_make_exactly_one_change,
    a_write_without_if_match_is_refused_and_says_what_to_send,
    a_deleted_story_waits_in_the_trash_until_an_admin_purges_it,
    every_change_is_a_revision_and_an_old_one_can_be_brought_back,
    a_renamed_story_keeps_its_old_links_working,
    bulk_actions_change_everything_or_nothing,
    a_contributor_cannot_bulk_publish_even_their_own_drafts,
);

//! What a story keeps of its past: the trash, revisions that can be brought back, and old
//! slugs that still lead to it.

use reqwest::Method;
use serde_json::{json, Value};

use super::{actions, admin_view, ids_in, item, revisions, total};
use crate::common::values::id_of;
use crate::common::{on_both_backends, Reply, TestApp};

fn changed_fields(revision: &Value) -> Vec<String> {
    revision["changed_fields"]
        .as_array()
        .unwrap_or_else(|| panic!("changed_fields in {revision}"))
        .iter()
        .map(|f| f.as_str().expect("a field name").to_owned())
        .collect()
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

on_both_backends!(
    reserved_slugs_are_refused,
    a_deleted_story_waits_in_the_trash_until_an_admin_purges_it,
    every_change_is_a_revision_and_an_old_one_can_be_brought_back,
    a_renamed_story_keeps_its_old_links_working
);

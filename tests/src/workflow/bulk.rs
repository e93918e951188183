//! Bulk actions, all or nothing and within the caller's rights, and list totals that follow
//! every change.

use reqwest::Method;
use serde_json::{json, Value};

use super::{actions, admin_view, ids_in, item, revisions, total};
use crate::common::values::id_of;
use crate::common::{on_both_backends, Reply, TestApp};

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
    bulk_actions_change_everything_or_nothing,
    a_contributor_cannot_bulk_publish_even_their_own_drafts
);

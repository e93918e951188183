//! Assignments as a desk meets them: an editor hands an article to a writer, who finds it in
//! `GET /v1/me/assignments`, may read and edit it until it goes out, and loses it when it is
//! reassigned. The admin list filters by assignee with every other filter; each step is an
//! audit entry and an internal `article.assigned` event, moves the version (`ETag`) but not
//! `updated_at`, and leaves no revision. Wrong roles and bad input are refused.

use reqwest::Method;
use serde_json::{json, Value};

use super::{admin_view, ids_in, item, revisions, total};
use crate::common::values::{id_of, time};
use crate::common::{on_both_backends, wait_until, Reply, TestApp};
use crate::webhooks::Receiver;

/// Assigns article `id` to `user_id` (none: unassigns) as `token`, with no `If-Match`.
async fn assign(app: &TestApp, token: &str, id: &str, user_id: Option<&str>) -> Reply {
    let path = format!("{}/assignee", item(id));
    app.send(Method::PUT, &path, Some(token), Some(json!({"user_id": user_id})), &[]).await
}

/// `GET /v1/me/assignments` as `token`: the article ids, newest assignment first, and the list.
async fn waiting(app: &TestApp, token: &str) -> (Vec<String>, Value) {
    let list = app.admin_get("/v1/me/assignments", token).await.expect(200);
    let ids = list.body["data"].as_array().into_iter().flatten().map(|a| id_of(&a["article"])).collect();
    (ids, list.body)
}

async fn an_editor_assigns_reassigns_and_unassigns_and_the_assignee_finds_the_work(app: TestApp) {
    let receiver = Receiver::start(0).await;
    let hook = json!({"url": receiver.url, "events": ["article.assigned", "site.changed"]});
    app.post("/v1/admin/webhooks", &app.admin, hook).await.expect(201);
    let (editor_id, editor) = app.user_with_role("editor").await;
    let (writer_id, writer) = app.user_with_role("author").await;
    let (other_id, other) = app.user_with_role("contributor").await;
    let first = app.draft(&editor, json!({"title": "Harbour dredging plan", "body": "Notes so far."})).await;
    let id = id_of(&first);
    let (version, updated_at) = (first["version"].as_i64().expect("a version"), time(&first["updated_at"]));
    assert!(first["assignee"].is_null(), "a new article is unassigned: {first}");

    // Assigning moves the version (the ETag), not updated_at, and leaves no revision.
    let assigned = assign(&app, &editor, &id, Some(&writer_id)).await.expect(200);
    assert_eq!(assigned.body["assignee"], json!({"id": writer_id, "name": "author"}), "{}", assigned.text);
    assert_eq!(assigned.body["version"], version + 1);
    assert_eq!(assigned.header("etag"), Some(format!("\"{}\"", version + 1).as_str()));
    assert_eq!(time(&assigned.body["updated_at"]), updated_at, "not a change to the content");
    assert_eq!(revisions(&app, &id).await.len(), 1, "no revision: {:?}", revisions(&app, &id).await);
    assert_eq!(admin_view(&app, &id).await["assignee"]["id"], writer_id.as_str());
    // Assigning again to the same user changes nothing.
    let again = assign(&app, &editor, &id, Some(&writer_id)).await.expect(200);
    assert_eq!(again.body["version"], version + 1);

    // The writer finds it waiting, may read and edit it, and sees it in their own list.
    let (ids, list) = waiting(&app, &writer).await;
    assert_eq!(ids, [id.as_str()], "{list}");
    let mine = &list["data"][0];
    assert_eq!(mine["assigned_by"], json!({"id": editor_id, "name": "editor"}), "{mine}");
    assert!(time(&mine["assigned_at"]) >= updated_at, "{mine}");
    assert_eq!(mine["article"]["title"], "Harbour dredging plan");
    assert!(mine["article"].get("body").is_none(), "a summary, as lists show it: {mine}");
    assert_eq!(waiting(&app, &other).await.0, Vec::<String>::new(), "nothing waits for the others");
    assert_eq!(waiting(&app, &editor).await.0, Vec::<String>::new());
    app.admin_get(&item(&id), &writer).await.expect(200);
    app.admin_get(&format!("{}/revisions", item(&id)), &writer).await.expect(200);
    let edited = app.patch(&item(&id), &writer, json!({"title": "Harbour dredging plan, costed"})).await;
    assert_eq!(edited.expect(200).body["assignee"]["id"], writer_id.as_str());
    let listed = app.admin_get("/v1/admin/articles", &writer).await.expect(200);
    assert_eq!(ids_in(&listed), [id.as_str()], "a writer's list holds what is assigned to them");

    // A second assignment is listed first: newest assignment first, cursor paged.
    let second = id_of(&app.draft(&app.admin, json!({"title": "Ferry timetable changes"})).await);
    assign(&app, &app.admin, &second, Some(&writer_id)).await.expect(200);
    assert_eq!(waiting(&app, &writer).await.0, [second.clone(), id.clone()]);
    let page = app.admin_get("/v1/me/assignments?limit=1", &writer).await.expect(200);
    assert_eq!((total(&page), id_of(&page.body["data"][0]["article"])), (&json!(2), second.clone()));
    let cursor = page.body["meta"]["pagination"]["next_cursor"].as_str().expect("a next cursor").to_owned();
    let next = app.admin_get(&format!("/v1/me/assignments?limit=1&cursor={cursor}"), &writer).await.expect(200);
    assert_eq!(id_of(&next.body["data"][0]["article"]), id);

    // Reassigned: it waits for the new assignee, and the first one can no longer see it.
    let reassigned = assign(&app, &editor, &id, Some(&other_id)).await.expect(200);
    assert_eq!(reassigned.body["assignee"]["id"], other_id.as_str());
    assert_eq!(waiting(&app, &writer).await.0, [second.as_str()]);
    assert_eq!(waiting(&app, &other).await.0, [id.as_str()]);
    app.admin_get(&item(&id), &writer).await.expect_problem(404);
    // Unassigned: nothing waits, and the admin view says so.
    let unassigned = assign(&app, &editor, &second, None).await.expect(200);
    assert!(unassigned.body["assignee"].is_null(), "{}", unassigned.text);
    assert_eq!(waiting(&app, &writer).await.0, Vec::<String>::new());
    // A trashed article waits for nobody.
    app.delete(&item(&id), &app.admin).await.expect(204);
    assert_eq!(waiting(&app, &other).await.0, Vec::<String>::new());

    // Each step is an audit entry naming both assignees.
    let audit = app.audit_log(&format!("action=article.assign&target={id}")).await;
    assert_eq!(audit.len(), 2, "assign and reassign: {audit:?}");
    let (to, by) = (audit[0]["detail"]["assignee"]["id"].as_str(), audit[0]["actor_id"].as_str());
    assert_eq!((to, by), (Some(other_id.as_str()), Some(editor_id.as_str())));
    assert_eq!(audit[0]["detail"]["previous_assignee"]["id"], writer_id.as_str());
    assert!(audit[1]["detail"]["previous_assignee"].is_null());

    // And an internal event per step (in order for each article), never causing `site.changed`.
    let events = wait_until("four article.assigned events", || async {
        let hits: Vec<Value> =
            receiver.acked().into_iter().filter(|h| h.event == "article.assigned").map(|h| h.body).collect();
        (hits.len() >= 4).then_some(hits)
    })
    .await;
    let of = |article: &str| -> Vec<Value> {
        events.iter().filter(|e| e["data"]["id"] == article).map(|e| e["data"].clone()).collect()
    };
    let (steps, others) = (of(&id), of(&second));
    assert_eq!((steps.len(), others.len()), (2, 2), "{events:?}");
    let data = &steps[0];
    assert_eq!(data["title"], "Harbour dredging plan");
    assert_eq!(data["assignee"], json!({"id": writer_id, "name": "author"}));
    assert_eq!(data["assigned_by"]["id"], editor_id.as_str());
    assert!(data["previous_assignee"].is_null() && data["assigned_at"].is_string(), "{data}");
    assert_eq!(steps[1]["previous_assignee"]["id"], writer_id.as_str());
    assert_eq!(steps[1]["assignee"]["id"], other_id.as_str());
    assert!(others[1]["assignee"].is_null(), "the unassignment: {}", others[1]);
    let site = receiver.acked().into_iter().filter(|h| h.event == "site.changed");
    assert!(site.into_iter().all(|h| h.body["data"]["cause"] != "article.assigned"), "no public event");
}

async fn the_admin_list_filters_by_assignee_with_every_other_filter(app: TestApp) {
    let app = &app;
    app.seed_taxonomy().await;
    let (writer_id, writer) = app.user_with_role("author").await;
    let me = id_of(&app.admin_get("/v1/me", &app.admin).await.expect(200).body);
    let new = |title: &str, tags: Value| app.draft(&app.admin, json!({"title": title, "tags": tags}));
    let wet = id_of(&new("Wet draft", json!(["water"])).await);
    let out = id_of(&new("Dry story", json!([])).await);
    let mine = id_of(&new("Admin's own", json!(["water"])).await);
    let loose = id_of(&new("Nobody's", json!(["water"])).await);
    app.act(&app.admin, &out, "publish").await.expect(200);
    assign(app, &app.admin, &wet, Some(&writer_id)).await.expect(200);
    assign(app, &app.admin, &out, Some(&writer_id)).await.expect(200);
    assign(app, &app.admin, &mine, Some(&me)).await.expect(200);
    let sorted = |mut ids: Vec<String>| {
        ids.sort();
        ids
    };
    let list = |query: String| async move {
        let reply = app.admin_get(&format!("/v1/admin/articles?{query}"), &app.admin).await.expect(200);
        sorted(ids_in(&reply))
    };
    assert_eq!(list(format!("assignee={writer_id}")).await, sorted(vec![wet.clone(), out.clone()]));
    assert_eq!(list(format!("assignee={writer_id}&tag=water")).await, [wet.as_str()]);
    assert_eq!(list(format!("assignee={writer_id}&status=published")).await, [out.as_str()]);
    assert_eq!(list(format!("assignee={writer_id}&q=wet")).await, [wet.as_str()]);
    assert_eq!(list("assignee=me".into()).await, [mine.as_str()]);
    assert_eq!(list("assignee=none".into()).await, [loose.as_str()]);
    assert_eq!(list("assignee=none&tag=coast".into()).await, Vec::<String>::new());
    assert_eq!(list("assignee=no-such-user".into()).await, Vec::<String>::new(), "an unknown id keeps nothing");

    // Paged by cursor like any list.
    let first = format!("/v1/admin/articles?assignee={writer_id}&limit=1");
    let page = app.admin_get(&first, &app.admin).await.expect(200);
    assert_eq!(total(&page), 2);
    let cursor = page.body["meta"]["pagination"]["next_cursor"].as_str().expect("a next cursor").to_owned();
    let path = format!("/v1/admin/articles?assignee={writer_id}&limit=1&cursor={cursor}");
    let rest = app.admin_get(&path, &app.admin).await.expect(200);
    assert_eq!(sorted([ids_in(&page), ids_in(&rest)].concat()), sorted(vec![wet.clone(), out.clone()]));

    // The list and `fields=` show the assignee; a writer's `me` is theirs.
    let sparse = format!("/v1/admin/articles?assignee={writer_id}&fields=id,assignee");
    let sparse = app.admin_get(&sparse, &app.admin).await.expect(200);
    assert_eq!(sparse.body["data"][0]["assignee"]["id"], writer_id.as_str(), "{}", sparse.text);
    let theirs = app.admin_get("/v1/admin/articles?assignee=me", &writer).await.expect(200);
    assert_eq!(sorted(ids_in(&theirs)), sorted(vec![wet.clone(), out.clone()]));
    let none = app.admin_get("/v1/admin/articles?assignee=none", &writer).await.expect(200);
    assert_eq!(total(&none), 0, "a writer sees only their own and their assignments: {}", none.text);

    // The public never learns who works on a story.
    let public = app.get("/v1/articles/dry-story").await.expect(200);
    assert!(public.body.get("assignee").is_none() && !public.text.contains(&writer_id), "{}", public.text);
    let cards = app.get("/v1/articles?fields=id,assignee").await.expect(200);
    assert!(!cards.text.contains(&writer_id), "{}", cards.text);
}

async fn assigning_refuses_wrong_roles_bad_input_and_stale_versions(app: TestApp) {
    let (editor_id, editor) = app.user_with_role("editor").await;
    let (author_id, author) = app.user_with_role("author").await;
    let (contributor_id, contributor) = app.user_with_role("contributor").await;
    let desk = id_of(&app.draft(&editor, json!({"title": "Desk story"})).await);
    let own = id_of(&app.draft(&author, json!({"title": "Author's own"})).await);
    let drafted = id_of(&app.draft(&contributor, json!({"title": "Contributor's own"})).await);

    // Writers do not assign, not even their own articles; another's stays hidden.
    assign(&app, &author, &own, Some(&author_id)).await.expect_problem(403);
    assign(&app, &contributor, &drafted, Some(&author_id)).await.expect_problem(403);
    assign(&app, &contributor, &desk, Some(&contributor_id)).await.expect_problem(404);
    // Assigning a contributor to someone else's article is fine.
    assign(&app, &editor, &own, Some(&contributor_id)).await.expect(200);
    app.admin_get(&item(&own), &contributor).await.expect(200);

    // Bad input: an unknown or disabled user is a 404 naming `user_id`; the rest 422 by field.
    let problem = assign(&app, &editor, &desk, Some("no-such-user")).await.expect_problem(404);
    assert!(problem["detail"].as_str().is_some_and(|d| d.contains("user_id")), "{problem}");
    let (gone_id, _) = app.user_with_role("author").await;
    let path = format!("/v1/admin/users/{gone_id}");
    app.patch_if_match(&path, &app.admin, json!({"disabled": true}), "*").await.expect(200);
    assign(&app, &editor, &desk, Some(&gone_id)).await.expect_problem(404);
    let put_path = format!("{}/assignee", item(&desk));
    let put = |body: Value| app.send(Method::PUT, &put_path, Some(&editor), Some(body), &[]);
    for (body, field) in
        [(json!({}), "user_id"), (json!({"user_id": 7}), "user_id"), (json!({"user_id": null, "note": "why"}), "note")]
    {
        let problem = put(body.clone()).await.expect_problem(422);
        assert_eq!(Reply::fields(&problem), [field], "{body}: {problem}");
    }
    assert!(admin_view(&app, &desk).await["assignee"].is_null(), "refused input changes nothing");
    assign(&app, &editor, "no-such-article", Some(&editor_id)).await.expect_problem(404);

    // A stale If-Match is 412; a trashed article is 409.
    let version = admin_view(&app, &desk).await["version"].as_i64().expect("a version");
    let stale = format!("\"{}\"", version - 1);
    let body = Some(json!({"user_id": author_id}));
    let path = format!("{}/assignee", item(&desk));
    let reply = app.send(Method::PUT, &path, Some(&editor), body.clone(), &[("if-match", &stale)]).await;
    assert_eq!(reply.expect_problem(412)["current_version"], version);
    let fresh = format!("\"{version}\"");
    app.send(Method::PUT, &path, Some(&editor), body, &[("if-match", &fresh)]).await.expect(200);

    // An assigned author edits the article, but neither publishes, trashes nor reassigns it.
    app.patch(&item(&desk), &author, json!({"summary": "Worked on by the author."})).await.expect(200);
    app.act(&author, &desk, "publish").await.expect_problem(403);
    app.delete(&item(&desk), &author).await.expect_problem(403);
    assign(&app, &author, &desk, Some(&contributor_id)).await.expect_problem(403);
    // Once it is out, it is the desk's again.
    app.act(&editor, &desk, "publish").await.expect(200);
    app.patch(&item(&desk), &author, json!({"summary": "Later."})).await.expect_problem(403);
    app.admin_get(&item(&desk), &author).await.expect(200);
    app.delete(&item(&desk), &editor).await.expect(204);
    assign(&app, &editor, &desk, Some(&editor_id)).await.expect_problem(409);
}

on_both_backends!(
    an_editor_assigns_reassigns_and_unassigns_and_the_assignee_finds_the_work,
    the_admin_list_filters_by_assignee_with_every_other_filter,
    assigning_refuses_wrong_roles_bad_input_and_stale_versions,
);

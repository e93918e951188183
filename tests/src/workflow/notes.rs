//! Internal notes: editors and writers keep a thread on an article, oldest first, each with its
//! author and time. A note is not content: the article's version and `updated_at` stay and no
//! revision is made, but each note is an audit entry and an internal `article.note_added`
//! event. Whoever may read the article may read and add notes; others get 404.

use reqwest::Method;
use serde_json::{json, Value};

use super::{admin_view, item, revisions, total};
use crate::common::values::{id_of, time};
use crate::common::{on_both_backends, wait_until, Reply, TestApp};
use crate::webhooks::Receiver;

fn notes(id: &str) -> String {
    format!("{}/notes", item(id))
}

async fn add(app: &TestApp, token: &str, id: &str, body: Value) -> Reply {
    app.send(Method::POST, &notes(id), Some(token), Some(body), &[]).await
}

/// The texts of every note on article `id` as `token` reads them, paging two at a time.
async fn thread(app: &TestApp, token: &str, id: &str) -> Vec<String> {
    let mut texts = Vec::new();
    let mut path = format!("{}?limit=2", notes(id));
    loop {
        let page = app.admin_get(&path, token).await.expect(200);
        texts.extend(
            page.body["data"].as_array().into_iter().flatten().filter_map(|n| n["text"].as_str()).map(String::from),
        );
        match page.body["meta"]["pagination"]["next_cursor"].as_str() {
            Some(cursor) => path = format!("{}?limit=2&cursor={cursor}", notes(id)),
            None => return texts,
        }
    }
}

async fn editors_and_writers_keep_a_thread_of_notes_on_an_article(app: TestApp) {
    let receiver = Receiver::start(0).await;
    let hook = json!({"url": receiver.url, "events": ["article.note_added", "article.updated", "site.changed"]});
    app.post("/v1/admin/webhooks", &app.admin, hook).await.expect(201);
    let (editor_id, editor) = app.user_with_role("editor").await;
    let (author_id, author) = app.user_with_role("author").await;
    let story = app.draft(&author, json!({"title": "Quay collapse: what we know"})).await;
    let id = id_of(&story);

    let first = add(&app, &editor, &id, json!({"text": "  Legal wants the second quote checked.\n"})).await.expect(201);
    assert_eq!(first.body["text"], "Legal wants the second quote checked.", "trimmed: {}", first.text);
    assert_eq!(first.body["author"], json!({"id": editor_id, "name": "editor"}));
    assert_eq!(first.body["article_id"], id.as_str());
    assert!(time(&first.body["created_at"]) >= time(&story["created_at"]));
    add(&app, &author, &id, json!({"text": "Checked with the harbour office: it stands."})).await.expect(201);
    for n in 3..=5 {
        add(&app, &editor, &id, json!({"text": format!("Note {n}")})).await.expect(201);
    }

    // Oldest first, cursor paged, the same thread for both.
    let expected = [
        "Legal wants the second quote checked.",
        "Checked with the harbour office: it stands.",
        "Note 3",
        "Note 4",
        "Note 5",
    ];
    assert_eq!(thread(&app, &author, &id).await, expected);
    assert_eq!(thread(&app, &editor, &id).await, expected);
    let page = app.admin_get(&notes(&id), &app.admin).await.expect(200);
    assert_eq!(total(&page), 5);
    assert_eq!(page.body["data"][1]["author"]["id"], author_id.as_str());

    // Not content: no new version, no new revision, updated_at as it was.
    let now = admin_view(&app, &id).await;
    assert_eq!(
        (now["version"].clone(), now["updated_at"].clone()),
        (story["version"].clone(), story["updated_at"].clone())
    );
    assert_eq!(revisions(&app, &id).await.len(), 1);
    assert!(now.get("notes").is_none(), "the article's JSON does not carry them: {now}");

    // Each note is an audit entry with its text, and an internal event with its author.
    let audit = app.audit_log(&format!("action=article.note_add&target={id}")).await;
    assert_eq!(audit.len(), 5);
    assert_eq!(audit[4]["detail"]["note"]["text"], expected[0]);
    assert_eq!(audit[4]["actor_id"], editor_id.as_str());
    let events = wait_until("five article.note_added events", || async {
        let hits: Vec<Value> =
            receiver.acked().into_iter().filter(|h| h.event == "article.note_added").map(|h| h.body).collect();
        (hits.len() >= 5).then_some(hits)
    })
    .await;
    let data = &events[1]["data"];
    assert_eq!((data["id"].as_str(), data["title"].as_str()), (Some(id.as_str()), Some("Quay collapse: what we know")));
    assert_eq!(data["note"]["text"], expected[1]);
    assert_eq!(data["note"]["author"], json!({"id": author_id, "name": "author"}));
    assert!(data["note"]["id"].is_string() && data["note"]["created_at"].is_string(), "{data}");
    let others = receiver.acked().into_iter().filter(|h| h.event != "article.note_added").count();
    assert_eq!(others, 1, "only the draft's creation, no public event for a note");

    // An assigned writer joins the thread; once unassigned, it is hidden again.
    let (contributor_id, contributor) = app.user_with_role("contributor").await;
    add(&app, &contributor, &id, json!({"text": "Not mine"})).await.expect_problem(404);
    let path = format!("{}/assignee", item(&id));
    app.send(Method::PUT, &path, Some(&editor), Some(json!({"user_id": contributor_id})), &[]).await.expect(200);
    add(&app, &contributor, &id, json!({"text": "On it."})).await.expect(201);
    assert_eq!(thread(&app, &contributor, &id).await.len(), 6);
    app.send(Method::PUT, &path, Some(&editor), Some(json!({"user_id": null})), &[]).await.expect(200);
    app.admin_get(&notes(&id), &contributor).await.expect_problem(404);
    // Notes go on in any state, published and trashed included.
    app.act(&editor, &id, "publish").await.expect(200);
    add(&app, &author, &id, json!({"text": "Out now."})).await.expect(201);
    app.delete(&item(&id), &editor).await.expect(204);
    add(&app, &editor, &id, json!({"text": "Pulled pending legal."})).await.expect(201);
}

async fn notes_refuse_wrong_roles_and_bad_input(app: TestApp) {
    let (_, author) = app.user_with_role("author").await;
    let (_, contributor) = app.user_with_role("contributor").await;
    let (_, editor) = app.user_with_role("editor").await;
    let theirs = id_of(&app.draft(&author, json!({"title": "The author's story"})).await);
    let good = json!({"text": "Fine"});

    // Another writer's article is hidden, its notes too; the desk reads and adds to any.
    app.admin_get(&notes(&theirs), &contributor).await.expect_problem(404);
    add(&app, &contributor, &theirs, good.clone()).await.expect_problem(404);
    let mine = id_of(&app.draft(&contributor, json!({"title": "The contributor's story"})).await);
    app.admin_get(&notes(&mine), &author).await.expect_problem(404);
    add(&app, &contributor, &mine, good.clone()).await.expect(201);
    add(&app, &editor, &theirs, good.clone()).await.expect(201);
    app.admin_get(&notes("no-such-article"), &editor).await.expect_problem(404);
    add(&app, &editor, "no-such-article", good.clone()).await.expect_problem(404);

    // Bad input: 422 naming the field, and nothing is added.
    for (body, field) in [
        (json!({"text": ""}), "text"),
        (json!({"text": " \n\t "}), "text"),
        (json!({"text": "x".repeat(4001)}), "text"),
        (json!({}), "text"),
        (json!({"text": 7}), "text"),
        (json!({"text": "Fine", "pinned": true}), "pinned"),
    ] {
        let problem = add(&app, &editor, &theirs, body.clone()).await.expect_problem(422);
        assert_eq!(Reply::fields(&problem), [field], "{body}: {problem}");
    }
    add(&app, &editor, &theirs, json!({"text": "é".repeat(4000)})).await.expect(201);
    let listed = app.admin_get(&notes(&theirs), &author).await.expect(200);
    assert_eq!(total(&listed), 2, "{}", listed.text);
    // Append-only: there is no route to change or remove a note.
    let nid = id_of(&listed.body["data"][0]);
    let one = format!("{}/{nid}", notes(&theirs));
    let patched = app.send(Method::PATCH, &one, Some(&editor), Some(good), &[("if-match", "*")]).await;
    assert!(matches!(patched.status.as_u16(), 404 | 405), "{}", patched.text);
    let deleted = app.send(Method::DELETE, &one, Some(&editor), None, &[("if-match", "*")]).await;
    assert!(matches!(deleted.status.as_u16(), 404 | 405), "{}", deleted.text);
}

on_both_backends!(editors_and_writers_keep_a_thread_of_notes_on_an_article, notes_refuse_wrong_roles_and_bad_input,);

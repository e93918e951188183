//! Corrections, clarifications and updates as readers meet them: an editor appends a note to a
//! published story, and it shows in the article's JSON, in all three feeds and on the reader
//! page, with `updated_at` moved. Amending keeps the earlier wording on record; removing a note
//! leaves a visible trace. Wrong roles, bad input, wrong states and stale versions are refused.

use reqwest::Method;
use serde_json::{json, Value};

use super::{admin_view, item, revisions};
use crate::common::values::{id_of, slug_of, time};
use crate::common::{on_both_backends, wait_until, Reply, TestApp};
use crate::webhooks::Receiver;

const WRONG: &str = "An earlier version of this article gave the vote as **6-3**. It was 7-2.";
const AMENDED: &str = "An earlier version of this article gave the vote as 6-3. It was 7-2, with one abstention.";
const WHY: &str = "The note was added to the wrong article.";

fn notes(id: &str) -> String {
    format!("{}/corrections", item(id))
}

/// Adds a note as `token`, with no `If-Match`.
async fn add(app: &TestApp, token: &str, id: &str, body: Value) -> Reply {
    app.send(Method::POST, &notes(id), Some(token), Some(body), &[]).await
}

/// Removes note `cid` as `token`, with no `If-Match`.
async fn remove(app: &TestApp, token: &str, id: &str, cid: &str, reason: &str) -> Reply {
    let path = format!("{}/{cid}/remove", notes(id));
    app.send(Method::POST, &path, Some(token), Some(json!({"reason": reason})), &[]).await
}

/// The text between `start` and the next `end` after it in `text`, from the `nth` `start` on.
fn between<'a>(text: &'a str, start: &str, end: &str, nth: usize) -> &'a str {
    text.split(start).nth(nth).and_then(|rest| rest.split(end).next()).unwrap_or_default()
}

async fn a_correction_shows_in_the_articles_json_its_feeds_and_its_reader_page(app: TestApp) {
    let receiver = Receiver::start(0).await;
    app.post("/v1/admin/webhooks", &app.admin, json!({"url": receiver.url, "events": ["article.corrected"]}))
        .await
        .expect(201);
    let (_, editor) = app.user_with_role("editor").await;
    let story = app.published(json!({"title": "Council votes on the harbour plan", "body": "It passed."})).await;
    let (id, slug) = (id_of(&story), slug_of(&story));
    let public = format!("/v1/articles/{slug}");
    // Read everything once, so a stale cached copy would show if the write failed to void it.
    let before = app.get(&public).await.expect(200);
    assert!(before.body["corrections"].as_array().is_some_and(Vec::is_empty), "{}", before.text);
    for feed in ["/v1/feed.rss", "/v1/feed.atom", "/v1/feed.json"] {
        app.get(feed).await.expect(200);
    }

    let added = add(&app, &editor, &id, json!({"kind": "correction", "text": WRONG})).await.expect(201);
    let version = story["version"].as_i64().expect("a version") + 1;
    assert_eq!(added.body["version"], version, "{}", added.text);
    assert_eq!(added.header("etag"), Some(format!("\"{version}\"").as_str()));
    let updated_at = time(&added.body["updated_at"]);
    assert!(updated_at > time(&story["updated_at"]), "updated_at moves: {}", added.text);
    assert_eq!(added.body["published_at"], story["published_at"], "the publication date stays");

    // The article's JSON carries the note, rendered and sanitized, without who wrote it.
    let article = app.get(&public).await.expect(200).body;
    assert_eq!(time(&article["updated_at"]), updated_at);
    let note = &article["corrections"][0];
    assert_eq!(article["corrections"].as_array().map(Vec::len), Some(1), "{article}");
    assert_eq!((note["kind"].as_str(), note["text"].as_str()), (Some("correction"), Some(WRONG)));
    assert!(note["html"].as_str().is_some_and(|h| h.contains("<strong>6-3</strong>")), "{note}");
    assert!(note.get("created_by").is_none() && note["removed_at"].is_null(), "{note}");
    let sparse = app.get(&format!("{public}?fields=title,corrections")).await.expect(200).body;
    assert_eq!(sparse["corrections"][0]["text"], WRONG, "{sparse}");
    let cards = app.get("/v1/articles?include=corrections").await.expect(200).body;
    assert_eq!(cards["data"][0]["corrections"][0]["text"], WRONG, "cards carry notes when asked");
    let bare = app.get("/v1/articles").await.expect(200).body;
    assert!(bare["data"][0].get("corrections").is_none(), "and only then: {bare}");

    // All three feeds carry the note with the entry, and say the entry changed.
    let rss = app.get("/v1/feed.rss").await.expect(200).text;
    let rss_item = between(&rss, "<item>", "</item>", 1);
    assert!(rss_item.contains("Correction, ") && rss_item.contains("6-3"), "RSS: {rss_item}");
    let atom = app.get("/v1/feed.atom").await.expect(200).text;
    let entry = between(&atom, "<entry>", "</entry>", 1);
    assert!(entry.contains("Correction, ") && entry.contains("6-3"), "Atom: {entry}");
    assert_eq!(time(&json!(between(entry, "<updated>", "</updated>", 1))), updated_at, "Atom updated: {entry}");
    let feed = app.get("/v1/feed.json").await.expect(200).body;
    let json_item = &feed["items"][0];
    assert!(json_item["content_html"].as_str().is_some_and(|h| h.contains("<strong>6-3</strong>")), "{json_item}");
    assert_eq!(time(&json_item["date_modified"]), updated_at, "JSON Feed date_modified: {json_item}");

    // The reader page renders the notes from the article's JSON, where its script puts them.
    let page = app.get(&format!("/articles/{slug}")).await.expect(200).text;
    assert!(page.contains(r#"id="corrections""#), "the page has a place for the notes: {page}");
    let script = app.get("/reader.js").await.expect(200).text;
    assert!(script.contains("article.corrections"), "the script renders them");

    // The webhook event carries the note's step and the article as it stands.
    let hit = wait_until("the article.corrected event", || async {
        receiver.acked().into_iter().find(|h| h.event == "article.corrected")
    })
    .await;
    assert_eq!(hit.body["data"]["id"], id.as_str());
    assert_eq!(hit.body["data"]["correction"]["op"], "add");
    assert_eq!(hit.body["data"]["corrections"][0]["text"], WRONG);
}

async fn amending_keeps_the_earlier_wording_and_removal_is_recorded(app: TestApp) {
    let receiver = Receiver::start(0).await;
    app.post("/v1/admin/webhooks", &app.admin, json!({"url": receiver.url, "events": ["article.corrected"]}))
        .await
        .expect(201);
    let (editor_id, editor) = app.user_with_role("editor").await;
    let story = app.published(json!({"title": "Ferry fares rise in spring"})).await;
    let (id, slug) = (id_of(&story), slug_of(&story));
    let added = add(&app, &editor, &id, json!({"kind": "correction", "text": WRONG})).await.expect(201);
    let cid = id_of(&added.body["corrections"][0]);
    add(&app, &app.admin, &id, json!({"kind": "update", "text": "Fares were frozen for students."})).await.expect(201);

    // Amend: PATCH with the article's version; the note keeps its place and says when it changed.
    let path = format!("{}/{cid}", notes(&id));
    let current = admin_view(&app, &id).await["version"].as_i64().expect("a version");
    let amended =
        app.patch_if_match(&path, &editor, json!({"text": AMENDED}), &format!("\"{current}\"")).await.expect(200);
    assert_eq!(amended.body["version"], current + 1);
    let article = app.get(&format!("/v1/articles/{slug}")).await.expect(200).body;
    let kinds: Vec<&str> =
        article["corrections"].as_array().into_iter().flatten().filter_map(|n| n["kind"].as_str()).collect();
    assert_eq!(kinds, ["correction", "update"], "in the order they were added");
    assert_eq!(article["corrections"][0]["text"], AMENDED);
    assert!(!article["corrections"][0]["amended_at"].is_null());

    // The earlier wording stays in the revisions and the audit log.
    let history = revisions(&app, &id).await;
    let actions: Vec<&str> = history.iter().filter_map(|r| r["action"].as_str()).collect();
    assert_eq!(actions[..3], ["correction_amend", "correction_add", "correction_add"]);
    let before =
        app.admin_get(&format!("{}/revisions/{}", item(&id), id_of(&history[1])), &app.admin).await.expect(200);
    assert_eq!(before.body["snapshot"]["corrections"][0]["text"], WRONG, "{}", before.text);
    let audit = app.audit_log(&format!("action=article.correction_amend&target={id}")).await;
    assert_eq!(audit[0]["detail"]["correction"]["previous_text"], WRONG);
    assert_eq!(audit[0]["actor_id"], editor_id.as_str());

    // Remove: readers see that a note was removed and why, not its text; nothing is deleted.
    let removed = remove(&app, &editor, &id, &cid, WHY).await.expect(200);
    assert_eq!(removed.body["corrections"][0]["removed_text"], AMENDED, "the desk still sees the text");
    let article = app.get(&format!("/v1/articles/{slug}")).await.expect(200).body;
    let gone = &article["corrections"][0];
    assert_eq!((gone["id"].as_str(), gone["removal_reason"].as_str()), (Some(cid.as_str()), Some(WHY)), "{gone}");
    assert!(gone["text"].is_null() && gone["html"].is_null() && !gone["removed_at"].is_null(), "{gone}");
    assert!(gone.get("removed_text").is_none() && gone.get("removed_by").is_none(), "{gone}");
    let json_feed = app.get("/v1/feed.json").await.expect(200).body;
    let content = json_feed["items"][0]["content_html"].as_str().unwrap_or_default().to_owned();
    assert!(content.contains("removed:") && content.contains(WHY) && !content.contains("abstention"), "{content}");
    let listed = app.admin_get(&notes(&id), &app.admin).await.expect(200).body;
    let first = &listed["data"][0];
    assert_eq!(listed["data"].as_array().map(Vec::len), Some(2), "{listed}");
    assert_eq!((first["removed_text"].as_str(), first["removal_reason"].as_str()), (Some(AMENDED), Some(WHY)));
    assert!(first["created_by"].is_string() && first["amended_by"].is_string() && first["removed_by"].is_string());
    let audit = app.audit_log(&format!("action=article.correction_remove&target={id}")).await;
    assert_eq!(audit[0]["detail"]["correction"]["reason"], WHY);
    assert_eq!(revisions(&app, &id).await[0]["note"], WHY);

    // A removed note stays as it was removed.
    remove(&app, &editor, &id, &cid, WHY).await.expect_problem(409);
    app.patch(&path, &editor, json!({"text": "Again"})).await.expect_problem(409);

    // One event per step, each saying what it did.
    let ops = wait_until("four article.corrected events", || async {
        let hits: Vec<String> = receiver
            .acked()
            .into_iter()
            .filter(|h| h.event == "article.corrected")
            .map(|h| h.body["data"]["correction"]["op"].as_str().unwrap_or_default().to_owned())
            .collect();
        (hits.len() >= 4).then_some(hits)
    })
    .await;
    assert_eq!(ops, ["add", "add", "amend", "remove"]);
}

async fn corrections_refuse_wrong_roles_bad_input_wrong_states_and_stale_versions(app: TestApp) {
    let (_, author) = app.user_with_role("author").await;
    let (_, contributor) = app.user_with_role("contributor").await;
    let (_, editor) = app.user_with_role("editor").await;
    let good = json!({"kind": "clarification", "text": "The plan covers the north quay only."});

    // Roles: the desk corrects; a writer may read the notes on their own story, not add them.
    let own = id_of(&app.draft(&author, json!({"title": "Quay plan explained"})).await);
    app.act(&author, &own, "publish").await.expect(200);
    add(&app, &author, &own, good.clone()).await.expect_problem(403);
    add(&app, &contributor, &own, good.clone()).await.expect_problem(404);
    let added = add(&app, &editor, &own, good.clone()).await.expect(201);
    let cid = id_of(&added.body["corrections"][0]);
    app.admin_get(&notes(&own), &author).await.expect(200);
    app.patch(&format!("{}/{cid}", notes(&own)), &author, json!({"text": "Mine"})).await.expect_problem(403);
    remove(&app, &author, &own, &cid, WHY).await.expect_problem(403);

    // Bad input: 422 naming each field at fault, and nothing changes.
    let version = admin_view(&app, &own).await["version"].clone();
    let long = "x".repeat(5001);
    for (body, fields) in [
        (json!({"kind": "erratum", "text": "Fine"}), &["kind"][..]),
        (json!({"kind": "correction", "text": ""}), &["text"][..]),
        (json!({"kind": "correction", "text": " \n "}), &["text"][..]),
        (json!({"kind": "correction", "text": long}), &["text"][..]),
        (json!({"kind": "nope", "text": ""}), &["kind", "text"][..]),
        (json!({"text": "Fine"}), &["kind"][..]),
        (json!({"kind": "update"}), &["text"][..]),
        (json!({"kind": "update", "text": 7}), &["text"][..]),
        (json!({"kind": "update", "text": "Fine", "author": "me"}), &["author"][..]),
    ] {
        let problem = add(&app, &editor, &own, body.clone()).await.expect_problem(422);
        assert_eq!(Reply::fields(&problem), fields, "{body}: {problem}");
    }
    add(&app, &editor, &own, json!({"kind": "update", "text": "x".repeat(5000)})).await.expect(201);
    let version = version.as_i64().expect("a version") + 1;
    let path = format!("{}/{cid}", notes(&own));
    let problem = app.patch(&path, &editor, json!({"text": ""})).await.expect_problem(422);
    assert_eq!(Reply::fields(&problem), ["text"]);
    let problem = remove(&app, &editor, &own, &cid, " ").await.expect_problem(422);
    assert_eq!(Reply::fields(&problem), ["reason"]);
    assert_eq!(admin_view(&app, &own).await["version"], version, "refused input changes nothing");

    // Stale versions: 412 with the current one; PATCH needs If-Match at all (428).
    let stale = format!("\"{}\"", version - 1);
    let reply = app.send(Method::POST, &notes(&own), Some(&editor), Some(good.clone()), &[("if-match", &stale)]).await;
    assert_eq!(reply.expect_problem(412)["current_version"], version);
    app.patch_if_match(&path, &editor, json!({"text": "New"}), &stale).await.expect_problem(412);
    let removal = format!("{path}/remove");
    let reason = Some(json!({"reason": WHY}));
    app.send(Method::POST, &removal, Some(&editor), reason, &[("if-match", &stale)]).await.expect_problem(412);
    app.send(Method::PATCH, &path, Some(&editor), Some(json!({"text": "New"})), &[]).await.expect_problem(428);
    let fresh = format!("\"{version}\"");
    app.patch_if_match(&path, &editor, json!({"text": "New"}), &fresh).await.expect(200);

    // Wrong states: only a published article takes a new note; unknown ids are 404.
    let draft = id_of(&app.draft(&editor, json!({"title": "Not out yet"})).await);
    add(&app, &editor, &draft, good.clone()).await.expect_problem(409);
    assert!(admin_view(&app, &draft).await["corrections"].as_array().is_some_and(Vec::is_empty));
    app.act(&editor, &own, "unpublish").await.expect(200);
    add(&app, &editor, &own, good.clone()).await.expect_problem(409);
    add(&app, &editor, "no-such-article", good).await.expect_problem(404);
    remove(&app, &editor, &own, "no-such-note", WHY).await.expect_problem(404);
    app.admin_get(&notes("no-such-article"), &editor).await.expect_problem(404);
}

/// A retraction keeps the story as it was retracted, its notes included: no note is added,
/// amended or removed after it (409), and the desk still reads them.
async fn a_retracted_articles_notes_are_final(app: TestApp) {
    let id = id_of(&app.published(json!({"title": "Pier collapse blamed on storm"})).await);
    let added = add(&app, &app.admin, &id, json!({"kind": "correction", "text": WRONG})).await.expect(201);
    let cid = id_of(&added.body["corrections"][0]);
    let reason = json!({"reason": "The inspection report it quoted was forged."});
    app.post(&format!("{}/retract", item(&id)), &app.admin, reason).await.expect(200);
    let version = admin_view(&app, &id).await["version"].clone();

    let good = json!({"kind": "update", "text": "Police are investigating."});
    let path = format!("{}/{cid}", notes(&id));
    let tag = format!("\"{version}\"");
    for reply in [
        add(&app, &app.admin, &id, good).await,
        app.patch_if_match(&path, &app.admin, json!({"text": AMENDED}), &tag).await,
        app.patch_if_match(&path, &app.admin, json!({"text": AMENDED}), "*").await,
        remove(&app, &app.admin, &id, &cid, WHY).await,
    ] {
        let problem = reply.expect_problem(409);
        let detail = problem["detail"].as_str().unwrap_or_default();
        assert!(detail.contains("retracted articles are final"), "{problem}");
    }
    // An editor meets the same answer; a writer, who cannot see the story, gets 404.
    let (_, editor) = app.user_with_role("editor").await;
    remove(&app, &editor, &id, &cid, WHY).await.expect_problem(409);
    let (_, author) = app.user_with_role("author").await;
    remove(&app, &author, &id, &cid, WHY).await.expect_problem(404);

    let now = admin_view(&app, &id).await;
    assert_eq!(now["version"], version, "nothing moved");
    let listed = app.admin_get(&notes(&id), &app.admin).await.expect(200);
    assert_eq!(listed.body["data"][0]["text"], WRONG, "the desk still reads the note as it was: {}", listed.text);
    assert!(listed.body["data"][0]["amended_at"].is_null() && listed.body["data"][0]["removed_at"].is_null());
    assert_eq!(listed.body["data"].as_array().map(Vec::len), Some(1));
}

on_both_backends!(
    a_correction_shows_in_the_articles_json_its_feeds_and_its_reader_page,
    amending_keeps_the_earlier_wording_and_removal_is_recorded,
    corrections_refuse_wrong_roles_bad_input_wrong_states_and_stale_versions,
    a_retracted_articles_notes_are_final,
);

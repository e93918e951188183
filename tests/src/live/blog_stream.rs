//! `GET /v1/articles/{slug}/live`: a live blog's entries pushed to readers across server
//! processes within a second, resumable with `Last-Event-ID`, and never a draft's.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use super::{EventStream, SseEvent, WITHIN};
use crate::common::values::{id_of, slug_of};
use crate::common::{on_both_backends, Reply, TestApp};

fn entries(id: &str) -> String {
    format!("/v1/admin/articles/{id}/entries")
}

/// A published live blog; returns its id and slug.
async fn live_blog(app: &TestApp, title: &str) -> (String, String) {
    let draft = app.draft(&app.admin, json!({"title": title, "body": "Follow the story here."})).await;
    let id = id_of(&draft);
    let path = format!("/v1/admin/articles/{id}/live");
    app.send(Method::PUT, &path, Some(&app.admin), Some(json!({"live": true})), &[]).await.expect(200);
    let published = app.act(&app.admin, &id, "publish").await.expect(200).body;
    (id, slug_of(&published))
}

async fn post(app: &TestApp, id: &str, text: &str) -> Value {
    app.post(&entries(id), &app.admin, json!({"body": text})).await.expect(201).body
}

async fn next(stream: &mut EventStream, what: &str) -> SseEvent {
    let started = std::time::Instant::now();
    let event = stream.next_event(WITHIN).await.unwrap_or_else(|| panic!("no event within {WITHIN:?}: {what}"));
    println!("{what}: {} after {:?}", event.event, started.elapsed());
    event
}

/// The event's id, which is the entry's `seq`.
fn seq(event: &SseEvent) -> i64 {
    event.id.as_deref().and_then(|i| i.parse().ok()).unwrap_or_else(|| panic!("a numeric id: {event:?}"))
}

/// A reader connected to one server process gets, within a second, each entry posted, edited,
/// pinned and deleted through another, as the public list shows it.
async fn an_entry_posted_through_one_process_reaches_a_reader_of_another(app: TestApp) {
    let other = app.spawn_sibling().await;
    let (id, slug) = live_blog(&app, "Storm live: the coast braces").await;
    let mut reader = EventStream::open(&other, &format!("/v1/articles/{slug}/live"), None).await;

    let entry = post(&app, &id, "**18:05** The harbour gates are closed.").await;
    let created = next(&mut reader, "a new entry").await;
    assert_eq!(created.event, "entry.created");
    assert_eq!(created.data["entry"]["id"], entry["id"]);
    assert_eq!(seq(&created), entry["seq"].as_i64().expect("seq"));
    let html = created.data["entry"]["body_html"].as_str().unwrap_or_default();
    assert!(html.contains("<strong>18:05</strong>"), "sanitized HTML, as the list shows it: {html}");
    let listed = other.get(&format!("/v1/articles/{slug}/entries")).await.expect(200).body;
    assert_eq!(listed["data"][0], created.data["entry"], "the event carries the entry as the list shows it");

    let path = format!("{}/{}", entries(&id), entry["id"].as_str().expect("id"));
    app.patch(&path, &app.admin, json!({"pinned": true})).await.expect(200);
    let pinned = next(&mut reader, "a pin").await;
    assert_eq!((pinned.event.as_str(), &pinned.data["entry"]["pinned"]), ("entry.updated", &json!(true)));
    assert!(seq(&pinned) > seq(&created));

    app.delete(&path, &app.admin).await.expect(204);
    let deleted = next(&mut reader, "a delete").await;
    assert_eq!((deleted.event.as_str(), &deleted.data["id"]), ("entry.deleted", &entry["id"]));

    // Another live blog's entry is not this stream's.
    let (other_id, _) = live_blog(&app, "Count live: every seat").await;
    post(&app, &other_id, "First result in.").await;
    reader.assert_quiet(Duration::from_millis(1_500), "another blog's entry").await;
}

/// A reader that drops off and reconnects with `Last-Event-ID` gets every change it missed, in
/// order (a new entry, an edit to one it has, a delete), then what comes next.
async fn a_reader_that_reconnects_misses_nothing(app: TestApp) {
    let other = app.spawn_sibling().await;
    let (id, slug) = live_blog(&app, "Marathon live").await;
    let stream = format!("/v1/articles/{slug}/live");
    let mut reader = EventStream::open(&app, &stream, None).await;
    let first = post(&app, &id, "The elite runners are off.").await;
    let seen = next(&mut reader, "the first entry").await.id.expect("id");
    drop(reader);

    let second = post(&app, &id, "Halfway: a pack of six leads.").await;
    let first_path = format!("{}/{}", entries(&id), first["id"].as_str().expect("id"));
    app.patch(&first_path, &app.admin, json!({"body": "The elite runners are off, on time."})).await.expect(200);
    let third = post(&app, &id, "A false report of a fall.").await;
    let third_path = format!("{}/{}", entries(&id), third["id"].as_str().expect("id"));
    app.delete(&third_path, &app.admin).await.expect(204);

    let mut back = EventStream::open(&other, &stream, Some(&seen)).await;
    let mut got = Vec::new();
    for _ in 0..3 {
        let event = next(&mut back, "a missed change").await;
        let entry_id = event.data["entry"]["id"].as_str().or(event.data["id"].as_str()).unwrap_or_default().to_owned();
        got.push((event.event, entry_id));
    }
    let ids = |entry: &Value| entry["id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(
        got,
        vec![
            ("entry.created".to_owned(), ids(&second)),
            ("entry.updated".to_owned(), ids(&first)),
            ("entry.deleted".to_owned(), ids(&third)),
        ],
        "in the order they happened; the deleted entry is sent once, as deleted"
    );
    back.assert_quiet(Duration::from_millis(300), "nothing is sent twice").await;
    let fourth = post(&app, &id, "The winner crosses the line.").await;
    assert_eq!(next(&mut back, "after the missed ones").await.data["entry"]["id"], fourth["id"]);

    let mut reset = EventStream::open(&app, &stream, Some("999999")).await;
    assert_eq!(next(&mut reset, "an id the blog never reached").await.event, "reset");
}

/// Only a published live blog streams: a draft's, an article that is not a live blog and an
/// unknown slug are 404, a retracted one 410, an old slug 301; entries posted while the article
/// is unpublished reach no reader.
async fn only_a_published_live_blog_streams(app: TestApp) {
    let draft = app.draft(&app.admin, json!({"title": "Embargoed live coverage"})).await;
    let draft_id = id_of(&draft);
    let path = format!("/v1/admin/articles/{draft_id}/live");
    app.send(Method::PUT, &path, Some(&app.admin), Some(json!({"live": true})), &[]).await.expect(200);
    app.get(&format!("/v1/articles/{}/live", slug_of(&draft))).await.expect_problem(404);
    let plain = app.published(json!({"title": "Not a live blog"})).await;
    app.get(&format!("/v1/articles/{}/live", slug_of(&plain))).await.expect_problem(404);
    app.get("/v1/articles/no-such-story/live").await.expect_problem(404);

    let (id, slug) = live_blog(&app, "Flood live").await;
    let head = app.send(Method::HEAD, &format!("/v1/articles/{slug}/live"), None, None, &[]).await.expect(200);
    assert_eq!(head.header("content-type"), Some("text/event-stream"));
    let renamed =
        app.patch(&format!("/v1/admin/articles/{id}"), &app.admin, json!({"slug": "flood-live-updates"})).await;
    renamed.expect(200);
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("a client");
    let moved = client.get(format!("{}/v1/articles/{slug}/live", app.base)).send().await.expect("answer");
    assert_eq!(moved.status(), 301);
    assert_eq!(moved.headers()["location"], "/v1/articles/flood-live-updates/live");

    let mut reader = EventStream::open(&app, "/v1/articles/flood-live-updates/live", None).await;
    app.act(&app.admin, &id, "unpublish").await.expect(200);
    post(&app, &id, "Desk-only: numbers not confirmed yet.").await;
    reader.assert_quiet(Duration::from_millis(1_500), "an unpublished blog's entry").await;

    let retracted = live_blog(&app, "Quake live").await;
    let reason = json!({"reason": "The quake it covered did not happen."});
    app.post(&format!("/v1/admin/articles/{}/retract", retracted.0), &app.admin, reason).await.expect(200);
    app.get(&format!("/v1/articles/{}/live", retracted.1)).await.expect_problem(410);
    let stream = format!("/v1/articles/{}/live", retracted.1);
    let problem = app.send(Method::GET, &stream, None, None, &[("last-event-id", "x")]).await.expect_problem(422);
    assert_eq!(Reply::fields(&problem), vec!["Last-Event-ID".to_owned()]);
}

/// Two first starts of one article's coverage at once, through two processes, both succeed:
/// neither trips on the row the other is making.
async fn two_first_starts_at_once_both_succeed(app: TestApp) {
    let other = app.spawn_sibling().await;
    for round in 0..5 {
        let id = id_of(&app.draft(&app.admin, json!({"title": format!("Race live {round}")})).await);
        let path = format!("/v1/admin/articles/{id}/live");
        let body = || Some(json!({"live": true}));
        let (first, second) = tokio::join!(
            app.send(Method::PUT, &path, Some(&app.admin), body(), &[]),
            other.send(Method::PUT, &path, Some(&other.admin), body(), &[]),
        );
        assert_eq!((first.status.as_u16(), second.status.as_u16()), (200, 200), "{} / {}", first.text, second.text);
    }
}

on_both_backends!(
    two_first_starts_at_once_both_succeed,
    an_entry_posted_through_one_process_reaches_a_reader_of_another,
    a_reader_that_reconnects_misses_nothing,
    only_a_published_live_blog_streams,
);

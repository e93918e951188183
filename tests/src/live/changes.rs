//! `GET /v1/changes`: the site's public changes pushed to readers, across server processes,
//! resumable with `Last-Event-ID`, and nothing the public cannot see.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::json;

use super::{EventStream, SseEvent, WITHIN};
use crate::common::{on_both_backends, wait_until, Reply, TestApp};

const CHANGES: &str = "/v1/changes";

fn item(id: &str) -> String {
    format!("/v1/admin/articles/{id}")
}

fn id_of(article: &serde_json::Value) -> String {
    article["id"].as_str().expect("id").to_owned()
}

/// The next event, which must come within the promised second.
async fn next(stream: &mut EventStream, what: &str) -> SseEvent {
    let started = Instant::now();
    let event = stream.next_event(WITHIN).await.unwrap_or_else(|| panic!("no event within {WITHIN:?}: {what}"));
    println!("{what}: {:?} after {:?}", event.event, started.elapsed());
    event
}

/// A reader connected to one server process hears, within a second, what an editor does
/// through another: publish, edit, unpublish, retract. Drafts, desk work and internal notes
/// send nothing, so the first event is the publish.
async fn a_reader_of_one_process_hears_a_publish_through_another(app: TestApp) {
    let other = app.spawn_sibling().await;
    let mut reader = EventStream::open(&other, CHANGES, None).await;

    let draft = app.draft(&app.admin, json!({"title": "Council weighs harbour levy"})).await;
    let id = id_of(&draft);
    app.patch(&item(&id), &app.admin, json!({"summary": "A draft edit nobody may hear of"})).await.expect(200);
    let note = json!({"text": "Check the levy figure with the treasurer"});
    app.post(&format!("{}/notes", item(&id)), &app.admin, note).await.expect(201);

    app.act(&app.admin, &id, "publish").await.expect(200);
    let published = next(&mut reader, "publish").await;
    assert_eq!(published.event, "article.published");
    assert_eq!(published.data["type"], "article.published");
    assert_eq!(published.data["article"]["id"], id.as_str());
    let slug = published.data["article"]["slug"].as_str().expect("slug").to_owned();
    assert!(published.data["article"]["url"].as_str().is_some_and(|u| u.ends_with(&format!("/articles/{slug}"))));
    assert!(published.data["article"]["api_url"]
        .as_str()
        .is_some_and(|u| u.ends_with(&format!("/v1/articles/{slug}"))));
    let first: i64 = published.id.as_deref().and_then(|i| i.parse().ok()).expect("a numeric id");

    app.patch(&item(&id), &app.admin, json!({"title": "Council passes harbour levy"})).await.expect(200);
    let updated = next(&mut reader, "edit of a published article").await;
    assert_eq!(updated.event, "article.updated");
    let second: i64 = updated.id.as_deref().and_then(|i| i.parse().ok()).expect("a numeric id");
    assert!(second > first, "ids increase: {first} then {second}");

    app.act(&app.admin, &id, "unpublish").await.expect(200);
    assert_eq!(next(&mut reader, "unpublish").await.event, "article.unpublished");

    let other_article = id_of(&app.published(json!({"title": "Ferry timetable changes"})).await);
    assert_eq!(next(&mut reader, "second publish").await.data["article"]["id"], other_article.as_str());
    let reason = json!({"reason": "The timetable it reported was never adopted."});
    app.post(&format!("{}/retract", item(&other_article)), &app.admin, reason).await.expect(200);
    assert_eq!(next(&mut reader, "retraction").await.event, "article.retracted");

    // The unpublished draft edited again: nobody hears of it.
    app.patch(&item(&id), &app.admin, json!({"summary": "Back to the desk"})).await.expect(200);
    reader.assert_quiet(Duration::from_millis(1_500), "an unpublished article's edit is not public").await;
}

/// A reader that drops off and reconnects with `Last-Event-ID` is sent exactly what it
/// missed, in order, then what comes next; `last_event_id=` does the same for clients that
/// cannot set headers.
async fn a_reader_that_reconnects_misses_nothing(app: TestApp) {
    let other = app.spawn_sibling().await;
    let mut reader = EventStream::open(&app, CHANGES, None).await;
    app.published(json!({"title": "Tide gauge installed"})).await;
    let seen = next(&mut reader, "first publish").await.id.expect("id");
    drop(reader);

    let mut missed = Vec::new();
    for title in ["Lifeboat crew honoured", "Harbour dredging delayed", "New pilot boat ordered"] {
        missed.push(id_of(&app.published(json!({"title": title})).await));
    }
    let mut back = EventStream::open(&other, CHANGES, Some(&seen)).await;
    for id in &missed {
        let event = next(&mut back, "a missed publish").await;
        assert_eq!(
            (event.event.as_str(), event.data["article"]["id"].as_str()),
            ("article.published", Some(id.as_str()))
        );
    }
    back.assert_quiet(Duration::from_millis(300), "nothing is sent twice").await;
    let live = id_of(&app.published(json!({"title": "Quay lights repaired"})).await);
    assert_eq!(next(&mut back, "after the missed ones").await.data["article"]["id"], live.as_str());

    let path = format!("{CHANGES}?last_event_id={seen}");
    let mut by_query = EventStream::open(&app, &path, None).await;
    let first = next(&mut by_query, "first missed, by query").await;
    assert_eq!(first.data["article"]["id"], missed[0].as_str());
}

/// An id the stream never sent (a restored database, another site) starts with `reset`: the
/// client reloads, then follows on from the id `reset` carries.
async fn an_unknown_event_id_starts_with_a_reset(app: TestApp) {
    app.published(json!({"title": "Breakwater survey published"})).await;
    let mut reader = EventStream::open(&app, CHANGES, Some("999999")).await;
    let reset = next(&mut reader, "reset").await;
    assert_eq!(reset.event, "reset");
    assert!(reset.data["reason"].as_str().is_some_and(|r| !r.is_empty()), "{:?}", reset.data);
    let newest: i64 = reset.id.as_deref().and_then(|i| i.parse().ok()).expect("reset carries the newest id");
    let id = id_of(&app.published(json!({"title": "Dock workers vote"})).await);
    let event = next(&mut reader, "after the reset").await;
    assert_eq!(event.data["article"]["id"], id.as_str());
    assert!(event.id.as_deref().and_then(|i| i.parse::<i64>().ok()).is_some_and(|seq| seq > newest));
}

/// A malformed `Last-Event-ID` is a 422 naming it, not a stream from somewhere.
async fn a_malformed_event_id_is_refused(app: TestApp) {
    for (header, query, field) in [
        (Some("abc"), "", "Last-Event-ID"),
        (Some("-4"), "", "Last-Event-ID"),
        (Some("99999999999999999999999"), "", "Last-Event-ID"),
        (None, "?last_event_id=1.5", "last_event_id"),
    ] {
        let headers: Vec<(&str, &str)> = header.map(|h| ("last-event-id", h)).into_iter().collect();
        let path = format!("{CHANGES}{query}");
        let problem = app.send(Method::GET, &path, None, None, &headers).await.expect_problem(422);
        assert_eq!(Reply::fields(&problem), vec![field.to_owned()], "{header:?} {query}: {problem}");
    }
}

fn two_streams_beat_each_second(config: &mut newsdesk_api::Config) {
    config.live_max_streams = 2;
    config.live_heartbeat = 1;
    config.metrics_token = Some(METRICS_TOKEN.into());
}

const METRICS_TOKEN: &str = "metrics-token-for-the-live-tests-0123";

/// `newsdesk_live_streams` as `/metrics` reports it.
async fn open_streams(app: &TestApp) -> String {
    let reply = app.send(Method::GET, "/metrics", Some(METRICS_TOKEN), None, &[]).await.expect(200);
    let line = reply.text.lines().find(|l| l.starts_with("newsdesk_live_streams ")).map(str::to_owned);
    line.unwrap_or_else(|| panic!("no newsdesk_live_streams: {}", reply.text))
}

/// An idle stream carries a heartbeat comment; a process serves at most
/// `NEWSDESK_LIVE_MAX_STREAMS` streams (one more is 503 with `Retry-After`), and a reader that
/// goes away frees its place.
async fn streams_beat_and_are_bounded(app: TestApp) {
    let mut first = EventStream::open(&app, CHANGES, None).await;
    let second = EventStream::open(&app, CHANGES, None).await;
    first.wait_for_comment("heartbeat", Duration::from_secs(3)).await;

    let refused = EventStream::request(&app, CHANGES, None).await;
    assert_eq!(refused.status(), 503);
    assert!(refused.headers().contains_key("retry-after"));
    assert_eq!(refused.headers()["content-type"], "application/problem+json");
    assert_eq!(open_streams(&app).await, "newsdesk_live_streams 2", "/metrics counts the open streams");

    drop(second);
    // The server notices the closed connection at its next heartbeat.
    wait_until("a freed place for a new stream", || async {
        let response = EventStream::request(&app, CHANGES, None).await;
        (response.status() == 200).then_some(())
    })
    .await;
}

on_both_backends!(
    a_reader_of_one_process_hears_a_publish_through_another,
    a_reader_that_reconnects_misses_nothing,
    an_unknown_event_id_starts_with_a_reset,
    a_malformed_event_id_is_refused,
);
on_both_backends!(settings = two_streams_beat_each_second; streams_beat_and_are_bounded);

//! Live streams, as Server-Sent Events: the site's public changes (`GET /v1/changes`) and a
//! live blog's entries (`GET /v1/articles/{slug}/live`).
//!
//! A stream's events carry increasing sequence numbers from the database (the public change
//! log's, or the live blog's), in commit order, as their ids. So a reader that reconnects with
//! `Last-Event-ID` is sent exactly what it missed, from the database, whichever server process
//! it reaches; and the [`hub::LiveHub`] of each process pushes new events as it hears of them.

pub mod changes;
pub mod entries;
pub mod hub;
mod sse;

use newsdesk_persistence::{DbConn, StoreResult};

use hub::{LiveHub, Subscription, Topic};

/// At most this many missed events are sent again; a reader further behind is told to start over.
const MAX_MISSED: i64 = 1_000;

/// One event of a stream.
#[derive(Debug, Clone)]
pub struct Event {
    /// The event's id: its place in the stream.
    pub seq: i64,
    pub name: String,
    /// JSON.
    pub data: String,
}

impl Event {
    /// Tells a reader that it missed more than can be sent again (or asked from a place the
    /// stream never reached): it reloads what it shows, and follows on from `seq`.
    fn reset(seq: i64, reason: &str) -> Self {
        Self { seq, name: "reset".into(), data: serde_json::json!({ "reason": reason }).to_string() }
    }
}

/// Reads every topic's events after a sequence number (the hub's loader).
pub fn load(conn: &mut DbConn, topic: &Topic, after: i64, public_url: &str) -> StoreResult<Vec<Event>> {
    match topic {
        Topic::Changes => changes::load(conn, after, MAX_MISSED, public_url),
        Topic::Entries(article_id) => entries::load(conn, article_id, after, MAX_MISSED),
    }
}

/// Where a stream stands when a reader joins: the oldest and newest sequence numbers it can
/// send again from (`None` when it has none).
pub struct Bounds {
    pub oldest: Option<i64>,
    pub newest: i64,
}

/// Joins `topic` for a reader that saw `seen` last (`None`: a new reader), from a database
/// thread: subscribes first, then reads what the reader missed, so nothing committed in
/// between is lost (an event sent both ways goes out once). `None` when the process serves
/// as many streams as it may.
fn join(
    conn: &mut DbConn,
    hub: &LiveHub,
    topic: Topic,
    bounds: Bounds,
    seen: Option<i64>,
) -> StoreResult<Option<(Vec<Event>, i64, Subscription)>> {
    let Bounds { oldest, newest } = bounds;
    let Some(subscription) = hub.subscribe(topic.clone(), newest) else { return Ok(None) };
    let mut reset = match seen {
        None => None,
        Some(seen) if seen > newest => Some("the stream never reached that event id"),
        // Events after `seen` were pruned: some are gone.
        Some(seen) if oldest.is_some_and(|oldest| oldest > seen + 1) => Some("events since that id are no longer kept"),
        Some(_) => None,
    };
    let start = seen.filter(|_| reset.is_none()).unwrap_or(newest);
    let mut missed = load(conn, &topic, start, &hub.public_url)?;
    if i64::try_from(missed.len()).unwrap_or(i64::MAX) >= MAX_MISSED {
        reset = Some("more events were missed than are sent again");
        missed = load(conn, &topic, newest, &hub.public_url)?;
    }
    if let Some(reason) = reset {
        missed.insert(0, Event::reset(newest, reason));
    }
    let sent = missed.last().map_or(start, |event| event.seq);
    Ok(Some((missed, sent, subscription)))
}

/// Whether `path` is a live stream's: never cached, never compressed (a compressor would hold
/// events back to fill its blocks).
pub fn is_stream(path: &str) -> bool {
    path == "/v1/changes"
        || path
            .strip_prefix("/v1/articles/")
            .and_then(|rest| rest.strip_suffix("/live"))
            .is_some_and(|slug| !slug.is_empty() && !slug.contains('/'))
}

/// Lets a live stream through `Compress` uncompressed: it negotiates from `Accept-Encoding`,
/// so the stream's request goes on without one.
pub async fn uncompressed_streams(
    mut req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    if is_stream(req.path()) {
        req.headers_mut().remove(actix_web::http::header::ACCEPT_ENCODING);
    }
    next.call(req).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn streams_are_told_apart_from_articles() {
        assert!(super::is_stream("/v1/changes"));
        assert!(super::is_stream("/v1/articles/harbour-strike/live"));
        assert!(!super::is_stream("/v1/articles/live"), "an article whose slug is `live`");
        assert!(!super::is_stream("/v1/articles/harbour-strike/entries"));
        assert!(!super::is_stream("/v1/changes/x"));
    }
}

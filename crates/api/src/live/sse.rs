//! Writing a Server-Sent Events stream: what was missed first, then what the hub broadcasts,
//! with a heartbeat between.

use std::collections::VecDeque;
use std::time::Duration;

use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use futures_util::stream;
use tokio::sync::broadcast::error::RecvError;

use super::hub::Subscription;
use super::Event;
use crate::error::{ApiError, ApiResult};

/// How long a browser waits before it reconnects (the `retry` field).
const RETRY_MS: u32 = 3_000;

/// The sequence number a reconnecting reader saw last: the `Last-Event-ID` header, or the
/// `last_event_id` query parameter for clients that cannot set headers. `None` for a new reader.
pub fn last_event_id(req: &HttpRequest, query: Option<&str>) -> ApiResult<Option<i64>> {
    let header = req.headers().get("last-event-id").map(|v| v.to_str().unwrap_or("?"));
    let (field, value) = match (header, query) {
        (Some(value), _) => ("Last-Event-ID", value),
        (None, Some(value)) => ("last_event_id", value),
        (None, None) => return Ok(None),
    };
    // Browsers send an empty header when no event had an id yet.
    if value.trim().is_empty() {
        return Ok(None);
    }
    value.trim().parse::<i64>().ok().filter(|seq| *seq >= 0).map(Some).ok_or_else(|| {
        ApiError::invalid(field, "must be the id of an event this stream sent (a whole number, 0 or more)")
    })
}

/// The frame for one event.
fn frame(event: &Event) -> Bytes {
    let mut text = format!("id: {}\nevent: {}\n", event.seq, event.name);
    // A JSON document written by serde holds no raw newline; one `data` line carries it.
    for line in event.data.split('\n') {
        text.push_str("data: ");
        text.push_str(line);
        text.push('\n');
    }
    text.push('\n');
    Bytes::from(text)
}

struct Reader {
    missed: VecDeque<Event>,
    subscription: Subscription,
    /// The newest sequence number sent: a broadcast at or below it was sent from `missed`.
    sent: i64,
    heartbeat: tokio::time::Interval,
}

/// The streaming answer: `missed` (oldest first, ending at `sent`), then every broadcast event
/// newer than it. A reader that falls more than the hub's backlog behind is let go: its client
/// reconnects with `Last-Event-ID` and is sent the rest from the database.
pub fn respond(missed: Vec<Event>, sent: i64, subscription: Subscription, heartbeat: Duration) -> HttpResponse {
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + heartbeat, heartbeat);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let reader = Reader { missed: missed.into(), subscription, sent, heartbeat: ticks };
    // The first frame goes out at once, so the client knows the stream is open.
    let opening = Bytes::from(format!("retry: {RETRY_MS}\n: connected\n\n"));
    let events = stream::unfold(reader, |mut reader| async move {
        let bytes = next_frame(&mut reader).await?;
        Some((Ok::<_, std::convert::Infallible>(bytes), reader))
    });
    let body = futures_util::StreamExt::chain(stream::once(async move { Ok(opening) }), events);
    headers().streaming(body)
}

/// A stream's answer to HEAD: its headers, and no stream behind them (actix would otherwise
/// keep polling an endless body it never sends, and the connection could serve nothing else).
pub fn head() -> HttpResponse {
    headers().finish()
}

fn headers() -> actix_web::HttpResponseBuilder {
    let mut response = HttpResponse::Ok();
    response
        .insert_header((header::CONTENT_TYPE, HeaderValue::from_static("text/event-stream")))
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        // nginx would otherwise hold the frames back to fill its buffer.
        .insert_header(("x-accel-buffering", HeaderValue::from_static("no")));
    response
}

async fn next_frame(reader: &mut Reader) -> Option<Bytes> {
    if let Some(event) = reader.missed.pop_front() {
        return Some(frame(&event));
    }
    loop {
        tokio::select! {
            received = reader.subscription.receiver.recv() => match received {
                Ok(event) if event.seq <= reader.sent => continue,
                Ok(event) => {
                    reader.sent = event.seq;
                    return Some(frame(&event));
                }
                // Fell behind, or the server is stopping: the client resumes from `sent`.
                Err(RecvError::Lagged(_) | RecvError::Closed) => return None,
            },
            _ = reader.heartbeat.tick() => return Some(Bytes::from_static(b": heartbeat\n\n")),
        }
    }
}

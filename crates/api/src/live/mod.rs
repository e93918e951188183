//! Live streams, as Server-Sent Events: what every stream shares. The streams themselves (the
//! site's public changes, a live blog's entries) are in the `streams` module.
//!
//! A stream's events carry increasing sequence numbers from the database (the public change
//! log's, or the live blog's), in commit order, as their ids. So a reader that reconnects with
//! `Last-Event-ID` is sent exactly what it missed, from the database, whichever server process
//! it reaches; and the [`hub::LiveHub`] of each process pushes new events as it hears of them.

pub mod hub;
pub mod sse;

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
    pub fn reset(seq: i64, reason: &str) -> Self {
        Self { seq, name: "reset".into(), data: serde_json::json!({ "reason": reason }).to_string() }
    }
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

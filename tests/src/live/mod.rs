//! Live streams (Server-Sent Events): the site's public changes and live blogs' entries, read
//! the way a browser's `EventSource` reads them.

mod blog;
mod blog_stream;
mod changes;
mod reader_page;

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::TestApp;

/// How long an event may take to reach a reader: the issue's promise.
pub const WITHIN: Duration = Duration::from_secs(1);

/// One event as a client parses it.
#[derive(Debug, Clone)]
pub struct SseEvent {
    pub id: Option<String>,
    pub event: String,
    pub data: Value,
}

/// An open stream, read frame by frame.
pub struct EventStream {
    response: reqwest::Response,
    buffer: String,
    /// Comment lines seen so far (`connected`, `heartbeat`).
    pub comments: Vec<String>,
}

impl EventStream {
    /// Opens `path` on `app`, resuming after `last_event_id` when given; asserts 200 and the
    /// stream's headers, and waits for the opening frame.
    pub async fn open(app: &TestApp, path: &str, last_event_id: Option<&str>) -> Self {
        let response = Self::request(app, path, last_event_id).await;
        assert_eq!(response.status(), 200, "{path}");
        let headers = response.headers();
        assert_eq!(headers["content-type"], "text/event-stream", "{path}");
        assert_eq!(headers["cache-control"], "no-store", "{path}");
        assert!(headers.get("content-encoding").is_none(), "{path}: a stream goes uncompressed");
        let mut stream = Self { response, buffer: String::new(), comments: Vec::new() };
        stream.wait_for_comment("connected", Duration::from_secs(5)).await;
        stream
    }

    /// The raw answer to a stream request (a browser's headers, gzip and brotli accepted).
    pub async fn request(app: &TestApp, path: &str, last_event_id: Option<&str>) -> reqwest::Response {
        let mut request = app
            .client
            .get(format!("{}{path}", app.base))
            .header("accept", "text/event-stream")
            .header("accept-encoding", "gzip, br");
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id);
        }
        request.send().await.expect("stream request")
    }

    /// The next frame's lines, or `None` when `deadline` passes or the stream ends.
    async fn frame(&mut self, deadline: Instant) -> Option<Vec<String>> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let frame: String = self.buffer.drain(..end + 2).collect();
                return Some(frame.lines().map(str::to_owned).collect());
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            match tokio::time::timeout(left, self.response.chunk()).await {
                Ok(Ok(Some(chunk))) => self.buffer.push_str(&String::from_utf8_lossy(&chunk)),
                _ => return None,
            }
        }
    }

    /// The next event within `within` (comments are noted and skipped).
    pub async fn next_event(&mut self, within: Duration) -> Option<SseEvent> {
        let deadline = Instant::now() + within;
        loop {
            let lines = self.frame(deadline).await?;
            let (mut id, mut event, mut data) = (None, None, String::new());
            for line in lines {
                if let Some(comment) = line.strip_prefix(':') {
                    self.comments.push(comment.trim().to_owned());
                } else if let Some(value) = line.strip_prefix("id: ") {
                    id = Some(value.to_owned());
                } else if let Some(value) = line.strip_prefix("event: ") {
                    event = Some(value.to_owned());
                } else if let Some(value) = line.strip_prefix("data: ") {
                    data.push_str(value);
                }
            }
            if let Some(event) = event {
                let data = serde_json::from_str(&data).unwrap_or_else(|e| panic!("event data is JSON ({e}): {data}"));
                return Some(SseEvent { id, event, data });
            }
        }
    }

    /// Waits until a comment `text` arrives.
    pub async fn wait_for_comment(&mut self, text: &str, within: Duration) {
        let deadline = Instant::now() + within;
        while !self.comments.iter().any(|c| c == text) {
            let lines = self.frame(deadline).await.unwrap_or_else(|| panic!("no `{text}` comment within {within:?}"));
            for line in lines {
                if let Some(comment) = line.strip_prefix(':') {
                    self.comments.push(comment.trim().to_owned());
                } else {
                    assert!(!line.starts_with("data:"), "an event came before the `{text}` comment: {line}");
                }
            }
        }
    }

    /// Asserts that no event arrives within `quiet`.
    pub async fn assert_quiet(&mut self, quiet: Duration, why: &str) {
        if let Some(event) = self.next_event(quiet).await {
            panic!("{why}: got {event:?}");
        }
    }
}

//! A response as a test reads it: status, headers, and the body as text and as JSON.

use reqwest::StatusCode;
use serde_json::Value;

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Reply {
    /// Reads a response whole; a body that is not JSON is `Null` in `body`.
    pub async fn read(response: reqwest::Response) -> Self {
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Self { status, headers, body, text }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts the status, printing the body when it differs.
    #[track_caller]
    pub fn expect(self, status: u16) -> Self {
        assert_eq!(self.status.as_u16(), status, "unexpected status; body: {}", self.text);
        self
    }

    /// Asserts an `application/problem+json` error with this status; returns the problem.
    #[track_caller]
    pub fn expect_problem(self, status: u16) -> Value {
        assert_eq!(self.status.as_u16(), status, "unexpected status; body: {}", self.text);
        assert_eq!(self.header("content-type"), Some("application/problem+json"), "body: {}", self.text);
        assert_eq!(self.body["status"], status, "body: {}", self.text);
        self.body
    }

    /// The `field` names of a problem's errors.
    pub fn fields(problem: &Value) -> Vec<String> {
        problem["errors"]
            .as_array()
            .map(|e| e.iter().filter_map(|e| e["field"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    }
}

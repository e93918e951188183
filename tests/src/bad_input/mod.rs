//! Bad input on every endpoint that takes a body or parameters. Each is refused with the right
//! status and an `application/problem+json` body; a 422 names the field at fault; nothing is a 500.

mod bodies;
mod conflicts;
mod fields;
mod no_500;
mod parameters;

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{Reply, TestApp};

/// The four taxonomy resources, by their path segment.
const KINDS: [&str; 4] = ["authors", "sources", "sections", "tags"];

/// Asserts a problem document with `status`; `context` says which request it was.
#[track_caller]
fn problem(reply: Reply, status: u16, context: &str) -> Value {
    assert_eq!(reply.status.as_u16(), status, "{context}: body {}", reply.text);
    assert_eq!(reply.header("content-type"), Some("application/problem+json"), "{context}: body {}", reply.text);
    assert_eq!(reply.body["status"], status, "{context}: body {}", reply.text);
    for member in ["type", "title", "detail"] {
        assert!(reply.body[member].is_string(), "{context}: the problem has a `{member}`: {}", reply.text);
    }
    reply.body
}

/// Asserts a 422 whose errors name exactly `fields`, in order.
#[track_caller]
fn invalid(reply: Reply, fields: &[&str], context: &str) -> Value {
    let body = problem(reply, 422, context);
    assert_eq!(Reply::fields(&body), fields, "{context}: {body}");
    assert_eq!(body["type"], "urn:newsdesk:problem:validation-failed", "{context}");
    body
}

/// Sends raw bytes as the admin with any headers (the harness's `raw` takes no extra headers).
async fn raw_with(app: &TestApp, method: Method, path: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Reply {
    let mut request = app.client.request(method, format!("{}{path}", app.base)).bearer_auth(&app.admin).body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    Reply::read(request.send().await.expect("request is sent")).await
}

fn id_of(reply: Reply) -> String {
    reply.expect(201).body["id"].as_str().expect("id").to_owned()
}

/// Real resources to aim PATCHes at.
struct Targets {
    article: String,
    user: String,
    /// (kind, id) of one entry of each taxonomy resource.
    terms: Vec<(&'static str, String)>,
}

async fn targets(app: &TestApp) -> Targets {
    let article = app.draft(&app.admin, json!({"title": "Target article"})).await["id"].as_str().unwrap().to_owned();
    let (user, _) = app.user_with_role("author").await;
    let mut terms = Vec::new();
    for kind in KINDS {
        let id =
            id_of(app.post(&format!("/v1/admin/{kind}"), &app.admin, json!({"name": format!("Target {kind}")})).await);
        terms.push((kind, id));
    }
    Targets { article, user, terms }
}

/// A request of the no-500 tables: raw JSON text sent as `application/json`.
struct Case {
    method: Method,
    path: String,
    body: Option<String>,
    headers: Vec<(&'static str, &'static str)>,
    /// The right answer (a few requests have two acceptable ones).
    statuses: &'static [u16],
    /// The field a 422 must name.
    field: Option<&'static str>,
}

fn case(
    method: Method,
    path: impl Into<String>,
    body: Option<&str>,
    statuses: &'static [u16],
    field: Option<&'static str>,
) -> Case {
    Case { method, path: path.into(), body: body.map(str::to_owned), headers: Vec::new(), statuses, field }
}

impl Case {
    /// Sends `If-Match: *`, which a PATCH or DELETE now needs to get past 428.
    fn if_match_any(mut self) -> Self {
        self.headers.push(("if-match", "*"));
        self
    }
}

/// Sends every case and fails once, listing each one that was a 500 or otherwise wrong.
async fn run_table(app: &TestApp, cases: Vec<Case>) {
    let mut failures = Vec::new();
    for c in cases {
        let mut headers = c.headers.clone();
        if c.body.is_some() {
            headers.push(("content-type", "application/json"));
        }
        let reply =
            raw_with(app, c.method.clone(), &c.path, &headers, c.body.clone().unwrap_or_default().into_bytes()).await;
        let shown: String = c.path.chars().take(80).collect();
        let context = format!(
            "{} {shown} {}",
            c.method,
            c.body.as_deref().unwrap_or_default().chars().take(160).collect::<String>()
        );
        let status = reply.status.as_u16();
        if !c.statuses.contains(&status) {
            failures.push(format!("{context}: expected {:?}, got {status} {}", c.statuses, reply.text));
            continue;
        }
        if status >= 400 {
            if reply.header("content-type") != Some("application/problem+json") {
                failures.push(format!("{context}: not a problem document: {:?}", reply.header("content-type")));
                continue;
            }
            if let Some(field) = c.field.filter(|_| status == 422) {
                let fields = Reply::fields(&reply.body);
                if fields != [field] {
                    failures.push(format!("{context}: expected field {field}, got {fields:?}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} bad requests were mishandled:\n{}", failures.len(), failures.join("\n"));
}

//! The served OpenAPI document is the committed one, every documented operation is routed, and
//! every route is documented.

use std::collections::BTreeSet;

use newsdesk_api::routes::RouteEntry;
use serde_json::Value;

use crate::common::{on_both_backends, TestApp};

/// The reader's pages: routed, and no part of the API.
const PAGES: [&str; 4] = ["/", "/articles/{slug}", "/reader.js", "/reader.css"];

fn committed() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openapi.json");
    let text = std::fs::read_to_string(path).expect("openapi/openapi.json exists; run `make openapi`");
    serde_json::from_str(&text).expect("openapi/openapi.json is JSON")
}

/// Every documented operation, as (path, lowercase method).
fn documented(document: &Value) -> BTreeSet<(String, String)> {
    let paths = document["paths"].as_object().expect("paths");
    paths
        .iter()
        .flat_map(|(path, operations)| {
            operations.as_object().expect("operations").keys().map(move |method| (path.clone(), method.clone()))
        })
        .collect()
}

/// What is wrong between the route table and the document, one line each.
fn drift(table: &[RouteEntry], document: &Value) -> Vec<String> {
    let documented = documented(document);
    let mut routed = BTreeSet::new();
    let mut problems = Vec::new();
    for entry in table {
        let key = (entry.path.clone(), entry.method.as_str().to_lowercase());
        if !routed.insert(key.clone()) {
            problems.push(format!("{} {} is routed twice; actix serves only the first", entry.method, entry.path));
        }
        let in_document = documented.contains(&key);
        match (entry.documented, in_document) {
            (true, false) => {
                problems.push(format!("{} {} is routed but not in the document", entry.method, entry.path))
            }
            (false, _) if !PAGES.contains(&entry.path.as_str()) => {
                problems.push(format!("{} {} is routed without documentation", entry.method, entry.path))
            }
            _ => {}
        }
    }
    for (path, method) in documented.difference(&routed) {
        problems.push(format!("{method} {path} is documented but not routed"));
    }
    problems
}

#[test]
fn every_route_is_documented_and_every_documented_operation_is_routed() {
    let problems = drift(&newsdesk_api::router::route_table(), &committed());
    assert!(problems.is_empty(), "route table and openapi/openapi.json disagree:\n{}", problems.join("\n"));
}

#[test]
fn a_route_added_without_documentation_is_caught() {
    let mut table = newsdesk_api::router::route_table();
    let page = table.iter().find(|entry| !entry.documented).expect("the reader's pages are routed").clone();
    table.push(RouteEntry { path: "/v1/undocumented".into(), ..page });
    let mut document = committed();
    document["paths"].as_object_mut().expect("paths").remove("/v1/me");
    let problems = drift(&table, &document);
    assert_eq!(
        problems,
        ["GET /v1/me is routed but not in the document", "GET /v1/undocumented is routed without documentation"]
    );
}

async fn served_document_matches_the_committed_file(app: TestApp) {
    let served = app.get("/openapi.json").await.expect(200).body;
    assert_eq!(served["openapi"], "3.1.0");
    assert!(
        served == committed(),
        "openapi/openapi.json is out of date with the code: run `make openapi` and commit the result"
    );
    let docs = app.get("/docs/").await.expect(200);
    assert!(docs.text.contains("swagger-ui"), "Swagger UI is served from the binary");
}

/// Asks the running server, not the table: the router answers every documented operation.
async fn every_documented_operation_is_answered(app: TestApp) {
    for (path, method) in documented(&committed()) {
        let concrete: Vec<String> = path
            .split('/')
            .map(|segment| if segment.starts_with('{') { "no-such-thing".to_owned() } else { segment.to_owned() })
            .collect();
        let mut method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
        let concrete = concrete.join("/");
        // A live stream's GET never ends; its HEAD is routed with it.
        if newsdesk_api::live::is_stream(&concrete) {
            method = reqwest::Method::HEAD;
        }
        let reply = app.send(method.clone(), &concrete, None, None, &[]).await;
        assert_ne!(reply.status.as_u16(), 405, "{method} {path} is documented but not routed");
        let routed_404 =
            reply.status.as_u16() == 404 && reply.body["detail"].as_str().is_some_and(|d| d.contains("no such route"));
        assert!(!routed_404, "{method} {path} is documented but not routed");
    }
}

on_both_backends!(served_document_matches_the_committed_file, every_documented_operation_is_answered);

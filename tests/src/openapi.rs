//! The served OpenAPI document is the committed one, and every documented path is routed.

use serde_json::Value;

use crate::common::{on_both_backends, TestApp};

fn committed() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openapi.json");
    let text = std::fs::read_to_string(path).expect("openapi/openapi.json exists; run `make openapi`");
    serde_json::from_str(&text).expect("openapi/openapi.json is JSON")
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

async fn every_documented_path_is_routed(app: TestApp) {
    let document = committed();
    for (path, operations) in document["paths"].as_object().expect("paths") {
        let concrete = path.replace("{slug}", "no-such-slug").replace("{id}", "no-such-id");
        for method in operations.as_object().expect("operations").keys() {
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            let reply = app.send(method.clone(), &concrete, None, None, &[]).await;
            assert_ne!(reply.status.as_u16(), 405, "{method} {path} is documented but not routed");
            let routed_404 = reply.status.as_u16() == 404
                && reply.body["detail"].as_str().is_some_and(|d| d.contains("no such route"));
            assert!(!routed_404, "{method} {path} is documented but not routed");
        }
    }
}

on_both_backends!(served_document_matches_the_committed_file, every_documented_path_is_routed);

//! What an operator relies on: health checks, request ids, and a clear 503 when the database goes.

use reqwest::Method;

use crate::common::{on_both_backends, Backend, TestApp};

async fn health_checks_answer(app: TestApp) {
    assert_eq!(app.get("/healthz").await.expect(200).body["status"], "ok");
    assert_eq!(app.get("/readyz").await.expect(200).body["status"], "ok");
}

async fn request_ids_are_echoed_or_made(app: TestApp) {
    let given = app.send(Method::GET, "/healthz", None, None, &[("x-request-id", "trace-abc-123")]).await;
    assert_eq!(given.header("x-request-id"), Some("trace-abc-123"));
    let made = app.get("/healthz").await;
    let id = made.header("x-request-id").expect("a request id is generated");
    assert!(id.len() >= 16, "{id}");
    let errors_too = app.get("/v1/no-such-route").await;
    assert!(errors_too.header("x-request-id").is_some());
}

async fn admin_responses_are_never_cached(app: TestApp) {
    let me = app.admin_get("/v1/me", &app.admin).await.expect(200);
    assert_eq!(me.header("cache-control"), Some("no-store"));
    let list = app.admin_get("/v1/admin/articles", &app.admin).await.expect(200);
    assert_eq!(list.header("cache-control"), Some("no-store"));
}

on_both_backends!(health_checks_answer, request_ids_are_echoed_or_made, admin_responses_are_never_cached);

/// PostgreSQL only: SQLite is a local file that cannot become unreachable the same way.
#[actix_web::test]
async fn a_lost_database_answers_503_not_500() {
    let app = TestApp::spawn(Backend::Postgres).await;
    app.lose_database();
    let ready = app.get("/readyz").await.expect_problem(503);
    assert!(ready["detail"].as_str().unwrap().contains("database"));
    app.get("/v1/articles").await.expect_problem(503);
    let write = app
        .send(Method::POST, "/v1/admin/tags", Some(&app.admin), Some(serde_json::json!({"name": "Outage"})), &[])
        .await;
    assert_eq!(write.status.as_u16(), 503, "{}", write.text);
}

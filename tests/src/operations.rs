//! What an operator relies on: health checks, request ids, and a clear 503 when the database goes.

use reqwest::Method;

use crate::common::{on_both_backends, wait_until, Backend, TestApp};

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

/// PostgreSQL only: when the database ends the server's sessions (a failover, a restart), the
/// next requests are answered from new connections: no 503, and no restart of the server.
#[actix_web::test]
async fn requests_survive_the_database_ending_its_sessions() {
    let app = TestApp::spawn_with(Backend::Postgres, |config| config.no_cache = true).await;
    for round in 0..3 {
        // Every pooled connection busy at once, so each of them has just answered.
        let paths: Vec<String> = (1..=8).map(|i| format!("/v1/tags?limit={i}")).collect();
        for reply in futures::future::join_all(paths.iter().map(|path| app.get(path))).await {
            reply.expect(200);
        }
        app.cut_connections();
        // A write first, then reads, each on a pool whose connections the database closed.
        let write =
            app.post("/v1/admin/tags", &app.admin, serde_json::json!({"name": format!("After cut {round}")})).await;
        write.expect(201);
        for path in &paths {
            let reply = app.get(path).await;
            assert_eq!(reply.status.as_u16(), 200, "round {round}, {path} after the cut: {}", reply.text);
        }
    }
}

/// Another process's connection to this SQLite app's database, holding the write lock until
/// the test sends `COMMIT`.
fn hold_write_lock(app: &TestApp) -> diesel::SqliteConnection {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let path = app.database_url().trim_start_matches("sqlite://");
    let mut outside = diesel::SqliteConnection::establish(path).expect("open the test database");
    // The server's scheduler writes twice a second: wait for it like any other writer.
    outside.batch_execute("PRAGMA busy_timeout = 5000; BEGIN IMMEDIATE").expect("take the write lock");
    outside
}

/// SQLite, where a test can hold the write lock from outside: with one database thread, a read
/// queued behind a write that is stuck on that lock answers 503 once it has waited longer than
/// `db_timeout`, instead of hanging; the write lands when the lock is let go, and the server
/// answers as before.
#[actix_web::test]
async fn a_request_queued_too_long_for_a_database_thread_answers_503() {
    use diesel::connection::SimpleConnection;
    let app = TestApp::spawn_with(Backend::Sqlite, |config| {
        config.db_threads = Some(1);
        config.db_timeout = 1;
        // Every read below needs the database thread: none is answered from the cache.
        config.no_cache = true;
    })
    .await;
    let mut outside = hold_write_lock(&app);
    let write =
        app.send(Method::POST, "/v1/admin/tags", Some(&app.admin), Some(serde_json::json!({"name": "Queued"})), &[]);
    let read = async {
        // Reads are answered while the thread is free. Once the write holds it, stuck on the
        // lock (SQLite waits 5 s, longer than db_timeout), the next read queues behind it.
        let read = wait_until("a read queued behind the stuck write", || async {
            let read = app.get("/v1/tags?limit=3").await;
            match read.status.as_u16() {
                200 => None,
                503 => Some(read),
                other => panic!("a read answered {other}: {}", read.text),
            }
        })
        .await;
        outside.batch_execute("COMMIT").expect("let the write lock go");
        read
    };
    let (write, read) = tokio::join!(write, read);
    // Overload, not an outage: its own problem type, and a short `Retry-After`.
    assert_eq!(read.header("retry-after"), Some("1"), "{}", read.text);
    let problem = read.expect_problem(503);
    assert_eq!(problem["type"], "urn:newsdesk:problem:service-busy", "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains("too busy"), "{problem}");
    write.expect(201);
    let tags = app.get("/v1/tags?limit=3").await.expect(200);
    assert!(tags.body["data"].as_array().unwrap().iter().any(|t| t["name"] == "Queued"), "{}", tags.body);
}

/// SQLite: writes waiting for the one writer hold no database thread, so while another process
/// holds the write lock and writes queue up, reads are still answered; the writes all land once
/// the lock is let go.
#[actix_web::test]
async fn queued_writes_leave_threads_to_the_reads() {
    use diesel::connection::SimpleConnection;
    let app = TestApp::spawn_with(Backend::Sqlite, |config| config.db_threads = Some(2)).await;
    let mut outside = hold_write_lock(&app);
    let names = ["Queued one", "Queued two", "Queued three"];
    let before = app.db.statements_run();
    let writes = futures::future::join_all(
        names.iter().map(|name| app.post("/v1/admin/tags", &app.admin, serde_json::json!({ "name": name }))),
    );
    let read = async {
        // Each write checks its caller's token with a query, then queues for the writer. (The
        // webhook worker's polls count too, so this may end a little early, never late.)
        wait_until("the three writes to have arrived", || async {
            (app.db.statements_run() >= before + names.len() as u64).then_some(())
        })
        .await;
        // Two writes on the two threads would leave this read queued past db_timeout (1 s).
        let read = app.get("/v1/articles?limit=2").await;
        outside.batch_execute("COMMIT").expect("let the write lock go");
        read
    };
    let (writes, read) = tokio::join!(writes, read);
    read.expect(200);
    for write in writes {
        write.expect(201);
    }
}

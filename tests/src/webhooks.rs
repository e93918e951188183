//! Webhooks as an integrator meets them: a real receiver on loopback that fails at first,
//! signed deliveries, order per article, nothing lost across a restart or doubled by a
//! second server, the delivery log, redelivery, pings, and the endpoint admin's rules.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::{json, Value};
use sha2::Sha256;

use crate::common::{on_both_backends, wait_until, Backend, Reply, TestApp};

/// One request the receiver got, and what it answered.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub(crate) event_id: String,
    pub(crate) event: String,
    signature: String,
    timestamp: String,
    pub(crate) body: Value,
    raw: String,
    status: u16,
}

#[derive(Default)]
struct Shared {
    hits: Mutex<Vec<Hit>>,
    /// How many of the next requests get a 500.
    fail_next: AtomicUsize,
    /// While set, every request gets a 500 (the receiver is down).
    refusing: AtomicBool,
    /// How long each answer takes, in milliseconds (a slow receiver).
    latency_ms: AtomicU64,
}

/// An HTTP server on a free loopback port that records every webhook request (other stories
/// use it to see the events their steps fire).
pub(crate) struct Receiver {
    pub(crate) url: String,
    shared: Arc<Shared>,
    handle: actix_web::dev::ServerHandle,
}

async fn hook(req: HttpRequest, body: web::Bytes, shared: web::Data<Shared>) -> HttpResponse {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let failing = shared.refusing.load(Ordering::SeqCst)
        || shared.fail_next.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok();
    let status = if failing { 500 } else { 200 };
    let raw = String::from_utf8_lossy(&body).into_owned();
    let latency = shared.latency_ms.load(Ordering::SeqCst);
    if latency > 0 {
        actix_web::rt::time::sleep(std::time::Duration::from_millis(latency)).await;
    }
    shared.hits.lock().unwrap().push(Hit {
        event_id: header("newsdesk-event-id"),
        event: header("newsdesk-event"),
        signature: header("newsdesk-signature"),
        timestamp: header("newsdesk-timestamp"),
        body: serde_json::from_str(&raw).unwrap_or(Value::Null),
        raw,
        status,
    });
    if failing {
        HttpResponse::InternalServerError().body("receiver is having a bad day")
    } else {
        HttpResponse::Ok().body("thanks")
    }
}

impl Receiver {
    /// Starts a receiver that answers 500 to its first `failures` requests, then 200.
    pub(crate) async fn start(failures: usize) -> Self {
        let shared = Arc::new(Shared { fail_next: AtomicUsize::new(failures), ..Shared::default() });
        let data = web::Data::from(Arc::clone(&shared));
        let server = HttpServer::new(move || App::new().app_data(data.clone()).route("/hook", web::post().to(hook)))
            .workers(1)
            .disable_signals()
            .bind(("127.0.0.1", 0))
            .expect("receiver binds");
        let port = server.addrs()[0].port();
        let server = server.run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        Self { url: format!("http://127.0.0.1:{port}/hook"), shared, handle }
    }

    fn hits(&self) -> Vec<Hit> {
        self.shared.hits.lock().unwrap().clone()
    }

    /// Requests answered 200, in the order they came.
    pub(crate) fn acked(&self) -> Vec<Hit> {
        self.hits().into_iter().filter(|h| h.status == 200).collect()
    }

    fn refuse(&self, refusing: bool) {
        self.shared.refusing.store(refusing, Ordering::SeqCst);
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        actix_web::rt::spawn(async move { handle.stop(false).await });
    }
}

/// Checks `Newsdesk-Signature: t=<unix>,v1=<hex>` over `"<t>.<body>"` the way a receiver would.
fn signed_by(hit: &Hit, secret: &str) -> bool {
    let Some((t, v1)) = hit.signature.split_once(',') else { return false };
    let (Some(t), Some(v1)) = (t.strip_prefix("t="), v1.strip_prefix("v1=")) else { return false };
    let Ok(stamp) = t.parse::<i64>() else { return false };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{}", hit.raw).as_bytes());
    let expected: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    let fresh = (chrono::Utc::now().timestamp() - stamp).abs() < 300;
    expected == v1 && t == hit.timestamp && fresh
}

const SECRET: &str = "whsec_a-secret-for-the-tests";

/// Registers an endpoint as the admin; returns its id.
async fn register(app: &TestApp, url: &str, events: &[&str]) -> String {
    let created = app
        .post("/v1/admin/webhooks", &app.admin, json!({"url": url, "events": events, "secret": SECRET}))
        .await
        .expect(201);
    assert_eq!(created.body["secret"], SECRET, "the secret is shown on create");
    created.body["id"].as_str().unwrap().to_owned()
}

async fn deliveries(app: &TestApp, hook: &str, token: &str) -> Vec<Value> {
    let log = app.admin_get(&format!("/v1/admin/webhooks/{hook}/deliveries?limit=100"), token).await.expect(200);
    log.body["data"].as_array().unwrap().clone()
}

async fn action(app: &TestApp, id: &str, verb: &str) {
    app.send(Method::POST, &format!("/v1/admin/articles/{id}/{verb}"), Some(&app.admin), None, &[]).await.expect(200);
}

/// The article (or, for `site.changed`, the resource) an event is about.
fn about(hit: &Hit) -> String {
    let data = &hit.body["data"];
    data["id"].as_str().or(data["resource"]["id"].as_str()).unwrap_or_default().to_owned()
}

/// The events about `article`, in the order the receiver acknowledged them.
fn article_events(acked: &[Hit], article: &str) -> Vec<String> {
    acked.iter().filter(|h| h.event != "site.changed" && about(h) == article).map(|h| h.event.clone()).collect()
}

/// Every acknowledged event id once, and none twice.
fn assert_each_acked_once(acked: &[Hit]) {
    let mut ids: Vec<&str> = acked.iter().map(|h| h.event_id.as_str()).collect();
    ids.sort_unstable();
    let before = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), before, "an event was acknowledged twice: {acked:#?}");
}

async fn a_failing_receiver_gets_every_event_once_signed_and_in_order_across_a_restart(app: TestApp) {
    let receiver = Receiver::start(3).await;
    let events = ["article.published", "article.updated", "article.unpublished", "site.changed"];
    let hook = register(&app, &receiver.url, &events).await;

    let a = app.draft(&app.admin, json!({"title": "Flood barriers hold"})).await["id"].as_str().unwrap().to_owned();
    action(&app, &a, "publish").await;
    app.patch(&format!("/v1/admin/articles/{a}"), &app.admin, json!({"title": "Flood barriers hold, for now"}))
        .await
        .expect(200);
    // The receiver goes down; the unpublish is certainly still pending when the server stops.
    receiver.refuse(true);
    action(&app, &a, "unpublish").await;
    let acked_before = wait_until("every acknowledged delivery to be recorded, with some pending", || async {
        let log = deliveries(&app, &hook, &app.admin).await;
        let delivered = log.iter().filter(|d| d["state"] == "delivered").count();
        let pending = log.iter().any(|d| d["state"] == "pending");
        (delivered == receiver.acked().len() && pending).then_some(delivered)
    })
    .await;

    let app = app.stop().start().await;
    receiver.refuse(false);
    let b = app.draft(&app.admin, json!({"title": "Tide tables"})).await["id"].as_str().unwrap().to_owned();
    action(&app, &b, "publish").await;

    // A: created (updated), published, updated, unpublished. B: created, published.
    // site.changed: A published, A updated while public, A unpublished, B published.
    let acked = wait_until("all ten events to be acknowledged", || async {
        let acked = receiver.acked();
        (acked.len() >= 10).then_some(acked)
    })
    .await;
    assert_eq!(acked.len(), 10, "{acked:#?}");
    assert!(acked.len() > acked_before, "the restarted server delivered what was pending");
    assert_each_acked_once(&acked);
    assert_eq!(
        article_events(&acked, &a),
        ["article.updated", "article.published", "article.updated", "article.unpublished"]
    );
    assert_eq!(article_events(&acked, &b), ["article.updated", "article.published"]);
    assert_eq!(acked.iter().filter(|h| h.event == "site.changed").count(), 4);

    let hits = receiver.hits();
    assert!(hits.iter().take(3).all(|h| h.status == 500), "the first three requests failed");
    for hit in &hits {
        assert!(signed_by(hit, SECRET), "a valid, fresh signature: {hit:#?}");
        assert_eq!(hit.body["id"], hit.event_id.as_str(), "the body's id is the idempotency id");
        assert_eq!(hit.body["event"], hit.event.as_str());
        assert!(hit.body["created_at"].as_str().is_some_and(|t| t.ends_with('Z')), "{hit:#?}");
    }
    // Order holds for every attempt, not just the successful ones: a later event about an
    // article is never tried before the earlier one was acknowledged.
    let order: Vec<&str> =
        acked.iter().filter(|h| about(h) == a && h.event != "site.changed").map(|h| h.event_id.as_str()).collect();
    let tried: Vec<usize> = hits
        .iter()
        .filter(|h| about(h) == a && h.event != "site.changed")
        .map(|h| order.iter().position(|id| *id == h.event_id).unwrap())
        .collect();
    assert!(tried.windows(2).all(|w| w[0] <= w[1]), "attempts out of order: {tried:?}");
    // The published article's snapshot is the state after the change.
    let published = acked.iter().find(|h| h.event == "article.published" && about(h) == a).unwrap();
    assert_eq!(published.body["data"]["status"], "published");
    assert_eq!(published.body["data"]["title"], "Flood barriers hold");

    // The delivery log shows the failed attempts with their status codes. The receiver
    // records a hit before it answers, so the server may not have stored the last result yet.
    let log = wait_until("the log to show all ten delivered", || async {
        let log = deliveries(&app, &hook, &app.admin).await;
        log.iter().all(|d| d["state"] == "delivered").then_some(log)
    })
    .await;
    assert_eq!(log.len(), 10);
    assert!(log.iter().all(|d| d["next_attempt_at"].is_null()), "{log:#?}");
    let statuses: Vec<i64> = log
        .iter()
        .flat_map(|d| d["attempts"].as_array().unwrap().iter().filter_map(|a| a["status_code"].as_i64()))
        .collect();
    assert!(statuses.iter().filter(|s| **s == 500).count() >= 3, "{statuses:?}");
    let retried = log.iter().find(|d| d["attempt_count"].as_i64() > Some(1)).expect("a retried delivery");
    let attempts = retried["attempts"].as_array().unwrap();
    assert_eq!(attempts.first().unwrap()["status_code"], 500);
    assert_eq!(attempts.first().unwrap()["response_excerpt"], "receiver is having a bad day");
    assert_eq!(attempts.last().unwrap()["status_code"], 200);
    assert!(attempts.iter().all(|a| a["latency_ms"].as_i64().is_some()));
}

async fn two_servers_deliver_each_event_once(app: TestApp) {
    let receiver = Receiver::start(3).await;
    // Slow answers keep deliveries in flight across several polls of both servers.
    receiver.shared.latency_ms.store(400, Ordering::SeqCst);
    let hook = register(&app, &receiver.url, &["article.published"]).await;
    let sibling = app.spawn_sibling().await;
    let mut ids = Vec::new();
    for i in 0..6 {
        let server = if i % 2 == 0 { &app } else { &sibling };
        let id = server.draft(&server.admin, json!({"title": format!("Story {i}")})).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        action(server, &id, "publish").await;
        ids.push(id);
    }
    let acked = wait_until("six events to be acknowledged", || async {
        let acked = receiver.acked();
        (acked.len() >= 6).then_some(acked)
    })
    .await;
    let log = wait_until("the log to show all six delivered", || async {
        let log = deliveries(&app, &hook, &app.admin).await;
        log.iter().all(|d| d["state"] == "delivered").then_some(log)
    })
    .await;
    assert_eq!(acked.len(), 6);
    assert_each_acked_once(&acked);
    assert_eq!(receiver.hits().len(), 9, "six events and three failures, nothing sent twice");
    let attempts: i64 = log.iter().map(|d| d["attempt_count"].as_i64().unwrap()).sum();
    assert_eq!(attempts, 9);
    for id in &ids {
        assert_eq!(article_events(&acked, id), ["article.published"]);
    }
}

async fn site_changed_is_sent_once_per_write(app: TestApp) {
    let receiver = Receiver::start(0).await;
    let hook = register(&app, &receiver.url, &["site.changed", "article.published"]).await;
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(app.draft(&app.admin, json!({"title": format!("Bulk {i}")})).await["id"].as_str().unwrap().to_owned());
    }
    app.post("/v1/admin/articles/bulk", &app.admin, json!({"action": "publish", "ids": ids})).await.expect(200);
    let acked = wait_until("three publishes and one site change", || async {
        let acked = receiver.acked();
        (acked.len() >= 4).then_some(acked)
    })
    .await;
    let log = deliveries(&app, &hook, &app.admin).await;
    let site = log.iter().filter(|d| d["event"] == "site.changed").count();
    assert_eq!(site, 1, "drafts are not public; the bulk publish is one write: {log:#?}");
    assert_eq!(acked.iter().filter(|h| h.event == "article.published").count(), 3);
}

async fn editors_ping_and_redeliver_and_others_may_not(app: TestApp) {
    let receiver = Receiver::start(0).await;
    let hook = register(&app, &receiver.url, &["tag.created"]).await;
    let (_, editor) = app.user_with_role("editor").await;
    let (_, author) = app.user_with_role("author").await;

    app.send(Method::POST, &format!("/v1/admin/webhooks/{hook}/ping"), Some(&editor), None, &[]).await.expect(202);
    let ping = wait_until("the ping", || async { receiver.acked().into_iter().find(|h| h.event == "ping") }).await;
    assert!(signed_by(&ping, SECRET));
    assert_eq!(ping.body["event"], "ping");

    app.post("/v1/admin/tags", &app.admin, json!({"slug": "tides", "name": "Tides"})).await.expect(201);
    let created =
        wait_until("tag.created", || async { receiver.acked().into_iter().find(|h| h.event == "tag.created") }).await;
    assert_eq!(created.body["data"]["slug"], "tides");
    let log = deliveries(&app, &hook, &editor).await;
    let original = log.iter().find(|d| d["event"] == "tag.created").unwrap();
    let path = format!("/v1/admin/webhooks/{hook}/deliveries/{}/redeliver", original["id"].as_str().unwrap());
    let again = app.send(Method::POST, &path, Some(&editor), None, &[]).await.expect(202);
    assert_eq!(again.body["event_id"], original["event_id"]);
    assert_eq!(again.body["redelivery_of"], original["id"]);
    let twice = wait_until("the redelivery", || async {
        let same: Vec<Hit> = receiver.acked().into_iter().filter(|h| h.event_id == created.event_id).collect();
        (same.len() == 2).then_some(same)
    })
    .await;
    assert_eq!(twice[0].raw, twice[1].raw, "a redelivery sends the same body");

    // Editors operate endpoints but do not manage them; authors do neither.
    let any = json!({"url": receiver.url, "events": ["tag.created"]});
    app.post("/v1/admin/webhooks", &editor, any.clone()).await.expect_problem(403);
    app.patch(&format!("/v1/admin/webhooks/{hook}"), &editor, json!({"active": false})).await.expect_problem(403);
    app.delete(&format!("/v1/admin/webhooks/{hook}"), &editor).await.expect_problem(403);
    app.admin_get("/v1/admin/webhooks", &editor).await.expect(200);
    app.post("/v1/admin/webhooks", &author, any).await.expect_problem(403);
    app.admin_get("/v1/admin/webhooks", &author).await.expect_problem(403);
    app.admin_get(&format!("/v1/admin/webhooks/{hook}/deliveries"), &author).await.expect_problem(403);
    app.send(Method::POST, &format!("/v1/admin/webhooks/{hook}/ping"), Some(&author), None, &[])
        .await
        .expect_problem(403);
    app.send(Method::POST, &path, Some(&author), None, &[]).await.expect_problem(403);
}

async fn endpoints_validate_input_and_need_if_match(app: TestApp) {
    let t = &app.admin;
    let bad = |body: Value| app.post("/v1/admin/webhooks", t, body);
    let fields = |r: Reply| Reply::fields(&r.expect_problem(422));
    let ok_url = "https://hooks.example.org/newsdesk";
    assert_eq!(
        fields(bad(json!({"url": ok_url, "events": ["article.published", "article.exploded"]})).await),
        ["events[1]"]
    );
    assert_eq!(fields(bad(json!({"url": ok_url, "events": []})).await), ["events"]);
    assert_eq!(fields(bad(json!({"url": "ftp://example.org/x", "events": ["tag.created"]})).await), ["url"]);
    assert_eq!(fields(bad(json!({"url": "not a url", "events": ["tag.created"]})).await), ["url"]);
    assert_eq!(fields(bad(json!({"url": ok_url, "events": ["tag.created"], "secret": "short"})).await), ["secret"]);

    let created = bad(json!({"url": ok_url, "events": ["tag.created"]})).await.expect(201);
    let secret = created.body["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_") && secret.len() > 30, "a generated secret: {secret}");
    assert_eq!(created.header("etag"), Some("\"1\""));
    let id = created.body["id"].as_str().unwrap().to_owned();
    let path = format!("/v1/admin/webhooks/{id}");
    let read = app.admin_get(&path, t).await.expect(200);
    assert!(read.body.get("secret").is_none(), "the secret is not shown again");
    let listed = app.admin_get("/v1/admin/webhooks", t).await.expect(200);
    assert!(!listed.text.contains(&secret));

    let change = json!({"events": ["tag.created", "site.changed"]});
    app.send(Method::PATCH, &path, Some(t), Some(change.clone()), &[]).await.expect_problem(428);
    app.patch_if_match(&path, t, change.clone(), "\"7\"").await.expect_problem(412);
    let changed = app.patch_if_match(&path, t, change, "\"1\"").await.expect(200);
    assert_eq!(changed.body["events"], json!(["tag.created", "site.changed"]));
    assert!(changed.body.get("secret").is_none());
    assert_eq!(fields(app.patch(&path, t, json!({"events": ["nope"]})).await), ["events[0]"]);
    let rotated = app.patch(&path, t, json!({"rotate_secret": true})).await.expect(200);
    let new_secret = rotated.body["secret"].as_str().unwrap();
    assert_ne!(new_secret, secret);

    app.send(Method::DELETE, &path, Some(t), None, &[]).await.expect_problem(428);
    app.send(Method::DELETE, &path, Some(t), None, &[("if-match", "\"1\"")]).await.expect_problem(412);
    app.delete(&path, t).await.expect(204);
    app.admin_get(&path, t).await.expect_problem(404);
    app.admin_get(&format!("{path}/deliveries"), t).await.expect_problem(404);
    app.send(Method::POST, &format!("{path}/ping"), Some(t), None, &[]).await.expect_problem(404);
    // Nothing about the secret reached the audit log.
    for action in ["webhook.create", "webhook.update"] {
        let audit = serde_json::to_string(&app.audit_log(&format!("action={action}")).await).unwrap();
        assert!(audit.contains(&id) && !audit.contains(&secret) && !audit.contains(new_secret), "{audit}");
    }
}

on_both_backends!(
    a_failing_receiver_gets_every_event_once_signed_and_in_order_across_a_restart,
    two_servers_deliver_each_event_once,
    site_changed_is_sent_once_per_write,
    editors_ping_and_redeliver_and_others_may_not,
    endpoints_validate_input_and_need_if_match,
);

/// With a give-up window of zero, the first failure is final and the log says so.
async fn deliveries_are_marked_failed_after_the_window(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.webhook_give_up_secs = 0).await;
    let receiver = Receiver::start(usize::MAX).await;
    let hook = register(&app, &receiver.url, &["tag.created"]).await;
    app.post("/v1/admin/tags", &app.admin, json!({"slug": "storms", "name": "Storms"})).await.expect(201);
    let failed = wait_until("the delivery to fail for good", || async {
        deliveries(&app, &hook, &app.admin).await.into_iter().find(|d| d["state"] == "failed")
    })
    .await;
    assert_eq!(failed["attempt_count"], 1);
    assert_eq!(failed["last_status"], 500);
    assert!(failed["next_attempt_at"].is_null() && failed["finished_at"].is_string());
}

on_both_backends!(backend; deliveries_are_marked_failed_after_the_window);

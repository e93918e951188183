//! An operator scrapes `/metrics` with Prometheus: guarded by a token on the main address, or
//! open on a separate one.

use openmetrics_parser::{MetricsExposition, OpenMetricsType, OpenMetricsValue};
use reqwest::Method;
use serde_json::json;

use crate::common::{on_both_backends, wait_until, Backend, TestApp};

const TOKEN: &str = "metrics-token-for-the-tests-0123456789";

type Scrape = MetricsExposition<OpenMetricsType, OpenMetricsValue>;

/// Parses a scrape with a strict OpenMetrics parser (the format Prometheus scrapes).
fn parse(text: &str) -> Scrape {
    openmetrics_parser::openmetrics::parse_openmetrics(text)
        .unwrap_or_else(|e| panic!("not valid OpenMetrics text ({e:?}):\n{text}"))
}

/// The value of the family `name`'s sample whose labels include all of `labels`.
fn sample<'a>(scrape: &'a Scrape, name: &str, labels: &[(&str, &str)]) -> Option<&'a OpenMetricsValue> {
    scrape.families.get(name)?.iter_samples().find_map(|s| {
        let set = s.get_labelset().ok()?;
        labels.iter().all(|(k, v)| set.get_label_value(k) == Some(*v)).then_some(&s.value)
    })
}

fn value(scrape: &Scrape, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    match sample(scrape, name, labels)? {
        OpenMetricsValue::Counter(c) => Some(c.value.as_f64()),
        OpenMetricsValue::Gauge(n) | OpenMetricsValue::Unknown(n) => Some(n.as_f64()),
        _ => None,
    }
}

async fn scrape(app: &TestApp) -> (Scrape, String) {
    let reply = app.send(Method::GET, "/metrics", Some(TOKEN), None, &[]).await.expect(200);
    assert!(reply.header("content-type").unwrap_or_default().starts_with("application/openmetrics-text"));
    (parse(&reply.text), reply.text)
}

async fn metrics_report_requests_pool_queues_and_flushes(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.metrics_token = Some(TOKEN.into())).await;
    let story = app.published(json!({"title": "Counted story"})).await;
    let slug = story["slug"].as_str().expect("slug");
    let later = (chrono::Utc::now() + chrono::Duration::days(2)).to_rfc3339();
    let draft = app.draft(&app.admin, json!({"title": "Tomorrow's story"})).await;
    let id = draft["id"].as_str().expect("id");
    app.post(&format!("/v1/admin/articles/{id}/schedule"), &app.admin, json!({"publish_at": later})).await.expect(200);
    // A receiver that is down keeps its delivery waiting in the webhook queue.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a port").port();
    let hook = json!({"url": format!("http://127.0.0.1:{closed}/hook"), "events": ["tag.created"]});
    app.post("/v1/admin/webhooks", &app.admin, hook).await.expect(201);
    app.post("/v1/admin/tags", &app.admin, json!({"name": "Queued"})).await.expect(201);
    app.get("/v1/articles").await.expect(200);
    app.get("/v1/articles").await.expect(200);
    // The second read of each is a cache hit, which never reaches the router.
    app.get(&format!("/v1/articles/{slug}")).await.expect(200);
    app.get(&format!("/v1/articles/{slug}")).await.expect(200);
    app.get("/v1/articles/no-such-story").await.expect(404);
    app.get("/some/probe/path").await.expect(404);
    app.send(Method::POST, &format!("/v1/articles/{slug}/views"), None, None, &[]).await.expect(202);

    let (scrape, text) = wait_until("the view buffer to be flushed", || async {
        let (scrape, text) = scrape(&app).await;
        value(&scrape, "newsdesk_view_flushes", &[]).filter(|n| *n >= 1.0).map(|_| (scrape, text))
    })
    .await;
    let ok = [("method", "GET"), ("route", "/v1/articles"), ("status", "200")];
    assert_eq!(value(&scrape, "newsdesk_http_requests", &ok), Some(2.0), "{text}");
    let story_reads = [("method", "GET"), ("route", "/v1/articles/{slug}"), ("status", "200")];
    assert_eq!(value(&scrape, "newsdesk_http_requests", &story_reads), Some(2.0), "{text}");
    let missing = [("route", "/v1/articles/{slug}"), ("status", "404")];
    assert_eq!(value(&scrape, "newsdesk_http_requests", &missing), Some(1.0), "{text}");
    assert!(value(&scrape, "newsdesk_http_requests", &[("route", "unmatched"), ("status", "404")]).is_some());
    assert!(
        !text.contains("no-such-story") && !text.contains("/some/probe/path") && !text.contains(slug),
        "raw paths never become labels"
    );
    let histogram = sample(&scrape, "newsdesk_http_request_duration_seconds", &ok).expect("a latency histogram");
    assert!(
        matches!(histogram, OpenMetricsValue::Histogram(h) if h.buckets.len() > 5 && h.count >= Some(1)),
        "{histogram:?}"
    );
    assert_eq!(value(&scrape, "newsdesk_db_pool_max", &[]), Some(4.0), "the harness's pool size");
    assert!(value(&scrape, "newsdesk_db_pool_connections", &[]) >= Some(1.0));
    assert!(value(&scrape, "newsdesk_db_pool_idle", &[]).is_some());
    assert_eq!(value(&scrape, "newsdesk_scheduler_queue_depth", &[]), Some(1.0));
    assert_eq!(value(&scrape, "newsdesk_webhook_queue_depth", &[]), Some(1.0), "{text}");
    assert_eq!(value(&scrape, "newsdesk_view_flush_articles", &[]), Some(1.0));
    assert!(value(&scrape, "newsdesk_cache_hits", &[]) >= Some(1.0), "the second list was a hit: {text}");
    assert!(value(&scrape, "newsdesk_cache_misses", &[]) >= Some(1.0), "{text}");
    // The list and the story are held: their entries and their weight.
    assert!(value(&scrape, "newsdesk_response_cache_entries", &[]) >= Some(2.0), "{text}");
    assert!(value(&scrape, "newsdesk_response_cache_bytes", &[]) > Some(1000.0), "{text}");
}

async fn metrics_need_the_token(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.metrics_token = Some(TOKEN.into())).await;
    let problem = app.get("/metrics").await.expect_problem(401);
    assert!(problem["detail"].as_str().unwrap_or_default().contains("Bearer"), "{problem}");
    let wrong = app.send(Method::GET, "/metrics", Some("metrics-token-for-the-tests-012345678X"), None, &[]).await;
    wrong.expect_problem(401);
    let basic = app.send(Method::GET, "/metrics", None, None, &[("authorization", "Basic YTpi")]).await;
    basic.expect_problem(401);
}

async fn metrics_are_not_served_without_a_token(app: TestApp) {
    app.get("/metrics").await.expect_problem(404);
    app.send(Method::GET, "/metrics", Some(TOKEN), None, &[]).await.expect_problem(404);
}

async fn a_separate_metrics_address_needs_no_token(backend: Backend) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
    let app = TestApp::spawn_with(backend, |c| c.metrics_bind = Some(format!("127.0.0.1:{port}"))).await;
    let client = reqwest::Client::new();
    let metrics = client.get(format!("http://127.0.0.1:{port}/metrics")).send().await.expect("scrape");
    assert_eq!(metrics.status(), 200);
    parse(&metrics.text().await.expect("body"));
    let other = client.get(format!("http://127.0.0.1:{port}/v1/articles")).send().await.expect("request");
    assert_eq!(other.status(), 404, "the metrics address serves nothing else");
    // The main address still hides them: no token is configured.
    app.get("/metrics").await.expect_problem(404);
    app.get("/v1/articles").await.expect(200);
}

on_both_backends!(backend;
    metrics_report_requests_pool_queues_and_flushes,
    metrics_need_the_token,
    a_separate_metrics_address_needs_no_token
);
on_both_backends!(metrics_are_not_served_without_a_token);

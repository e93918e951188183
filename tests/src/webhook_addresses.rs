//! Webhooks reach only globally routable addresses (unless `NEWSDESK_WEBHOOK_ALLOW_PRIVATE`):
//! every internal or special-purpose form, IPv4 or IPv6 or IPv4 inside IPv6, is refused when
//! an endpoint is registered or changed, and again when a delivery is sent.

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{on_both_backends, wait_until, Backend, Reply, TestApp};

/// Hosts that are not globally routable, as a URL writes them, with what each is.
const INTERNAL_HOSTS: [(&str, &str); 16] = [
    ("127.0.0.1", "loopback"),
    ("10.0.0.5", "private-use"),
    ("169.254.169.254", "link-local, cloud metadata"),
    ("100.64.0.1", "shared (carrier-grade NAT)"),
    ("198.18.0.1", "benchmarking"),
    ("0x7f000001", "loopback in hex, which URLs allow"),
    ("[::1]", "IPv6 loopback"),
    ("[fd00::1]", "unique-local"),
    ("[fec0::1]", "site-local (deprecated)"),
    ("[::127.0.0.1]", "IPv4-compatible loopback"),
    ("[::ffff:127.0.0.1]", "IPv4-mapped loopback"),
    ("[::ffff:0:7f00:1]", "IPv4-translated loopback"),
    ("[64:ff9b::7f00:1]", "NAT64 of loopback"),
    ("[64:ff9b:1::a00:5]", "local-use NAT64"),
    ("[2002:7f00:1::]", "6to4 of loopback"),
    ("[2001:0:4136:e378:8000:63bf:80ff:fffe]", "Teredo, client 127.0.0.1"),
];

#[track_caller]
fn refused_url(reply: Reply, what: &str) {
    let problem = reply.expect_problem(422);
    assert_eq!(Reply::fields(&problem), ["url"], "{what}: {problem}");
}

/// Each internal form is refused when registered and when an endpoint is changed to it;
/// `localhost` too, and a public name is accepted.
async fn internal_addresses_are_refused_when_registered(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.webhook_allow_private = false).await;
    let created = app
        .post(
            "/v1/admin/webhooks",
            &app.admin,
            json!({"url": "https://hooks.example.org/x", "events": ["tag.created"]}),
        )
        .await
        .expect(201);
    let endpoint = format!("/v1/admin/webhooks/{}", created.body["id"].as_str().unwrap_or_default());
    let hosts = INTERNAL_HOSTS.iter().copied().chain([("localhost:8080", "localhost")]);
    for (host, what) in hosts {
        let url = format!("http://{host}/hook");
        let body = json!({"url": url, "events": ["tag.created"]});
        refused_url(app.post("/v1/admin/webhooks", &app.admin, body).await, what);
        refused_url(app.patch(&endpoint, &app.admin, json!({"url": url})).await, what);
    }
    let listed = app.admin_get("/v1/admin/webhooks", &app.admin).await.expect(200);
    assert_eq!(listed.body["data"].as_array().map(Vec::len), Some(1), "only the public endpoint was registered");
}

/// Endpoints saved while private targets were allowed are not called once they are not: each
/// ping fails at once, says why, and nothing connects to the loopback listener.
async fn internal_addresses_are_not_called_when_sent(backend: Backend) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    listener.set_nonblocking(true).expect("non-blocking");
    let port = listener.local_addr().expect("an address").port();
    let allowing = TestApp::spawn(backend).await;
    let mut endpoints = Vec::new();
    for (host, what) in INTERNAL_HOSTS {
        let body = json!({"url": format!("http://{host}:{port}/hook"), "events": ["tag.created"]});
        let created = allowing.post("/v1/admin/webhooks", &allowing.admin, body).await.expect(201);
        endpoints.push((created.body["id"].as_str().unwrap_or_default().to_owned(), what));
    }
    let app = allowing
        .stop()
        .start_with(|c| {
            c.webhook_allow_private = false;
            c.webhook_give_up_secs = 0;
        })
        .await;
    for (id, what) in &endpoints {
        let ping = format!("/v1/admin/webhooks/{id}/ping");
        app.send(Method::POST, &ping, Some(&app.admin), None, &[]).await.expect(202);
        let failed: Value = wait_until("the ping to fail", || async {
            let log = app.admin_get(&format!("/v1/admin/webhooks/{id}/deliveries"), &app.admin).await.expect(200);
            log.body["data"].as_array().and_then(|d| d.iter().find(|d| d["state"] == "failed").cloned())
        })
        .await;
        let error = failed["last_error"].as_str().unwrap_or_default();
        assert!(error.starts_with("not sent") && error.contains("globally routable"), "{what}: {failed}");
        assert!(failed["last_status"].is_null(), "{what}: no request was made: {failed}");
    }
    assert!(
        listener.accept().is_err_and(|e| e.kind() == std::io::ErrorKind::WouldBlock),
        "nothing connected to the loopback listener"
    );
}

on_both_backends!(backend; internal_addresses_are_refused_when_registered, internal_addresses_are_not_called_when_sent);

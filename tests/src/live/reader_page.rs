//! A live blog's reader page in real headless Chromium: entries posted through the API appear
//! on the open page without a reload. The page never finishes loading (its stream stays open),
//! so Chromium is driven over the DevTools protocol rather than asked for a dump.

use std::net::TcpListener;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};
use tungstenite::{Message, WebSocket};

use crate::common::values::{id_of, slug_of};
use crate::common::{on_both_backends, wait_until, TestApp};

type Socket = WebSocket<tungstenite::stream::MaybeTlsStream<std::net::TcpStream>>;

/// Headless Chromium with its DevTools port open; killed when dropped.
struct Browser {
    child: Child,
    port: u16,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    fn start() -> Self {
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        let profile = tempfile::tempdir().expect("temp profile dir");
        let child = Command::new(std::env::var("NEWSDESK_CHROMIUM").unwrap_or_else(|_| "chromium".to_owned()))
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"])
            .args(["--disable-background-networking", "--disable-component-update", "--disable-sync"])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("--remote-debugging-port={port}"))
            .arg("about:blank")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("Chromium runs (install Debian's `chromium` package; `make test` does)");
        Self { child, port, _profile: profile }
    }

    /// The DevTools socket of the browser's page.
    async fn page(&self) -> Page {
        let list = format!("http://127.0.0.1:{}/json/list", self.port);
        let url = wait_until("Chromium's DevTools endpoint", || async {
            let targets: Value = reqwest::get(&list).await.ok()?.json().await.ok()?;
            let page = targets.as_array()?.iter().find(|t| t["type"] == "page")?;
            page["webSocketDebuggerUrl"].as_str().map(str::to_owned)
        })
        .await;
        let (socket, _) = tokio::task::spawn_blocking(move || tungstenite::connect(url))
            .await
            .expect("joined")
            .expect("the DevTools socket opens");
        Page { socket: Some(socket), next: 0 }
    }
}

/// One page's DevTools session. Calls block, so each runs on a blocking thread.
struct Page {
    socket: Option<Socket>,
    next: u64,
}

impl Page {
    /// Sends `method` and waits for its answer (events in between are skipped).
    async fn call(&mut self, method: &'static str, params: Value) -> Value {
        self.next += 1;
        let (id, mut socket) = (self.next, self.socket.take().expect("a socket"));
        let (socket, answer) = tokio::task::spawn_blocking(move || {
            let request = json!({"id": id, "method": method, "params": params}).to_string();
            socket.send(Message::text(request)).expect("a DevTools call is sent");
            loop {
                let message = socket.read().expect("a DevTools message");
                let Ok(text) = message.to_text() else { continue };
                let Ok(value) = serde_json::from_str::<Value>(text) else { continue };
                if value["id"] == id {
                    return (socket, value);
                }
            }
        })
        .await
        .expect("joined");
        self.socket = Some(socket);
        assert!(answer.get("error").is_none(), "{method}: {answer}");
        answer["result"].clone()
    }

    /// The value of a JavaScript expression on the page.
    async fn eval(&mut self, expression: &str) -> Value {
        let result = self.call("Runtime.evaluate", json!({"expression": expression, "returnByValue": true})).await;
        result["result"]["value"].clone()
    }

    /// Waits up to `within` for `expression` to be true on the page.
    async fn until(&mut self, expression: &str, within: Duration, what: &str) {
        let started = Instant::now();
        while self.eval(expression).await != json!(true) {
            assert!(started.elapsed() < within, "gave up after {within:?} waiting for {what}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        println!("{what}: after {:?}", started.elapsed());
    }
}

const ENTRIES_TEXT: &str = "document.getElementById('entries').innerText";

async fn the_page_of_a_live_blog_shows_entries_as_they_arrive(app: TestApp) {
    let draft = app.draft(&app.admin, json!({"title": "Storm live: the coast braces", "body": "Updates below."})).await;
    let id = id_of(&draft);
    let admin = format!("/v1/admin/articles/{id}");
    app.send(Method::PUT, &format!("{admin}/live"), Some(&app.admin), Some(json!({"live": true})), &[])
        .await
        .expect(200);
    app.post(&format!("{admin}/entries"), &app.admin, json!({"body": "Gates **closed** at six."})).await.expect(201);
    let slug = slug_of(&app.act(&app.admin, &id, "publish").await.expect(200).body);

    let browser = Browser::start();
    let mut page = browser.page().await;
    page.call("Page.navigate", json!({"url": format!("{}/articles/{slug}", app.base)})).await;
    page.until("document.body.dataset.live === 'connected'", Duration::from_secs(15), "the page follows the stream")
        .await;
    page.until(&format!("{ENTRIES_TEXT}.includes('Gates closed at six.')"), Duration::from_secs(5), "the first entry")
        .await;
    // Marks this document: a reload would lose the mark.
    page.eval("window.notReloaded = true").await;

    let posted = app.post(&format!("{admin}/entries"), &app.admin, json!({"body": "Evacuation ordered."})).await;
    let entry_path = format!("{admin}/entries/{}", id_of(&posted.expect(201).body));
    page.until(
        &format!("{ENTRIES_TEXT}.includes('Evacuation ordered.')"),
        Duration::from_secs(2),
        "a new entry on the open page",
    )
    .await;
    let order = page.eval(&format!("{ENTRIES_TEXT}.indexOf('Evacuation') < {ENTRIES_TEXT}.indexOf('Gates')")).await;
    assert_eq!(order, json!(true), "newest first");

    app.delete(&entry_path, &app.admin).await.expect(204);
    page.until(
        &format!("!{ENTRIES_TEXT}.includes('Evacuation ordered.')"),
        Duration::from_secs(2),
        "a deleted entry gone",
    )
    .await;
    assert_eq!(page.eval("window.notReloaded === true").await, json!(true), "the page was not reloaded");
    assert_eq!(app.live.open(), 1, "one stream: the page's");
}

on_both_backends!(the_page_of_a_live_blog_shows_entries_as_they_arrive);

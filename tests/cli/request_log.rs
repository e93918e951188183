//! The request log, read as an operator reads it: a line for each request, and never a preview
//! link's credential, however the client spells the path.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Stdio};
use std::time::Duration;

use crate::common::wait::wait_until_within;
use crate::process::newsdesk;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port()
}

/// The status line and headers of `GET path`, or `None` while the server is not listening.
fn get(port: u16, path: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").ok()?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply).ok()?;
    Some(reply)
}

/// The server process, killed if the test fails before it reads the log.
struct Stopping(Option<Child>);

impl Drop for Stopping {
    fn drop(&mut self) {
        if let Some(child) = &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[actix_web::test]
async fn preview_credentials_stay_out_of_the_request_log() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let mut server = Stopping(Some(
        newsdesk(dir.path())
            .arg("serve")
            .env("NEWSDESK_DATABASE_URL", format!("sqlite://{}", dir.path().join("newsdesk.db").display()))
            .env("NEWSDESK_BIND", format!("127.0.0.1:{port}"))
            .env("NEWSDESK_LOG", "info")
            .env("NEWSDESK_JWT_SECRET", "request-log-secret-request-log-secret-0123")
            .env("NEWSDESK_ADMIN_EMAIL", "log@newsdesk.local")
            .env("NEWSDESK_ADMIN_PASSWORD", "orchid lantern gravel mosaic 4417")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("newsdesk serve starts"),
    ));
    // A fresh process migrates its database and hashes the admin's password before it listens.
    wait_until_within(Duration::from_secs(60), "the server to get ready", || async {
        get(port, "/readyz").filter(|reply| reply.starts_with("HTTP/1.1 200")).map(drop)
    })
    .await;
    let spellings = [
        "/v1/preview/first-credential-0123456789",
        // The router decodes this to the preview route as well.
        "/v1/%70review/second-credential-0123456789",
        "/v1/preview%2Fthird-credential-0123456789",
    ];
    for path in spellings {
        let reply = get(port, path).expect("an answer");
        assert!(reply.starts_with("HTTP/1.1 404"), "{path}: {reply}");
    }
    let preview_route = get(port, spellings[1]).unwrap_or_default();
    assert!(preview_route.contains("this preview link is invalid"), "the encoded path reaches the preview route");
    let mut server = server.0.take().expect("the server is running");
    let _ = server.kill();
    let output = server.wait_with_output().expect("the server stops");
    let log = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(log.contains("/v1/preview/<redacted>"), "the requests are logged: {log}");
    assert!(log.contains("/readyz"), "other paths are logged as they are: {log}");
    assert!(!log.contains("credential-0123456789"), "a credential reached the log: {log}");
}

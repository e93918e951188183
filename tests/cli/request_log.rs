//! The request log, read as an operator reads it: a line for each request, and never a preview
//! link's credential, however the client spells the path.

use std::io::{Read, Write};
use std::net::TcpStream;

use crate::server::Server;

/// The status line and headers of `GET path`, or `None` while the server is not listening.
fn get(port: u16, path: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").ok()?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply).ok()?;
    Some(reply)
}

#[actix_web::test]
async fn preview_credentials_stay_out_of_the_request_log() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database_url = format!("sqlite://{}", dir.path().join("newsdesk.db").display());
    let mut server = Server::start(
        dir.path(),
        "server.log",
        &[
            ("NEWSDESK_DATABASE_URL", &database_url),
            ("NEWSDESK_LOG", "info"),
            ("NEWSDESK_JWT_SECRET", "request-log-secret-request-log-secret-0123"),
            ("NEWSDESK_ADMIN_EMAIL", "log@newsdesk.local"),
            ("NEWSDESK_ADMIN_PASSWORD", "orchid lantern gravel mosaic 4417"),
        ],
    )
    .await;
    let port = server.port;
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
    server.kill();
    let log = server.log();
    assert!(log.contains("/v1/preview/<redacted>"), "the requests are logged: {log}");
    assert!(log.contains("/readyz"), "other paths are logged as they are: {log}");
    assert!(!log.contains("credential-0123456789"), "a credential reached the log: {log}");
}

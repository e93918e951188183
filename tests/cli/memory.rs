//! Memory a server keeps, read from the kernel (`VmRSS`) as an operator's monitoring reads it.

use serde_json::json;

use crate::common::database::TestDatabase;
use crate::common::{on_both_backends, Backend};
use crate::server::Server;

/// The process's resident memory, MiB.
fn rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("the server's /proc status");
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).expect("a VmRSS line");
    let kib: f64 = line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).expect("a number");
    kib / 1024.0
}

/// Each password check takes 19 MiB of argon2 working memory. Allocated per check, glibc kept
/// most of it (twenty logins took a server from 54 to 300 MB); now it comes from buffers kept
/// for reuse, one per `password_hashers` (one by default), so logins add no memory once it is made.
async fn logins_leave_memory_where_the_password_hashers_put_it(backend: Backend) {
    let database = TestDatabase::create(backend);
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Server::start(
        dir.path(),
        "server.log",
        &[
            ("NEWSDESK_DATABASE_URL", &database.url),
            ("NEWSDESK_JWT_SECRET", "memory-test-secret-memory-test-secret-0123"),
            ("NEWSDESK_ADMIN_EMAIL", "memory@example.org"),
            ("NEWSDESK_ADMIN_PASSWORD", "a long memory test passphrase"),
            ("NEWSDESK_LOG", "warn"),
        ],
    )
    .await;
    let client = reqwest::Client::new();
    let login = |email: String| {
        let request = client
            .post(format!("{}/v1/auth/login", server.base))
            .json(&json!({"email": email, "password": "a long memory test passphrase"}));
        async move { request.send().await.expect("an answer").status().as_u16() }
    };
    // The first logins make the hashers' buffers (the start made one for the admin already).
    for n in 0..4 {
        let (a, b) = tokio::join!(login(format!("warm-{n}@example.org")), login("memory@example.org".into()));
        assert_eq!((a, b), (401, 200), "an unknown account is refused and the admin logs in");
    }
    let before = rss_mib(server.pid());
    // Unknown accounts: each costs a full password check, and no account limit stops them.
    for n in 0..24 {
        let (a, b) = tokio::join!(login(format!("nobody-{n}@example.org")), login(format!("none-{n}@example.org")));
        assert_eq!((a, b), (401, 401));
    }
    let after = rss_mib(server.pid());
    assert!(
        after - before < 19.0,
        "48 password checks took the server from {before:.1} to {after:.1} MiB; each check must reuse a kept buffer"
    );
}

on_both_backends!(backend; logins_leave_memory_where_the_password_hashers_put_it);

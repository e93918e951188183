//! Guessing a password is slowed down, but a stranger's failures never lock the owner out
//! (OWASP's authentication cheat sheet): the wait falls on the address that failed.

use std::net::{IpAddr, Ipv4Addr};

use serde_json::json;

use crate::common::{on_both_backends, wait_until, Reply, TestApp, USER_PASSWORD};

/// Logs in through `client`, whose connections come from the address it is bound to.
async fn login(app: &TestApp, client: &reqwest::Client, email: &str, password: &str) -> Reply {
    let response = client
        .post(format!("{}/v1/auth/login", app.base))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .expect("request is sent");
    Reply::read(response).await
}

/// A client whose requests come from another loopback address than the test's usual one.
fn client_from(address: Ipv4Addr) -> reqwest::Client {
    reqwest::Client::builder().local_address(IpAddr::V4(address)).build().expect("a client")
}

async fn a_strangers_failures_never_lock_the_owner_out(app: TestApp) {
    let victim = "victim@example.org";
    app.create_user(victim, "author").await;
    let attacker = client_from(Ipv4Addr::new(127, 0, 0, 1));
    let owner = client_from(Ipv4Addr::new(127, 0, 0, 2));

    let mut statuses = Vec::new();
    for attempt in 1..=7 {
        statuses.push(login(&app, &attacker, victim, &format!("guess number {attempt}")).await.status.as_u16());
    }
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429, 429], "five guesses are checked, then the guesser waits");

    // The owner, from their own address, logs in with the right password all the same.
    let owned = login(&app, &owner, victim, USER_PASSWORD).await.expect(200);
    let token = owned.body["access_token"].as_str().expect("an access token");
    app.admin_get("/v1/me", token).await.expect(200);
    // A typo of the owner's own costs them nothing extra.
    login(&app, &owner, victim, "a typo in the passphrase").await.expect_problem(401);
    login(&app, &owner, victim, USER_PASSWORD).await.expect(200);

    // The guesser's next try is refused before any password is checked, even the right one.
    let refused = login(&app, &attacker, victim, USER_PASSWORD).await;
    let retry_after: u64 = refused.header("retry-after").and_then(|s| s.parse().ok()).expect("Retry-After seconds");
    assert!(retry_after >= 1, "Retry-After: {retry_after}");
    refused.expect_problem(429);

    // Slowed, not locked: once the wait is over, that address is heard again.
    let (app_ref, attacker_ref) = (&app, &attacker);
    wait_until("the guesser's wait to end", || async move {
        let reply = login(app_ref, attacker_ref, victim, "guess number 8").await;
        (reply.status.as_u16() != 429).then_some(reply)
    })
    .await
    .expect_problem(401);
    // Each further failure makes the next wait longer; meanwhile the owner still logs in.
    login(&app, &attacker, victim, "guess number 9").await.expect_problem(429);
    login(&app, &owner, victim, USER_PASSWORD).await.expect(200);
}

on_both_backends!(a_strangers_failures_never_lock_the_owner_out);

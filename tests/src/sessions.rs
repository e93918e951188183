//! Sessions end when they should: a new password, a new role or a disabled account ends every
//! access token issued before, and a replayed refresh token ends its whole login session.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::values::text;
use crate::common::{on_both_backends, Reply, TestApp, USER_PASSWORD};

/// One login: `(access token, refresh token)`.
async fn session(app: &TestApp, email: &str, password: &str) -> (String, String) {
    let reply = app
        .send(Method::POST, "/v1/auth/login", None, Some(json!({"email": email, "password": password})), &[])
        .await
        .expect(200);
    (text(&reply.body, "access_token"), text(&reply.body, "refresh_token"))
}

/// Posts a refresh token to `/v1/auth/{action}` (refresh or logout).
async fn spend(app: &TestApp, action: &str, refresh_token: &str) -> Reply {
    app.send(Method::POST, &format!("/v1/auth/{action}"), None, Some(json!({"refresh_token": refresh_token})), &[])
        .await
}

/// Asserts that an access token is refused everywhere with a 401 problem, as a stale one must be.
async fn refused(app: &TestApp, token: &str, what: &str) {
    for path in ["/v1/me", "/v1/admin/articles"] {
        let reply = app.admin_get(path, token).await;
        assert_eq!(reply.status.as_u16(), 401, "{what}: GET {path} answered {}", reply.text);
        reply.expect_problem(401);
    }
    let write = app.post("/v1/admin/articles", token, json!({"title": format!("Written with {what}")})).await;
    assert_eq!(write.status.as_u16(), 401, "{what}: a write answered {}", write.text);
}

/// The claims of a JWT, unverified.
fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a JWT has a payload");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url")).expect("JSON claims")
}

async fn an_admin_setting_a_new_password_ends_every_earlier_access_token(app: TestApp) {
    let email = "reset.me@example.org";
    let id = app.create_user(email, "author").await;
    let (phone, phone_refresh) = session(&app, email, USER_PASSWORD).await;
    let (laptop, _) = session(&app, email, USER_PASSWORD).await;
    let (_, bystander) = app.user_with_role("author").await;
    app.admin_get("/v1/me", &phone).await.expect(200);
    app.admin_get("/v1/me", &laptop).await.expect(200);

    app.patch(&format!("/v1/admin/users/{id}"), &app.admin, json!({"password": "a brand new passphrase"}))
        .await
        .expect(200);

    refused(&app, &phone, "a token from before the reset").await;
    refused(&app, &laptop, "another session's token from before the reset").await;
    spend(&app, "refresh", &phone_refresh).await.expect_problem(401);
    let (fresh, _) = session(&app, email, "a brand new passphrase").await;
    app.admin_get("/v1/me", &fresh).await.expect(200);
    // Only that user's tokens end.
    app.admin_get("/v1/me", &bystander).await.expect(200);
    app.admin_get("/v1/me", &app.admin).await.expect(200);
}

async fn changing_ones_own_password_ends_ones_earlier_access_tokens(app: TestApp) {
    let email = "careful.admin@example.org";
    let id = app.create_user(email, "admin").await;
    let (current, _) = session(&app, email, USER_PASSWORD).await;
    let (elsewhere, elsewhere_refresh) = session(&app, email, USER_PASSWORD).await;

    let changed = app
        .patch(&format!("/v1/admin/users/{id}"), &current, json!({"password": "my own fresh passphrase"}))
        .await
        .expect(200);
    assert_eq!(changed.body["id"], id.as_str());

    // The session that made the change ends too: a stolen token must not outlive the new password.
    refused(&app, &current, "the token that changed the password").await;
    refused(&app, &elsewhere, "another session's token").await;
    spend(&app, "refresh", &elsewhere_refresh).await.expect_problem(401);
    let (fresh, _) = session(&app, email, "my own fresh passphrase").await;
    app.admin_get("/v1/admin/users", &fresh).await.expect(200);
}

async fn a_role_change_ends_every_earlier_access_token(app: TestApp) {
    let email = "rising.star@example.org";
    let id = app.create_user(email, "contributor").await;
    let (before, refresh) = session(&app, email, USER_PASSWORD).await;
    let path = format!("/v1/admin/users/{id}");

    // A change that leaves password, role and status alone ends nothing.
    app.patch(&path, &app.admin, json!({"name": "Rising Star"})).await.expect(200);
    app.admin_get("/v1/me", &before).await.expect(200);

    app.patch(&path, &app.admin, json!({"role": "editor"})).await.expect(200);
    refused(&app, &before, "a contributor's token after promotion to editor").await;
    // The session lives on: a refresh hands out a token for the new role.
    let renewed = spend(&app, "refresh", &refresh).await.expect(200).body;
    let after = text(&renewed, "access_token");
    assert_eq!(claims(&after)["role"], "editor");
    assert_eq!(app.admin_get("/v1/me", &after).await.expect(200).body["role"], "editor");
    app.post("/v1/admin/sections", &after, json!({"slug": "opinion", "name": "Opinion"})).await.expect(201);

    // Setting the role it already has is no change.
    app.patch(&path, &app.admin, json!({"role": "editor"})).await.expect(200);
    app.admin_get("/v1/me", &after).await.expect(200);

    // Down again: the editor's token ends as well.
    app.patch(&path, &app.admin, json!({"role": "author"})).await.expect(200);
    refused(&app, &after, "an editor's token after demotion to author").await;
}

async fn re_enabling_an_account_does_not_revive_its_old_tokens(app: TestApp) {
    let email = "on.leave@example.org";
    let id = app.create_user(email, "editor").await;
    let (before, refresh) = session(&app, email, USER_PASSWORD).await;
    let path = format!("/v1/admin/users/{id}");
    app.admin_get("/v1/me", &before).await.expect(200);

    app.patch(&path, &app.admin, json!({"disabled": true})).await.expect(200);
    refused(&app, &before, "a token while the account is disabled").await;
    app.patch(&path, &app.admin, json!({"disabled": false})).await.expect(200);

    refused(&app, &before, "a token from before the account was disabled").await;
    spend(&app, "refresh", &refresh).await.expect_problem(401);
    let (back, _) = session(&app, email, USER_PASSWORD).await;
    app.admin_get("/v1/admin/articles", &back).await.expect(200);
}

async fn replaying_a_spent_refresh_token_ends_its_whole_session(app: TestApp) {
    let email = "two.tabs@example.org";
    app.create_user(email, "author").await;
    let (_, first) = session(&app, email, USER_PASSWORD).await;
    let (_, other_session) = session(&app, email, USER_PASSWORD).await;

    let second = spend(&app, "refresh", &first).await.expect(200).body;
    let second = text(&second, "refresh_token");
    // Someone kept a copy of the first token: its replay is refused, and the token it was
    // rotated into dies with it, whoever holds that one now.
    spend(&app, "refresh", &first).await.expect_problem(401);
    spend(&app, "refresh", &second).await.expect_problem(401);
    let reused = app.audit_log("action=auth.refresh_reused").await;
    assert_eq!(reused.len(), 1, "the replay is audited once: {reused:?}");
    // Another login of the same user is another session, untouched.
    let other = spend(&app, "refresh", &other_session).await.expect(200).body;

    // Logging out with any token of a session ends the session, even an already rotated one.
    let third = spend(&app, "refresh", &text(&other, "refresh_token")).await.expect(200).body;
    spend(&app, "logout", &text(&other, "refresh_token")).await.expect(204);
    spend(&app, "refresh", &text(&third, "refresh_token")).await.expect_problem(401);
}

on_both_backends!(
    an_admin_setting_a_new_password_ends_every_earlier_access_token,
    changing_ones_own_password_ends_ones_earlier_access_tokens,
    a_role_change_ends_every_earlier_access_token,
    re_enabling_an_account_does_not_revive_its_old_tokens,
    replaying_a_spent_refresh_token_ends_its_whole_session,
);

//! Logging in, staying logged in, and being shut out: tokens, refresh, logout, disabled
//! accounts, and the admin's management of users.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::values::{sign, text};
use crate::common::{on_both_backends, Reply, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD, JWT_SECRET, USER_PASSWORD};

/// Posts credentials to the login route and returns the whole reply.
async fn login_reply(app: &TestApp, email: &str, password: &str) -> Reply {
    app.send(Method::POST, "/v1/auth/login", None, Some(json!({"email": email, "password": password})), &[]).await
}

/// Posts a refresh token to `/v1/auth/{action}` (refresh or logout).
async fn spend(app: &TestApp, action: &str, refresh_token: &str) -> Reply {
    app.send(Method::POST, &format!("/v1/auth/{action}"), None, Some(json!({"refresh_token": refresh_token})), &[])
        .await
}

/// Claims the server accepts for `sub`, valid for the next ten minutes.
fn valid_claims(sub: &str) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({"sub": sub, "role": "admin", "iss": "newsdesk", "aud": "newsdesk-admin", "iat": now, "exp": now + 600})
}

async fn login_with_any_case_email_returns_a_bearer_token_pair(app: TestApp) {
    let reply = login_reply(&app, "  ADMIN@Example.ORG ", ADMIN_PASSWORD).await.expect(200);
    assert_eq!(reply.body["token_type"], "Bearer");
    assert_eq!(reply.body["expires_in"], 900);
    assert_eq!(reply.header("cache-control"), Some("no-store"), "tokens must not be cached");
    let access = text(&reply.body, "access_token");
    assert_eq!(access.split('.').count(), 3, "the access token is a JWT: {access}");
    let part = |i: usize| -> Value {
        let encoded = access.split('.').nth(i).unwrap_or_default();
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(encoded).expect("base64url")).expect("JSON")
    };
    assert_eq!(part(0)["alg"], "HS256");
    let claims = part(1);
    assert_eq!(
        (claims["iss"].as_str(), claims["aud"].as_str(), claims["role"].as_str()),
        (Some("newsdesk"), Some("newsdesk-admin"), Some("admin"))
    );
    let lifetime = claims["exp"].as_i64().zip(claims["iat"].as_i64()).map(|(exp, iat)| exp - iat);
    assert_eq!(lifetime, Some(900), "the token lives as long as expires_in says: {claims}");
    assert!(text(&reply.body, "refresh_token").len() >= 32, "the refresh token is long and random");
    let me = app.admin_get("/v1/me", &access).await.expect(200);
    assert_eq!(me.body["email"], ADMIN_EMAIL);
    assert_eq!(claims["sub"], me.body["id"]);

    let wrong_password = login_reply(&app, ADMIN_EMAIL, "not the admin password").await.expect_problem(401);
    let unknown_email = login_reply(&app, "nobody@example.org", ADMIN_PASSWORD).await.expect_problem(401);
    assert_eq!(
        wrong_password["detail"], unknown_email["detail"],
        "a failed login must not reveal whether the account exists"
    );
    assert!(wrong_password["detail"].is_string());
    let wrong_case_password = login_reply(&app, ADMIN_EMAIL, &ADMIN_PASSWORD.to_uppercase()).await.expect_problem(401);
    assert_eq!(wrong_case_password["detail"], wrong_password["detail"], "passwords are case-sensitive");
}

async fn me_returns_the_caller_without_secrets(app: TestApp) {
    let email = "Reporter.One@Example.org";
    let id = app.create_user(email, "author").await;
    let token = app.login("reporter.one@example.org", USER_PASSWORD).await;
    let me = app.admin_get("/v1/me", &token).await.expect(200);
    assert_eq!(me.body["id"], id.as_str());
    assert_eq!(me.body["email"], "reporter.one@example.org", "e-mails are stored lowercased");
    assert_eq!(me.body["role"], "author");
    assert_eq!(me.body["name"], "Pat Example");
    assert_eq!(me.body["disabled"], false);
    assert!(me.body.get("password_hash").is_none(), "body: {}", me.text);
    assert!(!me.text.contains("argon2"), "no password hash in the body: {}", me.text);
    assert_eq!(me.header("cache-control"), Some("no-store"));

    let admin = app.admin_get("/v1/me", &app.admin).await.expect(200);
    assert_eq!(admin.body["role"], "admin");
    assert_ne!(admin.body["id"], me.body["id"], "each token names its own user");
}

async fn refresh_rotates_the_pair_and_logout_revokes_it(app: TestApp) {
    let first = login_reply(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await.expect(200).body;
    let first_refresh = text(&first, "refresh_token");

    let second = spend(&app, "refresh", &first_refresh).await.expect(200).body;
    assert_eq!(second["token_type"], "Bearer");
    assert_eq!(second["expires_in"], 900);
    let second_refresh = text(&second, "refresh_token");
    assert_ne!(second_refresh, first_refresh, "refresh hands out a new refresh token");
    app.admin_get("/v1/me", &text(&second, "access_token")).await.expect(200);

    // The new refresh token works once, and rotates again.
    let third = spend(&app, "refresh", &second_refresh).await.expect(200).body;
    let third_refresh = text(&third, "refresh_token");
    app.admin_get("/v1/me", &text(&third, "access_token")).await.expect(200);
    // A spent one is refused (and ends its session: see sessions.rs).
    let replayed = spend(&app, "refresh", &first_refresh).await.expect_problem(401);
    assert!(replayed["detail"].is_string());
    spend(&app, "refresh", &second_refresh).await.expect_problem(401);

    let logout = spend(&app, "logout", &third_refresh).await.expect(204);
    assert!(logout.text.is_empty());
    spend(&app, "refresh", &third_refresh).await.expect_problem(401);
    // Logging out twice is harmless.
    spend(&app, "logout", &third_refresh).await.expect(204);

    spend(&app, "refresh", "not-a-token-we-ever-issued").await.expect_problem(401);

    // A refresh token raced from two tabs (or stolen and replayed) is spent exactly once.
    let raced = login_reply(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await.expect(200).body;
    let raced = text(&raced, "refresh_token");
    let (a, b, c, d) = tokio::join!(
        spend(&app, "refresh", &raced),
        spend(&app, "refresh", &raced),
        spend(&app, "refresh", &raced),
        spend(&app, "refresh", &raced)
    );
    let mut statuses: Vec<u16> = [a, b, c, d].iter().map(|r| r.status.as_u16()).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 401, 401, 401], "four concurrent refreshes with one token");
    // Other sessions are untouched by one session's logout.
    let other = login_reply(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await.expect(200).body;
    spend(&app, "refresh", &text(&other, "refresh_token")).await.expect(200);
}

async fn bad_access_tokens_are_rejected_with_401(app: TestApp) {
    let me = app.admin_get("/v1/me", &app.admin).await.expect(200);
    let admin_id = text(&me.body, "id");

    // A token we build ourselves with the server's secret works: the forgeries below fail
    // for the one thing each gets wrong, not because we build tokens badly.
    let good = sign(&valid_claims(&admin_id), JWT_SECRET);
    app.admin_get("/v1/me", &good).await.expect(200);
    // The scheme name is case-insensitive (RFC 9110).
    app.send(Method::GET, "/v1/me", None, None, &[("authorization", &format!("bearer {good}"))]).await.expect(200);

    let (header, payload, signature) = {
        let mut parts = app.admin.split('.');
        let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            panic!("the access token has three parts: {}", app.admin);
        };
        (h.to_owned(), p.to_owned(), s.to_owned())
    };
    let mut flipped = signature.clone();
    let first = if flipped.starts_with('A') { "B" } else { "A" };
    flipped.replace_range(0..1, first);
    let tampered = format!("{header}.{payload}.{flipped}");

    let decoded = URL_SAFE_NO_PAD.decode(&payload).expect("payload is base64url");
    let mut tampered_payload: Value = serde_json::from_slice(&decoded).expect("payload is JSON");
    tampered_payload["role"] = json!("editor");
    tampered_payload["exp"] = json!(chrono::Utc::now().timestamp() + 86_400);
    let reworded = format!("{header}.{}.{signature}", URL_SAFE_NO_PAD.encode(tampered_payload.to_string()));

    let other_secret = sign(&valid_claims(&admin_id), "another-secret-that-is-also-long-enough-to-sign");
    let hour_ago = chrono::Utc::now().timestamp() - 3600;
    let expired = sign(
        &json!({"sub": admin_id, "role": "admin", "iss": "newsdesk", "aud": "newsdesk-admin", "iat": hour_ago - 900, "exp": hour_ago}),
        JWT_SECRET,
    );
    let mut claims = valid_claims(&admin_id);
    claims["aud"] = json!("newsdesk-public");
    let wrong_audience = sign(&claims, JWT_SECRET);
    let mut claims = valid_claims(&admin_id);
    claims["iss"] = json!("someone-else");
    let wrong_issuer = sign(&claims, JWT_SECRET);
    let mut claims = valid_claims(&admin_id);
    claims.as_object_mut().expect("claims are an object").remove("exp");
    let no_expiry = sign(&claims, JWT_SECRET);
    let mut claims = valid_claims(&admin_id);
    claims["sub"] = json!("no-such-user");
    let unknown_user = sign(&claims, JWT_SECRET);
    let alg_none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(valid_claims(&admin_id).to_string())
    );

    let cases: Vec<(&str, Option<String>)> = vec![
        ("no Authorization header", None),
        ("Basic scheme", Some(format!("Basic {}", URL_SAFE_NO_PAD.encode(format!("{ADMIN_EMAIL}:{ADMIN_PASSWORD}"))))),
        ("token without a scheme", Some(app.admin.clone())),
        ("Bearer with no token", Some("Bearer ".into())),
        ("garbage token", Some("Bearer not.a.jwt".into())),
        ("signature with a flipped character", Some(format!("Bearer {tampered}"))),
        ("payload changed under the old signature", Some(format!("Bearer {reworded}"))),
        ("signed with another secret", Some(format!("Bearer {other_secret}"))),
        ("expired an hour ago", Some(format!("Bearer {expired}"))),
        ("wrong audience", Some(format!("Bearer {wrong_audience}"))),
        ("wrong issuer", Some(format!("Bearer {wrong_issuer}"))),
        ("no expiry", Some(format!("Bearer {no_expiry}"))),
        ("user that does not exist", Some(format!("Bearer {unknown_user}"))),
        ("alg none", Some(format!("Bearer {alg_none}"))),
    ];
    let mut failures = Vec::new();
    for path in ["/v1/me", "/v1/admin/articles"] {
        for (case, authorization) in &cases {
            let headers: Vec<(&str, &str)> = authorization.iter().map(|v| ("authorization", v.as_str())).collect();
            let reply = app.send(Method::GET, path, None, None, &headers).await;
            let problem =
                reply.header("content-type") == Some("application/problem+json") && reply.body["status"] == 401;
            let challenge = reply.header("www-authenticate").is_some_and(|v| v.starts_with("Bearer"));
            if reply.status.as_u16() != 401 || !problem || !challenge {
                failures.push(format!(
                    "GET {path} with {case}: expected a 401 problem with a Bearer challenge, got {} (content-type {:?}, www-authenticate {:?}): {}",
                    reply.status,
                    reply.header("content-type"),
                    reply.header("www-authenticate"),
                    reply.text
                ));
            }
            if *case == "expired an hour ago" && !reply.body["detail"].as_str().is_some_and(|d| d.contains("expired")) {
                failures
                    .push(format!("GET {path} with {case}: the detail should say the token expired: {}", reply.text));
            }
        }
    }
    assert!(failures.is_empty(), "{} token checks failed:\n{}", failures.len(), failures.join("\n"));
    // None of that locked the real admin out.
    app.admin_get("/v1/admin/articles", &app.admin).await.expect(200);
}

async fn a_disabled_user_is_locked_out_at_once(app: TestApp) {
    let email = "leaving@example.org";
    let id = app.create_user(email, "editor").await;
    let pair = login_reply(&app, email, USER_PASSWORD).await.expect(200).body;
    let access = text(&pair, "access_token");
    let refresh = text(&pair, "refresh_token");
    app.admin_get("/v1/me", &access).await.expect(200);
    app.admin_get("/v1/admin/articles", &access).await.expect(200);
    let bad_login = login_reply(&app, email, "not the right password").await.expect_problem(401);

    let disabled = app.patch(&format!("/v1/admin/users/{id}"), &app.admin, json!({"disabled": true})).await.expect(200);
    assert_eq!(disabled.body["disabled"], true);

    // The unexpired access token stops working on the next request.
    app.admin_get("/v1/me", &access).await.expect_problem(401);
    app.admin_get("/v1/admin/articles", &access).await.expect_problem(401);
    app.post("/v1/admin/articles", &access, json!({"title": "Written after leaving"})).await.expect_problem(401);
    let login = login_reply(&app, email, USER_PASSWORD).await.expect_problem(401);
    assert_eq!(login["detail"], bad_login["detail"], "a disabled account looks like any failed login");
    spend(&app, "refresh", &refresh).await.expect_problem(401);

    // Enabling again lets them log in anew; the revoked refresh token stays dead.
    app.patch(&format!("/v1/admin/users/{id}"), &app.admin, json!({"disabled": false})).await.expect(200);
    let back = app.login(email, USER_PASSWORD).await;
    app.admin_get("/v1/me", &back).await.expect(200);
    spend(&app, "refresh", &refresh).await.expect_problem(401);
}

async fn a_new_password_signs_the_user_out_everywhere(app: TestApp) {
    let email = "forgetful@example.org";
    let id = app.create_user(email, "author").await;
    let pair = login_reply(&app, email, USER_PASSWORD).await.expect(200).body;
    app.patch(&format!("/v1/admin/users/{id}"), &app.admin, json!({"password": "a brand new passphrase"}))
        .await
        .expect(200);
    spend(&app, "refresh", &text(&pair, "refresh_token")).await.expect_problem(401);
    login_reply(&app, email, USER_PASSWORD).await.expect_problem(401);
    app.login(email, "a brand new passphrase").await;
}

async fn an_admin_creates_and_lists_users_with_validation(app: TestApp) {
    let created = app
        .post(
            "/v1/admin/users",
            &app.admin,
            json!({"email": "Jane.Doe@Example.org", "name": "Jane Doe", "role": "contributor", "password": USER_PASSWORD}),
        )
        .await
        .expect(201);
    assert_eq!(created.body["email"], "jane.doe@example.org");
    assert_eq!(created.body["role"], "contributor");
    assert_eq!(created.body["disabled"], false);
    assert_eq!(created.body["version"], 1);
    assert!(
        created.body.get("password").is_none() && created.body.get("password_hash").is_none(),
        "body: {}",
        created.text
    );
    let id = text(&created.body, "id");

    let duplicate = app
        .post(
            "/v1/admin/users",
            &app.admin,
            json!({"email": "JANE.DOE@example.ORG", "name": "Jane Again", "role": "author", "password": USER_PASSWORD}),
        )
        .await
        .expect_problem(409);
    assert_eq!(Reply::fields(&duplicate), ["email"], "problem: {duplicate}");

    let base =
        json!({"email": "new.person@example.org", "name": "New Person", "role": "author", "password": USER_PASSWORD});
    let with = |key: &str, value: Value| {
        let mut body = base.clone();
        body[key] = value;
        body
    };
    let short =
        app.post("/v1/admin/users", &app.admin, with("password", json!("elevenchars"))).await.expect_problem(422);
    assert_eq!(Reply::fields(&short), ["password"], "problem: {short}");
    let role = app.post("/v1/admin/users", &app.admin, with("role", json!("superuser"))).await.expect_problem(422);
    assert_eq!(Reply::fields(&role), ["role"], "problem: {role}");
    let unknown = app.post("/v1/admin/users", &app.admin, with("is_admin", json!(true))).await.expect_problem(422);
    assert_eq!(Reply::fields(&unknown), ["is_admin"], "problem: {unknown}");
    let email =
        app.post("/v1/admin/users", &app.admin, with("email", json!("not-an-address"))).await.expect_problem(422);
    assert_eq!(Reply::fields(&email), ["email"], "problem: {email}");
    let mut missing = base.clone();
    missing.as_object_mut().expect("object").remove("password");
    let missing = app.post("/v1/admin/users", &app.admin, missing).await.expect_problem(422);
    assert_eq!(Reply::fields(&missing), ["password"], "problem: {missing}");

    // None of the rejected requests created anyone; twelve characters is enough.
    let list = app.admin_get("/v1/admin/users", &app.admin).await.expect(200);
    assert_eq!(list.body["meta"]["pagination"]["total"], 2, "body: {}", list.text);
    app.post("/v1/admin/users", &app.admin, with("password", json!("twelve chars"))).await.expect(201);
    app.login("new.person@example.org", "twelve chars").await;

    let list = app.admin_get("/v1/admin/users", &app.admin).await.expect(200);
    assert_eq!(list.body["meta"]["pagination"]["total"], 3);
    let emails: Vec<&str> =
        list.body["data"].as_array().expect("data is a list").iter().filter_map(|u| u["email"].as_str()).collect();
    assert_eq!(emails, [ADMIN_EMAIL, "jane.doe@example.org", "new.person@example.org"]);
    assert!(!list.text.contains("password"), "no password material in the list: {}", list.text);

    let one = app.admin_get(&format!("/v1/admin/users/{id}"), &app.admin).await.expect(200);
    assert_eq!(one.body["email"], "jane.doe@example.org");
    app.admin_get("/v1/admin/users/no-such-user", &app.admin).await.expect_problem(404);
    app.patch("/v1/admin/users/no-such-user", &app.admin, json!({"name": "Ghost"})).await.expect_problem(404);
}

async fn a_role_change_takes_effect_on_the_next_request(app: TestApp) {
    let email = "rising@example.org";
    let id = app.create_user(email, "contributor").await;
    let token = app.login(email, USER_PASSWORD).await;
    app.post("/v1/admin/sections", &token, json!({"slug": "opinion", "name": "Opinion"})).await.expect_problem(403);

    let promoted = app.patch(&format!("/v1/admin/users/{id}"), &app.admin, json!({"role": "editor"})).await.expect(200);
    assert_eq!(promoted.body["role"], "editor");
    assert_eq!(promoted.body["version"], 2);
    // A second admin working from the old version is stopped rather than silently overruling.
    let stale = app
        .patch_if_match(&format!("/v1/admin/users/{id}"), &app.admin, json!({"role": "author"}), "\"1\"")
        .await
        .expect_problem(412);
    assert_eq!(stale["current_version"], 2);

    // The old token ended with the old role; a new login has the new powers.
    app.admin_get("/v1/me", &token).await.expect_problem(401);
    let token = app.login(email, USER_PASSWORD).await;
    assert_eq!(app.admin_get("/v1/me", &token).await.expect(200).body["role"], "editor");
    app.post("/v1/admin/sections", &token, json!({"slug": "opinion", "name": "Opinion"})).await.expect(201);
    // Still not an admin.
    app.admin_get("/v1/admin/users", &token).await.expect_problem(403);

    // And back down again, also at once.
    app.patch(&format!("/v1/admin/users/{id}"), &app.admin, json!({"role": "author"})).await.expect(200);
    app.post("/v1/admin/sections", &token, json!({"slug": "letters", "name": "Letters"})).await.expect_problem(401);
    let token = app.login(email, USER_PASSWORD).await;
    app.post("/v1/admin/sections", &token, json!({"slug": "letters", "name": "Letters"})).await.expect_problem(403);

    let bad =
        app.patch(&format!("/v1/admin/users/{id}"), &app.admin, json!({"role": "owner"})).await.expect_problem(422);
    assert_eq!(Reply::fields(&bad), ["role"]);
    let unknown = app
        .patch(&format!("/v1/admin/users/{id}"), &app.admin, json!({"email": "moved@example.org"}))
        .await
        .expect_problem(422);
    assert_eq!(Reply::fields(&unknown), ["email"]);
    assert_eq!(
        app.admin_get("/v1/me", &token).await.expect(200).body["role"],
        "author",
        "rejected changes change nothing"
    );
}

async fn an_admin_cannot_disable_or_demote_themselves(app: TestApp) {
    let me = app.admin_get("/v1/me", &app.admin).await.expect(200);
    let id = text(&me.body, "id");
    let path = format!("/v1/admin/users/{id}");
    app.patch(&path, &app.admin, json!({"disabled": true})).await.expect_problem(409);
    for role in ["editor", "author", "contributor"] {
        let reply = app.patch(&path, &app.admin, json!({"role": role})).await;
        assert_eq!(reply.status.as_u16(), 409, "demoting oneself to {role}: {}", reply.text);
    }
    let after = app.admin_get("/v1/me", &app.admin).await.expect(200);
    assert_eq!(after.body["role"], "admin");
    assert_eq!(after.body["disabled"], false);
    assert_eq!(after.body["version"], me.body["version"], "the refused changes wrote nothing");
    app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;

    // Another admin may do it, and harmless self-edits are fine.
    app.patch(&path, &app.admin, json!({"name": "Chief"})).await.expect(200);
    let other = app.create_user("second.admin@example.org", "admin").await;
    let second = app.login("second.admin@example.org", USER_PASSWORD).await;
    app.patch(&path, &second, json!({"role": "editor"})).await.expect(200);
    app.admin_get("/v1/me", &app.admin).await.expect_problem(401);
    let demoted = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(app.admin_get("/v1/me", &demoted).await.expect(200).body["role"], "editor");
    app.admin_get("/v1/admin/users", &demoted).await.expect_problem(403);
    app.patch(&format!("/v1/admin/users/{other}"), &second, json!({"disabled": true})).await.expect_problem(409);
}

on_both_backends!(
    login_with_any_case_email_returns_a_bearer_token_pair,
    me_returns_the_caller_without_secrets,
    refresh_rotates_the_pair_and_logout_revokes_it,
    bad_access_tokens_are_rejected_with_401,
    a_disabled_user_is_locked_out_at_once,
    a_new_password_signs_the_user_out_everywhere,
    an_admin_creates_and_lists_users_with_validation,
    a_role_change_takes_effect_on_the_next_request,
    an_admin_cannot_disable_or_demote_themselves,
);

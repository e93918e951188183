//! API keys for integrations: created by admins, shown once, accepted as a Bearer token with
//! their role's permissions, revocable, expiring, and visible in the audit log as themselves.

use chrono::{DateTime, Duration, Utc};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::values::{rfc3339, text};
use crate::common::{on_both_backends, wait_until, Reply, TestApp};

/// Creates a key as the admin; returns the created key's JSON (with its `secret`).
async fn create_key(app: &TestApp, body: Value) -> Value {
    let created = app.post("/v1/admin/api-keys", &app.admin, body).await.expect(201);
    assert_eq!(created.header("cache-control"), Some("no-store"), "the secret must not be cached");
    created.body
}

async fn revoke(app: &TestApp, token: &str, id: &str) -> Reply {
    app.send(Method::DELETE, &format!("/v1/admin/api-keys/{id}"), Some(token), None, &[]).await
}

async fn list_keys(app: &TestApp) -> Reply {
    app.admin_get("/v1/admin/api-keys?limit=100", &app.admin).await.expect(200)
}

fn find<'a>(list: &'a Reply, id: &str) -> &'a Value {
    list.body["data"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|k| k["id"] == id)
        .unwrap_or_else(|| panic!("key {id} is listed: {}", list.text))
}

async fn an_api_key_works_like_a_token_with_its_roles_permissions(app: TestApp) {
    let created = create_key(&app, json!({"name": "static site builder", "role": "editor"})).await;
    let (id, secret, prefix) = (text(&created, "id"), text(&created, "secret"), text(&created, "prefix"));
    assert_eq!(created["name"], "static site builder");
    assert_eq!(created["role"], "editor");
    assert!(created["last_used_at"].is_null(), "not used yet: {created}");
    assert!(created["revoked_at"].is_null());
    assert!(prefix.starts_with("ndk_"), "{prefix}");
    assert!(secret.starts_with(&format!("{prefix}_")), "the secret reads ndk_<prefix>_<secret>: {secret} vs {prefix}");
    let hidden = &secret[prefix.len() + 1..];
    assert!(hidden.len() >= 32, "the secret part is long: {secret}");

    // As an editor: content and taxonomy, yes; users and keys, no.
    let tag = app.post("/v1/admin/tags", &secret, json!({"slug": "keyed", "name": "Keyed"})).await.expect(201);
    app.admin_get("/v1/admin/articles", &secret).await.expect(200);
    let article = app.draft(&secret, json!({"title": "Written by a robot", "tags": ["keyed"]})).await;
    assert_eq!(article["tags"][0]["slug"], "keyed");
    app.admin_get("/v1/admin/users", &secret).await.expect_problem(403);
    app.post(
        "/v1/admin/users",
        &secret,
        json!({"email": "x@example.org", "name": "X", "role": "admin", "password": "a long enough passphrase"}),
    )
    .await
    .expect_problem(403);
    app.admin_get("/v1/admin/api-keys", &secret).await.expect_problem(403);
    app.post("/v1/admin/api-keys", &secret, json!({"name": "escalate", "role": "admin"})).await.expect_problem(403);
    app.admin_get("/v1/admin/audit-log", &secret).await.expect_problem(403);

    // The audit log names the key, not the admin who made it.
    let article_id = text(&article, "id");
    let entries = app.audit_log(&format!("action=article.create&target={article_id}")).await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["actor_type"], "api_key");
    assert_eq!(entries[0]["actor_id"], id.as_str());
    assert_eq!(entries[0]["actor_label"], "static site builder");
    let tag_id = text(&tag.body, "id");
    let entries = app.audit_log(&format!("action=tag.create&target={tag_id}")).await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["actor_type"], "api_key");
    assert_eq!(entries[0]["actor_id"], id.as_str());
    let by_key = app.audit_log(&format!("actor={id}")).await;
    assert!(by_key.iter().all(|e| e["actor_type"] == "api_key"), "{by_key:?}");
    assert!(by_key.len() >= 2, "{by_key:?}");

    // Listed without its secret, with when it was last used.
    let list = list_keys(&app).await;
    assert_eq!(list.header("cache-control"), Some("no-store"));
    let listed = find(&list, &id);
    assert_eq!(listed["prefix"], prefix.as_str());
    assert!(listed.get("secret").is_none() && listed.get("secret_hash").is_none(), "{listed}");
    assert!(!list.text.contains(hidden), "the list leaks the secret: {}", list.text);
    let last_used: DateTime<Utc> = listed["last_used_at"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("last_used_at set: {listed}"));
    assert!(
        last_used >= created["created_at"].as_str().and_then(|t| t.parse::<DateTime<Utc>>().ok()).expect("created_at")
    );
}

async fn a_revoked_or_tampered_key_is_refused(app: TestApp) {
    let created = create_key(&app, json!({"name": "newsletter", "role": "author"})).await;
    let (id, secret) = (text(&created, "id"), text(&created, "secret"));
    app.admin_get("/v1/admin/articles", &secret).await.expect(200);

    // Tampered: the last character changed, another key's prefix, the prefix alone.
    let mut changed = secret.clone();
    let last = changed.pop().expect("a character");
    changed.push(if last == 'a' { 'b' } else { 'a' });
    app.admin_get("/v1/admin/articles", &changed).await.expect_problem(401);
    let prefix = text(&created, "prefix");
    let hidden = &secret[prefix.len() + 1..];
    let other = create_key(&app, json!({"name": "other", "role": "admin"})).await;
    app.admin_get("/v1/admin/articles", &format!("{}_{hidden}", text(&other, "prefix"))).await.expect_problem(401);
    app.admin_get("/v1/admin/articles", &format!("ndk_{}_{hidden}", "z".repeat(prefix.len() - 4)))
        .await
        .expect_problem(401);
    app.admin_get("/v1/admin/articles", &prefix).await.expect_problem(401);
    app.admin_get("/v1/admin/articles", "ndk_").await.expect_problem(401);
    app.admin_get("/v1/admin/articles", &secret).await.expect(200);

    revoke(&app, &app.admin, &id).await.expect(204);
    let problem = app.admin_get("/v1/admin/articles", &secret).await.expect_problem(401);
    assert!(problem["detail"].is_string());
    app.post("/v1/admin/articles", &secret, json!({"title": "After revocation"})).await.expect_problem(401);
    let listed = list_keys(&app).await;
    assert!(find(&listed, &id)["revoked_at"].is_string(), "the list shows the revocation");
    revoke(&app, &app.admin, &id).await.expect(204);
    revoke(&app, &app.admin, "no-such-key").await.expect_problem(404);

    let entries = app.audit_log(&format!("action=api_key.revoke&target={id}")).await;
    assert!(!entries.is_empty(), "the revocation is audited");
    assert_eq!(entries.last().expect("an entry")["actor_type"], "user");
}

async fn an_expiring_key_stops_working_on_time(app: TestApp) {
    let problem = app
        .post(
            "/v1/admin/api-keys",
            &app.admin,
            json!({"name": "stale", "role": "editor", "expires_at": rfc3339(Utc::now() - Duration::minutes(1))}),
        )
        .await
        .expect_problem(422);
    assert_eq!(Reply::fields(&problem), ["expires_at"]);

    let expires_at = Utc::now() + Duration::seconds(2);
    let expires_at: DateTime<Utc> = rfc3339(expires_at).parse().expect("a time");
    let created =
        create_key(&app, json!({"name": "short lived", "role": "editor", "expires_at": rfc3339(expires_at)})).await;
    let secret = text(&created, "secret");
    app.admin_get("/v1/admin/articles", &secret).await.expect(200);

    let app = &app;
    let secret = secret.as_str();
    let refused_at = wait_until("the key to expire", || async move {
        let reply = app.admin_get("/v1/admin/articles", secret).await;
        match reply.status.as_u16() {
            200 => None,
            401 => Some(Utc::now()),
            other => panic!("unexpected {other}: {}", reply.text),
        }
    })
    .await;
    assert!(refused_at >= expires_at, "refused before it expired ({refused_at} < {expires_at})");
}

async fn only_admins_manage_keys(app: TestApp) {
    let created = create_key(&app, json!({"name": "integration", "role": "contributor"})).await;
    let id = text(&created, "id");
    for role in ["editor", "author", "contributor"] {
        let (_, token) = app.user_with_role(role).await;
        app.admin_get("/v1/admin/api-keys", &token).await.expect_problem(403);
        app.post("/v1/admin/api-keys", &token, json!({"name": "mine", "role": "admin"})).await.expect_problem(403);
        revoke(&app, &token, &id).await.expect_problem(403);
    }
    app.send(Method::GET, "/v1/admin/api-keys", None, None, &[]).await.expect_problem(401);
    // The key still works: nobody but an admin could revoke it.
    app.admin_get("/v1/admin/articles", &text(&created, "secret")).await.expect(200);
    let problem =
        app.post("/v1/admin/api-keys", &app.admin, json!({"name": " ", "role": "editor"})).await.expect_problem(422);
    assert_eq!(Reply::fields(&problem), ["name"]);
    let problem =
        app.post("/v1/admin/api-keys", &app.admin, json!({"name": "x", "role": "overlord"})).await.expect_problem(422);
    assert_eq!(Reply::fields(&problem), ["role"]);
}

/// A key never does more than its owner may do now.
async fn a_key_follows_its_owner_down(app: TestApp) {
    let (owner_id, owner) = app.user_with_role("admin").await;
    let made =
        app.post("/v1/admin/api-keys", &owner, json!({"name": "integration", "role": "admin"})).await.expect(201);
    let secret = text(&made.body, "secret");
    app.admin_get("/v1/admin/users", &secret).await.expect(200);
    // The owner is demoted to editor: the admin key now acts as an editor.
    app.patch(&format!("/v1/admin/users/{owner_id}"), &app.admin, json!({"role": "editor"})).await.expect(200);
    app.admin_get("/v1/admin/users", &secret).await.expect_problem(403);
    app.post("/v1/admin/tags", &secret, json!({"name": "Still allowed"})).await.expect(201);
    // Disabled: the key stops altogether.
    app.patch(&format!("/v1/admin/users/{owner_id}"), &app.admin, json!({"disabled": true})).await.expect(200);
    app.admin_get("/v1/admin/tags", &secret).await.expect_problem(401);
}

on_both_backends!(
    a_key_follows_its_owner_down,
    an_api_key_works_like_a_token_with_its_roles_permissions,
    a_revoked_or_tampered_key_is_refused,
    an_expiring_key_stops_working_on_time,
    only_admins_manage_keys,
);

//! Who manages the rest: taxonomy (editors and admins), users (admins) and webhooks (admins,
//! operated by editors).

use reqwest::Method;
use serde_json::json;

use super::{cast, code, Matrix, ROLES};
use crate::common::values::id_of;
use crate::common::{on_both_backends, TestApp, USER_PASSWORD};

/// Expected statuses per taxonomy action, by role.
const TAXONOMY_ACTIONS: &[(&str, [u16; 4])] = &[
    ("create a tag", [201, 201, 403, 403]),
    ("create a section", [201, 201, 403, 403]),
    ("create a source", [201, 201, 403, 403]),
    ("create an author", [201, 201, 403, 403]),
    ("edit a tag", [200, 200, 403, 403]),
    ("delete a tag", [204, 204, 403, 403]),
    ("list tags", [200, 200, 200, 200]),
    ("list sections", [200, 200, 200, 200]),
    ("list sources", [200, 200, 200, 200]),
    ("list authors", [200, 200, 200, 200]),
    ("read a tag", [200, 200, 200, 200]),
];

/// Expected statuses per user-admin action, by role.
const USER_ACTIONS: &[(&str, [u16; 4])] = &[
    ("list users", [200, 403, 403, 403]),
    ("create a user", [201, 403, 403, 403]),
    ("read a user", [200, 403, 403, 403]),
    ("change a user", [200, 403, 403, 403]),
];

/// Expected statuses per webhook action, by role: admins manage endpoints, editors operate
/// them (read, delivery log, ping), authors and contributors do neither.
const WEBHOOK_ACTIONS: &[(&str, [u16; 4])] = &[
    ("list webhooks", [200, 200, 403, 403]),
    ("register a webhook", [201, 403, 403, 403]),
    ("read a webhook", [200, 200, 403, 403]),
    ("change a webhook", [200, 403, 403, 403]),
    ("read the delivery log", [200, 200, 403, 403]),
    ("ping a webhook", [202, 202, 403, 403]),
    ("delete a webhook", [204, 403, 403, 403]),
];

async fn only_editors_and_admins_write_taxonomy_but_everyone_reads_it(app: TestApp) {
    let cast = cast(&app).await;
    let mut m = Matrix::new(TAXONOMY_ACTIONS);
    let shared = app.post("/v1/admin/tags", &app.admin, json!({"slug": "shared", "name": "Shared"})).await.expect(201);
    let shared = id_of(&shared.body);
    let kinds = [
        ("create a tag", "tags"),
        ("create a section", "sections"),
        ("create a source", "sources"),
        ("create an author", "authors"),
    ];
    for (r, role) in ROLES.iter().enumerate() {
        let token = cast[r].1.as_str();
        for (action, kind) in kinds {
            let slug = format!("{role}-{kind}");
            let reply = app
                .post(&format!("/v1/admin/{kind}"), token, json!({"slug": slug, "name": format!("{role} {kind}")}))
                .await;
            m.check(r, action, &reply);
            // Refused writes create nothing the public could see.
            let public = app.get(&format!("/v1/{kind}/{slug}")).await.status.as_u16();
            m.state(r, action, &format!("GET /v1/{kind}/{slug}"), &code(public), "200", "404");
        }
        let reply =
            app.patch(&format!("/v1/admin/tags/{shared}"), token, json!({"name": format!("Renamed by {role}")})).await;
        m.check(r, "edit a tag", &reply);
        let doomed = app
            .post("/v1/admin/tags", &app.admin, json!({"slug": format!("doomed-{role}"), "name": "Doomed"}))
            .await
            .expect(201);
        let doomed = id_of(&doomed.body);
        let reply = app.delete(&format!("/v1/admin/tags/{doomed}"), token).await;
        m.check(r, "delete a tag", &reply);
        let after = app.admin_get(&format!("/v1/admin/tags/{doomed}"), &app.admin).await.status.as_u16();
        m.state(r, "delete a tag", "the tag", &code(after), "404", "200");

        for (action, path) in [
            ("list tags", "/v1/admin/tags".to_owned()),
            ("list sections", "/v1/admin/sections".to_owned()),
            ("list sources", "/v1/admin/sources".to_owned()),
            ("list authors", "/v1/admin/authors".to_owned()),
            ("read a tag", format!("/v1/admin/tags/{shared}")),
        ] {
            let reply = app.admin_get(&path, token).await;
            m.check(r, action, &reply);
        }
    }
    m.finish();
}

async fn only_admins_manage_users_and_no_token_is_401_not_403(app: TestApp) {
    let cast = cast(&app).await;
    let mut m = Matrix::new(USER_ACTIONS);
    let target = cast[ROLES.len() - 1].0.clone();
    for (r, role) in ROLES.iter().enumerate() {
        let token = cast[r].1.as_str();
        let reply = app.admin_get("/v1/admin/users", token).await;
        m.check(r, "list users", &reply);
        let email = format!("made-by-{role}@example.org");
        let reply = app
            .post(
                "/v1/admin/users",
                token,
                json!({"email": email, "name": "Made", "role": "admin", "password": USER_PASSWORD}),
            )
            .await;
        m.check(r, "create a user", &reply);
        // A refused create leaves no account to log in to.
        let login = app
            .send(Method::POST, "/v1/auth/login", None, Some(json!({"email": email, "password": USER_PASSWORD})), &[])
            .await
            .status
            .as_u16();
        m.state(r, "create a user", "logging in as the new user", &code(login), "200", "401");
        let reply = app.admin_get(&format!("/v1/admin/users/{target}"), token).await;
        m.check(r, "read a user", &reply);
        let reply =
            app.patch(&format!("/v1/admin/users/{target}"), token, json!({"name": format!("Renamed by {role}")})).await;
        m.check(r, "change a user", &reply);
        let name = app.admin_get(&format!("/v1/admin/users/{target}"), &app.admin).await.body["name"].clone();
        m.state(r, "change a user", "the user's name", &name, &format!("Renamed by {role}"), "Renamed by admin");
    }
    m.finish();

    // Without a token every editorial route says 401 (log in), never 403 (not allowed).
    let article = id_of(&app.draft(&app.admin, json!({"title": "Anonymous target"})).await);
    let routes = [
        (Method::GET, "/v1/admin/users".to_owned(), None),
        (
            Method::POST,
            "/v1/admin/users".to_owned(),
            Some(json!({"email": "anon@example.org", "name": "Anon", "role": "admin", "password": USER_PASSWORD})),
        ),
        (Method::GET, format!("/v1/admin/users/{target}"), None),
        (Method::PATCH, format!("/v1/admin/users/{target}"), Some(json!({"role": "admin"}))),
        (Method::GET, "/v1/admin/articles".to_owned(), None),
        (Method::POST, "/v1/admin/articles".to_owned(), Some(json!({"title": "Anonymous"}))),
        (Method::GET, format!("/v1/admin/articles/{article}"), None),
        (Method::PATCH, format!("/v1/admin/articles/{article}"), Some(json!({"title": "Defaced"}))),
        (Method::POST, format!("/v1/admin/articles/{article}/publish"), None),
        (Method::DELETE, format!("/v1/admin/articles/{article}"), None),
        (Method::GET, "/v1/admin/tags".to_owned(), None),
        (Method::POST, "/v1/admin/tags".to_owned(), Some(json!({"name": "Anonymous"}))),
    ];
    let mut failures = Vec::new();
    for (method, path, body) in routes {
        let reply = app.send(method.clone(), &path, None, body, &[]).await;
        let problem = reply.header("content-type") == Some("application/problem+json");
        if reply.status.as_u16() != 401 || !problem || reply.header("www-authenticate").is_none() {
            failures.push(format!(
                "no token / {method} {path}: expected a 401 problem with WWW-Authenticate, got {}: {}",
                reply.status, reply.text
            ));
        }
    }
    assert!(failures.is_empty(), "{} anonymous checks failed:\n{}", failures.len(), failures.join("\n"));
    let article = app.admin_get(&format!("/v1/admin/articles/{article}"), &app.admin).await.expect(200);
    assert_eq!(article.body["title"], "Anonymous target");
    assert_eq!(article.body["status"], "draft");
}

async fn only_admins_manage_webhooks_and_editors_operate_them(app: TestApp) {
    let cast = cast(&app).await;
    let mut m = Matrix::new(WEBHOOK_ACTIONS);
    // `.invalid` never resolves, so pings go nowhere.
    let hook = json!({"url": "https://hooks.invalid/newsdesk", "events": ["tag.created"]});
    for (r, _) in ROLES.iter().enumerate() {
        let token = cast[r].1.as_str();
        let target = id_of(&app.post("/v1/admin/webhooks", &app.admin, hook.clone()).await.expect(201).body);
        let path = format!("/v1/admin/webhooks/{target}");
        m.check(r, "list webhooks", &app.admin_get("/v1/admin/webhooks", token).await);
        m.check(r, "register a webhook", &app.post("/v1/admin/webhooks", token, hook.clone()).await);
        m.check(r, "read a webhook", &app.admin_get(&path, token).await);
        m.check(r, "change a webhook", &app.patch(&path, token, json!({"active": false})).await);
        m.check(r, "read the delivery log", &app.admin_get(&format!("{path}/deliveries"), token).await);
        let ping = app.send(Method::POST, &format!("{path}/ping"), Some(token), None, &[]).await;
        m.check(r, "ping a webhook", &ping);
        m.check(r, "delete a webhook", &app.delete(&path, token).await);
    }
    m.finish();
}

on_both_backends!(
    only_editors_and_admins_write_taxonomy_but_everyone_reads_it,
    only_admins_manage_users_and_no_token_is_401_not_403,
    only_admins_manage_webhooks_and_editors_operate_them
);

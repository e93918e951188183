//! The audit log (who did what to which resource, from which request), and the login
//! protections around it: throttled guessing, one answer for every failed login, and
//! passwords that are hard to guess.

use chrono::{DateTime, SecondsFormat, Utc};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::values::{text, time};
use crate::common::{on_both_backends, Reply, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD, USER_PASSWORD};

const REQUEST_ID: &str = "x-request-id";

async fn login(app: &TestApp, email: &str, password: &str, request_id: &str) -> Reply {
    app.send(
        Method::POST,
        "/v1/auth/login",
        None,
        Some(json!({"email": email, "password": password})),
        &[(REQUEST_ID, request_id)],
    )
    .await
}

/// POSTs as `token`, tagging the request with `request_id`.
async fn post_as(app: &TestApp, path: &str, token: &str, body: Option<Value>, request_id: &str) -> Reply {
    app.send(Method::POST, path, Some(token), body, &[(REQUEST_ID, request_id)]).await
}

/// An unconditional (`If-Match: *`) change by the admin, under `request_id`.
async fn patch_as_admin(app: &TestApp, path: &str, body: Value, request_id: &str) -> Reply {
    app.send(Method::PATCH, path, Some(&app.admin), Some(body), &[(REQUEST_ID, request_id), ("if-match", "*")]).await
}

/// What an entry should say; `None` means null.
struct Expected<'a> {
    actor_type: &'a str,
    actor_id: Option<&'a str>,
    actor_label: Option<&'a str>,
    action: &'a str,
    target_type: Option<&'a str>,
    target_id: Option<&'a str>,
}

/// The one entry the request with `request_id` left, checked against `expected`.
#[track_caller]
fn check(all: &[Value], request_id: &str, expected: Expected) -> usize {
    let found: Vec<(usize, &Value)> = all.iter().enumerate().filter(|(_, e)| e["request_id"] == request_id).collect();
    assert_eq!(found.len(), 1, "one entry for request {request_id}: {found:?}");
    let (position, entry) = found[0];
    let field = |value: Option<&str>| value.map_or(Value::Null, |v| json!(v));
    assert_eq!(entry["action"], expected.action, "{entry}");
    assert_eq!(entry["actor_type"], expected.actor_type, "{entry}");
    assert_eq!(entry["actor_id"], field(expected.actor_id), "{entry}");
    assert_eq!(entry["actor_label"], field(expected.actor_label), "{entry}");
    assert_eq!(entry["target_type"], field(expected.target_type), "{entry}");
    assert_eq!(entry["target_id"], field(expected.target_id), "{entry}");
    assert_eq!(entry["client_ip"], "127.0.0.1", "{entry}");
    assert!(entry["id"].is_string(), "{entry}");
    time(&entry["at"]);
    position
}

async fn the_audit_log_records_who_did_what_and_from_which_request(app: TestApp) {
    let admin_id = text(&app.admin_get("/v1/me", &app.admin).await.expect(200).body, "id");
    let admin = Some(admin_id.as_str());

    login(&app, ADMIN_EMAIL, ADMIN_PASSWORD, "rid-login-ok").await.expect(200);
    login(&app, ADMIN_EMAIL, "not the admin password", "rid-login-failed").await.expect_problem(401);
    login(&app, "Nobody@Example.org", "not anyone's password", "rid-login-unknown").await.expect_problem(401);
    let tag =
        post_as(&app, "/v1/admin/tags", &app.admin, Some(json!({"slug": "audited", "name": "Audited"})), "rid-tag")
            .await
            .expect(201);
    let tag_id = text(&tag.body, "id");
    let article =
        post_as(&app, "/v1/admin/articles", &app.admin, Some(json!({"title": "Audited story"})), "rid-article")
            .await
            .expect(201);
    let article_id = text(&article.body, "id");
    post_as(&app, &format!("/v1/admin/articles/{article_id}/publish"), &app.admin, None, "rid-publish")
        .await
        .expect(200);
    let etag = app.admin_get(&format!("/v1/admin/articles/{article_id}"), &app.admin).await.expect(200);
    let etag = etag.header("etag").expect("an ETag").to_owned();
    app.send(
        Method::DELETE,
        &format!("/v1/admin/articles/{article_id}"),
        Some(&app.admin),
        None,
        &[(REQUEST_ID, "rid-trash"), ("if-match", &etag)],
    )
    .await
    .expect(204);
    post_as(&app, &format!("/v1/admin/articles/{article_id}/restore"), &app.admin, None, "rid-restore")
        .await
        .expect(200);
    patch_as_admin(
        &app,
        &format!("/v1/admin/articles/{article_id}"),
        json!({"summary": "Now with a dek."}),
        "rid-update",
    )
    .await
    .expect(200);
    let revisions =
        app.admin_get(&format!("/v1/admin/articles/{article_id}/revisions?limit=100"), &app.admin).await.expect(200);
    let first_revision = revisions.body["data"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["action"] == "create"))
        .map(|r| text(r, "id"))
        .unwrap_or_else(|| panic!("a create revision: {}", revisions.text));
    post_as(
        &app,
        &format!("/v1/admin/articles/{article_id}/revisions/{first_revision}/restore"),
        &app.admin,
        None,
        "rid-restore-revision",
    )
    .await
    .expect(200);
    let user = post_as(
        &app,
        "/v1/admin/users",
        &app.admin,
        Some(json!({"email": "new.editor@example.org", "name": "New Editor", "role": "editor", "password": USER_PASSWORD})),
        "rid-user",
    )
    .await
    .expect(201);
    let user_id = text(&user.body, "id");
    patch_as_admin(&app, &format!("/v1/admin/users/{user_id}"), json!({"name": "Renamed Editor"}), "rid-user-update")
        .await
        .expect(200);
    let key = post_as(
        &app,
        "/v1/admin/api-keys",
        &app.admin,
        Some(json!({"name": "audited key", "role": "editor"})),
        "rid-key",
    )
    .await
    .expect(201);
    let key_id = text(&key.body, "id");
    app.send(
        Method::DELETE,
        &format!("/v1/admin/api-keys/{key_id}"),
        Some(&app.admin),
        None,
        &[(REQUEST_ID, "rid-revoke")],
    )
    .await
    .expect(204);

    let all = app.audit_log("").await;
    let restored_action = format!("article.restore_revision:{first_revision}");
    let by_admin = |action, target_type, target_id| Expected {
        actor_type: "user",
        actor_id: admin,
        actor_label: Some(ADMIN_EMAIL),
        action,
        target_type: Some(target_type),
        target_id: Some(target_id),
    };
    let positions = [
        check(&all, "rid-login-ok", by_admin("auth.login", "user", &admin_id)),
        check(
            &all,
            "rid-login-failed",
            Expected {
                actor_type: "anonymous",
                actor_id: None,
                actor_label: Some(ADMIN_EMAIL),
                action: "auth.login_failed",
                target_type: None,
                target_id: None,
            },
        ),
        check(
            &all,
            "rid-login-unknown",
            Expected {
                actor_type: "anonymous",
                actor_id: None,
                actor_label: Some("nobody@example.org"),
                action: "auth.login_failed",
                target_type: None,
                target_id: None,
            },
        ),
        check(&all, "rid-tag", by_admin("tag.create", "tag", &tag_id)),
        check(&all, "rid-article", by_admin("article.create", "article", &article_id)),
        check(&all, "rid-publish", by_admin("article.publish", "article", &article_id)),
        check(&all, "rid-trash", by_admin("article.trash", "article", &article_id)),
        check(&all, "rid-restore", by_admin("article.restore", "article", &article_id)),
        check(&all, "rid-update", by_admin("article.update", "article", &article_id)),
        check(&all, "rid-restore-revision", by_admin(&restored_action, "article", &article_id)),
        check(&all, "rid-user", by_admin("user.create", "user", &user_id)),
        check(&all, "rid-user-update", by_admin("user.update", "user", &user_id)),
        check(&all, "rid-key", by_admin("api_key.create", "api_key", &key_id)),
        check(&all, "rid-revoke", by_admin("api_key.revoke", "api_key", &key_id)),
    ];
    assert!(positions.windows(2).all(|w| w[0] > w[1]), "newest first: {positions:?}");
    let times: Vec<DateTime<Utc>> = all.iter().map(|e| time(&e["at"])).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "ordered by time, newest first: {times:?}");

    // A request without an X-Request-Id still gets one, and the log keeps the one echoed back.
    let reply = app
        .post("/v1/admin/tags", &app.admin, json!({"slug": "untagged-request", "name": "Untagged"}))
        .await
        .expect(201);
    let echoed = reply.header("x-request-id").expect("an X-Request-Id is echoed").to_owned();
    let tag_id = text(&reply.body, "id");
    let entries = app.audit_log(&format!("target={tag_id}")).await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["request_id"], echoed.as_str());

    // Nothing about the secrets: no password, no key secret.
    let everything = app.admin_get("/v1/admin/audit-log?limit=100", &app.admin).await.expect(200).text;
    assert!(!everything.contains(ADMIN_PASSWORD) && !everything.contains("not the admin password"), "{everything}");
    assert!(!everything.contains(&text(&key.body, "secret")), "{everything}");
}

async fn the_audit_log_filters_by_actor_action_target_and_time(app: TestApp) {
    let editor_email = "filter.editor@example.org";
    let editor_id = app.create_user(editor_email, "editor").await;
    let editor = app.login(editor_email, USER_PASSWORD).await;
    let first = text(
        &app.post("/v1/admin/tags", &app.admin, json!({"slug": "first", "name": "First"})).await.expect(201).body,
        "id",
    );

    let mid: DateTime<Utc> = Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true).parse().expect("a time");
    let second = text(
        &app.post("/v1/admin/tags", &editor, json!({"slug": "second", "name": "Second"})).await.expect(201).body,
        "id",
    );
    let article = text(&app.draft(&editor, json!({"title": "Filtered story"})).await, "id");

    let tags = app.audit_log("action=tag.create").await;
    assert_eq!(tags.len(), 2, "{tags:?}");
    assert!(tags.iter().all(|e| e["action"] == "tag.create"));

    let by_editor = app.audit_log(&format!("actor={editor_id}")).await;
    assert!(by_editor.iter().all(|e| e["actor_id"] == editor_id.as_str()), "{by_editor:?}");
    let actions: Vec<&str> = by_editor.iter().map(|e| e["action"].as_str().expect("action")).collect();
    assert_eq!(actions, ["article.create", "tag.create", "auth.login"]);

    let about_first = app.audit_log(&format!("target={first}")).await;
    assert_eq!(about_first.len(), 1, "{about_first:?}");
    assert_eq!(about_first[0]["action"], "tag.create");
    assert_eq!(about_first[0]["actor_label"], ADMIN_EMAIL);
    let about_editor = app.audit_log(&format!("target={editor_id}")).await;
    let actions: Vec<&str> = about_editor.iter().map(|e| e["action"].as_str().expect("action")).collect();
    assert_eq!(actions, ["auth.login", "user.create"]);

    let both = app.audit_log(&format!("action=tag.create&actor={editor_id}")).await;
    assert_eq!(both.len(), 1, "{both:?}");
    assert_eq!(both[0]["target_id"], second.as_str());
    assert!(app.audit_log(&format!("action=article.create&target={first}")).await.is_empty());
    assert!(app.audit_log("action=no.such.action").await.is_empty());

    let mid_param = mid.to_rfc3339_opts(SecondsFormat::Micros, true);
    let since = app.audit_log(&format!("since={mid_param}")).await;
    let until = app.audit_log(&format!("until={mid_param}")).await;
    assert!(since.iter().all(|e| time(&e["at"]) >= mid), "{since:?}");
    assert!(until.iter().all(|e| time(&e["at"]) < mid), "{until:?}");
    let targets = |entries: &[Value]| {
        entries.iter().filter_map(|e| e["target_id"].as_str().map(str::to_owned)).collect::<Vec<_>>()
    };
    assert!(targets(&since).contains(&second) && targets(&since).contains(&article), "{since:?}");
    assert!(!targets(&since).contains(&first), "{since:?}");
    assert!(targets(&until).contains(&first) && !targets(&until).contains(&second), "{until:?}");
    assert_eq!(since.len() + until.len(), app.audit_log("").await.len(), "since and until split the log");
    let window = app.audit_log(&format!("since={mid_param}&until={mid_param}")).await;
    assert!(window.is_empty(), "{window:?}");

    let problem = app.admin_get("/v1/admin/audit-log?since=yesterday", &app.admin).await.expect_problem(422);
    assert_eq!(Reply::fields(&problem), ["since"]);
    let problem = app.admin_get("/v1/admin/audit-log?limit=0", &app.admin).await.expect_problem(422);
    assert_eq!(Reply::fields(&problem), ["limit"]);
}

async fn only_admins_read_the_audit_log(app: TestApp) {
    for role in ["editor", "author", "contributor"] {
        let (_, token) = app.user_with_role(role).await;
        app.admin_get("/v1/admin/audit-log", &token).await.expect_problem(403);
    }
    app.send(Method::GET, "/v1/admin/audit-log", None, None, &[]).await.expect_problem(401);
    app.admin_get("/v1/admin/audit-log", &app.admin).await.expect(200);
}

async fn repeated_wrong_passwords_for_one_account_are_slowed_down(app: TestApp) {
    let target = "guessed@example.org";
    let bystander = "bystander@example.org";
    app.create_user(target, "author").await;
    app.create_user(bystander, "author").await;

    let unknown = login(&app, "nobody@example.org", "some wrong password", "rid-unknown").await.expect_problem(401);
    for attempt in 1..=5 {
        let wrong = login(&app, target, &format!("wrong password {attempt}"), "rid-wrong").await.expect_problem(401);
        assert_eq!(wrong["detail"], unknown["detail"], "a wrong password and an unknown e-mail read the same");
        assert_eq!(wrong["title"], unknown["title"]);
    }
    let reply = login(&app, target, "wrong password 6", "rid-sixth").await;
    let retry_after = reply.header("retry-after").map(str::to_owned);
    let problem = reply.expect_problem(429);
    let retry_after: u64 = retry_after
        .as_deref()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("Retry-After in whole seconds: {retry_after:?} ({problem})"));
    assert!(retry_after >= 1, "Retry-After: {retry_after}");
    // That address is held up before the password is checked, so the right one does not get
    // through from there either (other addresses are not held up: see login_throttle.rs).
    let reply = login(&app, target, USER_PASSWORD, "rid-right").await;
    assert!(reply.header("retry-after").is_some(), "{}", reply.text);
    reply.expect_problem(429);
    // The same for any spelling of the address.
    login(&app, "  GUESSED@example.org ", USER_PASSWORD, "rid-case").await.expect_problem(429);

    // Other accounts from the same address are not held up.
    let other = login(&app, bystander, "a wrong password here", "rid-bystander").await.expect_problem(401);
    assert_eq!(other["detail"], unknown["detail"]);
    login(&app, bystander, USER_PASSWORD, "rid-bystander-ok").await.expect(200);
    login(&app, ADMIN_EMAIL, ADMIN_PASSWORD, "rid-admin-ok").await.expect(200);

    // The address's own budget is larger than one account's: more accounts, one try each.
    for i in 0..8 {
        login(&app, &format!("someone{i}@example.org"), "a wrong password", "rid-spread").await.expect_problem(401);
    }

    // An unknown e-mail is throttled like a real one (no hint which accounts exist).
    for _ in 2..=5 {
        login(&app, "nobody@example.org", "some wrong password", "rid-unknown").await.expect_problem(401);
    }
    login(&app, "nobody@example.org", "some wrong password", "rid-unknown").await.expect_problem(429);

    let failed = app.audit_log("action=auth.login_failed").await;
    let against_target = failed.iter().filter(|e| e["actor_label"] == target).count();
    assert!(against_target >= 5, "the failed logins are audited: {failed:?}");
}

async fn new_passwords_must_be_long_and_hard_to_guess(app: TestApp) {
    for (i, weak) in ["password1234", "qwertyuiopasdf", "123456789012", "aaaaaaaaaaaaaaa", "short"].iter().enumerate() {
        let email = format!("weak{i}@example.org");
        let problem = app
            .post(
                "/v1/admin/users",
                &app.admin,
                json!({"email": email, "name": "Weak", "role": "author", "password": weak}),
            )
            .await
            .expect_problem(422);
        assert_eq!(Reply::fields(&problem), ["password"], "{weak}");
        login(&app, &email, weak, "rid-weak").await.expect_problem(401);
    }
    let id = app.create_user("strong@example.org", "author").await;
    let problem = app
        .patch(&format!("/v1/admin/users/{id}"), &app.admin, json!({"password": "password1234"}))
        .await
        .expect_problem(422);
    assert_eq!(Reply::fields(&problem), ["password"]);
    app.login("strong@example.org", USER_PASSWORD).await;
}

on_both_backends!(
    the_audit_log_records_who_did_what_and_from_which_request,
    the_audit_log_filters_by_actor_action_target_and_time,
    only_admins_read_the_audit_log,
    repeated_wrong_passwords_for_one_account_are_slowed_down,
    new_passwords_must_be_long_and_hard_to_guess,
);

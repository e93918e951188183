//! Bad query parameters and paths: each is a problem document, never a bare error page.

use reqwest::Method;
use serde_json::{json, Value};

use super::{invalid, problem, targets};
use crate::common::{on_both_backends, TestApp};

async fn query_parameters_are_checked(app: TestApp) {
    let cases: [(&str, &str); 30] = [
        ("/v1/articles?limit=0", "limit"),
        ("/v1/articles?limit=101", "limit"),
        ("/v1/articles?limit=abc", "limit"),
        ("/v1/articles?limit=-1", "limit"),
        ("/v1/articles?limit=1.5", "limit"),
        ("/v1/articles?limit=99999999999999999999", "limit"),
        ("/v1/articles?page=0", "page"),
        ("/v1/articles?page=abc", "page"),
        ("/v1/articles?page=100001", "page"),
        ("/v1/articles?formats=pdf", "formats"),
        ("/v1/articles?formats=html,pdf", "formats"),
        ("/v1/articles?include=bodies", "include"),
        ("/v1/articles?sort=random", "sort"),
        ("/v1/articles?published_after=yesterday", "published_after"),
        ("/v1/articles?published_before=2026-02-30T00:00:00Z", "published_before"),
        ("/v1/articles/any-slug?formats=pdf", "formats"),
        ("/v1/admin/articles?status=bogus", "status"),
        ("/v1/admin/articles?status=Published", "status"),
        ("/v1/admin/articles?limit=0", "limit"),
        ("/v1/admin/articles?limit=101", "limit"),
        ("/v1/admin/articles?limit=abc", "limit"),
        ("/v1/admin/articles?page=0", "page"),
        ("/v1/admin/articles?formats=pdf", "formats"),
        ("/v1/tags?limit=0", "limit"),
        ("/v1/authors?page=0", "page"),
        ("/v1/sources?limit=abc", "limit"),
        ("/v1/sections?limit=101", "limit"),
        ("/v1/admin/tags?limit=0", "limit"),
        ("/v1/admin/authors?page=abc", "page"),
        ("/v1/admin/users?limit=101", "limit"),
    ];
    for (path, field) in cases {
        invalid(app.admin_get(path, &app.admin).await, &[field], path);
    }
    // The edges of what is allowed, and parameters nobody asked about, are fine.
    for path in [
        "/v1/articles?limit=1",
        "/v1/articles?limit=100&page=100000",
        "/v1/articles?utm_source=newsletter&_=123",
        "/v1/articles?formats=html,markdown,text&include=authors,tags,source,section,related",
        "/v1/articles?section=nope&tag=nope",
        "/v1/admin/articles?status=draft",
        "/v1/admin/articles?status=archived",
        "/v1/tags?limit=100",
    ] {
        app.admin_get(path, &app.admin).await.expect(200);
    }
}

/// Times past the year 9999 are refused where they come in, naming the field: SQLite compares
/// stored times as text (`+10000-…` sorts before `2026-…`), so one such date published a
/// "scheduled" article at once and made every list filter wrong, and feeds cannot write it.
async fn times_past_the_year_9999_are_refused_naming_the_field(app: TestApp) {
    const FAR: &str = "+10000-01-01T00:00:00Z";
    let article = app.draft(&app.admin, json!({"title": "Scheduled too far"})).await;
    let id = article["id"].as_str().unwrap_or_default().to_owned();
    let schedule = format!("/v1/admin/articles/{id}/schedule");
    let refused = app.send(Method::POST, &schedule, Some(&app.admin), Some(json!({"publish_at": FAR})), &[]).await;
    invalid(refused, &["publish_at"], "schedule");
    let still = app.admin_get(&format!("/v1/admin/articles/{id}"), &app.admin).await.expect(200);
    assert_eq!(still.body["status"], "draft", "nothing was scheduled: {}", still.text);
    let key = json!({"name": "far key", "role": "editor", "expires_at": FAR});
    invalid(
        app.send(Method::POST, "/v1/admin/api-keys", Some(&app.admin), Some(key), &[]).await,
        &["expires_at"],
        "key",
    );
    let far = "%2B10000-01-01T00:00:00Z";
    for (path, field) in [
        (format!("/v1/articles?published_after={far}"), "published_after"),
        (format!("/v1/articles?published_before={far}"), "published_before"),
        (format!("/v1/admin/articles?published_after={far}"), "published_after"),
        (format!("/v1/admin/audit-log?since={far}"), "since"),
        (format!("/v1/admin/audit-log?until={far}"), "until"),
    ] {
        invalid(app.admin_get(&path, &app.admin).await, &[field], &path);
    }
    // The last four-digit year is still a time.
    app.admin_get("/v1/articles?published_before=9999-12-31T23:59:59Z", &app.admin).await.expect(200);
}

async fn routing_errors_are_problems(app: TestApp) {
    let t = targets(&app).await;
    for (method, path) in [
        (Method::GET, "/v1/nope"),
        (Method::GET, "/nope"),
        (Method::POST, "/v1/nope"),
        (Method::GET, "/v1/admin/nope"),
        (Method::GET, "/v2/articles"),
    ] {
        let reply = app.send(method.clone(), path, Some(&app.admin), None, &[]).await;
        let body = problem(reply, 404, &format!("{method} {path}"));
        assert!(body["detail"].as_str().unwrap().contains("route"), "{body}");
    }
    let tag = format!("/v1/admin/tags/{}", t.terms[3].1);
    for (method, path, allowed) in [
        (Method::PUT, "/v1/articles", &["GET"][..]),
        (Method::DELETE, "/v1/articles/some-slug", &["GET"]),
        (Method::GET, "/v1/auth/login", &["POST"]),
        (Method::PUT, "/v1/admin/articles", &["GET", "POST"]),
        (Method::PUT, tag.as_str(), &["GET", "PATCH", "DELETE"]),
        (Method::POST, "/v1/tags", &["GET"]),
        (Method::GET, "/v1/admin/articles/x/publish", &["POST"]),
    ] {
        let context = format!("{method} {path}");
        let reply = app.send(method.clone(), path, Some(&app.admin), None, &[]).await;
        let allow = reply.header("allow").map(str::to_owned);
        problem(reply, 405, &context);
        let allow = allow.unwrap_or_else(|| panic!("{context}: a 405 carries an Allow header"));
        let listed: Vec<&str> = allow.split(',').map(str::trim).collect();
        for method in allowed {
            assert!(listed.contains(method), "{context}: Allow `{allow}` lists {method}");
        }
    }

    // Missing ids are 404 problems naming what was missing.
    let mut missing: Vec<(Method, String, Option<Value>, &str)> = vec![
        (Method::PATCH, "/v1/admin/articles/no-such-id".into(), Some(json!({"title": "x"})), "article"),
        (Method::GET, "/v1/admin/articles/no-such-id".into(), None, "article"),
        (Method::DELETE, "/v1/admin/articles/no-such-id".into(), None, "article"),
        (Method::POST, "/v1/admin/articles/no-such-id/publish".into(), None, "article"),
        (Method::POST, "/v1/admin/articles/no-such-id/unpublish".into(), None, "article"),
        (Method::PATCH, "/v1/admin/users/no-such-id".into(), Some(json!({"name": "x"})), "user"),
        (Method::GET, "/v1/admin/users/no-such-id".into(), None, "user"),
        (Method::GET, "/v1/articles/no-such-slug".into(), None, "article"),
    ];
    for (kind, singular) in [("authors", "author"), ("sources", "source"), ("sections", "section"), ("tags", "tag")] {
        missing.push((Method::PATCH, format!("/v1/admin/{kind}/no-such-id"), Some(json!({"name": "x"})), singular));
        missing.push((Method::GET, format!("/v1/admin/{kind}/no-such-id"), None, singular));
        missing.push((Method::DELETE, format!("/v1/admin/{kind}/no-such-id"), None, singular));
        missing.push((Method::GET, format!("/v1/{kind}/no-such-slug"), None, singular));
    }
    for (method, path, body, singular) in missing {
        let context = format!("{method} {path}");
        let body = problem(app.send(method, &path, Some(&app.admin), body, &[]).await, 404, &context);
        assert!(body["detail"].as_str().unwrap().contains(singular), "{context}: {body}");
    }
}

on_both_backends!(
    query_parameters_are_checked,
    times_past_the_year_9999_are_refused_naming_the_field,
    routing_errors_are_problems
);

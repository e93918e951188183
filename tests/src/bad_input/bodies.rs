//! A body the server cannot read as JSON: malformed, of another type, too large, or with a
//! key given twice.

use reqwest::Method;

use super::{invalid, problem, raw_with, targets, Targets};
use crate::common::{on_both_backends, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};

/// Every endpoint that reads a JSON body.
fn body_endpoints(t: &Targets) -> Vec<(Method, String)> {
    let mut endpoints = vec![
        (Method::POST, "/v1/admin/articles".to_owned()),
        (Method::PATCH, format!("/v1/admin/articles/{}", t.article)),
        (Method::POST, "/v1/auth/login".to_owned()),
        (Method::POST, "/v1/auth/refresh".to_owned()),
        (Method::POST, "/v1/auth/logout".to_owned()),
        (Method::POST, "/v1/admin/users".to_owned()),
        (Method::PATCH, format!("/v1/admin/users/{}", t.user)),
    ];
    for (kind, id) in &t.terms {
        endpoints.push((Method::POST, format!("/v1/admin/{kind}")));
        endpoints.push((Method::PATCH, format!("/v1/admin/{kind}/{id}")));
    }
    endpoints
}

async fn malformed_json_is_a_400_that_says_where(app: TestApp) {
    let t = targets(&app).await;
    let broken: [(&str, &[u8]); 5] = [
        ("an unclosed object", b"{"),
        ("an unclosed key", b"{\"ti"),
        ("a bare word", b"{title: 1}"),
        ("single quotes", b"{'title': 'x'}"),
        ("a key that is not UTF-8", b"{\"\xff\xfe\": 1}"),
    ];
    for (method, path) in body_endpoints(&t) {
        for (what, bytes) in broken {
            let context = format!("{method} {path} with {what}");
            let reply =
                raw_with(&app, method.clone(), &path, &[("content-type", "application/json")], bytes.to_vec()).await;
            let body = problem(reply, 400, &context);
            let detail = body["detail"].as_str().unwrap();
            assert!(
                detail.contains("line") && detail.contains("column"),
                "{context}: the detail says where it broke: {detail}"
            );
            assert!(body.get("errors").is_none(), "{context}: a syntax error names no field");
        }
        let empty = raw_with(&app, method.clone(), &path, &[("content-type", "application/json")], Vec::new()).await;
        problem(empty, 400, &format!("{method} {path} with an empty body"));
    }

    // The line and column are the real ones.
    let body = "{\n  \"title\": \"Where it broke\",\n  \"summary\": oops\n}";
    let reply = app.raw(Method::POST, "/v1/admin/articles", Some(&app.admin), "application/json", body.into()).await;
    let detail = problem(reply, 400, "a bare word on line 3")["detail"].as_str().unwrap().to_owned();
    assert!(detail.contains("line 3 column"), "{detail}");

    // A valid body followed by more is not valid JSON, and nothing is written.
    let reply = app
        .raw(
            Method::POST,
            "/v1/admin/tags",
            Some(&app.admin),
            "application/json",
            br#"{"name": "Trailing"} {"name": "Again"}"#.to_vec(),
        )
        .await;
    problem(reply, 400, "trailing content after the object");
    app.get("/v1/tags/trailing").await.expect_problem(404);
    let login = format!(r#"{{"email": "{ADMIN_EMAIL}", "password": "{ADMIN_PASSWORD}"}} ,"#);
    let reply = app.raw(Method::POST, "/v1/auth/login", None, "application/json", login.into_bytes()).await;
    problem(reply, 400, "login with trailing content");
}

async fn a_body_that_is_not_json_is_a_415(app: TestApp) {
    let t = targets(&app).await;
    for (method, path) in body_endpoints(&t) {
        for content_type in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "application/xml",
            "multipart/form-data; boundary=x",
            "not a media type",
        ] {
            let context = format!("{method} {path} as {content_type}");
            let reply = raw_with(
                &app,
                method.clone(),
                &path,
                &[("content-type", content_type)],
                br#"{"name": "Sneaky"}"#.to_vec(),
            )
            .await;
            let body = problem(reply, 415, &context);
            assert!(body["detail"].as_str().unwrap().contains("application/json"), "{context}: says what to send");
        }
        let reply = app.send(method.clone(), &path, Some(&app.admin), None, &[]).await;
        problem(reply, 415, &format!("{method} {path} with no content type"));
    }
    // JSON under its other spellings is fine.
    for (content_type, name) in
        [("application/json; charset=utf-8", "With charset"), ("Application/JSON", "Upper case")]
    {
        let body = format!(r#"{{"name": "{name}"}}"#).into_bytes();
        app.raw(Method::POST, "/v1/admin/tags", Some(&app.admin), content_type, body).await.expect(201);
    }
    let (_, tag) = &t.terms[3];
    let item = format!("/v1/admin/tags/{tag}");
    let etag = app.admin_get(&item, &app.admin).await.expect(200).header("etag").expect("an ETag").to_owned();
    let reply = raw_with(
        &app,
        Method::PATCH,
        &item,
        &[("content-type", "application/merge-patch+json"), ("if-match", &etag)],
        br#"{"description": "Merged"}"#.to_vec(),
    )
    .await;
    assert_eq!(reply.expect(200).body["description"], "Merged");
}

async fn a_body_over_a_mebibyte_is_a_413(app: TestApp) {
    let t = targets(&app).await;
    let huge = format!(r#"{{"title": "{}"}}"#, "a".repeat(1024 * 1024 + 1));
    for (method, path) in [
        (Method::POST, "/v1/admin/articles".to_owned()),
        (Method::PATCH, format!("/v1/admin/articles/{}", t.article)),
        (Method::POST, "/v1/admin/tags".to_owned()),
        (Method::POST, "/v1/auth/login".to_owned()),
        (Method::POST, "/v1/admin/users".to_owned()),
    ] {
        let reply =
            app.raw(method.clone(), &path, Some(&app.admin), "application/json", huge.clone().into_bytes()).await;
        let body = problem(reply, 413, &format!("{method} {path} with {} bytes", huge.len()));
        assert!(body["detail"].as_str().unwrap().contains("1048576"), "the detail gives the limit: {body}");
    }
    // Under the limit the body is read, and its own rules apply.
    let long_read = format!(r#"{{"title": "Long read", "body": "{}"}}"#, "word ".repeat(100_001));
    assert!(long_read.len() < 1024 * 1024);
    let reply =
        app.raw(Method::POST, "/v1/admin/articles", Some(&app.admin), "application/json", long_read.into_bytes()).await;
    invalid(reply, &["body"], "a 500 001-character body");
    let fits = format!(r#"{{"title": "Long enough read", "body": "{}"}}"#, "word ".repeat(99_999));
    app.raw(Method::POST, "/v1/admin/articles", Some(&app.admin), "application/json", fits.into_bytes())
        .await
        .expect(201);
}

/// A key given twice is an error in the field it repeats.
async fn a_repeated_key_names_the_field(app: TestApp) {
    for (path, field) in [("/v1/admin/tags", "name"), ("/v1/admin/articles", "title")] {
        let body = format!(r#"{{"{field}": "Once", "{field}": "Twice"}}"#).into_bytes();
        let reply = app.raw(Method::POST, path, Some(&app.admin), "application/json", body).await;
        invalid(reply, &[field], &format!("{path} with `{field}` twice"));
    }
}

on_both_backends!(
    malformed_json_is_a_400_that_says_where,
    a_body_that_is_not_json_is_a_415,
    a_body_over_a_mebibyte_is_a_413,
    a_repeated_key_names_the_field
);

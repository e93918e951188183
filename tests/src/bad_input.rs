//! Bad input on every endpoint that takes a body or parameters. Each is refused with the right
//! status and an `application/problem+json` body; a 422 names the field at fault; nothing is a 500.

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{on_both_backends, Reply, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};

/// The four taxonomy resources, by their path segment.
const KINDS: [&str; 4] = ["authors", "sources", "sections", "tags"];

/// Asserts a problem document with `status`; `context` says which request it was.
#[track_caller]
fn problem(reply: Reply, status: u16, context: &str) -> Value {
    assert_eq!(reply.status.as_u16(), status, "{context}: body {}", reply.text);
    assert_eq!(reply.header("content-type"), Some("application/problem+json"), "{context}: body {}", reply.text);
    assert_eq!(reply.body["status"], status, "{context}: body {}", reply.text);
    for member in ["type", "title", "detail"] {
        assert!(reply.body[member].is_string(), "{context}: the problem has a `{member}`: {}", reply.text);
    }
    reply.body
}

/// Asserts a 422 whose errors name exactly `fields`, in order.
#[track_caller]
fn invalid(reply: Reply, fields: &[&str], context: &str) -> Value {
    let body = problem(reply, 422, context);
    assert_eq!(Reply::fields(&body), fields, "{context}: {body}");
    assert_eq!(body["type"], "urn:newsdesk:problem:validation-failed", "{context}");
    body
}

/// Sends raw bytes as the admin with any headers (the harness's `raw` takes no extra headers).
async fn raw_with(app: &TestApp, method: Method, path: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Reply {
    let mut request = app.client.request(method, format!("{}{path}", app.base)).bearer_auth(&app.admin).body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("request is sent");
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply { status, headers, body, text }
}

/// Sends a JSON body as the admin. A PATCH carries the resource's current ETag in `If-Match`,
/// as every PATCH must, so what is refused is the body; the precondition has its own tests.
async fn json_request(app: &TestApp, method: &Method, path: &str, body: Value) -> Reply {
    if *method == Method::PATCH {
        return app.patch(path, &app.admin, body).await;
    }
    app.send(method.clone(), path, Some(&app.admin), Some(body), &[]).await
}

fn id_of(reply: Reply) -> String {
    reply.expect(201).body["id"].as_str().expect("id").to_owned()
}

/// Real resources to aim PATCHes at.
struct Targets {
    article: String,
    user: String,
    /// (kind, id) of one entry of each taxonomy resource.
    terms: Vec<(&'static str, String)>,
}

async fn targets(app: &TestApp) -> Targets {
    let article = app.draft(&app.admin, json!({"title": "Target article"})).await["id"].as_str().unwrap().to_owned();
    let (user, _) = app.user_with_role("author").await;
    let mut terms = Vec::new();
    for kind in KINDS {
        let id =
            id_of(app.post(&format!("/v1/admin/{kind}"), &app.admin, json!({"name": format!("Target {kind}")})).await);
        terms.push((kind, id));
    }
    Targets { article, user, terms }
}

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
    let reply = app
        .raw(
            Method::POST,
            "/v1/admin/tags",
            Some(&app.admin),
            "application/json; charset=utf-8",
            br#"{"name": "With charset"}"#.to_vec(),
        )
        .await;
    reply.expect(201);
    let reply = app
        .raw(
            Method::POST,
            "/v1/admin/tags",
            Some(&app.admin),
            "Application/JSON",
            br#"{"name": "Upper case"}"#.to_vec(),
        )
        .await;
    reply.expect(201);
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

async fn wrong_types_name_the_field(app: TestApp) {
    let t = targets(&app).await;
    let article = format!("/v1/admin/articles/{}", t.article);
    let user = format!("/v1/admin/users/{}", t.user);
    let tag = format!("/v1/admin/tags/{}", t.terms[3].1);
    let new_user = |role: Value| json!({"email": "typed@example.org", "name": "Typed", "role": role, "password": "a long enough passphrase"});
    let cases: Vec<(Method, &str, Value, &'static str)> = vec![
        (Method::POST, "/v1/admin/articles", json!({"title": 42}), "title"),
        (Method::POST, "/v1/admin/articles", json!({"title": "x", "authors": "ada-byline"}), "authors"),
        (Method::POST, "/v1/admin/articles", json!({"title": "x", "authors": [7]}), "authors[0]"),
        (Method::POST, "/v1/admin/articles", json!({"title": "x", "tags": ["water", false]}), "tags[1]"),
        (Method::POST, "/v1/admin/articles", json!({"title": "x", "section": ["news"]}), "section"),
        (Method::POST, "/v1/admin/articles", json!({"title": "x", "body": {"markdown": "hi"}}), "body"),
        (
            Method::POST,
            "/v1/admin/articles",
            json!({"title": "x", "featured_image": "https://example.org/a.jpg"}),
            "featured_image",
        ),
        (Method::POST, "/v1/admin/articles", json!({"title": "x", "featured_image": {"url": 5}}), "featured_image.url"),
        (Method::POST, "/v1/admin/articles", json!({"title": "x", "related": {"article": "y"}}), "related"),
        (Method::POST, "/v1/admin/articles", json!({"title": "x", "related": [{"article": 5}]}), "related[0].article"),
        (Method::PATCH, &article, json!({"version": "1"}), "version"),
        (Method::PATCH, &article, json!({"summary": 3}), "summary"),
        (Method::PATCH, &article, json!({"tags": [null]}), "tags[0]"),
        (Method::POST, "/v1/admin/tags", json!({"name": ["Water"]}), "name"),
        (Method::PATCH, &tag, json!({"description": 5}), "description"),
        (Method::POST, "/v1/admin/authors", json!({"name": "x", "email": true}), "email"),
        (Method::POST, "/v1/admin/sources", json!({"name": "x", "short_name": 1.5}), "short_name"),
        (Method::POST, "/v1/admin/sections", json!({"name": {}}), "name"),
        (Method::POST, "/v1/auth/login", json!({"email": 1, "password": "x"}), "email"),
        (Method::POST, "/v1/auth/refresh", json!({"refresh_token": 1}), "refresh_token"),
        (Method::POST, "/v1/admin/users", new_user(json!(3)), "role"),
        (Method::POST, "/v1/admin/users", new_user(json!(["admin"])), "role"),
        (Method::POST, "/v1/admin/users", new_user(json!(null)), "role"),
        (Method::PATCH, &user, json!({"role": true}), "role"),
        (Method::PATCH, &user, json!({"disabled": "yes"}), "disabled"),
        // The whole body has the wrong type.
        (Method::POST, "/v1/admin/tags", json!([]), "body"),
        (Method::POST, "/v1/admin/tags", json!("Water"), "body"),
        (Method::POST, "/v1/admin/articles", json!(null), "body"),
    ];
    let cases = cases
        .into_iter()
        .map(|(method, path, body, field)| case(method, path, Some(&body.to_string()), &[422], Some(field)))
        .collect();
    run_table(&app, cases).await;
    let listed = app.admin_get("/v1/admin/articles", &app.admin).await.expect(200);
    assert_eq!(listed.body["meta"]["pagination"]["total"], 1, "no rejected article was written");
}

async fn missing_fields_are_named(app: TestApp) {
    let cases: Vec<(&str, Value, &str)> = vec![
        ("/v1/admin/articles", json!({}), "title"),
        ("/v1/admin/articles", json!({"summary": "No headline"}), "title"),
        (
            "/v1/admin/articles",
            json!({"title": "x", "featured_image": {"alt": "An image with no URL"}}),
            "featured_image.url",
        ),
        ("/v1/admin/authors", json!({}), "name"),
        ("/v1/admin/sources", json!({"slug": "nameless"}), "name"),
        ("/v1/admin/sections", json!({}), "name"),
        ("/v1/admin/tags", json!({"description": "Nameless"}), "name"),
        ("/v1/auth/login", json!({}), "email"),
        ("/v1/auth/login", json!({"password": ADMIN_PASSWORD}), "email"),
        ("/v1/auth/login", json!({"email": ADMIN_EMAIL}), "password"),
        ("/v1/auth/refresh", json!({}), "refresh_token"),
        ("/v1/auth/logout", json!({}), "refresh_token"),
        ("/v1/admin/users", json!({}), "email"),
        ("/v1/admin/users", json!({"email": "a@example.org", "name": "A", "role": "author"}), "password"),
        (
            "/v1/admin/users",
            json!({"email": "a@example.org", "name": "A", "password": "a long enough passphrase"}),
            "role",
        ),
    ];
    for (path, body, field) in cases {
        let context = format!("POST {path} {body}");
        let problem = invalid(json_request(&app, &Method::POST, path, body).await, &[field], &context);
        assert!(problem["errors"][0]["message"].as_str().unwrap().contains("required"), "{context}: {problem}");
    }
}

async fn unknown_fields_are_named(app: TestApp) {
    let t = targets(&app).await;
    let article = format!("/v1/admin/articles/{}", t.article);
    let image = |extra: Value| {
        let mut image = json!({"url": "https://example.org/a.jpg"});
        image.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        image
    };
    let mut cases: Vec<(Method, String, Value, &str)> = vec![
        (Method::POST, "/v1/admin/articles".into(), json!({"title": "x", "bogus": 1}), "bogus"),
        (
            Method::POST,
            "/v1/admin/articles".into(),
            json!({"title": "x", "featured_image": image(json!({"bogus": 1}))}),
            "featured_image.bogus",
        ),
        (
            Method::POST,
            "/v1/admin/articles".into(),
            json!({"title": "x", "related": [{"url": "https://example.org", "bogus": 1}]}),
            "related[0].bogus",
        ),
        // Status and version are not written by a create: publishing is its own step.
        (Method::POST, "/v1/admin/articles".into(), json!({"title": "x", "status": "published"}), "status"),
        (
            Method::POST,
            "/v1/admin/articles".into(),
            json!({"title": "x", "published_at": "2020-01-01T00:00:00Z"}),
            "published_at",
        ),
        (Method::PATCH, article.clone(), json!({"bogus": 1}), "bogus"),
        (Method::PATCH, article.clone(), json!({"status": "published"}), "status"),
        (Method::PATCH, article.clone(), json!({"featured_image": image(json!({"bogus": 1}))}), "featured_image.bogus"),
        (Method::POST, "/v1/admin/authors".into(), json!({"name": "x", "article_count": 5}), "article_count"),
        (
            Method::POST,
            "/v1/auth/login".into(),
            json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "bogus": 1}),
            "bogus",
        ),
        (Method::POST, "/v1/auth/refresh".into(), json!({"refresh_token": "x", "bogus": 1}), "bogus"),
        (
            Method::POST,
            "/v1/admin/users".into(),
            json!({"email": "u@example.org", "name": "U", "role": "author", "password": "a long enough passphrase", "admin": true}),
            "admin",
        ),
        (Method::PATCH, format!("/v1/admin/users/{}", t.user), json!({"email": "new@example.org"}), "email"),
    ];
    for (kind, id) in &t.terms {
        cases.push((Method::POST, format!("/v1/admin/{kind}"), json!({"name": "x", "bogus": 1}), "bogus"));
        cases.push((Method::PATCH, format!("/v1/admin/{kind}/{id}"), json!({"name": "x", "bogus": 1}), "bogus"));
    }
    for (method, path, body, field) in cases {
        let context = format!("{method} {path} {body}");
        let problem = invalid(json_request(&app, &method, &path, body).await, &[field], &context);
        assert!(
            problem["errors"][0]["message"].as_str().unwrap().contains("not a known field"),
            "{context}: {problem}"
        );
    }
    let draft = app.admin_get(&article, &app.admin).await.expect(200);
    assert_eq!(draft.body["status"], "draft");
    assert_eq!(draft.body["version"], 1, "no rejected PATCH changed the article");
}

async fn values_out_of_bounds_are_named(app: TestApp) {
    let t = targets(&app).await;
    let article = format!("/v1/admin/articles/{}", t.article);
    let tag = format!("/v1/admin/tags/{}", t.terms[3].1);
    let user = |field: &str, value: &str| {
        let mut body = json!({"email": "bounds@example.org", "name": "Bounds", "role": "author", "password": "a long enough passphrase"});
        body[field] = json!(value);
        body
    };
    let cases: Vec<(Method, &str, Value, &[&str])> = vec![
        (Method::POST, "/v1/admin/articles", json!({"title": "a".repeat(301)}), &["title"]),
        (Method::POST, "/v1/admin/articles", json!({"title": "🌊".repeat(301), "slug": "waves"}), &["title"]),
        (Method::POST, "/v1/admin/articles", json!({"title": "   "}), &["title"]),
        (Method::POST, "/v1/admin/articles", json!({"title": "Bell \u{7} in the title"}), &["title"]),
        (Method::POST, "/v1/admin/articles", json!({"title": "x", "summary": "s".repeat(2001)}), &["summary"]),
        (
            Method::POST,
            "/v1/admin/articles",
            json!({"title": "x", "source_url": "javascript:alert(1)"}),
            &["source_url"],
        ),
        (
            Method::POST,
            "/v1/admin/articles",
            json!({"title": "x", "source_url": "ftp://example.org/story"}),
            &["source_url"],
        ),
        (
            Method::POST,
            "/v1/admin/articles",
            json!({"title": "x", "featured_image": {"url": "/relative"}}),
            &["featured_image.url"],
        ),
        (
            Method::POST,
            "/v1/admin/articles",
            json!({"title": "x", "featured_image": {"url": "https://example.org/a.jpg", "alt": "a".repeat(501)}}),
            &["featured_image.alt"],
        ),
        (Method::POST, "/v1/admin/articles", json!({"title": "x", "language": "english"}), &["language"]),
        (Method::POST, "/v1/admin/articles", json!({"title": "x", "language": "EN"}), &["language"]),
        (Method::POST, "/v1/admin/articles", json!({"title": "x", "language": ""}), &["language"]),
        (
            Method::POST,
            "/v1/admin/articles",
            json!({"title": "x", "related": [{"url": "not a url"}]}),
            &["related[0].url"],
        ),
        // Every problem at once, in the order of the fields.
        (
            Method::POST,
            "/v1/admin/articles",
            json!({"title": "", "source_url": "javascript:alert(1)", "language": "x"}),
            &["title", "source_url", "language"],
        ),
        (Method::PATCH, &article, json!({"title": "a".repeat(301)}), &["title"]),
        (Method::PATCH, &article, json!({"title": ""}), &["title"]),
        (Method::PATCH, &article, json!({"source_url": "javascript:alert(1)"}), &["source_url"]),
        (Method::PATCH, &article, json!({"featured_image": {"url": "/relative"}}), &["featured_image.url"]),
        (Method::PATCH, &article, json!({"language": "english"}), &["language"]),
        (Method::POST, "/v1/admin/tags", json!({"name": "n".repeat(201)}), &["name"]),
        (Method::POST, "/v1/admin/tags", json!({"name": "  "}), &["name"]),
        (Method::POST, "/v1/admin/tags", json!({"name": "x", "description": "d".repeat(2001)}), &["description"]),
        (Method::PATCH, &tag, json!({"name": "n".repeat(201)}), &["name"]),
        (Method::PATCH, &tag, json!({"name": ""}), &["name"]),
        (Method::POST, "/v1/admin/sections", json!({"name": "n".repeat(201)}), &["name"]),
        (Method::POST, "/v1/admin/sources", json!({"name": "x", "short_name": "s".repeat(51)}), &["short_name"]),
        (Method::POST, "/v1/admin/sources", json!({"name": "x", "homepage_url": "/relative"}), &["homepage_url"]),
        (Method::POST, "/v1/admin/authors", json!({"name": "x", "email": "not-an-email"}), &["email"]),
        (Method::POST, "/v1/admin/authors", json!({"name": "x", "website": "javascript:alert(1)"}), &["website"]),
        (Method::POST, "/v1/admin/authors", json!({"name": "x", "avatar_url": "/a.jpg"}), &["avatar_url"]),
        (Method::POST, "/v1/admin/authors", json!({"name": "x", "bio": "b".repeat(5001)}), &["bio"]),
        (Method::POST, "/v1/admin/users", user("email", "jane"), &["email"]),
        (Method::POST, "/v1/admin/users", user("role", "overlord"), &["role"]),
        (Method::POST, "/v1/admin/users", user("password", "short"), &["password"]),
        (Method::POST, "/v1/admin/users", user("name", " "), &["name"]),
    ];
    for (method, path, body, fields) in cases {
        let context = format!("{method} {path} {}", body.to_string().chars().take(120).collect::<String>());
        invalid(json_request(&app, &method, path, body).await, fields, &context);
    }
    // The limits themselves are allowed; they count characters, not bytes.
    app.post("/v1/admin/articles", &app.admin, json!({"title": "a".repeat(300)})).await.expect(201);
    app.post("/v1/admin/articles", &app.admin, json!({"title": "🌊".repeat(300), "slug": "waves"})).await.expect(201);
    app.post("/v1/admin/articles", &app.admin, json!({"title": "Portuguese", "language": "pt-BR"})).await.expect(201);
    app.post("/v1/admin/tags", &app.admin, json!({"name": "n".repeat(200), "slug": "long-name"})).await.expect(201);
    let listed = app.admin_get("/v1/admin/articles", &app.admin).await.expect(200);
    assert_eq!(listed.body["meta"]["pagination"]["total"], 4, "only the valid articles were written");
}

async fn invalid_slugs_are_refused_everywhere(app: TestApp) {
    let t = targets(&app).await;
    let too_long = "a".repeat(121);
    let bad = ["Not A Slug", "a--b", "-x", "x-", "UPPER", "ünïcode", "a_b", "a/b", "", too_long.as_str()];
    let mut writes: Vec<(Method, String, Value)> = vec![
        (Method::POST, "/v1/admin/articles".into(), json!({"title": "Fine title"})),
        (Method::PATCH, format!("/v1/admin/articles/{}", t.article), json!({})),
    ];
    for (kind, id) in &t.terms {
        writes.push((Method::POST, format!("/v1/admin/{kind}"), json!({"name": "Fine name"})));
        writes.push((Method::PATCH, format!("/v1/admin/{kind}/{id}"), json!({})));
    }
    for (method, path, base) in &writes {
        for slug in bad {
            let mut body = base.clone();
            body["slug"] = json!(slug);
            let context = format!("{method} {path} with slug {slug:?}");
            invalid(json_request(&app, method, path, body).await, &["slug"], &context);
        }
    }
    // A name with nothing to make a slug of needs an explicit one.
    invalid(
        app.post("/v1/admin/articles", &app.admin, json!({"title": "!!!"})).await,
        &["slug"],
        "a title of punctuation",
    );
    invalid(
        app.post("/v1/admin/articles", &app.admin, json!({"title": "— … —"})).await,
        &["slug"],
        "a title of dashes",
    );
    for kind in KINDS {
        invalid(app.post(&format!("/v1/admin/{kind}"), &app.admin, json!({"name": "???"})).await, &["slug"], kind);
    }
    // The longest slug is fine.
    let longest = "a".repeat(120);
    assert_eq!(
        app.post("/v1/admin/tags", &app.admin, json!({"name": "Longest", "slug": longest})).await.expect(201).body
            ["slug"],
        longest
    );
    // Nothing was renamed.
    for (kind, id) in &t.terms {
        let entry = app.admin_get(&format!("/v1/admin/{kind}/{id}"), &app.admin).await.expect(200);
        assert_eq!(entry.body["version"], 1, "{kind}");
    }
}

async fn unknown_references_name_the_entry(app: TestApp) {
    app.seed_taxonomy().await;
    let anchor = app.published(json!({"title": "Anchor", "authors": ["ada-byline"], "section": "news"})).await;
    let anchor_id = anchor["id"].as_str().unwrap().to_owned();
    let many: Vec<String> = (0..51).map(|i| format!("author-{i}")).collect();
    let cases: Vec<(Value, &[&str])> = vec![
        (json!({"authors": ["nobody"]}), &["authors[0]"]),
        (json!({"authors": ["ada-byline", "nobody"]}), &["authors[1]"]),
        (json!({"authors": ["ada-byline", "ada-byline"]}), &["authors[1]"]),
        (json!({"authors": ["Ada-Byline"]}), &["authors[0]"]),
        (json!({"authors": many}), &["authors"]),
        (json!({"tags": ["water", "nope"]}), &["tags[1]"]),
        (json!({"section": "nope"}), &["section"]),
        (json!({"section": "News"}), &["section"]),
        (json!({"source": "nope"}), &["source"]),
        (json!({"related": [{"article": "nope"}]}), &["related[0].article"]),
        (json!({"related": [{"article": "anchor", "url": "https://example.org/x"}]}), &["related[0]"]),
        (json!({"related": [{}]}), &["related[0]"]),
        (json!({"related": [{"title": "A title and nothing else"}]}), &["related[0]"]),
        (json!({"related": [{"article": "anchor", "title": "Titles come from the article"}]}), &["related[0]"]),
        (
            json!({"related": [{"url": "https://example.org/ok"}, {"article": "anchor", "url": "https://example.org/x"}]}),
            &["related[1]"],
        ),
        (json!({"section": "nope", "authors": ["nobody"], "tags": ["nope"]}), &["section", "authors[0]", "tags[0]"]),
    ];
    for (refs, fields) in cases {
        let mut create = json!({"title": "Has references"});
        create.as_object_mut().unwrap().extend(refs.as_object().unwrap().clone());
        invalid(app.post("/v1/admin/articles", &app.admin, create.clone()).await, fields, &format!("POST {create}"));
        invalid(
            app.patch(&format!("/v1/admin/articles/{anchor_id}"), &app.admin, refs.clone()).await,
            fields,
            &format!("PATCH {refs}"),
        );
    }
    invalid(
        app.patch(&format!("/v1/admin/articles/{anchor_id}"), &app.admin, json!({"related": [{"article": "anchor"}]}))
            .await,
        &["related[0].article"],
        "an article related to itself",
    );
    // Nothing was written: no new article, the anchor as it was.
    let listed = app.admin_get("/v1/admin/articles", &app.admin).await.expect(200);
    assert_eq!(listed.body["meta"]["pagination"]["total"], 1);
    let after = app.admin_get(&format!("/v1/admin/articles/{anchor_id}"), &app.admin).await.expect(200);
    assert_eq!(after.body["version"], anchor["version"], "a rejected PATCH leaves no new version");
    assert_eq!(after.body["authors"][0]["slug"], "ada-byline");
    assert_eq!(after.body["section"]["slug"], "news");

    let user = json!({"email": "linked@example.org", "name": "Linked", "role": "author", "password": "a long enough passphrase", "author": "nobody"});
    invalid(app.post("/v1/admin/users", &app.admin, user).await, &["author"], "a user linked to an unknown author");
}

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

async fn if_match_guards_against_lost_updates(app: TestApp) {
    for kind in KINDS {
        let created = app.post(&format!("/v1/admin/{kind}"), &app.admin, json!({"name": "Guarded"})).await.expect(201);
        let item = format!("/v1/admin/{kind}/{}", created.body["id"].as_str().unwrap());
        let first = app
            .send(Method::PATCH, &item, Some(&app.admin), Some(json!({"name": "First"})), &[("if-match", "\"1\"")])
            .await
            .expect(200);
        assert_eq!(first.header("etag"), Some("\"2\""), "{kind}");
        assert_eq!(first.body["version"], 2, "{kind}");
        let lost = app
            .send(Method::PATCH, &item, Some(&app.admin), Some(json!({"name": "Second"})), &[("if-match", "\"1\"")])
            .await;
        let body = problem(lost, 412, &format!("{kind}: a PATCH on a stale ETag"));
        assert_eq!(body["current_version"], 2, "{kind}");
        let now = app.admin_get(&item, &app.admin).await.expect(200);
        assert_eq!(now.body["name"], "First", "{kind}: the stale write changed nothing");
        assert_eq!(now.body["version"], 2, "{kind}");

        for malformed in ["banana", "\"abc\"", "", "1.5", "\"99999999999999999999\""] {
            let reply = app
                .send(
                    Method::PATCH,
                    &item,
                    Some(&app.admin),
                    Some(json!({"name": "Third"})),
                    &[("if-match", malformed)],
                )
                .await;
            problem(reply, 400, &format!("{kind}: If-Match {malformed:?}"));
        }
        let reply = app.send(Method::DELETE, &item, Some(&app.admin), None, &[("if-match", "nope")]).await;
        problem(reply, 400, &format!("{kind}: DELETE with a malformed If-Match"));

        let any = app
            .send(Method::PATCH, &item, Some(&app.admin), Some(json!({"name": "Any"})), &[("if-match", "*")])
            .await
            .expect(200);
        assert_eq!(any.body["version"], 3, "{kind}: `*` matches any version");

        let stale_delete = app.send(Method::DELETE, &item, Some(&app.admin), None, &[("if-match", "\"2\"")]).await;
        assert_eq!(problem(stale_delete, 412, &format!("{kind}: stale DELETE"))["current_version"], 3);
        app.admin_get(&item, &app.admin).await.expect(200);
        app.send(Method::DELETE, &item, Some(&app.admin), None, &[("if-match", "\"3\"")]).await.expect(204);
    }

    // Articles take the version in the body as well as in If-Match.
    let draft = app.draft(&app.admin, json!({"title": "Versioned"})).await;
    let item = format!("/v1/admin/articles/{}", draft["id"].as_str().unwrap());
    let second = app.patch(&item, &app.admin, json!({"title": "Second version", "version": 1})).await.expect(200);
    assert_eq!(second.body["version"], 2);
    assert_eq!(second.header("etag"), Some("\"2\""));
    let lost = app.patch(&item, &app.admin, json!({"title": "Lost update", "version": 1})).await;
    assert_eq!(problem(lost, 412, "article PATCH with a stale body version")["current_version"], 2);
    let lost = app
        .send(Method::PATCH, &item, Some(&app.admin), Some(json!({"title": "Lost update"})), &[("if-match", "\"1\"")])
        .await;
    assert_eq!(problem(lost, 412, "article PATCH with a stale If-Match")["current_version"], 2);
    problem(
        app.send(Method::PATCH, &item, Some(&app.admin), Some(json!({"title": "x"})), &[("if-match", "v2")]).await,
        400,
        "article If-Match",
    );
    let publish =
        app.send(Method::POST, &format!("{item}/publish"), Some(&app.admin), None, &[("if-match", "\"1\"")]).await;
    assert_eq!(problem(publish, 412, "publish with a stale If-Match")["current_version"], 2);
    let after = app.admin_get(&item, &app.admin).await.expect(200);
    assert_eq!(after.body["title"], "Second version");
    assert_eq!(after.body["status"], "draft");
    let publish = app
        .send(Method::POST, &format!("{item}/publish"), Some(&app.admin), None, &[("if-match", "\"2\"")])
        .await
        .expect(200);
    assert_eq!(publish.body["version"], 3);
    let delete = app.send(Method::DELETE, &item, Some(&app.admin), None, &[("if-match", "\"2\"")]).await;
    assert_eq!(problem(delete, 412, "stale article DELETE")["current_version"], 3);

    // And users.
    let (user, _) = app.user_with_role("author").await;
    let item = format!("/v1/admin/users/{user}");
    app.send(Method::PATCH, &item, Some(&app.admin), Some(json!({"name": "Renamed"})), &[("if-match", "\"1\"")])
        .await
        .expect(200);
    let lost =
        app.send(Method::PATCH, &item, Some(&app.admin), Some(json!({"name": "Lost"})), &[("if-match", "\"1\"")]).await;
    assert_eq!(problem(lost, 412, "stale user PATCH")["current_version"], 2);
}

async fn duplicates_conflict_on_the_slug(app: TestApp) {
    let conflict = |reply: Reply, field: &str, context: &str| {
        let body = problem(reply, 409, context);
        assert_eq!(Reply::fields(&body), [field], "{context}: {body}");
        assert_eq!(body["type"], "urn:newsdesk:problem:conflict", "{context}");
    };
    app.draft(&app.admin, json!({"title": "First", "slug": "same-slug"})).await;
    conflict(
        app.post("/v1/admin/articles", &app.admin, json!({"title": "Second", "slug": "same-slug"})).await,
        "slug",
        "article slug given twice",
    );
    app.draft(&app.admin, json!({"title": "Same title"})).await;
    conflict(
        app.post("/v1/admin/articles", &app.admin, json!({"title": "Same title"})).await,
        "slug",
        "article slug derived twice",
    );
    let other = app.draft(&app.admin, json!({"title": "Other"})).await;
    let other_item = format!("/v1/admin/articles/{}", other["id"].as_str().unwrap());
    conflict(
        app.patch(&other_item, &app.admin, json!({"slug": "same-slug"})).await,
        "slug",
        "article renamed onto another's slug",
    );
    assert_eq!(app.admin_get(&other_item, &app.admin).await.expect(200).body["slug"], "other");

    for kind in KINDS {
        let path = format!("/v1/admin/{kind}");
        app.post(&path, &app.admin, json!({"slug": "dup", "name": "First"})).await.expect(201);
        conflict(
            app.post(&path, &app.admin, json!({"slug": "dup", "name": "Second"})).await,
            "slug",
            &format!("{kind} slug twice"),
        );
        conflict(
            app.post(&path, &app.admin, json!({"name": "Dup"})).await,
            "slug",
            &format!("{kind} slug derived onto a taken one"),
        );
        let second = app.post(&path, &app.admin, json!({"name": "Second"})).await.expect(201);
        let item = format!("{path}/{}", second.body["id"].as_str().unwrap());
        conflict(
            app.patch(&item, &app.admin, json!({"slug": "dup"})).await,
            "slug",
            &format!("{kind} renamed onto a taken slug"),
        );
        assert_eq!(app.admin_get(&item, &app.admin).await.expect(200).body["slug"], "second");
        assert_eq!(app.admin_get(&path, &app.admin).await.expect(200).body["meta"]["pagination"]["total"], 2, "{kind}");
    }

    let user = json!({"email": "twice@example.org", "name": "Twice", "role": "author", "password": "a long enough passphrase"});
    app.post("/v1/admin/users", &app.admin, user).await.expect(201);
    let again = json!({"email": "Twice@Example.org", "name": "Again", "role": "author", "password": "a long enough passphrase"});
    conflict(app.post("/v1/admin/users", &app.admin, again).await, "email", "the same e-mail in another case");
}

async fn an_empty_patch_is_refused(app: TestApp) {
    let t = targets(&app).await;
    for (kind, id) in &t.terms {
        let item = format!("/v1/admin/{kind}/{id}");
        for body in [json!({}), json!({"name": null}), json!({"slug": null})] {
            let context = format!("PATCH {item} {body}");
            invalid(app.patch(&item, &app.admin, body).await, &["body"], &context);
        }
        assert_eq!(app.admin_get(&item, &app.admin).await.expect(200).body["version"], 1, "{kind}: nothing changed");
    }
}

/// A request of the no-500 tables: raw JSON text sent as `application/json`.
struct Case {
    method: Method,
    path: String,
    body: Option<String>,
    headers: Vec<(&'static str, &'static str)>,
    /// The right answer (a few requests have two acceptable ones).
    statuses: &'static [u16],
    /// The field a 422 must name.
    field: Option<&'static str>,
}

fn case(
    method: Method,
    path: impl Into<String>,
    body: Option<&str>,
    statuses: &'static [u16],
    field: Option<&'static str>,
) -> Case {
    Case { method, path: path.into(), body: body.map(str::to_owned), headers: Vec::new(), statuses, field }
}

impl Case {
    /// Sends `If-Match: *`, which a PATCH or DELETE now needs to get past 428.
    fn if_match_any(mut self) -> Self {
        self.headers.push(("if-match", "*"));
        self
    }
}

/// Sends every case and fails once, listing each one that was a 500 or otherwise wrong.
async fn run_table(app: &TestApp, cases: Vec<Case>) {
    let mut failures = Vec::new();
    for c in cases {
        let mut headers = c.headers.clone();
        if c.body.is_some() {
            headers.push(("content-type", "application/json"));
        }
        let reply =
            raw_with(app, c.method.clone(), &c.path, &headers, c.body.clone().unwrap_or_default().into_bytes()).await;
        let shown: String = c.path.chars().take(80).collect();
        let context = format!(
            "{} {shown} {}",
            c.method,
            c.body.as_deref().unwrap_or_default().chars().take(160).collect::<String>()
        );
        let status = reply.status.as_u16();
        if !c.statuses.contains(&status) {
            failures.push(format!("{context}: expected {:?}, got {status} {}", c.statuses, reply.text));
            continue;
        }
        if status >= 400 {
            if reply.header("content-type") != Some("application/problem+json") {
                failures.push(format!("{context}: not a problem document: {:?}", reply.header("content-type")));
                continue;
            }
            if let Some(field) = c.field.filter(|_| status == 422) {
                let fields = Reply::fields(&reply.body);
                if fields != [field] {
                    failures.push(format!("{context}: expected field {field}, got {fields:?}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} bad requests were mishandled:\n{}", failures.len(), failures.join("\n"));
}

async fn no_bad_input_is_a_500(app: TestApp) {
    app.seed_taxonomy().await;
    let t = targets(&app).await;
    let article = format!("/v1/admin/articles/{}", t.article);
    let tag = format!("/v1/admin/tags/{}", t.terms[3].1);
    let nested = format!(r#"{{"title": "x", "authors": {}{}}}"#, "[".repeat(5000), "]".repeat(5000));
    let long_slug = format!("/v1/articles/{}", "a".repeat(3000));
    let long_password = format!(r#"{{"email": "{ADMIN_EMAIL}", "password": "{}"}}"#, "p".repeat(10_000));
    use Method as M;
    let mut cases = vec![
        case(M::POST, "/v1/admin/articles", Some("null"), &[422], Some("body")),
        case(M::POST, "/v1/admin/articles", Some("[]"), &[422], Some("body")),
        case(M::POST, "/v1/admin/articles", Some("\"text\""), &[422], Some("body")),
        case(M::POST, "/v1/admin/articles", Some("12"), &[422], Some("body")),
        // Nesting past the JSON parser's depth limit is not JSON we read: 400, not 500.
        case(M::POST, "/v1/admin/articles", Some(&nested), &[400], None),
        case(M::POST, "/v1/admin/articles", Some(r#"{"title": "x", "version": 1}"#), &[422], Some("version")),
        case(
            M::POST,
            "/v1/admin/articles",
            Some(r#"{"title": "x", "authors": ["ada-byline", "ADA-BYLINE"]}"#),
            &[422],
            Some("authors[1]"),
        ),
        case(
            M::POST,
            "/v1/admin/articles",
            Some(r#"{"title": "x", "related": [{"url": "https://"}]}"#),
            &[422],
            Some("related[0].url"),
        ),
        case(
            M::POST,
            "/v1/admin/articles",
            Some(r#"{"title": "x", "source_url": "https://exa mple.org"}"#),
            &[422],
            Some("source_url"),
        ),
        case(M::POST, "/v1/admin/articles", Some(r#"{"title": "No image", "featured_image": null}"#), &[201], None),
        case(M::POST, "/v1/admin/articles", Some(r#"{"title": "Target article"}"#), &[409], Some("slug")),
        case(M::PATCH, article.clone(), Some(r#"{"version": 99999999999999999999}"#), &[422], Some("version")),
        case(M::PATCH, article.clone(), Some(r#"{"version": -1}"#), &[412], None),
        case(
            M::PATCH,
            article.clone(),
            Some(r#"{"related": [{"article": "target-article"}]}"#),
            &[422],
            Some("related[0].article"),
        )
        .if_match_any(),
        // Without If-Match (or a body `version`) a valid PATCH is refused before it writes.
        case(M::PATCH, article.clone(), Some(r#"{"title": "Unguarded"}"#), &[428], None),
        case(
            M::PATCH,
            article.clone(),
            Some(r#"{"section": null, "source": null, "featured_image": null, "summary": null}"#),
            &[200],
            None,
        )
        .if_match_any(),
        case(M::POST, "/v1/admin/tags", Some(r#"{"name": "\ud800"}"#), &[400], None),
        case(M::POST, "/v1/admin/tags", Some(r#"{"name": "Tab\tbed"}"#), &[422], Some("name")),
        case(M::POST, "/v1/auth/login", Some(&long_password), &[401], None),
        case(M::POST, "/v1/auth/login", Some(r#"{"email": "", "password": ""}"#), &[401], None),
        case(M::POST, "/v1/auth/refresh", Some(r#"{"refresh_token": ""}"#), &[401], None),
        case(M::POST, "/v1/auth/logout", Some(r#"{"refresh_token": "never issued"}"#), &[204], None),
        case(M::PATCH, format!("/v1/admin/users/{}", t.user), Some(r#"{"role": "overlord"}"#), &[422], Some("role")),
        case(M::PATCH, format!("/v1/admin/users/{}", t.user), Some(r#"{"author": "nobody"}"#), &[422], Some("author"))
            .if_match_any(),
        case(
            M::PATCH,
            format!("/v1/admin/users/{}", t.user),
            Some(r#"{"password": "short"}"#),
            &[422],
            Some("password"),
        )
        .if_match_any(),
        case(M::PATCH, format!("/v1/admin/users/{}", t.user), Some(r#"{"name": "Unguarded"}"#), &[428], None),
        case(M::GET, "/v1/authors/%F0%9F%8C%8A", None, &[404], None),
        case(M::GET, long_slug, None, &[404], None),
        case(M::GET, "/v1/admin/articles/%FF%FE", None, &[404], None),
        case(M::GET, "/v1/articles?limit=%ZZ", None, &[422], Some("limit")),
        case(M::GET, "/v1/articles?page=9223372036854775807", None, &[422], Some("page")),
        case(M::GET, "/v1/articles?published_after=2026-13-45T00:00:00Z", None, &[422], Some("published_after")),
        case(M::GET, "/v1/articles?tag=%F0%9F%8C%8A&author=a%20b", None, &[200], None),
        case(M::GET, "/v1/articles?limit=1&limit=2", None, &[422], None),
    ];
    let mut guarded = case(M::PATCH, tag.clone(), Some(r#"{"name": "x"}"#), &[400], None);
    guarded.headers.push(("if-match", "\"99999999999999999999\""));
    cases.push(guarded);
    cases.push(case(M::DELETE, tag.clone(), None, &[428], None));
    let mut guarded = case(M::DELETE, tag, None, &[400], None);
    guarded.headers.push(("if-match", "abc"));
    cases.push(guarded);
    run_table(&app, cases).await;
}

/// A NUL is valid JSON and a valid URL escape, but PostgreSQL cannot store or compare it: each
/// request must still be an ordinary 4xx (or, for a Markdown body, may be stored).
async fn a_nul_byte_is_never_a_500(app: TestApp) {
    app.seed_taxonomy().await;
    use Method as M;
    let cases = vec![
        case(
            M::POST,
            "/v1/admin/articles",
            Some(r#"{"title": "x", "authors": ["\u0000"]}"#),
            &[422],
            Some("authors[0]"),
        ),
        case(
            M::POST,
            "/v1/admin/articles",
            Some(r#"{"title": "x", "tags": ["wa\u0000ter"]}"#),
            &[422],
            Some("tags[0]"),
        ),
        case(M::POST, "/v1/admin/articles", Some(r#"{"title": "x", "section": "\u0000"}"#), &[422], Some("section")),
        case(M::POST, "/v1/admin/articles", Some(r#"{"title": "x", "source": "\u0000"}"#), &[422], Some("source")),
        case(
            M::POST,
            "/v1/admin/articles",
            Some(r#"{"title": "x", "related": [{"article": "\u0000"}]}"#),
            &[422],
            Some("related[0].article"),
        ),
        case(M::POST, "/v1/admin/articles", Some(r#"{"title": "x", "slug": "\u0000"}"#), &[422], Some("slug")),
        case(M::POST, "/v1/admin/articles", Some(r#"{"title": "Nul\u0000"}"#), &[422], Some("title")),
        case(
            M::POST,
            "/v1/admin/articles",
            Some(r#"{"title": "Nul body", "body": "nul \u0000 byte"}"#),
            &[201, 422],
            Some("body"),
        ),
        case(M::POST, "/v1/admin/tags", Some(r#"{"name": "Nul\u0000"}"#), &[422], Some("name")),
        case(
            M::POST,
            "/v1/admin/tags",
            Some(r#"{"name": "x", "description": "nul \u0000"}"#),
            &[422],
            Some("description"),
        ),
        case(
            M::POST,
            "/v1/auth/login",
            Some(r#"{"email": "ad\u0000min@example.org", "password": "x"}"#),
            &[422],
            Some("email"),
        ),
        case(M::POST, "/v1/auth/refresh", Some(r#"{"refresh_token": "\u0000"}"#), &[422], Some("refresh_token")),
        case(
            M::POST,
            "/v1/admin/users",
            Some(
                r#"{"email": "nul@example.org", "name": "Nul", "role": "author", "password": "a long enough passphrase", "author": "\u0000"}"#,
            ),
            &[422],
            Some("author"),
        ),
        case(M::GET, "/v1/articles/%00", None, &[404], None),
        case(M::GET, "/v1/tags/%00", None, &[404], None),
        case(M::GET, "/v1/admin/tags/%00", None, &[404], None),
        case(M::PATCH, "/v1/admin/tags/%00", Some(r#"{"name": "x"}"#), &[404], None),
        case(M::DELETE, "/v1/admin/sections/%00", None, &[404], None),
        case(M::GET, "/v1/articles?tag=%00", None, &[422], Some("tag")),
        case(M::GET, "/v1/articles?author=%00", None, &[422], Some("author")),
        case(M::GET, "/v1/admin/articles?status=%00", None, &[422], Some("status")),
    ];
    run_table(&app, cases).await;
}

/// A key given twice is an error in the field it repeats.
async fn a_repeated_key_names_the_field(app: TestApp) {
    let reply = app
        .raw(
            Method::POST,
            "/v1/admin/tags",
            Some(&app.admin),
            "application/json",
            br#"{"name": "Once", "name": "Twice"}"#.to_vec(),
        )
        .await;
    invalid(reply, &["name"], "a tag with `name` twice");
    let reply = app
        .raw(
            Method::POST,
            "/v1/admin/articles",
            Some(&app.admin),
            "application/json",
            br#"{"title": "Once", "title": "Twice"}"#.to_vec(),
        )
        .await;
    invalid(reply, &["title"], "an article with `title` twice");
}

on_both_backends!(
    malformed_json_is_a_400_that_says_where,
    a_body_that_is_not_json_is_a_415,
    a_body_over_a_mebibyte_is_a_413,
    wrong_types_name_the_field,
    missing_fields_are_named,
    unknown_fields_are_named,
    values_out_of_bounds_are_named,
    invalid_slugs_are_refused_everywhere,
    unknown_references_name_the_entry,
    query_parameters_are_checked,
    routing_errors_are_problems,
    if_match_guards_against_lost_updates,
    duplicates_conflict_on_the_slug,
    an_empty_patch_is_refused,
    no_bad_input_is_a_500,
    a_nul_byte_is_never_a_500,
    a_repeated_key_names_the_field,
);

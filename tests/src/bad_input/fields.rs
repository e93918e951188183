//! JSON with the wrong fields: wrong types, missing, unknown, out of bounds, invalid slugs and
//! unknown references. Each 422 names the field at fault.

use reqwest::Method;
use serde_json::{json, Value};

use super::{case, invalid, run_table, targets, KINDS};
use crate::common::{on_both_backends, Reply, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};

/// Sends a JSON body as the admin. A PATCH carries the resource's current ETag in `If-Match`,
/// as every PATCH must, so what is refused is the body; the precondition has its own tests.
async fn json_request(app: &TestApp, method: &Method, path: &str, body: Value) -> Reply {
    if *method == Method::PATCH {
        return app.patch(path, &app.admin, body).await;
    }
    app.send(method.clone(), path, Some(&app.admin), Some(body), &[]).await
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
        (Method::POST, "/v1/admin/articles", json!({"title": "x", "body": "a C1 control: \u{84}"}), &["body"]),
        // Well formed, but longer than the 35 characters the document allows.
        (
            Method::POST,
            "/v1/admin/articles",
            json!({"title": "x", "language": "aa-00000000-00000000-0000000-0000000"}),
            &["language"],
        ),
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

on_both_backends!(
    wrong_types_name_the_field,
    missing_fields_are_named,
    unknown_fields_are_named,
    values_out_of_bounds_are_named,
    invalid_slugs_are_refused_everywhere,
    unknown_references_name_the_entry
);

//! Tables of hostile input for every endpoint, NUL bytes included: none may be a 500.

use reqwest::Method;

use super::{case, run_table, targets};
use crate::common::{on_both_backends, TestApp, ADMIN_EMAIL};

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
    // A well-formed tag no version has fails the precondition; it does not overflow.
    let mut guarded = case(M::PATCH, tag.clone(), Some(r#"{"name": "x"}"#), &[412], None);
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

on_both_backends!(no_bad_input_is_a_500, a_nul_byte_is_never_a_500);

//! Draft previews: a signed, expiring link that shows one article as it now stands, drafts
//! included, to anyone holding it, while the draft stays off every public endpoint.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::values::{id_of, sign};
use crate::common::{on_both_backends, Reply, TestApp, JWT_SECRET};

async fn mint(app: &TestApp, token: &str, id: &str) -> Reply {
    app.send(Method::POST, &format!("/v1/admin/articles/{id}/preview"), Some(token), None, &[]).await
}

/// Mints a preview link as `token` and returns its token.
async fn preview_token(app: &TestApp, token: &str, id: &str) -> String {
    let link = mint(app, token, id).await.expect(201);
    link.body["token"].as_str().unwrap_or_else(|| panic!("a token in {}", link.text)).to_owned()
}

async fn show(app: &TestApp, token: &str) -> Reply {
    app.get(&format!("/v1/preview/{token}")).await
}

fn preview_claims(article: &str, expires_in: i64) -> Value {
    let now = Utc::now().timestamp();
    json!({"sub": article, "iss": "newsdesk", "aud": "newsdesk-preview", "iat": now - 120, "exp": now + expires_in})
}

async fn a_preview_link_shows_the_draft_as_it_stands_to_anyone_holding_it(app: TestApp) {
    app.seed_taxonomy().await;
    let draft = app
        .draft(
            &app.admin,
            json!({
                "title": "Harbour budget leak",
                "summary": "What the papers say.",
                "body": "First **draft**.",
                "section": "news",
                "tags": ["water"],
                "authors": ["ada-byline"]
            }),
        )
        .await;
    let id = id_of(&draft);

    let minted_at = Utc::now();
    let link = mint(&app, &app.admin, &id).await.expect(201);
    assert_eq!(link.header("cache-control"), Some("no-store"), "a preview link is not cached");
    let token = link.body["token"].as_str().expect("a token").to_owned();
    assert_eq!(link.body["url"], format!("/v1/preview/{token}"));
    let expires_at: DateTime<Utc> = link.body["expires_at"].as_str().and_then(|t| t.parse().ok()).expect("expires_at");
    let lifetime = expires_at - minted_at;
    assert!(
        (Duration::hours(24) - Duration::minutes(1)..=Duration::hours(24) + Duration::minutes(1)).contains(&lifetime),
        "the default lifetime is 24 h, not {lifetime}"
    );

    // Anyone holding the link, with no credentials, sees the draft.
    let shown = app.get(link.body["url"].as_str().expect("url")).await.expect(200);
    assert_eq!(shown.header("cache-control"), Some("no-store"), "a preview must never be cached");
    assert_eq!(shown.body["id"], id.as_str());
    assert_eq!(shown.body["status"], "draft");
    assert_eq!(shown.body["title"], "Harbour budget leak");
    assert_eq!(shown.body["body"]["html"], "<p>First <strong>draft</strong>.</p>\n");
    assert_eq!(shown.body["section"]["slug"], "news");
    assert_eq!(shown.body["tags"][0]["slug"], "water");
    assert_eq!(shown.body["authors"][0]["slug"], "ada-byline");

    // The draft is still nowhere public.
    app.get("/v1/articles/harbour-budget-leak").await.expect_problem(404);
    let slug = draft["slug"].as_str().expect("slug");
    app.get(&format!("/v1/articles/{slug}")).await.expect_problem(404);
    for list in
        ["/v1/articles", "/v1/articles?tag=water", "/v1/articles?section=news", "/v1/articles?author=ada-byline"]
    {
        let reply = app.get(list).await.expect(200);
        assert_eq!(reply.body["meta"]["pagination"]["total"], 0, "{list} lists a draft: {}", reply.text);
    }

    // The same link shows later edits: the article as it stands, not as it was.
    app.patch(&format!("/v1/admin/articles/{id}"), &app.admin, json!({"body": "Second draft."})).await.expect(200);
    let shown = show(&app, &token).await.expect(200);
    assert_eq!(shown.body["body"]["html"], "<p>Second draft.</p>\n");

    // Trashed: the link leads nowhere.
    let trashed = app.delete(&format!("/v1/admin/articles/{id}"), &app.admin).await;
    assert!(trashed.status.is_success(), "trash: {}", trashed.text);
    show(&app, &token).await.expect_problem(404);
}

async fn a_preview_link_is_bound_to_its_article_and_cannot_be_forged(app: TestApp) {
    let a = id_of(&app.draft(&app.admin, json!({"title": "Story A"})).await);
    let b = id_of(&app.draft(&app.admin, json!({"title": "Story B"})).await);
    let token_a = preview_token(&app, &app.admin, &a).await;
    let token_b = preview_token(&app, &app.admin, &b).await;
    assert_eq!(show(&app, &token_a).await.expect(200).body["id"], a.as_str());
    assert_eq!(show(&app, &token_b).await.expect(200).body["id"], b.as_str());
    assert_eq!(show(&app, &token_b).await.body["title"], "Story B");

    let parts: Vec<&str> = token_a.split('.').collect();
    assert_eq!(parts.len(), 3, "the preview token is a JWT: {token_a}");

    // A changed signature.
    let mut signature = parts[2].as_bytes().to_vec();
    let middle = signature.len() / 2;
    signature[middle] = if signature[middle] == b'A' { b'B' } else { b'A' };
    let tampered = format!("{}.{}.{}", parts[0], parts[1], String::from_utf8(signature).expect("ascii"));
    show(&app, &tampered).await.expect_problem(404);

    // A's signature on a payload that names B.
    let payload: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).expect("base64 payload")).expect("json");
    assert_eq!(payload["sub"], a.as_str(), "the token names its article");
    let mut swapped = payload.clone();
    swapped["sub"] = json!(b);
    let swapped = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&swapped).expect("json"));
    show(&app, &format!("{}.{swapped}.{}", parts[0], parts[2])).await.expect_problem(404);

    // Claims signed with the server's secret work (so the forgeries below fail for their
    // flaw alone), but not when expired, signed with another secret, or for the admin audience.
    assert_eq!(show(&app, &sign(&preview_claims(&b, 600), JWT_SECRET)).await.expect(200).body["id"], b.as_str());
    show(&app, &sign(&preview_claims(&b, -60), JWT_SECRET)).await.expect_problem(404);
    show(&app, &sign(&preview_claims(&b, 600), "another-secret-that-is-at-least-32-bytes")).await.expect_problem(404);
    let mut admin_audience = preview_claims(&b, 600);
    admin_audience["aud"] = json!("newsdesk-admin");
    admin_audience["role"] = json!("admin");
    show(&app, &sign(&admin_audience, JWT_SECRET)).await.expect_problem(404);

    // An access token is not a preview token, nor the other way round.
    show(&app, &app.admin).await.expect_problem(404);
    app.admin_get("/v1/admin/articles", &token_a).await.expect_problem(401);
    show(&app, "not-a-token").await.expect_problem(404);

    // A preview link for an article that is gone.
    let gone = preview_claims("no-such-article", 600);
    show(&app, &sign(&gone, JWT_SECRET)).await.expect_problem(404);
}

async fn contributors_preview_their_own_drafts_only(app: TestApp) {
    let (_, contributor) = app.user_with_role("contributor").await;
    let own = id_of(&app.draft(&contributor, json!({"title": "Contributor pitch"})).await);
    let token = preview_token(&app, &contributor, &own).await;
    let shown = show(&app, &token).await.expect(200);
    assert_eq!(shown.body["title"], "Contributor pitch");
    assert_eq!(shown.body["status"], "draft");

    let others = id_of(&app.draft(&app.admin, json!({"title": "Embargoed scoop"})).await);
    mint(&app, &contributor, &others).await.expect_problem(404);
    app.send(Method::POST, &format!("/v1/admin/articles/{others}/preview"), None, None, &[]).await.expect_problem(401);
    mint(&app, &app.admin, "no-such-article").await.expect_problem(404);

    // An editor may preview anyone's draft.
    let (_, editor) = app.user_with_role("editor").await;
    let token = preview_token(&app, &editor, &own).await;
    assert_eq!(show(&app, &token).await.expect(200).body["id"], own.as_str());
}

on_both_backends!(
    a_preview_link_shows_the_draft_as_it_stands_to_anyone_holding_it,
    a_preview_link_is_bound_to_its_article_and_cannot_be_forged,
    contributors_preview_their_own_drafts_only,
);

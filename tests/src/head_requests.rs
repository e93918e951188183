//! HEAD is GET without the body (RFC 9110 §9.3.2): wherever GET answers, HEAD answers with the
//! same status and headers, conditional requests included, public and editorial alike.

use reqwest::Method;
use serde_json::json;

use crate::common::values::{id_of, slug_of};
use crate::common::{on_both_backends, Reply, TestApp};

/// The headers a HEAD must repeat from its GET.
const SAME: [&str; 5] = ["content-type", "etag", "cache-control", "last-modified", "content-length"];

#[track_caller]
fn like_get(head: &Reply, get: &Reply, what: &str) {
    assert_eq!(head.status, get.status, "{what}: HEAD answers as GET does ({})", get.text);
    assert!(head.text.is_empty(), "{what}: HEAD has no body: {}", head.text);
    for name in SAME {
        assert_eq!(head.header(name), get.header(name), "{what}: HEAD repeats `{name}`");
    }
}

/// Every GET in the route table, with its path parameters filled in, answers HEAD as it answers
/// GET; a route added later is walked too, so it cannot miss HEAD.
async fn every_get_route_answers_head_like_get(app: TestApp) {
    let article = app.published(json!({"title": "Heads up", "summary": "A short one."})).await;
    let (id, slug) = (id_of(&article), slug_of(&article));
    let routes: Vec<_> = newsdesk_api::router::route_table()
        .into_iter()
        .filter(|route| route.method == actix_web::http::Method::GET)
        .collect();
    assert!(routes.len() > 30, "the table lists the GET routes: {routes:?}");
    for route in routes {
        let path =
            route.path.replace("{id}", &id).replace("{slug}", &slug).replace("{rev}", "x").replace("{token}", "x");
        assert!(!path.contains('{'), "{}: a parameter this test does not fill in", route.path);
        let head = app.send(Method::HEAD, &path, Some(&app.admin), None, &[]).await;
        // A live stream's GET never ends; its HEAD answers at once, with the stream's headers.
        if newsdesk_api::live::is_stream(&path) && head.status == 200 {
            assert_eq!((head.header("content-type"), head.text.as_str()), (Some("text/event-stream"), ""), "{path}");
            continue;
        }
        let get = app.send(Method::GET, &path, Some(&app.admin), None, &[]).await;
        assert_ne!(head.status.as_u16(), 405, "{path}: HEAD is allowed wherever GET is");
        // Metrics count the requests themselves, so only their status and type must agree.
        if path == "/metrics" {
            assert_eq!((head.status, head.header("content-type")), (get.status, get.header("content-type")));
            continue;
        }
        like_get(&head, &get, &path);
    }
    for path in ["/openapi.json", "/docs"] {
        let get = app.get(path).await;
        like_get(&app.send(Method::HEAD, path, None, None, &[]).await, &get, path);
    }
}

/// HEAD revalidates like GET: 304 with the ETag when it matches, from the response cache or
/// not, on public and editorial resources.
async fn head_answers_304_to_a_matching_etag(app: TestApp) {
    let article = app.published(json!({"title": "Conditional heads", "body": "Body text. ".repeat(50)})).await;
    let public = format!("/v1/articles/{}", slug_of(&article));
    // The first HEAD fills the response cache, the second is a hit; both answer as GET does.
    let (hits, _) = app.cache.hits_and_misses();
    let first = app.send(Method::HEAD, &public, None, None, &[]).await.expect(200);
    let second = app.send(Method::HEAD, &public, None, None, &[]).await.expect(200);
    assert!(app.cache.hits_and_misses().0 > hits, "the second HEAD came from the response cache");
    let get = app.get(&public).await.expect(200);
    like_get(&first, &get, "a HEAD that filled the cache");
    like_get(&second, &get, "a HEAD from the cache");
    assert_eq!(get.header("content-length"), Some(get.text.len().to_string().as_str()));

    let etag = get.header("etag").expect("an ETag").to_owned();
    let revalidated = app.send(Method::HEAD, &public, None, None, &[("if-none-match", &etag)]).await.expect(304);
    assert_eq!(revalidated.header("etag"), Some(etag.as_str()));
    let changed = app.send(Method::HEAD, &public, None, None, &[("if-none-match", "\"other\"")]).await.expect(200);
    assert_eq!(changed.header("etag"), Some(etag.as_str()));

    let admin = format!("/v1/admin/articles/{}", id_of(&article));
    let get = app.admin_get(&admin, &app.admin).await.expect(200);
    let head = app.send(Method::HEAD, &admin, Some(&app.admin), None, &[]).await;
    like_get(&head, &get, "an editorial HEAD");
    let etag = get.header("etag").expect("an ETag");
    let revalidated = app.send(Method::HEAD, &admin, Some(&app.admin), None, &[("if-none-match", etag)]).await;
    assert_eq!(revalidated.expect(304).header("etag"), Some(etag));
    // A HEAD without a token is refused as the GET is.
    app.send(Method::HEAD, &admin, None, None, &[]).await.expect(401);
}

on_both_backends!(every_get_route_answers_head_like_get, head_answers_304_to_a_matching_etag);

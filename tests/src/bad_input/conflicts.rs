//! Writes that collide: a stale or malformed `If-Match`, a slug already taken, a PATCH with
//! nothing in it.

use reqwest::Method;
use serde_json::json;

use super::{invalid, problem, targets, KINDS};
use crate::common::{on_both_backends, Reply, TestApp};

async fn if_match_guards_against_lost_updates(app: TestApp) {
    for kind in KINDS {
        let created = app.post(&format!("/v1/admin/{kind}"), &app.admin, json!({"name": "Guarded"})).await.expect(201);
        let item = format!("/v1/admin/{kind}/{}", created.body["id"].as_str().unwrap());
        let first = app.patch_if_match(&item, &app.admin, json!({"name": "First"}), "\"1\"").await.expect(200);
        assert_eq!(first.header("etag"), Some("\"2\""), "{kind}");
        assert_eq!(first.body["version"], 2, "{kind}");
        let lost = app.patch_if_match(&item, &app.admin, json!({"name": "Second"}), "\"1\"").await;
        let body = problem(lost, 412, &format!("{kind}: a PATCH on a stale ETag"));
        assert_eq!(body["current_version"], 2, "{kind}");
        let now = app.admin_get(&item, &app.admin).await.expect(200);
        assert_eq!(now.body["name"], "First", "{kind}: the stale write changed nothing");
        assert_eq!(now.body["version"], 2, "{kind}");

        for malformed in ["banana", "1.5", "2", "W/2", "\"2"] {
            let reply = app.patch_if_match(&item, &app.admin, json!({"name": "Third"}), malformed).await;
            problem(reply, 400, &format!("{kind}: If-Match {malformed:?}"));
        }
        // Well-formed tags that are not the current ETag fail the precondition (RFC 9110).
        for other in ["\"abc\"", "", "\"99999999999999999999\"", "W/\"2\""] {
            let reply = app.patch_if_match(&item, &app.admin, json!({"name": "Third"}), other).await;
            assert_eq!(problem(reply, 412, &format!("{kind}: If-Match {other:?}"))["current_version"], 2);
        }
        let reply = app.send(Method::DELETE, &item, Some(&app.admin), None, &[("if-match", "nope")]).await;
        problem(reply, 400, &format!("{kind}: DELETE with a malformed If-Match"));

        let any = app.patch_if_match(&item, &app.admin, json!({"name": "Any"}), "*").await.expect(200);
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
    let lost = app.patch_if_match(&item, &app.admin, json!({"title": "Lost update"}), "\"1\"").await;
    assert_eq!(problem(lost, 412, "article PATCH with a stale If-Match")["current_version"], 2);
    problem(app.patch_if_match(&item, &app.admin, json!({"title": "x"}), "v2").await, 400, "article If-Match");
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
    app.patch_if_match(&item, &app.admin, json!({"name": "Renamed"}), "\"1\"").await.expect(200);
    let lost = app.patch_if_match(&item, &app.admin, json!({"name": "Lost"}), "\"1\"").await;
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

on_both_backends!(if_match_guards_against_lost_updates, duplicates_conflict_on_the_slug, an_empty_patch_is_refused);

//! What each role may do with articles: its own and others', published or not, and what the
//! admin list and related links show it.

use serde_json::{json, Value};

use super::{cast, code, Matrix, ROLES};
use crate::common::values::id_of;
use crate::common::{on_both_backends, Reply, TestApp};

/// Expected statuses per article action, by role: admin, editor, author, contributor.
/// "Someone else's" articles belong to another editor. Authors and contributors cannot see
/// those at all, so they get 404, not 403.
const ARTICLE_ACTIONS: &[(&str, [u16; 4])] = &[
    ("create a draft", [201, 201, 201, 201]),
    ("create an article that says it is published", [422, 422, 422, 422]),
    ("read own draft", [200, 200, 200, 200]),
    ("edit own draft", [200, 200, 200, 200]),
    ("read someone else's draft", [200, 200, 404, 404]),
    ("edit someone else's draft", [200, 200, 404, 404]),
    ("publish own draft", [200, 200, 200, 403]),
    ("publish someone else's draft", [200, 200, 404, 404]),
    ("edit own published article", [200, 200, 200, 403]),
    ("unpublish own article", [200, 200, 200, 403]),
    ("unpublish someone else's article", [200, 200, 404, 404]),
    ("delete own draft", [204, 204, 204, 204]),
    ("delete own published article", [204, 204, 204, 403]),
    ("delete someone else's draft", [204, 204, 404, 404]),
];

/// Expected statuses for linking related articles, by role. Someone else's draft is as
/// invisible to authors and contributors as an unknown slug.
const RELATED_ACTIONS: &[(&str, [u16; 4])] = &[
    ("relate someone else's draft on create", [201, 201, 422, 422]),
    ("relate someone else's draft on edit", [200, 200, 422, 422]),
    ("relate an unknown slug", [422, 422, 422, 422]),
    ("relate someone else's published article", [201, 201, 201, 201]),
];

/// Which roles see every article in the admin list (the rest see only their own).
const SEES_ALL_ARTICLES: [bool; 4] = [true, true, false, false];

/// Where a deleted article is, as the admin sees it: `"in the trash"` when DELETE moved it
/// there (it is then flagged `trashed_at` and listed in the admin's trash), else its status,
/// `"gone"` once purged.
async fn trashed_or_status(app: &TestApp, id: &str) -> Value {
    let reply = app.admin_get(&format!("/v1/admin/articles/{id}"), &app.admin).await;
    match reply.status.as_u16() {
        200 => {
            let trash = app.admin_get("/v1/admin/trash?limit=100", &app.admin).await.expect(200);
            let listed = trash.body["data"].as_array().expect("a trash list").iter().any(|a| a["id"] == id);
            match (reply.body["trashed_at"].is_string(), listed) {
                (true, true) => json!("in the trash"),
                (false, false) => reply.body["status"].clone(),
                (flagged, listed) => json!(format!("trashed_at set: {flagged}, in the trash list: {listed}")),
            }
        }
        404 => json!("gone"),
        other => json!(format!("HTTP {other}")),
    }
}

/// An article as the admin sees it; `"gone"` when there is none.
async fn seen_by_admin(app: &TestApp, id: &str, field: &str) -> Value {
    let reply = app.admin_get(&format!("/v1/admin/articles/{id}"), &app.admin).await;
    match reply.status.as_u16() {
        200 => reply.body[field].clone(),
        404 => json!("gone"),
        other => json!(format!("HTTP {other}")),
    }
}

async fn each_role_gets_exactly_its_article_permissions(app: TestApp) {
    let cast = cast(&app).await;
    let (_, owner) = app.user_with_role("editor").await;
    let mut m = Matrix::new(ARTICLE_ACTIONS);
    for (r, role) in ROLES.iter().enumerate() {
        let token = cast[r].1.as_str();
        // Someone else's articles, one per action so each starts fresh.
        let others_draft = id_of(&app.draft(&owner, json!({"title": format!("{role}: others' draft")})).await);
        let others_to_publish =
            id_of(&app.draft(&owner, json!({"title": format!("{role}: others' to publish")})).await);
        let others_to_delete = id_of(&app.draft(&owner, json!({"title": format!("{role}: others' to delete")})).await);
        let others_published = id_of(&app.draft(&owner, json!({"title": format!("{role}: others' published")})).await);
        app.act(&owner, &others_published, "publish").await.expect(200);
        // The role's own published articles; the admin publishes them, as contributors can't.
        let own_published = id_of(&app.draft(token, json!({"title": format!("{role}: own published")})).await);
        app.act(&app.admin, &own_published, "publish").await.expect(200);
        let own_published_to_delete =
            id_of(&app.draft(token, json!({"title": format!("{role}: own published to delete")})).await);
        app.act(&app.admin, &own_published_to_delete, "publish").await.expect(200);
        let own_to_delete = id_of(&app.draft(token, json!({"title": format!("{role}: own draft to delete")})).await);

        let created = app.post("/v1/admin/articles", token, json!({"title": format!("{role}: own draft")})).await;
        if !m.check(r, "create a draft", &created) {
            continue;
        }
        let own = id_of(&created.body);
        assert_eq!(created.body["status"], "draft");
        let sneaky = json!({"title": format!("{role}: sneaky"), "status": "published"});
        let reply = app.post("/v1/admin/articles", token, sneaky).await;
        m.check(r, "create an article that says it is published", &reply);
        let public = app.get(&format!("/v1/articles/{role}-sneaky")).await.status.as_u16();
        m.state(r, "create an article that says it is published", "the public page", &code(public), "200", "404");

        let reply = app.admin_get(&format!("/v1/admin/articles/{own}"), token).await;
        m.check(r, "read own draft", &reply);
        let reply = app
            .patch(&format!("/v1/admin/articles/{own}"), token, json!({"title": format!("{role}: own draft, edited")}))
            .await;
        m.check(r, "edit own draft", &reply);
        let reply = app.admin_get(&format!("/v1/admin/articles/{others_draft}"), token).await;
        m.check(r, "read someone else's draft", &reply);
        let reply = app
            .patch(&format!("/v1/admin/articles/{others_draft}"), token, json!({"title": format!("{role} was here")}))
            .await;
        m.check(r, "edit someone else's draft", &reply);
        let reply = app.act(token, &own, "publish").await;
        m.check(r, "publish own draft", &reply);
        let reply = app.act(token, &others_to_publish, "publish").await;
        m.check(r, "publish someone else's draft", &reply);
        let edit = json!({"title": format!("{role}: own published, edited")});
        let reply = app.patch(&format!("/v1/admin/articles/{own_published}"), token, edit).await;
        m.check(r, "edit own published article", &reply);
        let reply = app.act(token, &own_published, "unpublish").await;
        m.check(r, "unpublish own article", &reply);
        let reply = app.act(token, &others_published, "unpublish").await;
        m.check(r, "unpublish someone else's article", &reply);
        let reply = app.delete(&format!("/v1/admin/articles/{own_to_delete}"), token).await;
        m.check(r, "delete own draft", &reply);
        let reply = app.delete(&format!("/v1/admin/articles/{own_published_to_delete}"), token).await;
        m.check(r, "delete own published article", &reply);
        let reply = app.delete(&format!("/v1/admin/articles/{others_to_delete}"), token).await;
        m.check(r, "delete someone else's draft", &reply);

        // A refused action leaves the article as it was.
        let title = seen_by_admin(&app, &own, "title").await;
        m.state(
            r,
            "edit own draft",
            "the title",
            &title,
            &format!("{role}: own draft, edited"),
            &format!("{role}: own draft"),
        );
        let title = seen_by_admin(&app, &others_draft, "title").await;
        m.state(
            r,
            "edit someone else's draft",
            "the title",
            &title,
            &format!("{role} was here"),
            &format!("{role}: others' draft"),
        );
        let status = seen_by_admin(&app, &own, "status").await;
        m.state(r, "publish own draft", "the status", &status, "published", "draft");
        let status = seen_by_admin(&app, &others_to_publish, "status").await;
        m.state(r, "publish someone else's draft", "the status", &status, "published", "draft");
        let title = seen_by_admin(&app, &own_published, "title").await;
        m.state(
            r,
            "edit own published article",
            "the title",
            &title,
            &format!("{role}: own published, edited"),
            &format!("{role}: own published"),
        );
        let status = seen_by_admin(&app, &own_published, "status").await;
        m.state(r, "unpublish own article", "the status", &status, "draft", "published");
        let status = seen_by_admin(&app, &others_published, "status").await;
        m.state(r, "unpublish someone else's article", "the status", &status, "draft", "published");
        // DELETE moves an article to the trash; a refused one stays where it was.
        let status = trashed_or_status(&app, &own_to_delete).await;
        m.state(r, "delete own draft", "the article", &status, "in the trash", "draft");
        let status = trashed_or_status(&app, &own_published_to_delete).await;
        m.state(r, "delete own published article", "the article", &status, "in the trash", "published");
        let public = app.get(&format!("/v1/articles/{role}-own-published-to-delete")).await.status.as_u16();
        m.state(r, "delete own published article", "the public page", &code(public), "404", "200");
        let status = trashed_or_status(&app, &others_to_delete).await;
        m.state(r, "delete someone else's draft", "the article", &status, "in the trash", "draft");
    }
    m.finish();
}

async fn the_admin_list_shows_authors_and_contributors_only_their_own(app: TestApp) {
    let cast = cast(&app).await;
    let (_, owner) = app.user_with_role("editor").await;
    let mut own_ids: Vec<Vec<String>> = Vec::new();
    for (r, role) in ROLES.iter().enumerate() {
        let draft = id_of(&app.draft(&cast[r].1, json!({"title": format!("{role}'s draft")})).await);
        let published = id_of(&app.draft(&cast[r].1, json!({"title": format!("{role}'s published story")})).await);
        app.act(&app.admin, &published, "publish").await.expect(200);
        own_ids.push(vec![draft, published]);
    }
    let others_draft = id_of(&app.draft(&owner, json!({"title": "The owner's draft"})).await);
    let others_published = id_of(&app.draft(&owner, json!({"title": "The owner's published story"})).await);
    app.act(&owner, &others_published, "publish").await.expect(200);
    let mut everything: Vec<String> =
        own_ids.iter().flatten().cloned().chain([others_draft, others_published]).collect();
    everything.sort();

    let mut failures = Vec::new();
    for (r, role) in ROLES.iter().enumerate() {
        let mut wanted = if SEES_ALL_ARTICLES[r] { everything.clone() } else { own_ids[r].clone() };
        wanted.sort();
        let reply = app.admin_get("/v1/admin/articles?limit=100", &cast[r].1).await;
        if reply.status.as_u16() != 200 {
            failures.push(format!("{role} / list articles: expected 200, got {}: {}", reply.status, reply.text));
            continue;
        }
        let mut seen: Vec<String> =
            reply.body["data"].as_array().map(|d| d.iter().map(id_of).collect()).unwrap_or_default();
        seen.sort();
        if seen != wanted {
            failures.push(format!("{role} / list articles: expected ids {wanted:?}, got {seen:?}"));
        }
        if reply.body["meta"]["pagination"]["total"] != wanted.len() {
            failures.push(format!(
                "{role} / list articles: the total should be {}: {}",
                wanted.len(),
                reply.body["meta"]
            ));
        }
        let published = app.admin_get("/v1/admin/articles?status=published&limit=100", &cast[r].1).await;
        let expected_published = if SEES_ALL_ARTICLES[r] { ROLES.len() + 1 } else { 1 };
        if published.body["meta"]["pagination"]["total"] != expected_published {
            failures.push(format!(
                "{role} / list published articles: expected {expected_published}, got: {}",
                published.text
            ));
        }
    }
    assert!(failures.is_empty(), "{} list checks failed:\n{}", failures.len(), failures.join("\n"));
}

async fn others_drafts_do_not_leak_through_related_links(app: TestApp) {
    let cast = cast(&app).await;
    let (_, owner) = app.user_with_role("editor").await;
    let public_story = id_of(&app.draft(&owner, json!({"title": "A public story"})).await);
    app.act(&owner, &public_story, "publish").await.expect(200);
    let mut m = Matrix::new(RELATED_ACTIONS);
    for (r, role) in ROLES.iter().enumerate() {
        let token = cast[r].1.as_str();
        let secret_title = format!("Secret merger plans {role}");
        let secret_summary = format!("Embargoed until Friday, {role}");
        let secret = app.draft(&owner, json!({"title": secret_title, "summary": secret_summary})).await;
        let (secret_id, secret_slug) = (id_of(&secret), secret["slug"].as_str().expect("slug").to_owned());
        let linking = |title: String, slug: &str| json!({"title": title, "related": [{"article": slug}]});
        let unknown =
            app.post("/v1/admin/articles", token, linking(format!("{role} links nothing"), "no-such-story")).await;
        m.check(r, "relate an unknown slug", &unknown);

        let mut replies = Vec::new();
        let reply =
            app.post("/v1/admin/articles", token, linking(format!("{role} links on create"), &secret_slug)).await;
        m.check(r, "relate someone else's draft on create", &reply);
        replies.push(("relate someone else's draft on create", "the created article", reply));
        let own = id_of(&app.draft(token, json!({"title": format!("{role} links on edit")})).await);
        let reply = app
            .patch(&format!("/v1/admin/articles/{own}"), token, json!({"related": [{"article": secret_slug}]}))
            .await;
        m.check(r, "relate someone else's draft on edit", &reply);
        replies.push(("relate someone else's draft on edit", "the edited article", reply));
        let read_back = app.admin_get(&format!("/v1/admin/articles/{own}"), token).await;
        replies.push(("relate someone else's draft on edit", "the edited article read back", read_back));

        for (action, what, reply) in &replies {
            if m.allowed(r, action) {
                let linked = &reply.body["related"][0]["article"];
                if linked["id"] != secret_id.as_str() || linked["title"] != secret_title.as_str() {
                    m.failures.push(format!("{role} / {action}: {what} should show the linked draft: {}", reply.text));
                }
            } else {
                let secrets = [secret_title.as_str(), secret_summary.as_str(), secret_id.as_str()];
                let leaked: Vec<&str> = secrets.into_iter().filter(|s| reply.text.contains(s)).collect();
                if !leaked.is_empty() {
                    m.failures.push(format!("{role} / {action}: {what} leaks someone else's draft: {leaked:?}"));
                }
                if reply.status.as_u16() == 422 && Reply::fields(&reply.body) != Reply::fields(&unknown.body) {
                    m.failures.push(format!(
                        "{role} / {action}: {what} should read like an unknown slug ({}), got: {}",
                        unknown.text, reply.text
                    ));
                }
            }
        }

        let reply = app
            .post("/v1/admin/articles", token, linking(format!("{role} links a public story"), "a-public-story"))
            .await;
        if m.check(r, "relate someone else's published article", &reply)
            && reply.body["related"][0]["article"]["id"] != public_story.as_str()
        {
            m.failures
                .push(format!("{role} / relate someone else's published article: the link is missing: {}", reply.text));
        }

        // A linked story taken down later: the write's own response shows it exactly as a read
        // does, to editors and admins only.
        let story_title = format!("Withdrawn story {role}");
        let story = app.draft(&owner, json!({"title": story_title})).await;
        let (story_id, story_slug) = (id_of(&story), story["slug"].as_str().expect("slug").to_owned());
        app.act(&owner, &story_id, "publish").await.expect(200);
        let reply =
            app.post("/v1/admin/articles", token, linking(format!("{role} links a withdrawn story"), &story_slug));
        let linking_id = id_of(&reply.await.expect(201).body);
        app.act(&owner, &story_id, "unpublish").await.expect(200);
        let edited = app
            .patch(
                &format!("/v1/admin/articles/{linking_id}"),
                token,
                json!({"summary": "Edited after the withdrawal"}),
            )
            .await
            .expect(200);
        let read_back = app.admin_get(&format!("/v1/admin/articles/{linking_id}"), token).await.expect(200);
        if edited.body["related"] != read_back.body["related"] {
            m.failures
                .push(format!("{role}: the edit's response and a read differ: {} / {}", edited.text, read_back.text));
        }
        let shown = edited.text.contains(&story_title);
        if shown != SEES_ALL_ARTICLES[r] {
            m.failures.push(format!("{role}: the withdrawn story shown: {shown}, expected {}", SEES_ALL_ARTICLES[r]));
        }
    }
    m.finish();
}

on_both_backends!(
    each_role_gets_exactly_its_article_permissions,
    the_admin_list_shows_authors_and_contributors_only_their_own,
    others_drafts_do_not_leak_through_related_links
);

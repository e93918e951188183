//! A slug never confirms an article the caller may not read: authors and contributors whose
//! wanted slug is held get the first free variant (`-2`, `-3`, …), as in Ghost and WordPress,
//! the same way whoever holds it; editors and admins, who see every article, get the `409`.

use reqwest::Method;
use serde_json::json;

use crate::common::values::{id_of, slug_of, text};
use crate::common::{on_both_backends, Reply, TestApp};

async fn a_taken_slug_never_tells_a_contributor_whose_or_what_it_is(app: TestApp) {
    let (_, editor) = app.user_with_role("editor").await;
    for role in ["contributor", "author"] {
        let hidden = app.draft(&editor, json!({"title": format!("Merger talks collapse at {role} desk")})).await;
        let hidden_slug = slug_of(&hidden);
        let public = app.published(json!({"title": format!("Council approves {role} budget")})).await;
        let (_, token) = app.user_with_role(role).await;
        let own = app.draft(&token, json!({"title": format!("Notes of the {role}")})).await;
        // A slug held by a hidden draft, a published article or one's own draft: the same answer.
        for (held, what) in [
            (hidden_slug.clone(), "another user's hidden draft"),
            (slug_of(&public), "a published article"),
            (slug_of(&own), "one's own draft"),
        ] {
            let asked = app.post("/v1/admin/articles", &token, json!({"title": "Anything", "slug": held})).await;
            let got = asked.expect(201).body;
            assert_eq!(slug_of(&got), format!("{held}-2"), "{role}: a slug held by {what}");
        }
        // A title whose derived slug is held: also a variant, never "already taken".
        let title = text(&hidden, "title");
        let derived = app.post("/v1/admin/articles", &token, json!({"title": title})).await.expect(201).body;
        assert_eq!(slug_of(&derived), format!("{hidden_slug}-3"), "{role}: the next free variant");
        // A free slug is given as asked.
        let free = app.draft(&token, json!({"title": "Anything", "slug": format!("free-for-the-{role}")})).await;
        assert_eq!(slug_of(&free), format!("free-for-the-{role}"));
        // Renaming one's draft onto a held slug: a variant too.
        let path = format!("/v1/admin/articles/{}", id_of(&free));
        let renamed = app.patch(&path, &token, json!({"slug": hidden_slug})).await.expect(200);
        assert_eq!(slug_of(&renamed.body), format!("{hidden_slug}-4"), "{role}: renaming onto a held slug");

        // The hidden draft kept its slug.
        let kept = app.admin_get(&format!("/v1/admin/articles/{}", id_of(&hidden)), &editor).await.expect(200);
        assert_eq!(slug_of(&kept.body), hidden_slug);
        // Editors and admins can see what holds a slug, so they hear of the conflict instead.
        let conflict = app.post("/v1/admin/articles", &editor, json!({"title": title})).await;
        assert_eq!(Reply::fields(&conflict.expect_problem(409)), ["slug"]);
    }
}

async fn restoring_a_revision_never_tells_a_contributor_whose_slug_it_is(app: TestApp) {
    let (_, contributor) = app.user_with_role("contributor").await;
    let draft = app.draft(&contributor, json!({"title": "First thoughts"})).await;
    let path = format!("/v1/admin/articles/{}", id_of(&draft));
    app.patch(&path, &contributor, json!({"slug": "second-thoughts"})).await.expect(200);
    // A draft's old slug is not kept for it: someone else's hidden draft takes it meanwhile.
    let (_, editor) = app.user_with_role("editor").await;
    app.draft(&editor, json!({"title": "First thoughts"})).await;

    let revisions = app.admin_get(&format!("{path}/revisions"), &contributor).await.expect(200);
    let first = revisions.body["data"].as_array().and_then(|all| all.last()).map(id_of).expect("a first revision");
    let restored =
        app.send(Method::POST, &format!("{path}/revisions/{first}/restore"), Some(&contributor), None, &[]).await;
    assert_eq!(slug_of(&restored.expect(200).body), "first-thoughts-2");
}

on_both_backends!(
    a_taken_slug_never_tells_a_contributor_whose_or_what_it_is,
    restoring_a_revision_never_tells_a_contributor_whose_slug_it_is,
);

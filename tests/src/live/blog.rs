//! Live blogs as a newsroom and its readers meet them: an editor starts live coverage on a
//! draft, posts entries (before and after publication), edits, pins and deletes them, and ends
//! the coverage. Readers list the entries newest first, with `since=`, `pinned=` and paging, see
//! each write at once through the response cache, and find the article's `live` object and its
//! `LiveBlogPosting` structured data. Every write is audited, takes the article's next seq, and a
//! delete leaves a tombstone the live stream's resume can read. Bad input, wrong roles, stale
//! versions, drafts, old slugs and retractions are answered as elsewhere.

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::values::{id_of, slug_of};
use crate::common::{on_both_backends, Reply, TestApp};

fn item(id: &str) -> String {
    format!("/v1/admin/articles/{id}")
}

fn entries(id: &str) -> String {
    format!("{}/entries", item(id))
}

/// Starts (`true`) or ends the article's live coverage as `token`.
async fn set_live(app: &TestApp, token: &str, id: &str, live: bool) -> Reply {
    app.send(Method::PUT, &format!("{}/live", item(id)), Some(token), Some(json!({"live": live})), &[]).await
}

async fn post(app: &TestApp, token: &str, id: &str, body: Value) -> Reply {
    app.post(&entries(id), token, body).await
}

/// The entries' `field` values of a list, in order.
fn values(list: &Value, field: &str) -> Vec<Value> {
    list["data"].as_array().unwrap_or_else(|| panic!("a list: {list}")).iter().map(|e| e[field].clone()).collect()
}

/// The entry texts of a public list, in order.
fn texts(list: &Value) -> Vec<String> {
    values(list, "body_markdown").iter().map(|v| v.as_str().unwrap_or_default().to_owned()).collect()
}

/// Every entry of the article changed after `seq`, tombstones included, straight from storage.
fn changed_since(app: &TestApp, id: &str, seq: i64) -> Vec<newsdesk_persistence::live::LiveEntryRow> {
    let id = id.to_owned();
    app.db
        .read(move |conn| newsdesk_persistence::live::entries_changed_since(conn, &id, seq, 100))
        .expect("the changes are read")
}

/// A client that does not follow redirects.
fn direct() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("a client")
}

async fn an_editor_runs_a_live_blog_from_start_to_end(app: TestApp) {
    let (_, editor) = app.user_with_role("editor").await;
    let author = app.post("/v1/admin/authors", &app.admin, json!({"slug": "mira", "name": "Mira Okafor"})).await;
    let author_id = id_of(&author.expect(201).body);
    let draft = app.draft(&editor, json!({"title": "Election night live", "body": "Follow the count."})).await;
    let (id, slug) = (id_of(&draft), slug_of(&draft));
    let public = format!("/v1/articles/{slug}/entries");

    // Not a live blog yet: no entries.
    let refused = post(&app, &editor, &id, json!({"body": "Too early"})).await.expect_problem(409);
    assert!(refused["detail"].as_str().is_some_and(|d| d.contains("not a live blog")), "{refused}");
    let started = set_live(&app, &editor, &id, true).await.expect(200).body;
    assert_eq!(started["live"]["status"], "live", "{started}");
    assert!(started["live"]["ended_at"].is_null() && started["live"]["started_at"].is_string(), "{started}");
    assert_eq!(started["live"]["entries_url"], public);
    set_live(&app, &editor, &id, true).await.expect(200);

    // Entries are prepared on the draft; readers see none of them until it is published.
    let first = post(&app, &editor, &id, json!({"body": "**20:00** Polls close at nine."})).await.expect(201);
    let first_id = id_of(&first.body);
    assert_eq!(first.header("etag"), Some("\"1\""));
    assert_eq!(first.header("location"), Some(format!("{}/{first_id}", entries(&id)).as_str()));
    assert!(first.body["body_html"].as_str().is_some_and(|h| h.contains("<strong>20:00</strong>")), "{}", first.text);
    app.get(&public).await.expect_problem(404);
    app.act(&app.admin, &id, "publish").await.expect(200);

    // The article says it is live; its structured data is a LiveBlogPosting.
    let article = app.get(&format!("/v1/articles/{slug}")).await.expect(200).body;
    assert_eq!(article["live"]["status"], "live", "{article}");
    let data = &article["structured_data"];
    assert_eq!(data["@type"], "LiveBlogPosting", "{data}");
    assert!(data["coverageStartTime"].is_string() && data.get("coverageEndTime").is_none(), "{data}");
    assert_eq!(data["liveBlogUpdate"][0]["headline"], "20:00 Polls close at nine.", "{data}");
    assert_eq!(data["liveBlogUpdate"][0]["@type"], "BlogPosting");
    let list = app.get("/v1/articles").await.expect(200).body;
    assert!(list["data"][0].get("live").is_none(), "lists do not carry it: {list}");

    // A reader's cached list shows a new entry at once, newest first, with its author and image.
    assert_eq!(texts(&app.get(&public).await.expect(200).body), ["**20:00** Polls close at nine."]);
    let image = json!({"url": "https://example.org/count.jpg", "alt": "Counting", "caption": "The count"});
    let second = json!({"body": "Turnout is 64%.", "author_id": author_id, "image": image});
    let second = post(&app, &editor, &id, second).await.expect(201).body;
    let listed = app.get(&public).await.expect(200).body;
    assert_eq!(texts(&listed), ["Turnout is 64%.", "**20:00** Polls close at nine."]);
    let newest = &listed["data"][0];
    assert_eq!(
        (newest["author"]["name"].as_str(), newest["author"]["slug"].as_str()),
        (Some("Mira Okafor"), Some("mira"))
    );
    assert_eq!(newest["image"]["url"], "https://example.org/count.jpg");
    assert_eq!(newest["pinned"], false);
    let article = app.get(&format!("/v1/articles/{slug}")).await.expect(200).body;
    assert_eq!(article["structured_data"]["liveBlogUpdate"][0]["author"]["name"], "Mira Okafor", "{article}");
    assert_eq!(article["structured_data"]["liveBlogUpdate"][0]["image"], "https://example.org/count.jpg");

    // An edit needs the entry's version; a stale one is refused.
    let one = format!("{}/{first_id}", entries(&id));
    let edit = json!({"body": "**20:00** Polls close at nine sharp."});
    app.send(Method::PATCH, &one, Some(&editor), Some(edit.clone()), &[]).await.expect_problem(428);
    let edited = app.patch_if_match(&one, &editor, edit.clone(), "\"1\"").await.expect(200);
    assert_eq!(edited.header("etag"), Some("\"2\""));
    app.patch_if_match(&one, &editor, edit, "\"1\"").await.expect_problem(412);
    assert_eq!(texts(&app.get(&public).await.expect(200).body)[1], "**20:00** Polls close at nine sharp.");

    // Pinning, and the pinned filter.
    app.patch_if_match(&one, &editor, json!({"pinned": true}), "\"2\"").await.expect(200);
    let pinned = app.get(&format!("{public}?pinned=true")).await.expect(200).body;
    assert_eq!(values(&pinned, "id"), [json!(first_id)], "{pinned}");

    // since= keeps the entries posted after an instant; paging walks the rest with cursors.
    let since = first.body["created_at"].as_str().expect("a time").replace('+', "%2B");
    let after = app.get(&format!("{public}?since={since}")).await.expect(200).body;
    assert_eq!(values(&after, "id"), [second["id"].clone()], "{after}");
    let page = app.get(&format!("{public}?limit=1")).await.expect(200).body;
    assert_eq!(values(&page, "id"), [second["id"].clone()]);
    let cursor = page["meta"]["pagination"]["next_cursor"].as_str().expect("a next cursor");
    let next = app.get(&format!("{public}?limit=1&cursor={cursor}")).await.expect(200).body;
    assert_eq!(values(&next, "id"), [json!(first_id)]);

    // A delete takes the entry off every list and leaves a tombstone for the live stream.
    app.delete(&format!("{}/{}", entries(&id), id_of(&second)), &editor).await.expect(204);
    assert_eq!(values(&app.get(&public).await.expect(200).body, "id"), [json!(first_id)]);
    let admin_list = app.admin_get(&entries(&id), &editor).await.expect(200).body;
    assert_eq!(values(&admin_list, "id"), [json!(first_id)]);
    let changes = changed_since(&app, &id, 0);
    let seqs: Vec<i64> = changes.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, [4, 5], "create 1 and 2, edit 3, pin 4, delete 5: {changes:?}");
    assert!(changes[1].deleted_at.is_some() && changes[1].created_seq == 2, "{changes:?}");
    assert_eq!(changed_since(&app, &id, 4).len(), 1);
    app.delete(&format!("{}/{}", entries(&id), id_of(&second)), &editor).await.expect_problem(404);

    // Each write is in the audit log.
    for action in ["article.live_start", "live_entry.create", "live_entry.update", "live_entry.delete"] {
        assert!(!app.audit_log(&format!("action={action}")).await.is_empty(), "{action} is audited");
    }
    let updates = app.audit_log("action=live_entry.update").await;
    assert_eq!(updates.len(), 2, "an edit and a pin");

    // Ending the coverage: no more entries, the entries stay, the structured data says when.
    let ended = set_live(&app, &editor, &id, false).await.expect(200).body;
    assert_eq!(ended["live"]["status"], "ended");
    assert!(ended["live"]["ended_at"].is_string());
    post(&app, &editor, &id, json!({"body": "One more"})).await.expect_problem(409);
    let article = app.get(&format!("/v1/articles/{slug}")).await.expect(200).body;
    assert_eq!(article["live"]["status"], "ended");
    assert!(article["structured_data"]["coverageEndTime"].is_string(), "{article}");
    assert_eq!(texts(&app.get(&public).await.expect(200).body).len(), 1);
    assert!(!app.audit_log("action=article.live_end").await.is_empty());
    // An entry can still be put right after the end.
    app.patch_if_match(&one, &editor, json!({"pinned": false}), "\"3\"").await.expect(200);
}

async fn old_slugs_redirect_and_retracted_blogs_are_gone(app: TestApp) {
    let story = app.published(json!({"title": "Storm live", "body": "Updates as the storm passes."})).await;
    let (id, old) = (id_of(&story), slug_of(&story));
    app.get(&format!("/v1/articles/{old}/entries")).await.expect_problem(404);
    let plain = app.get(&format!("/v1/articles/{old}")).await.expect(200).body;
    assert!(plain["live"].is_null() && plain["structured_data"]["@type"] == "NewsArticle", "{plain}");
    set_live(&app, &app.admin, &id, true).await.expect(200);
    let entry = post(&app, &app.admin, &id, json!({"body": "Winds at 90 km/h."})).await.expect(201).body;
    app.patch(&item(&id), &app.admin, json!({"slug": "storm-live-updates"})).await.expect(200);

    let moved =
        direct().get(format!("{}/v1/articles/{old}/entries?limit=5", app.base)).send().await.expect("an answer");
    assert_eq!(moved.status().as_u16(), 301);
    let location = moved.headers().get("location").and_then(|l| l.to_str().ok());
    assert_eq!(location, Some("/v1/articles/storm-live-updates/entries?limit=5"));
    let current = app.get("/v1/articles/storm-live-updates").await.expect(200).body;
    assert_eq!(current["live"]["entries_url"], "/v1/articles/storm-live-updates/entries");

    let retract = json!({"reason": "The forecasts it quoted were fabricated."});
    app.post(&format!("{}/retract", item(&id)), &app.admin, retract).await.expect(200);
    let gone = app.get("/v1/articles/storm-live-updates/entries").await.expect_problem(410);
    assert_eq!(gone["type"], "urn:newsdesk:problem:retracted");
    post(&app, &app.admin, &id, json!({"body": "After the retraction"})).await.expect_problem(409);
    set_live(&app, &app.admin, &id, false).await.expect_problem(409);
    // A retraction is final (409), but a write without `If-Match` is refused for that first.
    let one = format!("{}/{}", entries(&id), id_of(&entry));
    app.send(Method::DELETE, &one, Some(&app.admin), None, &[]).await.expect_problem(428);
    app.send(Method::DELETE, &one, Some(&app.admin), None, &[("if-match", "\"1\"")]).await.expect_problem(409);
}

async fn bad_input_is_refused_naming_the_field(app: TestApp) {
    let story = app.published(json!({"title": "Budget day live", "body": "The budget, as it happens."})).await;
    let (id, slug) = (id_of(&story), slug_of(&story));
    set_live(&app, &app.admin, &id, true).await.expect(200);
    let long = "x".repeat(20_001);
    let cases = [
        (json!({"body": " \n "}), "body"),
        (json!({"body": long}), "body"),
        (json!({"pinned": true}), "body"),
        (json!({"body": "Hi", "author_id": "no-such-author"}), "author_id"),
        (json!({"body": "Hi", "image": {"url": "javascript:alert(1)"}}), "image.url"),
        (json!({"body": "Hi", "image": {"url": "https://example.org/a.jpg", "alt": "a".repeat(501)}}), "image.alt"),
    ];
    for (body, field) in cases {
        let problem = post(&app, &app.admin, &id, body.clone()).await.expect_problem(422);
        assert_eq!(Reply::fields(&problem), [field], "{body}: {problem}");
    }
    let unknown = post(&app, &app.admin, &id, json!({"body": "Hi", "mood": "tense"})).await;
    assert!(matches!(unknown.status.as_u16(), 400 | 422), "unknown fields are refused: {}", unknown.text);
    let posted = post(&app, &app.admin, &id, json!({"body": "Fine"})).await.expect(201).body;
    let one = format!("{}/{}", entries(&id), id_of(&posted));
    let problem = app.patch_if_match(&one, &app.admin, json!({"author_id": "nobody"}), "*").await.expect_problem(422);
    assert_eq!(Reply::fields(&problem), ["author_id"]);
    let problem = app.patch_if_match(&one, &app.admin, json!({"body": ""}), "*").await.expect_problem(422);
    assert_eq!(Reply::fields(&problem), ["body"]);
    app.patch_if_match(&format!("{}/no-such-entry", entries(&id)), &app.admin, json!({"pinned": true}), "*")
        .await
        .expect_problem(404);

    let public = format!("/v1/articles/{slug}/entries");
    for (query, field) in [("since=yesterday", "since"), ("since=10000-01-01T00:00:00Z", "since"), ("limit=0", "limit")]
    {
        let problem = app.get(&format!("{public}?{query}")).await.expect_problem(422);
        let named = Reply::fields(&problem);
        assert!(named.iter().any(|f| f == field), "{query}: {problem}");
    }
    app.get(&format!("{public}?cursor=forged.cursor")).await.expect_problem(400);
    app.get(&format!("{public}?pinned=maybe")).await.expect_problem(422);
}

async fn each_role_posts_where_the_permission_table_says(app: TestApp) {
    let (author_id, author) = app.user_with_role("author").await;
    let (_, contributor) = app.user_with_role("contributor").await;
    // A contributor may not run even their own draft's live blog.
    let theirs = id_of(&app.draft(&contributor, json!({"title": "Contributor's live"})).await);
    set_live(&app, &contributor, &theirs, true).await.expect_problem(403);
    set_live(&app, &app.admin, &theirs, true).await.expect(200);
    post(&app, &contributor, &theirs, json!({"body": "Me too"})).await.expect_problem(403);
    app.admin_get(&entries(&theirs), &contributor).await.expect_problem(403);

    // An author runs their own; another's is hidden from them (404), and refused (403) when it
    // is assigned to them, so they can see it.
    let own = id_of(&app.draft(&author, json!({"title": "Author's live"})).await);
    set_live(&app, &author, &own, true).await.expect(200);
    post(&app, &author, &own, json!({"body": "My entry"})).await.expect(201);
    let others = id_of(&app.draft(&app.admin, json!({"title": "Desk live"})).await);
    set_live(&app, &app.admin, &others, true).await.expect(200);
    post(&app, &author, &others, json!({"body": "Not mine"})).await.expect_problem(404);
    let assign = json!({"user_id": author_id});
    app.send(Method::PUT, &format!("{}/assignee", item(&others)), Some(&app.admin), Some(assign), &[])
        .await
        .expect(200);
    let refused = post(&app, &author, &others, json!({"body": "Assigned, still no"})).await.expect_problem(403);
    assert!(refused["detail"].as_str().is_some_and(|d| d.contains("author")), "{refused}");
    set_live(&app, &author, &others, false).await.expect_problem(403);
    // In the trash, nobody posts.
    app.delete(&item(&own), &author).await.expect(204);
    post(&app, &author, &own, json!({"body": "From the trash"})).await.expect_problem(409);
}

/// The public list is kept in the response cache, and an entry posted through one server
/// process voids the other's copy within a second (the write's cache notice).
async fn an_entry_posted_on_one_server_reaches_the_other_servers_readers(first: TestApp) {
    let second = first.spawn_sibling().await;
    let story = first.published(json!({"title": "Marathon live", "body": "From the start line."})).await;
    let (id, slug) = (id_of(&story), slug_of(&story));
    set_live(&first, &first.admin, &id, true).await.expect(200);
    post(&first, &first.admin, &id, json!({"body": "The elite field is off."})).await.expect(201);
    let path = format!("/v1/articles/{slug}/entries");
    let second = &second;
    let cached = || async {
        let (hits, _) = second.cache.hits_and_misses();
        let reply = second.get(&path).await.expect(200);
        (second.cache.hits_and_misses().0 > hits).then_some(reply.body)
    };
    let list = crate::common::wait_until("the list to be cached on the second server", cached).await;
    assert_eq!(texts(&list), ["The elite field is off."]);
    assert!(second.cache.get(&path).is_some(), "the second server keeps a copy");
    post(&first, &first.admin, &id, json!({"body": "Halfway: 1:02:10."})).await.expect(201);
    crate::common::wait::wait_until_within(
        std::time::Duration::from_secs(1),
        "the second server to drop its copy",
        || async { second.cache.get(&path).is_none().then_some(()) },
    )
    .await;
    let fresh = second.get(&path).await.expect(200).body;
    assert_eq!(texts(&fresh), ["Halfway: 1:02:10.", "The elite field is off."]);
}

/// Entries posted at once each take their own seq, in commit order: the seqs are 1 to n with no
/// gap or repeat, and the changes since any seq are exactly the later ones.
async fn concurrent_posts_take_distinct_seqs_in_order(app: TestApp) {
    let story = app.published(json!({"title": "Count live", "body": "Every ward."})).await;
    let id = id_of(&story);
    set_live(&app, &app.admin, &id, true).await.expect(200);
    let posts = (0..12).map(|i| post(&app, &app.admin, &id, json!({"body": format!("Ward {i} declares")})));
    for reply in futures::future::join_all(posts).await {
        reply.expect(201);
    }
    let seqs: Vec<i64> = changed_since(&app, &id, 0).iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=12).collect::<Vec<i64>>());
    let later: Vec<i64> = changed_since(&app, &id, 7).iter().map(|e| e.seq).collect();
    assert_eq!(later, [8, 9, 10, 11, 12]);
    let seq = {
        let id = id.clone();
        app.db.read(move |conn| newsdesk_persistence::live::blog_seq(conn, &id)).expect("the seq is read")
    };
    assert_eq!(seq, Some(12));
    let plain = id_of(&app.published(json!({"title": "Not live", "body": "Quiet."})).await);
    let none = app.db.read(move |conn| newsdesk_persistence::live::blog_seq(conn, &plain)).expect("read");
    assert_eq!(none, None, "not a live blog");
}

on_both_backends!(
    an_editor_runs_a_live_blog_from_start_to_end,
    old_slugs_redirect_and_retracted_blogs_are_gone,
    bad_input_is_refused_naming_the_field,
    each_role_posts_where_the_permission_table_says,
    an_entry_posted_on_one_server_reaches_the_other_servers_readers,
    concurrent_posts_take_distinct_seqs_in_order,
);

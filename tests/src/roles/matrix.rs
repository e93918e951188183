//! The authorization matrix, generated from the permission table: every editorial route in the
//! route table (`/v1/admin/…` and `/v1/me`), called by every role, on the caller's own resource
//! and on another user's, answers the status `newsdesk_domain::permissions::can` implies.
//!
//! [`entries`] says, for each route, which action of the table it asks for and what it acts
//! on; the expected status is worked out from the table, never written down. A route in the
//! table without an entry fails [`every_editorial_route_has_an_entry`] (and the run), so a
//! route added later cannot escape the matrix. Resources without an owner (terms, keys,
//! webhooks) are checked once per role; articles (own: the caller created it) and users (own:
//! the caller's account) both ways. Each check acts on a fresh resource, on one server per
//! backend.

use newsdesk_domain::permissions::{can, Action, Role};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::values::id_of;
use crate::common::{on_both_backends, wait_until, Reply, TestApp, USER_PASSWORD};

/// What a route asks of the permission table.
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// Any logged-in user (the answer shows only what they may see).
    LoggedIn,
    /// One action, whoever's resource it is.
    Needs(Action),
    /// An article: another user's is hidden (404) from a role that may not read others'
    /// articles; then the action for `own`, if any, must be allowed (403).
    Article(fn(ArticleFacts) -> Option<Action>),
    /// An article, with the action checked before whether the caller may see it.
    ArticleActionFirst(Action),
    /// A bulk action on one article: any refusal is reported per item, as 422.
    Bulk(fn(ArticleFacts) -> Action),
}

/// What the permission table is told about the article a route acts on.
#[derive(Debug, Clone, Copy)]
struct ArticleFacts {
    own: bool,
    /// Anything but a draft, as the edit rule counts it.
    published: bool,
    in_review: bool,
}

fn only_read(_: ArticleFacts) -> Option<Action> {
    None
}

fn edit(a: ArticleFacts) -> Option<Action> {
    Some(Action::EditArticle { own: a.own, published: a.published })
}

fn publish(a: ArticleFacts) -> Option<Action> {
    Some(Action::PublishArticle { own: a.own, in_review: a.in_review })
}

fn submit(a: ArticleFacts) -> Option<Action> {
    Some(Action::SubmitArticle { own: a.own })
}

fn review(_: ArticleFacts) -> Option<Action> {
    Some(Action::ReviewArticle)
}

fn correct(_: ArticleFacts) -> Option<Action> {
    Some(Action::CorrectArticle)
}

fn retract(_: ArticleFacts) -> Option<Action> {
    Some(Action::RetractArticle)
}

fn take_over_lock(_: ArticleFacts) -> Option<Action> {
    Some(Action::TakeOverLock)
}

fn assign(_: ArticleFacts) -> Option<Action> {
    Some(Action::AssignArticle)
}

fn post_live(a: ArticleFacts) -> Option<Action> {
    Some(Action::PostLiveEntry { own: a.own })
}

fn bulk_publish(a: ArticleFacts) -> Action {
    Action::PublishArticle { own: a.own, in_review: a.in_review }
}

/// The state an article is put in before the call.
#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    Draft,
    /// Submitted by the admin.
    InReview,
    /// Submitted and approved by the admin.
    Approved,
    Published,
    Scheduled,
    Trashed,
}

/// What a route's path parameters name.
#[derive(Debug, Clone, Copy)]
enum Target {
    Nothing,
    /// `{id}`: an article in this state.
    Article(State),
    /// `{id}` and `{rev}`: a draft and its first revision.
    Revision,
    /// `{id}` and `{cid}`: a published article and a correction the admin added to it.
    Correction,
    /// `{id}`: a draft whose edit lock the caller takes just before the call (if they may).
    Locked,
    /// `{id}`: a draft the admin made a live blog.
    LiveBlog,
    /// `{id}` and `{entry_id}`: a live blog and an entry the admin posted to it.
    LiveEntry,
    /// `{id}`: a user account.
    User,
    /// `{id}`: a term of this kind (`tags`, `sections`, …).
    Term(&'static str),
    ApiKey,
    Webhook,
    /// `{id}` and `{delivery_id}`: a webhook and a delivery of its ping.
    Delivery,
}

impl Target {
    /// Whether "own" and "another's" differ for this target.
    fn owned(self) -> bool {
        matches!(
            self,
            Self::Article(_)
                | Self::Locked
                | Self::Revision
                | Self::Correction
                | Self::LiveBlog
                | Self::LiveEntry
                | Self::User
        )
    }
}

/// The body a route is sent: always one that succeeds for a caller who is allowed.
#[derive(Debug, Clone, Copy)]
enum Body {
    Empty,
    Article,
    Retitle,
    Rename,
    Schedule,
    ReturnNote,
    Correction,
    CorrectionText,
    CorrectionRemoval,
    RetractReason,
    /// `{"user_id": null}`: unassigning an unassigned article succeeds and changes nothing.
    Unassign,
    Note,
    Live,
    LiveEntry,
    Pin,
    BulkPublish,
    Term,
    User,
    ApiKey,
    Webhook,
    WebhookChange,
}

/// One route of the matrix.
#[derive(Debug, Clone)]
struct Entry {
    method: &'static str,
    path: String,
    /// The status a caller who is allowed gets.
    ok: u16,
    rule: Rule,
    target: Target,
    body: Body,
}

fn entry(method: &'static str, path: &str, ok: u16, rule: Rule, target: Target, body: Body) -> Entry {
    Entry { method, path: path.to_owned(), ok, rule, target, body }
}

/// Every editorial route, with what it asks of the permission table. A route may have more
/// than one entry (an edit of a draft and of a published article, say).
fn entries() -> Vec<Entry> {
    use Action::*;
    use Body as B;
    use Rule::*;
    use State::*;
    use Target as T;
    let article = "/v1/admin/articles/{id}";
    let mut all = vec![
        entry("GET", "/v1/me", 200, LoggedIn, T::Nothing, B::Empty),
        entry("GET", "/v1/admin/articles", 200, LoggedIn, T::Nothing, B::Empty),
        entry("POST", "/v1/admin/articles", 201, Needs(CreateArticle), T::Nothing, B::Article),
        entry("POST", "/v1/admin/articles/bulk", 200, Bulk(bulk_publish), T::Article(Draft), B::BulkPublish),
        entry("GET", article, 200, Article(only_read), T::Article(Draft), B::Empty),
        entry("PATCH", article, 200, Article(edit), T::Article(Draft), B::Retitle),
        entry("PATCH", article, 200, Article(edit), T::Article(Published), B::Retitle),
        entry("DELETE", article, 204, Article(edit), T::Article(Draft), B::Empty),
        entry("DELETE", article, 204, Article(edit), T::Article(Published), B::Empty),
        entry("PATCH", article, 200, Article(edit), T::Article(InReview), B::Retitle),
        entry("POST", "/v1/admin/articles/{id}/submit", 200, Article(submit), T::Article(Draft), B::Empty),
        entry("POST", "/v1/admin/articles/{id}/approve", 200, Article(review), T::Article(InReview), B::Empty),
        entry("POST", "/v1/admin/articles/{id}/return", 200, Article(review), T::Article(InReview), B::ReturnNote),
        entry("POST", "/v1/admin/articles/{id}/return", 200, Article(review), T::Article(Approved), B::ReturnNote),
        entry("POST", "/v1/admin/articles/{id}/publish", 200, Article(publish), T::Article(Draft), B::Empty),
        entry("POST", "/v1/admin/articles/{id}/publish", 200, Article(publish), T::Article(InReview), B::Empty),
        entry("POST", "/v1/admin/articles/{id}/publish", 200, Article(publish), T::Article(Approved), B::Empty),
        entry("POST", "/v1/admin/articles/{id}/schedule", 200, Article(publish), T::Article(Approved), B::Schedule),
        entry("POST", "/v1/admin/articles/{id}/unpublish", 200, Article(publish), T::Article(Published), B::Empty),
        entry(
            "POST",
            "/v1/admin/articles/{id}/retract",
            200,
            Article(retract),
            T::Article(Published),
            B::RetractReason,
        ),
        entry("POST", "/v1/admin/articles/{id}/lock", 200, Article(edit), T::Article(Draft), B::Empty),
        entry("POST", "/v1/admin/articles/{id}/lock", 200, Article(edit), T::Article(Published), B::Empty),
        entry("DELETE", "/v1/admin/articles/{id}/lock", 204, Article(only_read), T::Locked, B::Empty),
        entry(
            "POST",
            "/v1/admin/articles/{id}/lock/takeover",
            200,
            Article(take_over_lock),
            T::Article(Draft),
            B::Empty,
        ),
        entry("POST", "/v1/admin/articles/{id}/schedule", 200, Article(publish), T::Article(Draft), B::Schedule),
        entry("POST", "/v1/admin/articles/{id}/unschedule", 200, Article(publish), T::Article(Scheduled), B::Empty),
        entry("POST", "/v1/admin/articles/{id}/restore", 200, Article(edit), T::Article(Trashed), B::Empty),
        entry(
            "POST",
            "/v1/admin/articles/{id}/corrections",
            201,
            Article(correct),
            T::Article(Published),
            B::Correction,
        ),
        entry("GET", "/v1/admin/articles/{id}/corrections", 200, Article(only_read), T::Correction, B::Empty),
        entry(
            "PATCH",
            "/v1/admin/articles/{id}/corrections/{cid}",
            200,
            Article(correct),
            T::Correction,
            B::CorrectionText,
        ),
        entry(
            "POST",
            "/v1/admin/articles/{id}/corrections/{cid}/remove",
            200,
            Article(correct),
            T::Correction,
            B::CorrectionRemoval,
        ),
        entry("PUT", "/v1/admin/articles/{id}/live", 200, Article(post_live), T::Article(Draft), B::Live),
        entry("GET", "/v1/admin/articles/{id}/entries", 200, Article(post_live), T::LiveBlog, B::Empty),
        entry("POST", "/v1/admin/articles/{id}/entries", 201, Article(post_live), T::LiveBlog, B::LiveEntry),
        entry("PATCH", "/v1/admin/articles/{id}/entries/{entry_id}", 200, Article(post_live), T::LiveEntry, B::Pin),
        entry("DELETE", "/v1/admin/articles/{id}/entries/{entry_id}", 204, Article(post_live), T::LiveEntry, B::Empty),
        entry("GET", "/v1/me/assignments", 200, LoggedIn, T::Nothing, B::Empty),
        entry("PUT", "/v1/admin/articles/{id}/assignee", 200, Article(assign), T::Article(Draft), B::Unassign),
        entry("GET", "/v1/admin/articles/{id}/notes", 200, Article(only_read), T::Article(Published), B::Empty),
        entry("POST", "/v1/admin/articles/{id}/notes", 201, Article(only_read), T::Article(Draft), B::Note),
        entry("POST", "/v1/admin/articles/{id}/preview", 201, Article(only_read), T::Article(Draft), B::Empty),
        entry("GET", "/v1/admin/articles/{id}/revisions", 200, Article(only_read), T::Article(Draft), B::Empty),
        entry("GET", "/v1/admin/articles/{id}/revisions/{rev}", 200, Article(only_read), T::Revision, B::Empty),
        entry("POST", "/v1/admin/articles/{id}/revisions/{rev}/restore", 200, Article(edit), T::Revision, B::Empty),
        entry("GET", "/v1/admin/trash", 200, LoggedIn, T::Nothing, B::Empty),
        entry("DELETE", "/v1/admin/trash/{id}", 204, ArticleActionFirst(PurgeArticle), T::Article(Trashed), B::Empty),
        entry("GET", "/v1/admin/embargoes", 200, Needs(ReadEmbargoes), T::Nothing, B::Empty),
        entry("GET", "/v1/admin/api-keys", 200, Needs(ManageApiKeys), T::Nothing, B::Empty),
        entry("POST", "/v1/admin/api-keys", 201, Needs(ManageApiKeys), T::Nothing, B::ApiKey),
        entry("DELETE", "/v1/admin/api-keys/{id}", 204, Needs(ManageApiKeys), T::ApiKey, B::Empty),
        entry("GET", "/v1/admin/audit-log", 200, Needs(ReadAuditLog), T::Nothing, B::Empty),
        entry("GET", "/v1/admin/users", 200, Needs(ManageUsers), T::Nothing, B::Empty),
        entry("POST", "/v1/admin/users", 201, Needs(ManageUsers), T::Nothing, B::User),
        entry("GET", "/v1/admin/users/{id}", 200, Needs(ManageUsers), T::User, B::Empty),
        entry("PATCH", "/v1/admin/users/{id}", 200, Needs(ManageUsers), T::User, B::Rename),
        entry("GET", "/v1/admin/webhooks", 200, Needs(OperateWebhooks), T::Nothing, B::Empty),
        entry("POST", "/v1/admin/webhooks", 201, Needs(ManageWebhooks), T::Nothing, B::Webhook),
        entry("GET", "/v1/admin/webhooks/{id}", 200, Needs(OperateWebhooks), T::Webhook, B::Empty),
        entry("PATCH", "/v1/admin/webhooks/{id}", 200, Needs(ManageWebhooks), T::Webhook, B::WebhookChange),
        entry("DELETE", "/v1/admin/webhooks/{id}", 204, Needs(ManageWebhooks), T::Webhook, B::Empty),
        entry("GET", "/v1/admin/webhooks/{id}/deliveries", 200, Needs(OperateWebhooks), T::Webhook, B::Empty),
        entry("POST", "/v1/admin/webhooks/{id}/ping", 202, Needs(OperateWebhooks), T::Webhook, B::Empty),
        entry(
            "POST",
            "/v1/admin/webhooks/{id}/deliveries/{delivery_id}/redeliver",
            202,
            Needs(OperateWebhooks),
            T::Delivery,
            B::Empty,
        ),
    ];
    for kind in ["authors", "sources", "sections", "tags"] {
        let (list, one) = (format!("/v1/admin/{kind}"), format!("/v1/admin/{kind}/{{id}}"));
        all.extend([
            entry("GET", &list, 200, LoggedIn, T::Nothing, B::Empty),
            entry("POST", &list, 201, Needs(ManageTaxonomy), T::Term(kind), B::Term),
            entry("GET", &one, 200, LoggedIn, T::Term(kind), B::Empty),
            entry("PATCH", &one, 200, Needs(ManageTaxonomy), T::Term(kind), B::Rename),
            entry("DELETE", &one, 204, Needs(ManageTaxonomy), T::Term(kind), B::Empty),
        ]);
    }
    all
}

/// The status the permission table implies for `role` calling `entry` on `own` (or another's).
fn expected(entry: &Entry, role: Role, own: bool) -> u16 {
    let state = match entry.target {
        Target::Article(state) => Some(state),
        _ => None,
    };
    let published = state.is_some_and(|s| !matches!(s, State::Draft | State::Trashed));
    let facts = ArticleFacts { own, published, in_review: state == Some(State::InReview) };
    let sees = own || can(role, Action::ReadOthersArticles);
    let allowed = |action: Option<Action>| action.is_none_or(|action| can(role, action));
    match entry.rule {
        Rule::LoggedIn => entry.ok,
        Rule::Needs(action) if can(role, action) => entry.ok,
        Rule::Needs(_) => 403,
        Rule::Article(_) if !sees => 404,
        Rule::Article(action) if allowed(action(facts)) => entry.ok,
        Rule::Article(_) => 403,
        Rule::ArticleActionFirst(action) if !can(role, action) => 403,
        Rule::ArticleActionFirst(_) if !sees => 404,
        Rule::ArticleActionFirst(_) => entry.ok,
        Rule::Bulk(action) if sees && can(role, action(facts)) => entry.ok,
        Rule::Bulk(_) => 422,
    }
}

/// The editorial routes of the route table: `(method, path)`, HEAD as the GET it mirrors.
fn editorial_routes() -> Vec<(String, String)> {
    let mut routes: Vec<(String, String)> = newsdesk_api::router::route_table()
        .into_iter()
        .filter(|r| r.path.starts_with("/v1/admin/") || r.path == "/v1/me" || r.path.starts_with("/v1/me/"))
        .map(|r| (r.method.as_str().to_owned(), r.path))
        .collect();
    routes.sort();
    routes.dedup();
    routes
}

/// The entries for a route of the table; a HEAD is checked as its GET.
fn entries_for<'a>(all: &'a [Entry], method: &str, path: &str) -> Vec<&'a Entry> {
    let method = if method == "HEAD" { "GET" } else { method };
    all.iter().filter(|e| e.method == method && e.path == path).collect()
}

#[test]
fn every_editorial_route_has_an_entry() {
    let all = entries();
    let routes = editorial_routes();
    let missing: Vec<String> = routes
        .iter()
        .filter(|(method, path)| entries_for(&all, method, path).is_empty())
        .map(|(method, path)| format!("{method} {path}"))
        .collect();
    assert!(missing.is_empty(), "routes with no entry in the authorization matrix: {missing:#?}");
    let stale: Vec<String> = all
        .iter()
        .filter(|e| !routes.iter().any(|(method, path)| method == e.method && *path == e.path))
        .map(|e| format!("{} {}", e.method, e.path))
        .collect();
    assert!(stale.is_empty(), "matrix entries for routes that do not exist: {stale:#?}");
    assert!(routes.len() >= 50, "the route table lists only {} editorial routes", routes.len());
}

/// The users a run needs: one per role, in [`Role::ALL`] order, and a bystander whose
/// resources are "another's" for each of them.
struct Cast {
    by_role: Vec<(Role, String, String)>,
    other: (String, String),
}

async fn cast(app: &TestApp) -> Cast {
    let me = app.admin_get("/v1/me", &app.admin).await.expect(200);
    let mut by_role = Vec::new();
    for role in Role::ALL {
        let (id, token) = match role {
            Role::Admin => (id_of(&me.body), app.admin.clone()),
            other => app.user_with_role(other.as_str()).await,
        };
        by_role.push((role, id, token));
    }
    Cast { by_role, other: app.user_with_role("author").await }
}

/// A name no other check uses.
fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4().simple())
}

fn body_of(body: Body, ids: &Ids) -> Option<Value> {
    let tomorrow = chrono::Utc::now() + chrono::Duration::days(1);
    Some(match body {
        Body::Empty => return None,
        Body::Article => json!({"title": unique("Matrix story")}),
        Body::Retitle => json!({"title": unique("Retitled")}),
        Body::Rename => json!({"name": unique("Renamed")}),
        Body::Schedule => json!({"publish_at": tomorrow.to_rfc3339()}),
        Body::ReturnNote => json!({"note": "Needs a second source."}),
        Body::Correction => json!({"kind": "correction", "text": "The vote was 7-2, not 6-3."}),
        Body::CorrectionText => json!({"text": "The vote was 7-2, with one abstention."}),
        Body::CorrectionRemoval => json!({"reason": "Added to the wrong article."}),
        Body::RetractReason => json!({"reason": "The main source withdrew the claim."}),
        Body::Unassign => json!({"user_id": null}),
        Body::Note => json!({"text": "Matrix note: check the second quote."}),
        Body::Live => json!({"live": true}),
        Body::LiveEntry => json!({"body": "Matrix entry: polls have closed."}),
        Body::Pin => json!({"pinned": true}),
        Body::BulkPublish => json!({"action": "publish", "ids": [ids.id.clone()]}),
        Body::Term => json!({"slug": unique("term"), "name": "Matrix term"}),
        Body::User => {
            json!({"email": format!("{}@example.org", unique("m")), "name": "M", "role": "contributor", "password": USER_PASSWORD})
        }
        Body::ApiKey => json!({"name": unique("key"), "role": "contributor"}),
        Body::Webhook => json!({"url": "https://hooks.invalid/matrix", "events": ["tag.created"]}),
        Body::WebhookChange => json!({"active": false}),
    })
}

/// The path parameters of one check.
#[derive(Default)]
struct Ids {
    id: String,
    rev: String,
    /// A correction's id.
    cid: String,
    /// A live-blog entry's id.
    entry: String,
    delivery: String,
}

/// Creates what `target` names, owned by `owner_token` where ownership matters.
async fn prepare(app: &TestApp, target: Target, owner: &(String, String)) -> Ids {
    let admin = app.admin.as_str();
    let new_article = || async { id_of(&app.draft(&owner.1, json!({"title": unique("Matrix article")})).await) };
    match target {
        Target::Nothing => Ids::default(),
        Target::User => Ids { id: owner.0.clone(), ..Ids::default() },
        Target::Locked => Ids { id: new_article().await, ..Ids::default() },
        Target::Article(state) => {
            let id = new_article().await;
            match state {
                State::Draft => {}
                State::InReview => _ = app.act(admin, &id, "submit").await.expect(200),
                State::Approved => {
                    app.act(admin, &id, "submit").await.expect(200);
                    app.act(admin, &id, "approve").await.expect(200);
                }
                State::Published => _ = app.act(admin, &id, "publish").await.expect(200),
                State::Scheduled => {
                    let at = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
                    let path = format!("/v1/admin/articles/{id}/schedule");
                    app.post(&path, admin, json!({"publish_at": at})).await.expect(200);
                }
                State::Trashed => _ = app.delete(&format!("/v1/admin/articles/{id}"), admin).await.expect(204),
            }
            Ids { id, ..Ids::default() }
        }
        Target::Revision => {
            let id = new_article().await;
            let revisions = app.admin_get(&format!("/v1/admin/articles/{id}/revisions"), admin).await.expect(200);
            let rev = revisions.body["data"].as_array().and_then(|all| all.last()).map(id_of).expect("a revision");
            Ids { id, rev, ..Ids::default() }
        }
        Target::Correction => {
            let id = new_article().await;
            app.act(admin, &id, "publish").await.expect(200);
            let body = body_of(Body::Correction, &Ids::default()).unwrap_or_default();
            let added = app.post(&format!("/v1/admin/articles/{id}/corrections"), admin, body).await.expect(201);
            let cid = added.body["corrections"][0]["id"].as_str().expect("a correction").to_owned();
            Ids { id, cid, ..Ids::default() }
        }
        Target::LiveBlog | Target::LiveEntry => {
            let id = new_article().await;
            app.send(
                Method::PUT,
                &format!("/v1/admin/articles/{id}/live"),
                Some(admin),
                body_of(Body::Live, &Ids::default()),
                &[],
            )
            .await
            .expect(200);
            if matches!(target, Target::LiveBlog) {
                return Ids { id, ..Ids::default() };
            }
            let body = body_of(Body::LiveEntry, &Ids::default()).unwrap_or_default();
            let posted = app.post(&format!("/v1/admin/articles/{id}/entries"), admin, body).await.expect(201);
            Ids { id, entry: id_of(&posted.body), ..Ids::default() }
        }
        Target::Term(kind) => {
            let body = body_of(Body::Term, &Ids::default());
            let term = app.post(&format!("/v1/admin/{kind}"), admin, body.unwrap_or_default()).await.expect(201);
            Ids { id: id_of(&term.body), ..Ids::default() }
        }
        Target::ApiKey => {
            let body = body_of(Body::ApiKey, &Ids::default()).unwrap_or_default();
            Ids { id: id_of(&app.post("/v1/admin/api-keys", admin, body).await.expect(201).body), ..Ids::default() }
        }
        Target::Webhook | Target::Delivery => {
            let body = body_of(Body::Webhook, &Ids::default()).unwrap_or_default();
            let id = id_of(&app.post("/v1/admin/webhooks", admin, body).await.expect(201).body);
            if matches!(target, Target::Webhook) {
                return Ids { id, ..Ids::default() };
            }
            app.send(Method::POST, &format!("/v1/admin/webhooks/{id}/ping"), Some(admin), None, &[]).await.expect(202);
            let log = format!("/v1/admin/webhooks/{id}/deliveries");
            let delivery = wait_until("the ping's delivery", || async {
                let reply = app.admin_get(&log, admin).await.expect(200);
                reply.body["data"].as_array().and_then(|all| all.first()).map(id_of)
            })
            .await;
            Ids { id, delivery, ..Ids::default() }
        }
    }
}

/// Calls `entry` as `caller`; PATCH and DELETE carry `If-Match: *`, as a client that means to
/// overwrite whatever is there would send, so only the permission decides.
async fn call(app: &TestApp, method: &str, entry: &Entry, ids: &Ids, token: &str) -> Reply {
    let path = entry
        .path
        .replace("{id}", &ids.id)
        .replace("{rev}", &ids.rev)
        .replace("{cid}", &ids.cid)
        .replace("{entry_id}", &ids.entry)
        .replace("{delivery_id}", &ids.delivery);
    if matches!(entry.target, Target::Locked) {
        // Refused to a caller who may not edit it, as the release then is.
        app.send(Method::POST, &format!("/v1/admin/articles/{}/lock", ids.id), Some(token), None, &[]).await;
    }
    let method = Method::from_bytes(method.as_bytes()).expect("an HTTP method");
    let guard: &[(&str, &str)] =
        if method == Method::PATCH || method == Method::DELETE { &[("if-match", "*")] } else { &[] };
    app.send(method, &path, Some(token), body_of(entry.body, ids), guard).await
}

/// What went wrong with one reply, if anything.
fn mismatch(method: &str, reply: &Reply, expected: u16) -> Option<String> {
    let got = reply.status.as_u16();
    if got != expected {
        return Some(format!("expected {expected}, got {got}: {}", reply.text));
    }
    let problem = reply.header("content-type") == Some("application/problem+json") && reply.body["status"] == expected;
    (expected >= 400 && method != "HEAD" && !problem)
        .then(|| format!("{expected} is not a problem document: {}", reply.text))
}

async fn every_editorial_route_answers_each_role_as_the_permission_table_says(app: TestApp) {
    let all = entries();
    let cast = cast(&app).await;
    let mut failures = Vec::new();
    let mut checked = 0;
    for (method, path) in editorial_routes() {
        let found = entries_for(&all, &method, &path);
        if found.is_empty() {
            failures.push(format!("{method} {path}: no entry in the authorization matrix"));
        }
        for entry in found {
            for (role, id, token) in &cast.by_role {
                let whose: &[bool] = if entry.target.owned() { &[true, false] } else { &[true] };
                for &own in whose {
                    let owner = if own { (id.clone(), token.clone()) } else { cast.other.clone() };
                    let ids = prepare(&app, entry.target, &owner).await;
                    let reply = call(&app, &method, entry, &ids, token).await;
                    let want = expected(entry, *role, own);
                    checked += 1;
                    if let Some(why) = mismatch(&method, &reply, want) {
                        let whose = if !entry.target.owned() {
                            ""
                        } else if own {
                            " (own)"
                        } else {
                            " (another's)"
                        };
                        let target = format!("{:?}", entry.target);
                        failures.push(format!("{} / {method} {path} on {target}{whose}: {why}", role.as_str()));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} of {checked} checks failed:\n{}", failures.len(), failures.join("\n"));
    assert!(checked >= 250, "only {checked} checks ran");
}

on_both_backends!(every_editorial_route_answers_each_role_as_the_permission_table_says);

//! Retention: the pruner removes what the `NEWSDESK_KEEP_*` settings no longer keep, and keeps
//! the rest, so the tables that grow with use stop growing.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use newsdesk_persistence::audit::{self, AuditRow};
use newsdesk_persistence::webhooks::{webhook_deliveries, webhook_events};
use newsdesk_persistence::{new_id, views};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::values::{id_of, slug_of};
use crate::common::{on_both_backends, wait_until, TestApp};

/// Three revisions per article, a pass every second, and the other defaults.
fn prune_often(config: &mut newsdesk_api::Config) {
    config.retention.keep_revisions = 3;
    config.retention.prune_interval_secs = 1;
}

fn versions(list: &Value) -> Vec<i64> {
    list["data"].as_array().map_or_else(Vec::new, |d| d.iter().filter_map(|r| r["version"].as_i64()).collect())
}

async fn an_article_keeps_its_newest_revisions(app: TestApp) {
    let id = id_of(&app.draft(&app.admin, json!({"title": "Harbour works, day one"})).await);
    let path = format!("/v1/admin/articles/{id}");
    for day in 2..=6 {
        app.patch(&path, &app.admin, json!({"title": format!("Harbour works, day {day}")})).await.expect(200);
    }
    // Six revisions were written (the create and five edits); the three newest stay.
    let kept = wait_until("the oldest revisions to go", || async {
        let list = app.admin_get(&format!("{path}/revisions?limit=50"), &app.admin).await.expect(200).body;
        (list["meta"]["pagination"]["total"] == 3).then_some(list)
    })
    .await;
    assert_eq!(versions(&kept), [6, 5, 4], "the newest revisions are kept: {kept}");
    // The article itself is untouched.
    let article = app.admin_get(&path, &app.admin).await.expect(200).body;
    assert_eq!(article["title"], "Harbour works, day 6");
}

fn audit_entry(at: chrono::NaiveDateTime, action: &str) -> AuditRow {
    AuditRow {
        id: new_id(),
        at,
        actor_type: "system".into(),
        actor_id: None,
        actor_label: Some("retention test".into()),
        action: action.into(),
        target_type: None,
        target_id: None,
        request_id: None,
        client_ip: None,
        detail: None,
    }
}

async fn audit_entries_go_after_a_year(app: TestApp) {
    let now = Utc::now().naive_utc();
    app.db
        .write(|conn| {
            audit::insert(conn, &audit_entry(now - Duration::days(400), "test.ancient"))?;
            audit::insert(conn, &audit_entry(now - Duration::days(300), "test.recent"))
        })
        .expect("old entries are written");
    wait_until("the entry from 400 days ago to go", || async {
        app.audit_log("action=test.ancient").await.is_empty().then_some(())
    })
    .await;
    assert_eq!(app.audit_log("action=test.recent").await.len(), 1, "an entry within the year is kept");
}

/// A webhook whose receiver is never reached; its deliveries stay pending until made old.
async fn unreachable_hook(app: &TestApp) -> String {
    let body = json!({"url": "http://127.0.0.1:9/hook", "events": ["tag.created"], "secret": "whsec_retention-test"});
    id_of(&app.post("/v1/admin/webhooks", &app.admin, body).await.expect(201).body)
}

async fn deliveries_of(app: &TestApp, hook: &str) -> Vec<Value> {
    let log = app.admin_get(&format!("/v1/admin/webhooks/{hook}/deliveries?limit=100"), &app.admin).await.expect(200);
    log.body["data"].as_array().cloned().unwrap_or_default()
}

async fn finished_deliveries_go_after_thirty_days(app: TestApp) {
    let hook = unreachable_hook(&app).await;
    for slug in ["tides", "harbour"] {
        app.post("/v1/admin/tags", &app.admin, json!({"slug": slug, "name": slug})).await.expect(201);
    }
    let log = wait_until("two deliveries", || async {
        let log = deliveries_of(&app, &hook).await;
        (log.len() == 2).then_some(log)
    })
    .await;
    let (old, pending) = (log[0]["id"].as_str().unwrap().to_owned(), log[1]["id"].as_str().unwrap().to_owned());
    // One delivery failed 40 days ago, for an event of then; the other is still being retried.
    let long_ago = Utc::now().naive_utc() - Duration::days(40);
    let old_event: String = app
        .db
        .write(|conn| {
            diesel::update(webhook_deliveries::table.filter(webhook_deliveries::id.eq(&old)))
                .set((webhook_deliveries::state.eq("failed"), webhook_deliveries::finished_at.eq(long_ago)))
                .execute(conn)?;
            let event: String = webhook_deliveries::table
                .filter(webhook_deliveries::id.eq(&old))
                .select(webhook_deliveries::event_id)
                .first(conn)?;
            diesel::update(webhook_events::table.filter(webhook_events::id.eq(&event)))
                .set(webhook_events::created_at.eq(long_ago))
                .execute(conn)?;
            Ok(event)
        })
        .expect("the delivery is aged");
    let left = wait_until("the old delivery to go", || async {
        let log = deliveries_of(&app, &hook).await;
        (log.len() == 1).then_some(log)
    })
    .await;
    assert_eq!(left[0]["id"], pending.as_str(), "a pending delivery is never pruned");
    let events_left = || {
        app.db.read(|conn| {
            Ok(webhook_events::table.filter(webhook_events::id.eq(&old_event)).count().get_result::<i64>(conn)?)
        })
    };
    wait_until("its event, referred to by nothing now, to go", || async { (events_left().ok()? == 0).then_some(()) })
        .await;
}

async fn old_daily_views_fold_into_the_all_time_count(app: TestApp) {
    let old = app.published(json!({"title": "Storm archive"})).await;
    let fresh = app.published(json!({"title": "Storm today"})).await;
    let (old_id, old_slug, fresh_slug) = (id_of(&old), slug_of(&old), slug_of(&fresh));
    let day = |ago: i64| (Utc::now() - Duration::days(ago)).date_naive().and_hms_opt(0, 0, 0).unwrap();
    // 7 views 200 days ago and 5 a year ago (older than the 90 days kept per day), 2 ten days ago.
    let counts = [(old_id.clone(), day(200), 7), (old_id.clone(), day(365), 5), (old_id.clone(), day(10), 2)];
    app.db.write(|conn| views::add(conn, &counts)).expect("views are written");
    let rows = || {
        app.db.read(|conn| {
            use newsdesk_persistence::schema::article_views;
            Ok(article_views::table.filter(article_views::article_id.eq(&old_id)).count().get_result::<i64>(conn)?)
        })
    };
    wait_until("the two old days to fold into one row", || async { (rows().ok()? == 2).then_some(()) }).await;
    // No view is lost: all time still counts 14, the month only the recent 2.
    app.send(Method::POST, &format!("/v1/articles/{fresh_slug}/views"), None, None, &[]).await.expect(202);
    let list = |window: &'static str| {
        let app = &app;
        async move {
            let body = app.get(&format!("/v1/articles/most-viewed?window={window}")).await.expect(200).body;
            body["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| (slug_of(&i["article"]), i["views"].as_i64().unwrap()))
                .collect::<Vec<_>>()
        }
    };
    let all = wait_until("the fresh view", || async {
        let all = list("all").await;
        all.iter().any(|(s, _)| s == &fresh_slug).then_some(all)
    })
    .await;
    assert_eq!(all, [(old_slug.clone(), 14), (fresh_slug.clone(), 1)]);
    assert_eq!(list("month").await, [(old_slug.clone(), 2), (fresh_slug.clone(), 1)]);

    // A later fold adds to the all-time row already there.
    app.db.write(|conn| views::add(conn, &[(old_id.clone(), day(120), 3)])).expect("views are written");
    wait_until("the next old day to fold", || async { (rows().ok()? == 2).then_some(()) }).await;
    // (Another limit, so an answer cached before the views were written behind its back is not read.)
    assert_eq!(list("all&limit=11").await, [(old_slug, 17), (fresh_slug, 1)]);
}

on_both_backends!(
    settings = prune_often;
    an_article_keeps_its_newest_revisions,
    audit_entries_go_after_a_year,
    finished_deliveries_go_after_thirty_days,
    old_daily_views_fold_into_the_all_time_count,
);

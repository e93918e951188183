//! The editorial workflow: review and approval, writes guarded by `If-Match`, the trash,
//! revisions, slug history and bulk actions, as a newsroom meets them.

mod assignments;
mod bulk;
mod corrections;
mod embargo;
mod history;
mod if_match;
mod locks;
mod notes;
mod retraction;
mod review;

use serde_json::Value;

use crate::common::values::id_of;
use crate::common::{Reply, TestApp};

fn item(id: &str) -> String {
    format!("/v1/admin/articles/{id}")
}

/// The article as the admin sees it now.
async fn admin_view(app: &TestApp, id: &str) -> Value {
    app.admin_get(&item(id), &app.admin).await.expect(200).body
}

fn total(list: &Reply) -> &Value {
    &list.body["meta"]["pagination"]["total"]
}

/// The ids in a list, in order.
fn ids_in(list: &Reply) -> Vec<String> {
    list.body["data"].as_array().unwrap_or_else(|| panic!("a list: {}", list.text)).iter().map(id_of).collect()
}

/// The revisions of an article, newest first, as the admin sees them.
async fn revisions(app: &TestApp, id: &str) -> Vec<Value> {
    let list = app.admin_get(&format!("{}/revisions", item(id)), &app.admin).await.expect(200);
    let data = list.body["data"].as_array().unwrap_or_else(|| panic!("a list: {}", list.text)).clone();
    assert_eq!(total(&list), data.len(), "one page holds every revision: {}", list.text);
    data
}

fn actions(revisions: &[Value]) -> Vec<String> {
    revisions.iter().map(|r| r["action"].as_str().expect("an action").to_owned()).collect()
}

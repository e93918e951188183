//! Writes webhook events into the outbox inside the transaction of the change that causes
//! them, so a committed change always has its events and a rolled-back one never does.

use std::cell::RefCell;

use chrono::SecondsFormat;
use newsdesk_domain::webhook::{self as rules, SITE_CHANGED};
use newsdesk_persistence::webhooks::endpoints::{self, WebhookRow};
use newsdesk_persistence::webhooks::outbox::{self as store, NewEvent};
use newsdesk_persistence::{articles, new_id, now, DbConn, StoreResult};
use serde_json::{json, Value};

use crate::terms::{authors::Authors, sections::Sections, sources::Sources, tags::Tags, Term};

thread_local! {
    /// The write transaction running on this thread, if [`WriteScope`] marked one.
    static CURRENT_WRITE: RefCell<Option<WriteState>> = const { RefCell::new(None) };
}

/// What one write has learned so far: loaded once, not once per audited change (a bulk action
/// audits up to a hundred).
struct WriteState {
    id: String,
    active: Option<std::rc::Rc<Vec<WebhookRow>>>,
    site_changed_queued: bool,
}

/// Marks one write transaction on this thread, so `site.changed` is queued once per write
/// however many resources it touches (a bulk action, a scheduler tick).
pub struct WriteScope(());

impl WriteScope {
    pub fn begin() -> Self {
        CURRENT_WRITE
            .with(|w| *w.borrow_mut() = Some(WriteState { id: new_id(), active: None, site_changed_queued: false }));
        Self(())
    }
}

impl Drop for WriteScope {
    fn drop(&mut self) {
        CURRENT_WRITE.with(|w| *w.borrow_mut() = None);
    }
}

/// The active endpoints, read once per write.
fn active_endpoints(conn: &mut DbConn) -> StoreResult<std::rc::Rc<Vec<WebhookRow>>> {
    if let Some(known) = CURRENT_WRITE.with(|w| w.borrow().as_ref().and_then(|s| s.active.clone())) {
        return Ok(known);
    }
    let loaded = std::rc::Rc::new(endpoints::active(conn)?);
    CURRENT_WRITE.with(|w| {
        if let Some(state) = w.borrow_mut().as_mut() {
            state.active = Some(loaded.clone());
        }
    });
    Ok(loaded)
}

/// Called for every audited action: queues the event it causes (if any endpoint wants it)
/// and `site.changed` when public content may have changed.
pub fn queue_for_audited(
    conn: &mut DbConn,
    action: &str,
    target: Option<(&str, &str)>,
    detail: Option<&Value>,
) -> StoreResult<()> {
    let (Some(event), Some((kind, id))) = (rules::event_for(action), target) else {
        return Ok(());
    };
    let active = active_endpoints(conn)?;
    let wanting =
        |name: &str| -> Vec<String> { active.iter().filter(|w| subscribes(w, name)).map(|w| w.id.clone()).collect() };
    let (for_event, mut for_site) = (wanting(event), wanting(SITE_CHANGED));
    let (txn, site_queued) = CURRENT_WRITE
        .with(|w| w.borrow().as_ref().map_or((None, false), |s| (Some(s.id.clone()), s.site_changed_queued)));
    if site_queued {
        for_site.clear();
    }
    if for_event.is_empty() && for_site.is_empty() {
        return Ok(());
    }
    let (data, public) = resource(conn, kind, id, detail)?;
    if !for_event.is_empty() {
        queue(conn, event, &format!("{kind}:{id}"), data, &for_event)?;
    }
    if public && !for_site.is_empty() {
        let data = json!({"cause": event, "resource": {"type": kind, "id": id}});
        write_event(conn, SITE_CHANGED, "site", data, txn, &for_site)?;
        CURRENT_WRITE.with(|w| {
            if let Some(state) = w.borrow_mut().as_mut() {
                state.site_changed_queued = true;
            }
        });
    }
    Ok(())
}

/// Queues a test ping to one endpoint.
pub fn queue_ping(conn: &mut DbConn, webhook_id: &str) -> StoreResult<()> {
    let data = json!({"webhook_id": webhook_id, "message": "a test ping from Newsdesk"});
    queue(conn, rules::PING, &format!("ping:{webhook_id}"), data, &[webhook_id.to_owned()])
}

/// Whether the endpoint subscribes to `event`.
pub fn subscribes(webhook: &WebhookRow, event: &str) -> bool {
    serde_json::from_str::<Vec<String>>(&webhook.events).is_ok_and(|events| events.iter().any(|e| e == event))
}

fn queue(conn: &mut DbConn, event: &str, resource_key: &str, data: Value, to: &[String]) -> StoreResult<()> {
    write_event(conn, event, resource_key, data, None, to)
}

fn write_event(
    conn: &mut DbConn,
    event: &str,
    resource_key: &str,
    data: Value,
    txn: Option<String>,
    to: &[String],
) -> StoreResult<()> {
    let (id, created_at) = (new_id(), now());
    let payload = json!({
        "id": id,
        "event": event,
        "created_at": created_at.and_utc().to_rfc3339_opts(SecondsFormat::Micros, true),
        "data": data,
    });
    let row = NewEvent {
        id,
        event: event.to_owned(),
        resource_key: resource_key.to_owned(),
        txn,
        payload: payload.to_string(),
        created_at,
    };
    store::enqueue(conn, &row, to)
}

/// The resource as it stands after the change, and whether the change may show publicly.
fn resource(conn: &mut DbConn, kind: &str, id: &str, detail: Option<&Value>) -> StoreResult<(Value, bool)> {
    let gone = || Ok((json!({"id": id}), true));
    let found = match kind {
        "article" => return article(conn, id, detail),
        "author" => term::<Authors>(conn, id),
        "source" => term::<Sources>(conn, id),
        "section" => term::<Sections>(conn, id),
        "tag" => term::<Tags>(conn, id),
        _ => return gone(),
    };
    match found {
        Ok(data) => Ok((data, true)),
        Err(newsdesk_persistence::StoreError::NotFound) => gone(),
        Err(e) => Err(e),
    }
}

fn term<T: Term>(conn: &mut DbConn, id: &str) -> StoreResult<Value> {
    let row = T::find(conn, id)?;
    Ok(serde_json::to_value(T::admin_view(row)).unwrap_or_default())
}

/// An article's full snapshot. It is public news when it is published now, or when its
/// status just changed away from published (unpublish, trash).
fn article(conn: &mut DbConn, id: &str, detail: Option<&Value>) -> StoreResult<(Value, bool)> {
    let row = match articles::find(conn, id) {
        Ok(row) => row,
        Err(newsdesk_persistence::StoreError::NotFound) => return Ok((json!({"id": id}), false)),
        Err(e) => return Err(e),
    };
    let status_changed =
        detail.and_then(|d| d["changed"].as_array()).is_some_and(|fields| fields.iter().any(|f| f == "status"));
    let public = row.status == "published" || (status_changed && row.published_at.is_some());
    let mut data = serde_json::to_value(crate::articles::history::snapshot(conn, &row)?).unwrap_or_default();
    if let Some(object) = data.as_object_mut() {
        object.insert("id".into(), json!(row.id));
        object.insert("version".into(), json!(row.version));
    }
    Ok((data, public))
}

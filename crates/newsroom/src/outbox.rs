//! Writes webhook events into the outbox inside the transaction of the change that causes
//! them, so a committed change always has its events and a rolled-back one never does.

use chrono::SecondsFormat;
use newsdesk_domain::webhook::{PING, SITE_CHANGED};
use newsdesk_persistence::webhooks::endpoints::{self, WebhookRow};
use newsdesk_persistence::webhooks::outbox::{self as store, NewEvent};
use newsdesk_persistence::{new_id, now, DbConn, StoreResult};
use serde_json::{json, Value};

use crate::change::Event;

/// What the outbox knows of one write so far.
pub(crate) struct WriteEvents {
    /// Groups the events of one write, so `site.changed` goes out once per write however many
    /// resources it touches (a bulk action, a scheduler tick).
    id: String,
    site_changed_queued: bool,
    /// The active endpoints, read once per write (a bulk action records a hundred changes).
    endpoints: Option<Vec<WebhookRow>>,
}

impl WriteEvents {
    pub(crate) fn new() -> Self {
        Self { id: new_id(), site_changed_queued: false, endpoints: None }
    }
}

/// Queues `event` for the endpoints that want it, and `site.changed` once per write when the
/// public may see the change.
pub(crate) fn queue(conn: &mut DbConn, write: &mut WriteEvents, event: &Event) -> StoreResult<()> {
    if write.endpoints.is_none() {
        write.endpoints = Some(endpoints::active(conn)?);
    }
    let active = write.endpoints.as_deref().unwrap_or_default();
    let wanting =
        |name: &str| -> Vec<String> { active.iter().filter(|w| subscribes(w, name)).map(|w| w.id.clone()).collect() };
    let for_event = wanting(event.name);
    let for_site = if write.site_changed_queued || !event.site_visible { Vec::new() } else { wanting(SITE_CHANGED) };
    if !for_event.is_empty() {
        let key = format!("{}:{}", event.kind, event.id);
        write_event(conn, event.name, &key, event.data.clone().into_owned(), None, &for_event)?;
    }
    if !for_site.is_empty() {
        let data = json!({"cause": event.name, "resource": {"type": event.kind, "id": event.id}});
        write_event(conn, SITE_CHANGED, "site", data, Some(write.id.clone()), &for_site)?;
        write.site_changed_queued = true;
    }
    Ok(())
}

/// Queues a test ping to one endpoint.
pub fn queue_ping(conn: &mut DbConn, webhook_id: &str) -> StoreResult<()> {
    let data = json!({"webhook_id": webhook_id, "message": "a test ping from Newsdesk"});
    write_event(conn, PING, &format!("ping:{webhook_id}"), data, None, &[webhook_id.to_owned()])
}

/// Whether the endpoint subscribes to `event`.
pub fn subscribes(webhook: &WebhookRow, event: &str) -> bool {
    serde_json::from_str::<Vec<String>>(&webhook.events).is_ok_and(|events| events.iter().any(|e| e == event))
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

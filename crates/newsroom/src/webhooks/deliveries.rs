//! Sending an event again, and test pings.

use newsdesk_persistence::now;
use newsdesk_persistence::webhooks::deliveries::{self as store, DeliveryRow};
use newsdesk_persistence::webhooks::{endpoints, outbox};

use crate::actor::Caller;
use crate::change::Change;
use crate::error::{NewsroomError, NewsroomResult};
use crate::tx::{Recorded, Tx};

/// Queues a delivery of `webhook_id` again, as a new delivery of the same event (same event id,
/// so receivers can drop repeats). Returns it with its event's name.
pub fn redeliver(
    tx: &mut Tx,
    caller: &Caller,
    webhook_id: &str,
    delivery_id: &str,
) -> NewsroomResult<Recorded<(DeliveryRow, String)>> {
    let original = store::find(tx.conn(), webhook_id, delivery_id).map_err(NewsroomError::not_found_as("delivery"))?;
    let queued = outbox::redeliver(tx.conn(), &original, now())?;
    let event = outbox::event_name(tx.conn(), &queued.event_id)?;
    let detail = serde_json::json!({"delivery_id": original.id, "event_id": original.event_id});
    let change = Change::WebhookRedelivered { id: webhook_id.to_owned(), detail };
    Ok(tx.record(&caller.actor(), change, (queued, event))?)
}

/// Queues a signed test `ping` to one endpoint.
pub fn ping(tx: &mut Tx, caller: &Caller, id: &str) -> NewsroomResult<Recorded<()>> {
    endpoints::find(tx.conn(), id).map_err(NewsroomError::not_found_as("webhook"))?;
    crate::outbox::queue_ping(tx.conn(), id)?;
    Ok(tx.record(&caller.actor(), Change::WebhookPinged { id: id.to_owned() }, ())?)
}

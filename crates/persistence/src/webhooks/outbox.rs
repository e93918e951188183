//! The transactional outbox: events written inside the change's own transaction, fanned out
//! to one delivery per subscribed endpoint.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::deliveries::DeliveryRow;
use super::{state, webhook_deliveries, webhook_events};
use crate::{new_id, DbConn, StoreResult};

#[derive(Debug, Insertable)]
#[diesel(table_name = webhook_events)]
pub struct NewEvent {
    pub id: String,
    pub event: String,
    pub resource_key: String,
    pub txn: Option<String>,
    pub payload: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = webhook_deliveries)]
struct NewDelivery<'a> {
    id: String,
    webhook_id: &'a str,
    event_id: &'a str,
    event_seq: i64,
    resource_key: &'a str,
    state: &'a str,
    attempts: i32,
    next_attempt_at: Option<NaiveDateTime>,
    redelivery_of: Option<&'a str>,
    created_at: NaiveDateTime,
}

/// Writes the event and a pending delivery to each of `webhook_ids`, due at once.
pub fn enqueue(conn: &mut DbConn, event: &NewEvent, webhook_ids: &[String]) -> StoreResult<()> {
    let seq: i64 =
        diesel::insert_into(webhook_events::table).values(event).returning(webhook_events::seq).get_result(conn)?;
    for webhook_id in webhook_ids {
        diesel::insert_into(webhook_deliveries::table)
            .values(&NewDelivery {
                id: new_id(),
                webhook_id,
                event_id: &event.id,
                event_seq: seq,
                resource_key: &event.resource_key,
                state: state::PENDING,
                attempts: 0,
                next_attempt_at: Some(event.created_at),
                redelivery_of: None,
                created_at: event.created_at,
            })
            .execute(conn)?;
    }
    Ok(())
}

/// The name of an event, e.g. `article.published`.
pub fn event_name(conn: &mut DbConn, event_id: &str) -> StoreResult<String> {
    Ok(webhook_events::table.filter(webhook_events::id.eq(event_id)).select(webhook_events::event).first(conn)?)
}

/// Queues the event of `original` again as a new delivery (same event id and body), due now.
pub fn redeliver(conn: &mut DbConn, original: &DeliveryRow, at: NaiveDateTime) -> StoreResult<DeliveryRow> {
    Ok(diesel::insert_into(webhook_deliveries::table)
        .values(&NewDelivery {
            id: new_id(),
            webhook_id: &original.webhook_id,
            event_id: &original.event_id,
            event_seq: original.event_seq,
            resource_key: &original.resource_key,
            state: state::PENDING,
            attempts: 0,
            next_attempt_at: Some(at),
            redelivery_of: Some(&original.id),
            created_at: at,
        })
        .returning(webhook_deliveries::all_columns)
        .get_result(conn)?)
}

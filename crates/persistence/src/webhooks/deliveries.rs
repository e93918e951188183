//! Deliveries: claiming due ones with a lease, recording each attempt, and the delivery log.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

use super::{state, webhook_attempts, webhook_deliveries, webhook_events, webhooks};
use crate::{new_id, DbConn, Page, PageRequest, StoreResult};

#[derive(Debug, Clone, Queryable)]
pub struct DeliveryRow {
    pub id: String,
    pub webhook_id: String,
    pub event_id: String,
    pub event_seq: i64,
    pub resource_key: String,
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: Option<NaiveDateTime>,
    pub locked_until: Option<NaiveDateTime>,
    pub lease: Option<String>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub redelivery_of: Option<String>,
    pub created_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable)]
pub struct AttemptRow {
    pub id: String,
    pub delivery_id: String,
    pub attempted_at: NaiveDateTime,
    pub status_code: Option<i32>,
    pub latency_ms: i64,
    pub response_excerpt: Option<String>,
    pub error: Option<String>,
}

/// A claimed delivery with what sending it needs.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub delivery: DeliveryRow,
    pub event: String,
    pub payload: String,
    pub url: String,
    pub secret: String,
}

#[derive(QueryableByName)]
struct ClaimedId {
    #[diesel(sql_type = Text)]
    id: String,
}

// Due, not leased, on an active endpoint, and the oldest unfinished one of its endpoint and
// resource, so a later change to an article is never sent before an earlier one is settled.
const CLAIM_SQLITE: &str = "UPDATE webhook_deliveries SET locked_until = ?, lease = ? WHERE id IN ( \
    SELECT d.id FROM webhook_deliveries d WHERE d.state = 'pending' AND d.next_attempt_at <= ? \
    AND (d.locked_until IS NULL OR d.locked_until <= ?) \
    AND EXISTS (SELECT 1 FROM webhooks w WHERE w.id = d.webhook_id AND w.active = 1) \
    AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.webhook_id = d.webhook_id \
        AND e.resource_key = d.resource_key AND e.state = 'pending' AND e.event_seq < d.event_seq) \
    ORDER BY d.event_seq LIMIT ?) RETURNING id";

// The same, skipping rows another process is claiming right now.
const CLAIM_POSTGRES: &str = "UPDATE webhook_deliveries SET locked_until = $1, lease = $2 WHERE id IN ( \
    SELECT d.id FROM webhook_deliveries d WHERE d.state = 'pending' AND d.next_attempt_at <= $3 \
    AND (d.locked_until IS NULL OR d.locked_until <= $4) \
    AND EXISTS (SELECT 1 FROM webhooks w WHERE w.id = d.webhook_id AND w.active) \
    AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.webhook_id = d.webhook_id \
        AND e.resource_key = d.resource_key AND e.state = 'pending' AND e.event_seq < d.event_seq) \
    ORDER BY d.event_seq LIMIT $5 FOR UPDATE SKIP LOCKED) RETURNING id";

/// Leases up to `limit` due deliveries to `lease` until `until`, in one statement, so several
/// processes never claim the same delivery. Call inside a write transaction.
pub fn claim(
    conn: &mut DbConn,
    now: NaiveDateTime,
    until: NaiveDateTime,
    lease: &str,
    limit: i64,
) -> StoreResult<Vec<Claimed>> {
    let claim = |sql| {
        diesel::sql_query(sql)
            .bind::<Timestamp, _>(until)
            .bind::<Text, _>(lease)
            .bind::<Timestamp, _>(now)
            .bind::<Timestamp, _>(now)
            .bind::<BigInt, _>(limit)
    };
    let ids: Vec<ClaimedId> = match conn {
        DbConn::Sqlite(c) => claim(CLAIM_SQLITE).load(c)?,
        DbConn::Postgres(c) => claim(CLAIM_POSTGRES).load(c)?,
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = ids.into_iter().map(|c| c.id).collect();
    let rows: Vec<(DeliveryRow, String, String, String, String)> = webhook_deliveries::table
        .inner_join(webhooks::table)
        .inner_join(webhook_events::table.on(webhook_events::id.eq(webhook_deliveries::event_id)))
        .filter(webhook_deliveries::id.eq_any(ids))
        .order(webhook_deliveries::event_seq.asc())
        .select((
            webhook_deliveries::all_columns,
            webhook_events::event,
            webhook_events::payload,
            webhooks::url,
            webhooks::secret,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(delivery, event, payload, url, secret)| Claimed { delivery, event, payload, url, secret })
        .collect())
}

/// One try at sending.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub at: NaiveDateTime,
    pub status_code: Option<i32>,
    pub latency_ms: i64,
    pub response_excerpt: Option<String>,
    pub error: Option<String>,
}

/// What happens to a delivery after an attempt.
#[derive(Debug, Clone, Copy)]
pub enum Next {
    Delivered,
    RetryAt(NaiveDateTime),
    Failed,
}

/// Settles the delivery and logs the attempt, if `lease` still holds it; false (and nothing
/// written) when another process took the delivery over after the lease ran out, or the
/// endpoint was deleted meanwhile.
pub fn finish(conn: &mut DbConn, delivery_id: &str, lease: &str, attempt: &Attempt, next: Next) -> StoreResult<bool> {
    let (new_state, next_at, finished) = match next {
        Next::Delivered => (state::DELIVERED, None, Some(attempt.at)),
        Next::RetryAt(at) => (state::PENDING, Some(at), None),
        Next::Failed => (state::FAILED, None, Some(attempt.at)),
    };
    let updated = diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::id.eq(delivery_id))
            .filter(webhook_deliveries::lease.eq(lease)),
    )
    .set((
        webhook_deliveries::state.eq(new_state),
        webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
        webhook_deliveries::next_attempt_at.eq(next_at),
        webhook_deliveries::locked_until.eq(None::<NaiveDateTime>),
        webhook_deliveries::lease.eq(None::<String>),
        webhook_deliveries::last_status.eq(attempt.status_code),
        webhook_deliveries::last_error.eq(&attempt.error),
        webhook_deliveries::finished_at.eq(finished),
    ))
    .execute(conn)?;
    if updated == 0 {
        return Ok(false);
    }
    diesel::insert_into(webhook_attempts::table)
        .values((
            webhook_attempts::id.eq(new_id()),
            webhook_attempts::delivery_id.eq(delivery_id),
            webhook_attempts::attempted_at.eq(attempt.at),
            webhook_attempts::status_code.eq(attempt.status_code),
            webhook_attempts::latency_ms.eq(attempt.latency_ms),
            webhook_attempts::response_excerpt.eq(&attempt.response_excerpt),
            webhook_attempts::error.eq(&attempt.error),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Whether any delivery is due and unclaimed: a cheap read before taking the write lock.
pub fn any_due(conn: &mut DbConn, now: NaiveDateTime) -> StoreResult<bool> {
    let found = webhook_deliveries::table
        .filter(webhook_deliveries::state.eq(state::PENDING))
        .filter(webhook_deliveries::next_attempt_at.le(now))
        .filter(webhook_deliveries::locked_until.is_null().or(webhook_deliveries::locked_until.le(now)))
        .select(webhook_deliveries::id)
        .first::<String>(conn)
        .optional()?;
    Ok(found.is_some())
}

/// One delivery of one endpoint.
pub fn find(conn: &mut DbConn, webhook_id: &str, delivery_id: &str) -> StoreResult<DeliveryRow> {
    Ok(webhook_deliveries::table
        .filter(webhook_deliveries::webhook_id.eq(webhook_id))
        .filter(webhook_deliveries::id.eq(delivery_id))
        .first(conn)?)
}

/// An endpoint's deliveries, newest first, each with its event name.
pub fn list(conn: &mut DbConn, webhook_id: &str, page: PageRequest) -> StoreResult<Page<(DeliveryRow, String)>> {
    let total =
        webhook_deliveries::table.filter(webhook_deliveries::webhook_id.eq(webhook_id)).count().get_result(conn)?;
    let items = webhook_deliveries::table
        .inner_join(webhook_events::table.on(webhook_events::id.eq(webhook_deliveries::event_id)))
        .filter(webhook_deliveries::webhook_id.eq(webhook_id))
        .order((webhook_deliveries::created_at.desc(), webhook_deliveries::id.desc()))
        .select((webhook_deliveries::all_columns, webhook_events::event))
        .limit(page.limit)
        .offset(page.offset)
        .load(conn)?;
    Ok(Page { items, total })
}

/// The attempts of these deliveries, oldest first.
pub fn attempts_of(conn: &mut DbConn, delivery_ids: &[String]) -> StoreResult<Vec<AttemptRow>> {
    Ok(webhook_attempts::table
        .filter(webhook_attempts::delivery_id.eq_any(delivery_ids))
        .order((webhook_attempts::attempted_at.asc(), webhook_attempts::id.asc()))
        .load(conn)?)
}

/// Deliveries not yet settled, across all endpoints: the queue depth.
pub fn pending_count(conn: &mut DbConn) -> StoreResult<i64> {
    Ok(webhook_deliveries::table.filter(webhook_deliveries::state.eq(state::PENDING)).count().get_result(conn)?)
}

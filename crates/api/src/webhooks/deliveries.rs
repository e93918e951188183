//! An endpoint's delivery log, redelivering one event, and test pings (admins and editors).

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use newsdesk_domain::Action;
use newsdesk_newsroom::webhooks::deliveries as rules;
use newsdesk_persistence::webhooks::deliveries::{self as store, AttemptRow, DeliveryRow};
use newsdesk_persistence::webhooks::endpoints;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::extractor::AdminCall;
use crate::error::{not_found_as, ApiResult};
use crate::extract::{Paging, QueryParams};
use crate::respond::{private_json, ListResponse};
use crate::responses::{AdminWrite, Paged};
use crate::time::utc;

/// One try at sending a delivery.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptOut {
    pub attempted_at: DateTime<Utc>,
    /// The endpoint's HTTP status; null when no answer came (timeout, refused, DNS).
    pub status_code: Option<i32>,
    pub latency_ms: i64,
    /// The first 1 KiB of the endpoint's answer.
    pub response_excerpt: Option<String>,
    /// Why the attempt failed, if it did.
    pub error: Option<String>,
}

/// One event sent (or being sent) to one endpoint.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryOut {
    pub id: String,
    /// The event's id, sent as `Newsdesk-Event-Id`; the same on every retry and redelivery.
    pub event_id: String,
    #[schema(example = "article.published")]
    pub event: String,
    /// `pending` (queued or retrying), `delivered` (a 2xx came back) or `failed` (gave up).
    #[schema(schema_with = delivery_states)]
    pub state: String,
    pub attempt_count: i32,
    /// When the next try is due, while pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    /// The delivery this one repeats, for a redelivery.
    pub redelivery_of: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Every attempt, oldest first.
    pub attempts: Vec<AttemptOut>,
}

/// What [`DeliveryOut::state`] can be.
fn delivery_states() -> utoipa::openapi::schema::Object {
    use newsdesk_persistence::webhooks::state;
    let mut schema = crate::schema::string_enum(
        &[state::PENDING, state::DELIVERED, state::FAILED],
        "`pending` (queued or retrying), `delivered` (a 2xx came back) or `failed` (gave up).",
    );
    schema.example = Some(state::DELIVERED.into());
    schema
}

fn delivery_out(row: DeliveryRow, event: String, attempts: Vec<AttemptRow>) -> DeliveryOut {
    DeliveryOut {
        id: row.id,
        event_id: row.event_id,
        event,
        state: row.state,
        attempt_count: row.attempts,
        next_attempt_at: row.next_attempt_at.map(utc),
        last_status: row.last_status,
        last_error: row.last_error,
        redelivery_of: row.redelivery_of,
        created_at: utc(row.created_at),
        finished_at: row.finished_at.map(utc),
        attempts: attempts
            .into_iter()
            .map(|a| AttemptOut {
                attempted_at: utc(a.attempted_at),
                status_code: a.status_code,
                latency_ms: a.latency_ms,
                response_excerpt: a.response_excerpt,
                error: a.error,
            })
            .collect(),
    }
}

/// An endpoint's delivery log, newest first, with every attempt.
#[utoipa::path(get, path = "/v1/admin/webhooks/{id}/deliveries", operation_id = "admin_list_webhook_deliveries", tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path, description = "Webhook id"), Paging),
    responses(
        (status = 200, description = "A page of deliveries", body = ListResponse<DeliveryOut>),
        Paged, AdminWrite,
    ))]
pub async fn list(
    AdminCall { req, state, user }: AdminCall,
    id: web::Path<String>,
    paging: QueryParams<Paging>,
) -> ApiResult<HttpResponse> {
    user.require(Action::OperateWebhooks)?;
    let window = paging.0.window(&state.cursors, &req)?;
    let request = window.request();
    let (found, attempts) = state
        .read(move |conn| {
            endpoints::find(conn, &id)?;
            let found = store::list(conn, &id, request)?;
            let ids: Vec<String> = found.items.iter().map(|(d, _)| d.id.clone()).collect();
            Ok((found, store::attempts_of(conn, &ids)?))
        })
        .await
        .map_err(|e| not_found_as(e, "webhook"))?;
    let mut by_delivery: HashMap<String, Vec<AttemptRow>> = HashMap::new();
    for attempt in attempts {
        by_delivery.entry(attempt.delivery_id.clone()).or_default().push(attempt);
    }
    let data = found
        .items
        .into_iter()
        .map(|(row, event)| {
            let attempts = by_delivery.remove(&row.id).unwrap_or_default();
            delivery_out(row, event, attempts)
        })
        .collect();
    Ok(private_json(StatusCode::OK, &window.respond(&req, &state.cursors, data, found.total)))
}

/// Send one event again, with the same event id and body, as a new delivery.
#[utoipa::path(post, path = "/v1/admin/webhooks/{id}/deliveries/{delivery_id}/redeliver", operation_id = "admin_redeliver_webhook", tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path, description = "Webhook id"), ("delivery_id" = String, Path, description = "Delivery id")),
    responses(
        (status = 202, description = "Queued; the new delivery", body = DeliveryOut),
        AdminWrite,
    ))]
pub async fn redeliver(
    AdminCall { state, user, .. }: AdminCall,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    user.require(Action::OperateWebhooks)?;
    let (webhook_id, delivery_id) = path.into_inner();
    let (row, event) = state.write(move |tx| Ok(rules::redeliver(tx, &user, &webhook_id, &delivery_id)?)).await?;
    Ok(private_json(StatusCode::ACCEPTED, &delivery_out(row, event, Vec::new())))
}

/// Queue a signed `ping` event to this endpoint, to check it receives and verifies.
#[utoipa::path(post, path = "/v1/admin/webhooks/{id}/ping", operation_id = "admin_ping_webhook", tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path, description = "Webhook id")),
    responses(
        (status = 202, description = "Queued; see the delivery log for the outcome"),
        AdminWrite,
    ))]
pub async fn ping(AdminCall { state, user, .. }: AdminCall, id: web::Path<String>) -> ApiResult<HttpResponse> {
    user.require(Action::OperateWebhooks)?;
    let id = id.into_inner();
    state.write(move |tx| Ok(rules::ping(tx, &user, &id)?)).await?;
    Ok(HttpResponse::Accepted().insert_header(("cache-control", "no-store")).finish())
}

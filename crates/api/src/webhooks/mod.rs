//! Webhooks: endpoints admins register, events written to an outbox in the same transaction
//! as the change, and a worker that delivers them signed, in order, with retries.

pub mod deliveries;
pub mod endpoints;
pub mod worker;

pub use newsdesk_newsroom::webhooks::Settings;

/// The webhook routes.
pub fn routes(api: &mut crate::routes::Routes) {
    use crate::routes;
    api.add(routes!(endpoints::list, endpoints::create))
        .add(routes!(endpoints::get, endpoints::update, endpoints::delete))
        .add(routes!(deliveries::ping))
        .add(routes!(deliveries::list))
        .add(routes!(deliveries::redeliver));
}

/// What every delivery POSTs (`Content-Type: application/json`), signed in the
/// `Newsdesk-Signature` header; `id` is also sent as `Newsdesk-Event-Id`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[schema(example = json!({"id": "019ac4d2-7a41-7cc3-9a1e-3f0e5b8c2d11", "event": "article.published", "created_at": "2026-11-30T09:15:02.123456Z", "data": {"id": "019ac4d2-6f10-7b2e-8c55-0d9e8f7a6b54", "version": 3, "slug": "flood-barriers-hold", "title": "Flood barriers hold", "status": "published"}}))]
pub struct WebhookPayload {
    /// The event id: the same on every retry and redelivery, so receivers can drop repeats.
    pub id: String,
    /// An event name, or `ping` for a test ping.
    pub event: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The resource after the change (an article's full snapshot with `id` and `version`, a
    /// term's admin view, or just `id` once deleted); for `site.changed`, `cause` and `resource`.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

/// The webhook part of the OpenAPI document that no route refers to, merged into the main one.
#[derive(utoipa::OpenApi)]
#[openapi(components(schemas(WebhookPayload)))]
pub struct WebhooksDoc;

impl utoipa::Modify for WebhooksDoc {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        openapi.merge(<WebhooksDoc as utoipa::OpenApi>::openapi());
    }
}

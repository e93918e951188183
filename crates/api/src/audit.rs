//! The audit log's API: every editorial write, publish, login and key change, and who did it.
//! Entries are written by the use cases (`newsdesk_newsroom::Tx::record`); this lists them.

use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use newsdesk_domain::Action;
use newsdesk_newsroom::Actor;
use newsdesk_persistence::audit::{self as store, AuditFilter, AuditRow};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::AdminCall;
use crate::error::ApiResult;
use crate::extract::{Paging, QueryParams};
use crate::middleware::origin;
use crate::respond::ListResponse;
use crate::responses::{ByRole, Paged};
use crate::time::{naive, utc};

/// Who a request comes from, as the audit log records it: someone not logged in (a login
/// attempt) with its origin.
pub fn anonymous(req: &HttpRequest, label: Option<String>) -> Actor {
    let (request_id, client_ip) = origin(req);
    Actor::anonymous(request_id, client_ip, label)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: String,
    pub at: DateTime<Utc>,
    /// `user`, `api_key`, `system` or `anonymous`.
    #[schema(schema_with = actor_types)]
    pub actor_type: String,
    pub actor_id: Option<String>,
    /// The user's e-mail, the key's name, or what a failed login tried.
    pub actor_label: Option<String>,
    #[schema(example = "article.publish")]
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub request_id: Option<String>,
    pub client_ip: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub detail: Option<serde_json::Value>,
}

/// What [`AuditEntry::actor_type`] can be, as `newsdesk_newsroom::Actor` records it.
fn actor_types() -> utoipa::openapi::schema::Object {
    crate::schema::string_enum(
        &["user", "api_key", "system", "anonymous"],
        "`user`, `api_key`, `system` or `anonymous`.",
    )
}

impl From<AuditRow> for AuditEntry {
    fn from(row: AuditRow) -> Self {
        Self {
            id: row.id,
            at: utc(row.at),
            actor_type: row.actor_type,
            actor_id: row.actor_id,
            actor_label: row.actor_label,
            action: row.action,
            target_type: row.target_type,
            target_id: row.target_id,
            request_id: row.request_id,
            client_ip: row.client_ip,
            detail: row.detail.and_then(|d| serde_json::from_str(&d).ok()),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only entries by this user or key id.
    pub actor: Option<String>,
    /// Only this action, e.g. `article.publish`, `auth.login_failed`, `api_key.revoke`.
    pub action: Option<String>,
    /// Only entries about this resource id.
    pub target: Option<String>,
    /// Only entries at or after this instant.
    pub since: Option<DateTime<Utc>>,
    /// Only entries before this instant.
    pub until: Option<DateTime<Utc>>,
}

/// The audit log, newest first (admins only).
#[utoipa::path(get, path = "/v1/admin/audit-log", operation_id = "admin_list_audit_log", tag = "audit", security(("bearer" = [])),
    params(AuditQuery, Paging),
    responses(
        (status = 200, description = "A page of entries", body = ListResponse<AuditEntry>),
        Paged, ByRole,
    ))]
pub async fn list(
    AdminCall { req, state, user }: AdminCall,
    query: QueryParams<AuditQuery>,
    paging: QueryParams<Paging>,
) -> ApiResult<HttpResponse> {
    user.require(Action::ReadAuditLog)?;
    let q = query.0;
    let mut v = newsdesk_domain::Violations::new();
    let (since, until) = (v.time("since", q.since), v.time("until", q.until));
    v.into_result()?;
    let filter = AuditFilter {
        actor: q.actor,
        action: q.action,
        target: q.target,
        since: since.map(naive),
        until: until.map(naive),
    };
    let load = |page| state.read(move |conn| store::list(conn, &filter, page));
    paging.0.private_page(&req, &state.cursors, load, AuditEntry::from).await
}

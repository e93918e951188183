//! The one error type of the API, rendered as RFC 9457 `application/problem+json`.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use chrono::{DateTime, Utc};
use newsdesk_domain::embargo::Embargoed;
use newsdesk_domain::FieldError;
use newsdesk_newsroom::articles::locks::EditLock;
use newsdesk_newsroom::NewsroomError;
use newsdesk_persistence::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:newsdesk:problem:validation-failed",
    "title": "Unprocessable Content",
    "status": 422,
    "detail": "1 field is invalid",
    "errors": [{"field": "title", "message": "must not be empty"}]
}))]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// The fields at fault, for invalid input.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Vec<FieldError>)]
    pub errors: Option<Vec<FieldError>>,
    /// The resource's current version, on a 412.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = i64)]
    pub current_version: Option<i64>,
    /// The edit lock someone else holds, on a 423: who, and until when.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = EditLock)]
    pub lock: Option<EditLock>,
    /// When the embargo ends, on a `409` an embargo caused.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = DateTime<Utc>)]
    pub embargo_until: Option<DateTime<Utc>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("conflict")]
    Conflict(Vec<FieldError>),
    #[error("{0}")]
    InvalidState(String),
    #[error("the resource has changed")]
    PreconditionFailed { current: i64 },
    #[error("the article is locked")]
    Locked(EditLock),
    /// An embargo holds the article back (409): when it ends, and the field at fault if any.
    #[error("{0}")]
    Embargoed(Embargoed),
    #[error("body too large")]
    PayloadTooLarge { limit: usize },
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("precondition required")]
    PreconditionRequired,
    #[error("too many requests")]
    TooManyRequests { retry_after: u64 },
    #[error("service unavailable")]
    Unavailable(String),
    /// Every database thread stayed busy for the wait limit: overload, not an outage.
    #[error("service busy")]
    Busy(String),
    /// Anything unexpected. The cause is logged; the client sees only that it happened.
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError { field: field.into(), message: message.into() }])
    }

    pub fn not_found(what: &str) -> Self {
        Self::NotFound(format!("{what} not found"))
    }

    fn kind(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "bad-request",
            Self::Invalid(_) => "validation-failed",
            Self::Unauthorized(_) => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not-found",
            Self::Conflict(_) => "conflict",
            Self::InvalidState(_) => "invalid-state",
            Self::PreconditionFailed { .. } => "precondition-failed",
            Self::Locked(_) => "locked",
            Self::Embargoed(_) => "embargoed",
            Self::PayloadTooLarge { .. } => "payload-too-large",
            Self::UnsupportedMediaType => "unsupported-media-type",
            Self::PreconditionRequired => "precondition-required",
            Self::TooManyRequests { .. } => "too-many-requests",
            Self::Unavailable(_) => "service-unavailable",
            Self::Busy(_) => "service-busy",
            Self::Internal(_) => "internal-error",
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::Invalid(errors) if errors.len() == 1 => {
                format!("`{}` {}", errors[0].field, errors[0].message)
            }
            Self::Invalid(errors) => format!("{} fields are invalid", errors.len()),
            Self::Conflict(errors) => {
                errors.iter().map(|e| format!("`{}` {}", e.field, e.message)).collect::<Vec<_>>().join("; ")
            }
            Self::PreconditionFailed { current } => {
                format!("the resource has changed; its current version is {current}. Fetch it again and retry with `If-Match: \"{current}\"`")
            }
            Self::Locked(lock) => format!(
                "{} is editing this article until {}; wait for them to release it, or ask an editor to take the lock over",
                lock.holder.name,
                crate::time::seconds(lock.expires_at)
            ),
            Self::Embargoed(Embargoed { field: Some((field, why)), .. }) => format!("`{field}` {why}"),
            Self::Embargoed(refused) => refused.to_string(),
            Self::PayloadTooLarge { limit } => format!("the request body is larger than the limit of {limit} bytes"),
            Self::UnsupportedMediaType => "send the body as `Content-Type: application/json`".into(),
            Self::PreconditionRequired => {
                "send `If-Match` with the ETag you read (e.g. `If-Match: \"3\"`), so you cannot overwrite someone else's change".into()
            }
            Self::TooManyRequests { retry_after } => format!("too many attempts; retry in {retry_after} s"),
            Self::Unavailable(_) => "the database cannot be reached right now; retry shortly".into(),
            Self::Busy(_) => "the server is too busy to start this request now; retry shortly".into(),
            Self::Internal(_) => "an unexpected error occurred; it has been logged".into(),
            Self::BadRequest(m)
            | Self::Unauthorized(m)
            | Self::Forbidden(m)
            | Self::NotFound(m)
            | Self::InvalidState(m) => m.clone(),
        }
    }

    /// One line for a terminal: each invalid field and why, or the detail.
    pub fn explain(&self) -> String {
        let problem = self.to_problem();
        match problem.errors {
            Some(errors) => errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; "),
            None => problem.detail,
        }
    }

    pub fn to_problem(&self) -> Problem {
        let status = self.status_code();
        Problem {
            kind: format!("urn:newsdesk:problem:{}", self.kind()),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: self.detail(),
            errors: match self {
                Self::Invalid(errors) | Self::Conflict(errors) => Some(errors.clone()),
                Self::Embargoed(Embargoed { field: Some((field, why)), .. }) => {
                    Some(vec![FieldError { field: (*field).into(), message: why.clone() }])
                }
                _ => None,
            },
            current_version: match self {
                Self::PreconditionFailed { current } => Some(*current),
                _ => None,
            },
            lock: match self {
                Self::Locked(lock) => Some(lock.clone()),
                _ => None,
            },
            embargo_until: match self {
                Self::Embargoed(refused) => Some(crate::time::utc(refused.until)),
                _ => None,
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) | Self::InvalidState(_) | Self::Embargoed(_) => StatusCode::CONFLICT,
            Self::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            Self::Locked(_) => StatusCode::LOCKED,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) | Self::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Internal(cause) => tracing::error!(%cause, "internal error"),
            Self::Unavailable(cause) => tracing::warn!(%cause, "database unavailable"),
            Self::Busy(cause) => tracing::warn!(%cause, "too busy: request shed"),
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        response.content_type(PROBLEM_JSON).insert_header((header::CACHE_CONTROL, "no-store"));
        if matches!(self, Self::Unauthorized(_)) {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"newsdesk\""));
        }
        match self {
            Self::Unavailable(_) => _ = response.insert_header((header::RETRY_AFTER, "5")),
            Self::Busy(_) => _ = response.insert_header((header::RETRY_AFTER, "1")),
            _ => {}
        }
        if let Self::Locked(lock) = self {
            // The lease ends by itself then, unless its holder renews it.
            let left = (lock.expires_at - chrono::Utc::now()).num_seconds().max(1);
            response.insert_header((header::RETRY_AFTER, left.to_string()));
        }
        if let Self::TooManyRequests { retry_after } = self {
            response.insert_header((header::RETRY_AFTER, retry_after.to_string()));
        }
        response.json(self.to_problem())
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => Self::NotFound("not found".into()),
            StoreError::Conflict { field } => {
                Self::Conflict(vec![FieldError { field: field.into(), message: "is already taken".into() }])
            }
            StoreError::VersionConflict { current } => Self::PreconditionFailed { current },
            StoreError::Unavailable(cause) => Self::Unavailable(cause),
            StoreError::Database(cause) => Self::Internal(cause.to_string()),
        }
    }
}

/// A use case's refusal, as the HTTP status that says it.
impl From<NewsroomError> for ApiError {
    fn from(error: NewsroomError) -> Self {
        match error {
            NewsroomError::Invalid(errors) => Self::Invalid(errors),
            NewsroomError::Forbidden(why) => Self::Forbidden(why),
            NewsroomError::NotFound(what) => Self::not_found(what),
            NewsroomError::Conflict(errors) => Self::Conflict(errors),
            NewsroomError::InvalidState(why) => Self::InvalidState(why),
            NewsroomError::PreconditionFailed { current } => Self::PreconditionFailed { current },
            NewsroomError::Locked(lock) => Self::Locked(lock),
            NewsroomError::Embargoed(refused) => Self::Embargoed(refused),
            NewsroomError::PreconditionRequired => Self::PreconditionRequired,
            NewsroomError::Store(store) => Self::from(store),
            NewsroomError::Internal(cause) => Self::Internal(cause),
        }
    }
}

impl From<Vec<FieldError>> for ApiError {
    fn from(errors: Vec<FieldError>) -> Self {
        Self::Invalid(errors)
    }
}

/// A problem for a bare status the router produced (404, 405) or a body actix rejected.
pub fn problem_for_status(status: StatusCode, detail: &str) -> Problem {
    Problem {
        kind: "about:blank".into(),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail: detail.to_owned(),
        errors: None,
        current_version: None,
        lock: None,
        embargo_until: None,
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Names the missing resource in a 404 from storage.
pub fn not_found_as(error: ApiError, what: &str) -> ApiError {
    match error {
        ApiError::NotFound(_) => ApiError::not_found(what),
        other => other,
    }
}

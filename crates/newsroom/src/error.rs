//! What a use case can refuse, in terms the API maps to HTTP statuses one to one.

use newsdesk_domain::FieldError;
use newsdesk_persistence::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum NewsroomError {
    /// Input that breaks a rule, by field.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// The caller's role may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// No such resource, or one the caller may not know exists.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A unique value (a slug) another resource holds.
    #[error("conflict")]
    Conflict(Vec<FieldError>),
    /// The resource is not in a state that allows this (publishing a published article).
    #[error("{0}")]
    InvalidState(String),
    /// Someone else holds the article's edit lock: who, and until when.
    #[error("the article is locked")]
    Locked(crate::edit_lock::EditLock),
    /// An embargo holds the article back: publishing waits until it ends (409).
    #[error(transparent)]
    Embargoed(#[from] newsdesk_domain::embargo::Embargoed),
    /// The caller's version is not the current one.
    #[error("the resource has changed")]
    PreconditionFailed { current: i64 },
    /// An edit that did not say which version it was made from.
    #[error("precondition required")]
    PreconditionRequired,
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Data we wrote ourselves that cannot be read back; logged, never shown.
    #[error("{0}")]
    Internal(String),
}

pub type NewsroomResult<T> = Result<T, NewsroomError>;

impl NewsroomError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError { field: field.into(), message: message.into() }])
    }

    /// Maps storage's "no row" to a named 404, keeping every other storage error.
    pub fn not_found_as(what: &'static str) -> impl Fn(StoreError) -> Self {
        move |e| match e {
            StoreError::NotFound => Self::NotFound(what),
            other => Self::Store(other),
        }
    }
}

impl From<Vec<FieldError>> for NewsroomError {
    fn from(errors: Vec<FieldError>) -> Self {
        Self::Invalid(errors)
    }
}

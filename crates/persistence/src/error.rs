//! Storage errors, in terms the API can turn into HTTP statuses without knowing SQL.

use diesel::result::DatabaseErrorKind;
pub use diesel::result::Error as DieselError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique constraint failed; `field` names the column a client would fix.
    #[error("{field} is already taken")]
    Conflict { field: &'static str },
    /// The row was changed by someone else since it was read.
    #[error("version conflict")]
    VersionConflict { current: i64 },
    /// The database could not be reached or the pool is exhausted.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Database(DieselError),
}

impl From<DieselError> for StoreError {
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::NotFound => Self::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, ref info) => {
                let described = format!("{} {}", info.message(), info.constraint_name().unwrap_or_default());
                Self::Conflict { field: conflicting_field(&described) }
            }
            DieselError::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                ref info,
            ) => Self::Unavailable(info.message().to_owned()),
            other => Self::Database(other),
        }
    }
}

impl From<diesel::r2d2::PoolError> for StoreError {
    fn from(error: diesel::r2d2::PoolError) -> Self {
        Self::Unavailable(error.to_string())
    }
}

/// Names the column behind a unique violation, from SQLite's message ("UNIQUE constraint
/// failed: users.email") or PostgreSQL's constraint name ("users_email_key").
fn conflicting_field(described: &str) -> &'static str {
    if described.contains("email") {
        "email"
    } else if described.contains("slug") {
        "slug"
    } else {
        "id"
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_conflicting_field() {
        assert_eq!(conflicting_field("UNIQUE constraint failed: users.email"), "email");
        assert_eq!(conflicting_field("duplicate key articles_slug_key"), "slug");
    }
}

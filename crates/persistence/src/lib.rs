//! Newsdesk storage on SQLite or PostgreSQL through one diesel code path.
//!
//! Query functions take `&mut DbConn` so callers can compose several inside one
//! [`Database::write`] transaction. Nothing here knows about HTTP.

mod any_of;
pub mod api_keys;
pub mod articles;
pub mod audit;
pub mod authors;
pub mod backup;
pub mod database;
pub mod error;
pub mod exchange;
mod fixed_sql;
pub mod labels;
pub mod live;
pub mod notify;
pub mod public_changes;
pub mod retention;
pub mod schema;
pub mod search;
pub mod sections;
pub mod sources;
pub mod sqlite_options;
pub mod stats;
mod stored_status;
mod stored_time;
pub mod tags;
mod term;
pub mod tokens;
pub mod users;
pub mod views;
pub mod webhooks;

pub use database::{new_id, now, Backend, Database, DatabaseUrl, Db, DbConn, PoolState};
pub use error::{StoreError, StoreResult};

/// A page of rows and how many rows match in all.
#[derive(Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
}

/// Which slice of a list to load.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub limit: i64,
    pub offset: i64,
}

/// The versions a conditional write accepts: exactly `expected`, or any when none is given.
/// One filter shape for both cases keeps the check and the write in a single statement.
pub(crate) fn version_range(expected: Option<i64>) -> (i64, i64) {
    expected.map_or((i64::MIN, i64::MAX), |v| (v, v))
}

/// Why a write conditional on the version touched no row, given the row's version as it stands
/// now: it moved on to another version, or it is gone.
pub(crate) fn version_conflict(current: StoreResult<i64>) -> StoreError {
    match current {
        Ok(current) => StoreError::VersionConflict { current },
        Err(e) => e,
    }
}

//! The edit lock an article's answers and refusals show (the rules are `articles::locks`),
//! apart from them so that errors can name it.

use chrono::{DateTime, Utc};
use newsdesk_persistence::articles::locks::LockRow;
use serde::Serialize;
use utoipa::ToSchema;

use crate::time::utc;

/// A live edit lock: who holds it, since when, and until when unless renewed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({"holder": {"id": "0193a1b2-7c3d-7e4f-9a0b-1c2d3e4f5a6b", "name": "Dana Desk"},
    "taken_at": "2026-12-10T09:00:00Z", "expires_at": "2026-12-10T09:05:00Z"}))]
pub struct EditLock {
    pub holder: LockHolder,
    /// When the holder took the lease; a heartbeat keeps it.
    pub taken_at: DateTime<Utc>,
    /// When the lease ends unless the holder renews it.
    pub expires_at: DateTime<Utc>,
}

/// The user who holds an edit lock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct LockHolder {
    pub id: String,
    pub name: String,
}

impl From<LockRow> for EditLock {
    fn from(row: LockRow) -> Self {
        Self {
            holder: LockHolder { id: row.holder_id, name: row.holder_name },
            taken_at: utc(row.taken_at),
            expires_at: utc(row.expires_at),
        }
    }
}

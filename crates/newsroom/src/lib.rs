//! Newsdesk's use cases, between the HTTP API and storage.
//!
//! A write takes a [`Tx`] (one database transaction), applies its rule, writes the rows and
//! records each typed [`Change`] it made. [`Tx::record`] is the one place that turns a change
//! into its audit entry, its cache tags and its webhook events, all inside that transaction.
//! Nothing here knows about HTTP.

pub mod actor;
pub mod api_keys;
pub mod articles;
pub mod cache_tag;
pub mod change;
pub mod desk_change;
pub mod edit_lock;
pub mod error;
pub mod live_change;
pub mod outbox;
pub mod password;
pub mod precondition;
pub mod retention;
pub mod scheduler;
pub mod terms;
pub mod time;
pub mod tx;
pub mod users;
pub mod webhooks;

pub use actor::{Actor, Caller};
pub use cache_tag::CacheTag;
pub use change::Change;
pub use error::{NewsroomError, NewsroomResult};
pub use precondition::Precondition;
pub use tx::{Recorded, Tx};

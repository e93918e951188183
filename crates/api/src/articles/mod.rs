//! Articles: the editorial API (`/v1/admin/articles`) and the public one (`/v1/articles`).
//! The rules every write obeys live in `newsdesk_newsroom::articles`.

pub mod admin;
pub mod bulk;
pub mod corrections;
pub mod desk;
pub mod dto;
pub mod embargo;
pub mod fields;
pub mod listing;
pub mod live;
pub mod live_public;
pub mod locks;
pub mod ninjs;
pub mod preview;
pub mod public;
pub mod query;
pub mod related;
pub mod retraction;
pub mod revisions;
pub mod schema_org;
pub mod structured_data;
pub mod syndication;
pub mod view;
pub mod workflow;

//! Newsdesk's content model and the rules that keep it valid.
//!
//! Nothing here does I/O or knows about HTTP or SQL: the persistence and api crates build on
//! these types, so a rule lives in exactly one place.

pub mod address;
pub mod article;
pub mod article_input;
pub mod body;
pub mod correction;
pub mod desk_note;
pub mod embargo;
pub mod exchange;
pub mod field_schema;
pub mod live_entry;
pub mod permissions;
pub mod slug;
pub mod user;
pub mod validation;
pub mod webhook;

pub use article::ArticleStatus;
pub use article_input::{ArticleFields, ArticleInput, ImageInput, SeoFields, SeoInput};
pub use permissions::{Action, Role};
pub use slug::Slug;
pub use validation::{FieldError, Violations};

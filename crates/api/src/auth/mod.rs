//! Logging in, tokens, and the extractor that guards every editorial route.

pub mod api_key;
pub mod extractor;
pub mod handlers;

pub use extractor::{AdminCall, AuthUser};

//! Logging in, tokens, and the extractor that guards every editorial route.

pub mod extractor;
pub mod handlers;
pub mod limits;
pub mod password;
pub mod tokens;

pub use extractor::AuthUser;

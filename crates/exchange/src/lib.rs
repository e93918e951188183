//! Bulk import and export in the Newsdesk NDJSON exchange format (one
//! [`ArticleRecord`](newsdesk_domain::exchange::ArticleRecord) per line).
//!
//! [`import::import_records`] is the one import pipeline: the NDJSON reader feeds it here, and
//! converters from other systems can feed it their own records.

use std::fmt;

use newsdesk_domain::FieldError;

pub mod cli;
pub mod export;
pub mod import;
pub mod importers;
pub mod progress;
pub mod read;
pub mod validate;

/// What is wrong with one input line: `line 17: authors[0].slug: must be …`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// 1-based line number in the input.
    pub line: u64,
    /// Path of the field at fault, such as `authors[0].slug`; empty when the line as a whole is.
    pub field: String,
    pub message: String,
}

impl LineError {
    pub fn new(line: u64, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { line, field: field.into(), message: message.into() }
    }

    /// One error naming every field at fault.
    pub fn from_fields(line: u64, errors: Vec<FieldError>) -> Self {
        let mut errors = errors.into_iter();
        let first = errors.next().unwrap_or_else(|| FieldError { field: String::new(), message: "is invalid".into() });
        let mut error = Self::new(line, first.field, first.message);
        for more in errors {
            error.message.push_str(&format!("; {}: {}", more.field, more.message));
        }
        error
    }
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "line {}: {}", self.line, self.message)
        } else {
            write!(f, "line {}: {}: {}", self.line, self.field, self.message)
        }
    }
}

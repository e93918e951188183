//! Which version of a resource a write may land on: the client's `If-Match`, or a `version`
//! in the body, so two editors never silently overwrite each other.

use crate::error::{NewsroomError, NewsroomResult};

/// What the client said about the version it read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precondition {
    /// Nothing.
    Missing,
    /// Any version (`If-Match: *`).
    Any,
    /// This version.
    Version(i64),
}

impl Precondition {
    /// For actions where a version is welcome but not required.
    pub fn optional(self) -> Option<i64> {
        match self {
            Self::Version(v) => Some(v),
            Self::Missing | Self::Any => None,
        }
    }

    /// For edits and deletes: the version to check, or refused when the client sent none
    /// (neither header nor a `version` in the body).
    pub fn required(self, body_version: Option<i64>) -> NewsroomResult<Option<i64>> {
        match (self, body_version) {
            (Self::Version(v), _) => Ok(Some(v)),
            (Self::Any, _) => Ok(None),
            (Self::Missing, Some(v)) => Ok(Some(v)),
            (Self::Missing, None) => Err(NewsroomError::PreconditionRequired),
        }
    }
}

//! Which version of a resource a write may land on: the client's `If-Match`, or a `version`
//! in the body, so two editors never silently overwrite each other.

use crate::error::{NewsroomError, NewsroomResult};

/// What the client said about the version it read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Precondition {
    /// Nothing.
    Missing,
    /// Any version (`If-Match: *`).
    Any,
    /// One of these versions: the strong ETags an `If-Match` listed that name a version. Empty
    /// when none does (only weak or foreign tags), so no version matches.
    OneOf(Vec<i64>),
}

impl Precondition {
    /// For edits and deletes, which refuse a client that sent no precondition: a `version` in
    /// the body stands in for a missing `If-Match`.
    pub fn required(self, body_version: Option<i64>) -> NewsroomResult<Self> {
        match (self, body_version) {
            (Self::Missing, Some(v)) => Ok(Self::OneOf(vec![v])),
            (Self::Missing, None) => Err(NewsroomError::PreconditionRequired),
            (given, _) => Ok(given),
        }
    }

    /// The version a write on a resource now at `current` must land on (`None`: whichever), or
    /// 412 when the client named only other versions. Writing `WHERE version = <that>` keeps the
    /// check and the write one step, however many versions the client listed.
    pub fn expect(&self, current: i64) -> NewsroomResult<Option<i64>> {
        match self {
            Self::Missing | Self::Any => Ok(None),
            Self::OneOf(versions) if versions.contains(&current) => Ok(Some(current)),
            Self::OneOf(_) => Err(NewsroomError::PreconditionFailed { current }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listed_version_matches_and_others_do_not() {
        let listed = Precondition::OneOf(vec![2, 5]);
        assert_eq!(listed.expect(5).ok(), Some(Some(5)));
        assert!(matches!(listed.expect(3), Err(NewsroomError::PreconditionFailed { current: 3 })));
        assert!(Precondition::OneOf(Vec::new()).expect(1).is_err(), "an empty list matches nothing");
        assert_eq!(Precondition::Any.expect(7).ok(), Some(None));
    }

    #[test]
    fn a_body_version_stands_in_for_a_missing_header() {
        assert_eq!(Precondition::Missing.required(Some(4)).ok(), Some(Precondition::OneOf(vec![4])));
        assert!(matches!(Precondition::Missing.required(None), Err(NewsroomError::PreconditionRequired)));
        assert_eq!(Precondition::Any.required(Some(4)).ok(), Some(Precondition::Any));
    }
}

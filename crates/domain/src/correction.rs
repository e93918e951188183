//! Notes a published article carries for its readers: corrections, clarifications and updates.
//! They are appended, amended and removed, never silently: a removal keeps the note's place
//! and says when and why it went.

use serde::{Deserialize, Serialize};

use crate::validation::{bounded_text, one_of};

/// The longest note text, in characters of Markdown.
pub const MAX_CORRECTION_TEXT: usize = 5_000;
/// The longest reason given for removing a note.
pub const MAX_REMOVAL_REASON: usize = 2_000;

/// What a note tells the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionKind {
    /// Something the article got wrong, put right.
    Correction,
    /// Something the article said that could be misread, made plain.
    Clarification,
    /// News that came after publication.
    Update,
}

impl CorrectionKind {
    pub const ALL: [Self; 3] = [Self::Correction, Self::Clarification, Self::Update];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Correction => "correction",
            Self::Clarification => "clarification",
            Self::Update => "update",
        }
    }

    pub fn parse(value: &str) -> Result<Self, String> {
        one_of(Self::ALL, Self::as_str, value)
    }

    /// The label a reader sees before the note's text.
    pub fn label(self) -> &'static str {
        match self {
            Self::Correction => "Correction",
            Self::Clarification => "Clarification",
            Self::Update => "Update",
        }
    }
}

/// What was done to one of an article's notes, as the audit entry and the `article.corrected`
/// event tell it (under `correction`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CorrectionStep {
    pub op: CorrectionOp,
    #[serde(rename = "id")]
    pub correction_id: String,
    /// `correction`, `clarification` or `update`.
    pub kind: String,
    /// The text before an amendment or removal: the earlier wording stays on record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_text: Option<String>,
    /// Why the note was removed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionOp {
    Add,
    Amend,
    Remove,
}

impl CorrectionOp {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Add => "add",
            Self::Amend => "amend",
            Self::Remove => "remove",
        }
    }
}

/// Some text of at most `max` characters, trimmed, line breaks allowed.
fn some_text(value: &str, max: usize, empty: &str) -> Result<String, String> {
    let text = bounded_text(value, max)?;
    if text.is_empty() {
        return Err(empty.into());
    }
    Ok(text)
}

/// A note's text: Markdown of 1 to [`MAX_CORRECTION_TEXT`] characters.
pub fn note_text(value: &str) -> Result<String, String> {
    some_text(value, MAX_CORRECTION_TEXT, "must say what was corrected, clarified or updated")
}

/// Why a note was removed: 1 to [`MAX_REMOVAL_REASON`] characters, shown to readers.
pub fn removal_reason(value: &str) -> Result<String, String> {
    some_text(value, MAX_REMOVAL_REASON, "must say why the note was removed")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_by_name() {
        assert_eq!(CorrectionKind::parse("clarification"), Ok(CorrectionKind::Clarification));
        assert!(CorrectionKind::parse("erratum").unwrap_err().contains("correction, clarification, update"));
    }

    #[test]
    fn texts_are_some_text_within_the_limit() {
        assert_eq!(note_text("  The vote was 7-2.\n"), Ok("The vote was 7-2.".into()));
        assert!(note_text(" \n").is_err());
        assert!(note_text(&"x".repeat(MAX_CORRECTION_TEXT)).is_ok());
        assert!(note_text(&"x".repeat(MAX_CORRECTION_TEXT + 1)).is_err());
        assert!(removal_reason("").is_err());
        assert!(removal_reason("a\u{0}b").is_err());
    }
}

//! The desk's internal notes on an article: a thread for editors and writers, never public.

use crate::validation::bounded_text;

/// The longest note, in characters.
pub const MAX_NOTE_TEXT: usize = 4000;

/// A note's text: 1 to [`MAX_NOTE_TEXT`] characters, trimmed, line breaks allowed.
pub fn note_text(value: &str) -> Result<String, String> {
    let text = bounded_text(value, MAX_NOTE_TEXT)?;
    if text.is_empty() {
        return Err("must say something".into());
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_has_one_to_four_thousand_characters() {
        assert_eq!(note_text("  Check the second quote.\n").as_deref(), Ok("Check the second quote."));
        assert!(note_text(" \n ").is_err());
        assert!(note_text(&"é".repeat(MAX_NOTE_TEXT)).is_ok());
        assert!(note_text(&"x".repeat(MAX_NOTE_TEXT + 1)).is_err());
    }
}

//! Field-level validation that reports every problem at once, the way an API client wants it.

use chrono::{DateTime, Datelike, Utc};
use serde::Serialize;
use url::Url;

/// One invalid field and why, e.g. `{"field": "title", "message": "must not be empty"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// Path of the field in the request body, such as `title` or `authors[1]`.
    #[schema(example = "title")]
    pub field: String,
    /// What is wrong with it.
    #[schema(example = "must not be empty")]
    pub message: String,
}

/// Collects field errors so a request reports all of them, not just the first.
#[derive(Debug, Default)]
pub struct Violations(Vec<FieldError>);

impl Violations {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError { field: field.into(), message: message.into() });
    }

    /// Records a failed parse (`Err(message)`) under `field` and passes a success through.
    pub fn check<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(message) => {
                self.add(field, message);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when nothing was recorded, otherwise every error.
    pub fn into_result(self) -> Result<(), Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self.0)
        }
    }
}

/// The one of `all` named `value`, or a message that lists every name.
pub fn one_of<T: Copy, const N: usize>(all: [T; N], name: fn(T) -> &'static str, value: &str) -> Result<T, String> {
    all.into_iter()
        .find(|&item| name(item) == value)
        .ok_or_else(|| format!("must be one of {}", all.map(name).join(", ")))
}

/// A trimmed, non-empty, single-line text of at most `max` characters (titles, names).
pub fn required_text(value: &str, max: usize) -> Result<String, String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err("must not be empty".into());
    }
    if trimmed.chars().any(char::is_control) {
        return Err("must be a single line without control characters".into());
    }
    bounded_text(trimmed, max)
}

/// Any text of at most `max` characters (kept as given, minus surrounding white space).
pub fn bounded_text(value: &str, max: usize) -> Result<String, String> {
    let trimmed = value.trim();
    if trimmed.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    if trimmed.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err("must not contain control characters".into());
    }
    Ok(trimmed.to_owned())
}

/// An absolute `http` or `https` URL of reasonable length.
pub fn http_url(value: &str) -> Result<String, String> {
    const MAX: usize = 2048;
    if value.len() > MAX {
        return Err(format!("must be at most {MAX} characters"));
    }
    let url = Url::parse(value.trim()).map_err(|e| format!("must be an absolute URL ({e})"))?;
    match url.scheme() {
        "http" | "https" if url.host().is_some() => Ok(url.to_string()),
        _ => Err("must be an http or https URL".into()),
    }
}

/// A time with a four-digit year (1 to 9999). Outside those years a stored time has no
/// fixed-width text form, so SQLite, which compares stored times as text, would order it wrongly
/// (`+10000-…` sorts before `2026-…`), and feeds cannot write it (RFC 2822 has four-digit years).
pub fn four_digit_year(at: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    if (1..=9999).contains(&at.year()) {
        Ok(at)
    } else {
        Err("must be a time in the years 1 to 9999".into())
    }
}

impl Violations {
    /// Checks an optional time with [`four_digit_year`], naming `field`.
    pub fn time(&mut self, field: &str, at: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
        at.and_then(|at| self.check(field, four_digit_year(at)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_every_error() {
        let mut v = Violations::new();
        assert_eq!(v.check("a", required_text(" ", 5)), None);
        assert_eq!(v.check("b", required_text("toolong", 5)), None);
        assert_eq!(v.check("c", required_text(" ok ", 5)), Some("ok".into()));
        let errors = v.into_result().unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[1].field, "b");
    }

    #[test]
    fn times_keep_to_four_digit_years() {
        let ok = "9999-12-31T23:59:59Z".parse::<DateTime<Utc>>();
        assert!(ok.is_ok_and(|t| four_digit_year(t).is_ok()));
        let far = "+10000-01-01T00:00:00Z".parse::<DateTime<Utc>>();
        assert!(far.is_ok_and(|t| four_digit_year(t).is_err()));
    }

    #[test]
    fn a_choice_is_one_of_the_names_and_a_wrong_one_lists_them() {
        use crate::{ArticleStatus, Role};
        assert_eq!(Role::parse("editor"), Ok(Role::Editor));
        assert_eq!(ArticleStatus::parse("archived"), Ok(ArticleStatus::Archived));
        assert_eq!(Role::parse("owner"), Err("must be one of admin, editor, author, contributor".to_owned()));
        assert_eq!(
            ArticleStatus::parse("Draft"),
            Err("must be one of draft, in_review, approved, scheduled, published, archived, retracted".to_owned())
        );
    }

    #[test]
    fn urls_must_be_web_urls() {
        assert!(http_url("https://example.org/a").is_ok());
        assert!(http_url("javascript:alert(1)").is_err());
        assert!(http_url("/relative").is_err());
        assert!(http_url("ftp://example.org").is_err());
    }
}

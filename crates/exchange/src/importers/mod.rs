//! Converters from other systems' exports (Ghost JSON, WordPress WXR) into Newsdesk's
//! exchange records, which the NDJSON import pipeline then writes.
//!
//! A converter reads the whole export before anything is written, so a malformed file is
//! refused with its position and nothing of it is half-imported.

pub mod ghost;
mod names;
pub mod wordpress;

use newsdesk_domain::exchange::{ArticleRecord, RecordStatus};

pub use names::Slugs;

/// What a converter made of an export: the articles to import, what it left out and what it
/// had to change, each with the reason.
#[derive(Debug, Default)]
pub struct Converted {
    pub records: Vec<ArticleRecord>,
    /// Whole items left out (pages, attachments, trashed posts, …).
    pub skipped: Vec<Notice>,
    /// Items imported with a change (a normalized slug, a dropped image, …).
    pub adjusted: Vec<Notice>,
}

/// One item the converter reports on, named so a person can find it in the export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub item: String,
    pub reason: String,
}

impl Converted {
    fn skip(&mut self, item: impl Into<String>, reason: impl Into<String>) {
        self.skipped.push(Notice { item: item.into(), reason: reason.into() });
    }

    fn adjust(&mut self, item: impl Into<String>, reason: impl Into<String>) {
        self.adjusted.push(Notice { item: item.into(), reason: reason.into() });
    }

    /// The publication date of a post meant to be public that has none of its own: `fallback`,
    /// noted as `taken`; without one it becomes a draft.
    fn fallback_date<T>(
        &mut self,
        item: &str,
        fallback: Option<T>,
        taken: &str,
        status: &mut RecordStatus,
    ) -> Option<T> {
        let note = match fallback {
            Some(_) => taken,
            None => {
                *status = RecordStatus::Draft;
                "no publication date; imported as a draft"
            }
        };
        self.adjust(item, note);
        fallback
    }
}

/// An export that cannot be read, with where it goes wrong.
#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}: line {line}, column {column}: {message}")]
    Malformed { path: String, line: usize, column: usize, message: String },
}

/// The export formats `newsdesk import --from` understands besides Newsdesk's own NDJSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Foreign {
    Ghost,
    Wordpress,
}

/// Reads and converts an export file of the given format. The file is read into memory and
/// parsed as events (WXR) or one document (Ghost), never as a DOM of the whole site.
pub fn convert_file(format: Foreign, path: &std::path::Path) -> Result<Converted, ConvertError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ConvertError::Io { path: name.clone(), source })?;
    convert_bytes(format, &bytes, &name)
}

/// Converts an export already in memory; `name` is used in error messages.
pub fn convert_bytes(format: Foreign, bytes: &[u8], name: &str) -> Result<Converted, ConvertError> {
    match format {
        Foreign::Ghost => ghost::convert(bytes, name),
        Foreign::Wordpress => wordpress::convert(bytes, name),
    }
}

/// The 1-based line and column of a byte offset, for error messages.
fn line_and_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = before.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    (line, String::from_utf8_lossy(&before[line_start..]).chars().count() + 1)
}

#[cfg(test)]
mod tests;

//! The Newsdesk NDJSON exchange format (v1): one [`ArticleRecord`] per line.
//!
//! Every line is self-contained: the article's authors, tags, section and source travel with it
//! as small objects (upserted by slug on import: an existing term keeps its data, a missing one
//! is created from the object), and related articles are named by slug, so a line may point at
//! an article further down the file. The exporter, the importer, the corpus generator and the
//! Ghost/WordPress converters all share these types.
//!
//! The types only describe the shape; the field rules (lengths, slug pattern, URLs) are the
//! HTTP API's and are checked by the importer.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One article, one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleRecord {
    pub slug: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Markdown source; raw HTML inside it is sanitized like any body.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub body: String,
    #[serde(default)]
    pub status: RecordStatus,
    /// Required when `status` is `published` or `scheduled`; kept from an earlier publication
    /// for the others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_at: Option<DateTime<Utc>>,
    /// Import time when missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<DateTime<Utc>>,
    /// Import time when missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<DateTime<Utc>>,
    /// `en` when missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The canonical URL of the story at its source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub featured_image: Option<ImageRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<LabelRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceRecord>,
    /// The byline, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<AuthorRecord>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<LabelRecord>,
    /// Editor-chosen related links, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<RelatedRecord>,
    /// Slugs the article had before; they become redirects to the current one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub previous_slugs: Vec<String>,
    /// The search and social overrides (the title, summary, featured image and the article's
    /// own page when missing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta_title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta_description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub social_image_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canonical_url: Option<String>,
}

impl ArticleRecord {
    /// A draft with only a slug and a title; fill in the rest with struct update syntax.
    pub fn new(slug: impl Into<String>, title: impl Into<String>) -> Self {
        Self {
            slug: slug.into(),
            title: title.into(),
            summary: None,
            body: String::new(),
            status: RecordStatus::Draft,
            published_at: None,
            created_at: None,
            updated_at: None,
            language: None,
            source_url: None,
            featured_image: None,
            section: None,
            source: None,
            authors: Vec::new(),
            tags: Vec::new(),
            related: Vec::new(),
            previous_slugs: Vec::new(),
            meta_title: None,
            meta_description: None,
            social_image_url: None,
            canonical_url: None,
        }
    }
}

/// The statuses an exchanged article may have (archived and trashed articles are not exchanged).
/// The review stages travel too, so a desk moved to another server keeps its queue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordStatus {
    #[default]
    Draft,
    InReview,
    Approved,
    Scheduled,
    Published,
}

impl RecordStatus {
    /// Whether a record in this status must say when it was (or will be) published.
    pub fn needs_date(self) -> bool {
        matches!(self, Self::Scheduled | Self::Published)
    }
}

impl From<RecordStatus> for crate::ArticleStatus {
    fn from(status: RecordStatus) -> Self {
        match status {
            RecordStatus::Draft => Self::Draft,
            RecordStatus::InReview => Self::InReview,
            RecordStatus::Approved => Self::Approved,
            RecordStatus::Scheduled => Self::Scheduled,
            RecordStatus::Published => Self::Published,
        }
    }
}

impl TryFrom<crate::ArticleStatus> for RecordStatus {
    type Error = crate::ArticleStatus;

    fn try_from(status: crate::ArticleStatus) -> Result<Self, Self::Error> {
        match status {
            crate::ArticleStatus::Draft => Ok(Self::Draft),
            crate::ArticleStatus::InReview => Ok(Self::InReview),
            crate::ArticleStatus::Approved => Ok(Self::Approved),
            crate::ArticleStatus::Scheduled => Ok(Self::Scheduled),
            crate::ArticleStatus::Published => Ok(Self::Published),
            other => Err(other),
        }
    }
}

/// The lead image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageRecord {
    pub url: String,
    #[serde(default)]
    pub alt: Option<String>,
    #[serde(default)]
    pub caption: Option<String>,
    #[serde(default)]
    pub credit: Option<String>,
}

/// A section or tag, upserted by slug.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelRecord {
    pub slug: String,
    pub name: String,
}

/// A source (wire service or outlet), upserted by slug.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRecord {
    pub slug: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub homepage_url: Option<String>,
}

/// An author in the byline, upserted by slug.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorRecord {
    pub slug: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bio: Option<String>,
}

/// A related link: another article by slug (`{"article": "…"}`), or a page elsewhere
/// (`{"url": "…", "title": "…", "source_name": "…"}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RelatedWire", into = "RelatedWire")]
pub enum RelatedRecord {
    Article { slug: String },
    External { url: String, title: Option<String>, source_name: Option<String> },
}

/// The JSON shape of [`RelatedRecord`]: one object, so a bad link gets a clear message.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RelatedWire {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    article: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    source_name: Option<String>,
}

impl TryFrom<RelatedWire> for RelatedRecord {
    type Error = &'static str;

    fn try_from(wire: RelatedWire) -> Result<Self, Self::Error> {
        match wire {
            RelatedWire { article: Some(slug), url: None, title: None, source_name: None } => {
                Ok(Self::Article { slug })
            }
            RelatedWire { article: None, url: Some(url), title, source_name } => {
                Ok(Self::External { url, title, source_name })
            }
            RelatedWire { article: Some(_), url: None, .. } => {
                Err("an article link takes only `article`; title and source come from that article")
            }
            _ => Err("give exactly one of `article` (a slug) or `url`"),
        }
    }
}

impl From<RelatedRecord> for RelatedWire {
    fn from(record: RelatedRecord) -> Self {
        match record {
            RelatedRecord::Article { slug } => Self { article: Some(slug), url: None, title: None, source_name: None },
            RelatedRecord::External { url, title, source_name } => {
                Self { article: None, url: Some(url), title, source_name }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"{"slug":"delta-towns-vote","title":"Delta towns vote","summary":"Three towns agree.","body":"Markdown *source*.","status":"published","published_at":"2026-03-01T09:30:00Z","created_at":"2026-03-01T08:00:00Z","updated_at":"2026-03-01T09:30:00Z","language":"en","source_url":"https://example.net/original","featured_image":{"url":"https://example.org/i/1.jpg","alt":"A river","caption":null,"credit":null},"section":{"slug":"news","name":"News"},"source":{"slug":"meridian-press","name":"Meridian Press","short_name":"MP","homepage_url":"https://example.net"},"authors":[{"slug":"mira-okafor","name":"Mira Okafor","bio":null}],"tags":[{"slug":"water","name":"Water"}],"related":[{"article":"another-slug"},{"url":"https://example.net/x","title":"Background","source_name":"Example"}],"previous_slugs":["delta-towns-vote-draft"]}"#;

    #[test]
    fn reads_the_documented_example() {
        let record: ArticleRecord = serde_json::from_str(EXAMPLE).unwrap();
        assert_eq!(record.status, RecordStatus::Published);
        assert_eq!(record.related[0], RelatedRecord::Article { slug: "another-slug".into() });
        assert_eq!(record.authors[0].name, "Mira Okafor");
        let again: ArticleRecord = serde_json::from_str(&serde_json::to_string(&record).unwrap()).unwrap();
        assert_eq!(again, record);
    }

    #[test]
    fn a_minimal_line_is_a_draft() {
        let record: ArticleRecord = serde_json::from_str(r#"{"slug":"a","title":"A"}"#).unwrap();
        assert_eq!(record, ArticleRecord::new("a", "A"));
        assert_eq!(serde_json::to_string(&record).unwrap(), r#"{"slug":"a","title":"A","status":"draft"}"#);
    }

    #[test]
    fn rejects_unknown_fields_and_ambiguous_links() {
        assert!(serde_json::from_str::<ArticleRecord>(r#"{"slug":"a","title":"A","colour":"red"}"#).is_err());
        assert!(serde_json::from_str::<ArticleRecord>(r#"{"slug":"a","title":"A","status":"archived"}"#).is_err());
        let both = r#"{"slug":"a","title":"A","related":[{"article":"b","url":"https://example.org"}]}"#;
        assert!(serde_json::from_str::<ArticleRecord>(both).is_err());
    }
}

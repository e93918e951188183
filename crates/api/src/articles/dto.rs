//! Article request and response bodies.

use chrono::{DateTime, Utc};
use newsdesk_domain::correction::CorrectionKind;
use newsdesk_domain::ArticleStatus;
use newsdesk_newsroom::articles::locks::EditLock;
use serde::Serialize;
use utoipa::ToSchema;

pub use newsdesk_newsroom::articles::input::{ArticleCreate, ArticlePatch, FeaturedImage, RelatedIn};

// A field skipped when `None` is documented by its present type (`value_type`): clients see it
// absent, never null.
/// An article. Lists carry relations only when `include` asks for them, and no body.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleOut {
    pub id: String,
    #[schema(example = "delta-towns-vote-on-shared-water-board")]
    pub slug: String,
    #[schema(example = "Delta towns vote on a shared water board")]
    pub title: String,
    /// The dek or teaser shown under the headline and in cards.
    pub summary: Option<String>,
    pub status: ArticleStatus,
    /// Present when loaded (single articles, or `include=section`); null when it has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<LabelRef>)]
    pub section: Option<Option<LabelRef>>,
    /// Present when loaded (single articles, or `include=source`); null when it has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<SourceRef>)]
    pub source: Option<Option<SourceRef>>,
    /// The canonical URL of this story at its source.
    pub source_url: Option<String>,
    #[schema(example = "en")]
    pub language: String,
    pub featured_image: Option<FeaturedImage>,
    /// The title search engines and social cards show; null: the title.
    pub meta_title: Option<String>,
    /// The description search engines and social cards show; null: the summary.
    pub meta_description: Option<String>,
    /// The image social cards show; null: the featured image.
    pub social_image_url: Option<String>,
    /// The page search engines should index; null: the article's own page.
    pub canonical_url: Option<String>,
    /// The byline, in order.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Vec<AuthorRef>)]
    pub authors: Option<Vec<AuthorRef>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Vec<LabelRef>)]
    pub tags: Option<Vec<LabelRef>>,
    /// Editor-chosen related links, in order.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Vec<RelatedOut>)]
    pub related: Option<Vec<RelatedOut>>,
    /// Corrections, clarifications and updates, oldest first (single articles, or
    /// `include=corrections`). A removed note keeps its place, without its text.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Vec<CorrectionOut>)]
    pub corrections: Option<Vec<CorrectionOut>>,
    /// The body in the requested formats; single articles only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = BodyOut)]
    pub body: Option<BodyOut>,
    pub word_count: i32,
    pub reading_time_minutes: i32,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Goes up by one on every change; the admin `ETag`.
    pub version: i64,
    /// Set while the article is in the trash (admin API only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = DateTime<Utc>)]
    pub trashed_at: Option<DateTime<Utc>>,
    /// The live edit lock (admin API only): who holds it and until when; null when nobody
    /// does, an expired lease included.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<EditLock>)]
    pub lock: Option<Option<EditLock>>,
    /// Who the desk assigned it to, or null (admin API only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<UserRef>)]
    pub assignee: Option<Option<UserRef>>,
    /// Not to be published before this time (admin API only; absent when there is none).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = DateTime<Utc>)]
    pub embargo_until: Option<DateTime<Utc>>,
    /// schema.org `NewsArticle` (JSON-LD) for the page that shows the article, every fallback
    /// applied: `GET /v1/articles/{slug}` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = super::schema_org::NewsArticle)]
    pub structured_data: Option<super::schema_org::NewsArticle>,
    /// Its live coverage (`GET /v1/articles/{slug}` only): null when it is not a live blog.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<super::live::LiveOut>)]
    pub live: Option<Option<super::live::LiveOut>>,
    /// With `q`: an excerpt around the matches, HTML-escaped, matches in `<mark>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String, example = "…the <mark>water</mark> board met on Tuesday…")]
    pub snippet: Option<String>,
}

/// A correction, clarification or update note on a published article.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": "01937c4e-1b2a-7c3d-9e4f-5a6b7c8d9e0f", "kind": "correction",
    "text": "An earlier version gave the vote as 6-3. It was 7-2.",
    "html": "<p>An earlier version gave the vote as 6-3. It was 7-2.</p>",
    "created_at": "2026-12-09T10:15:00Z", "amended_at": null, "removed_at": null, "removal_reason": null}))]
pub struct CorrectionOut {
    pub id: String,
    pub kind: CorrectionKind,
    /// The note as written (Markdown); null once removed.
    pub text: Option<String>,
    /// The note as sanitized HTML; null once removed.
    pub html: Option<String>,
    pub created_at: DateTime<Utc>,
    /// When its text was last amended.
    pub amended_at: Option<DateTime<Utc>>,
    /// When it was removed: readers see that a note was removed, and why.
    pub removed_at: Option<DateTime<Utc>>,
    pub removal_reason: Option<String>,
    /// Who added, amended and removed it (the desk's view only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    pub created_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    pub amended_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    pub removed_by: Option<String>,
    /// The text a removed note had (the desk's view only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    pub removed_text: Option<String>,
}

/// A user of the desk, as an assignment or a note names them.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": "01937c4e-1b2a-7c3d-9e4f-5a6b7c8d9e0f", "name": "Dana Reyes"}))]
pub struct UserRef {
    pub id: String,
    pub name: String,
}

/// The body in each format asked for: Markdown as written, sanitized HTML, plain text.
#[derive(Debug, Serialize, ToSchema)]
pub struct BodyOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    pub html: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    pub markdown: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    pub text: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuthorRef {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub avatar_url: Option<String>,
}

/// A section or tag as it appears on an article.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LabelRef {
    pub id: String,
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SourceRef {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub short_name: Option<String>,
    pub homepage_url: Option<String>,
}

/// Another article, as a card.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ArticleCard {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
    pub status: ArticleStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub featured_image_url: Option<String>,
}

/// A related link: another article, or a page elsewhere.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RelatedOut {
    Article { article: ArticleCard },
    External { url: String, title: Option<String>, source: Option<String> },
}

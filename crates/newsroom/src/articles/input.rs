//! The article a client sends: a new article and the changes to one. The API deserializes
//! these from JSON; imports and demo content build them too, so every article is validated by
//! the same rules (see [`super::write`]).

use chrono::{DateTime, Utc};
use newsdesk_domain::article::{MAX_BODY, MAX_SHORT_TEXT, MAX_SUMMARY, MAX_TITLE};
use newsdesk_domain::field_schema::{self, described};
use newsdesk_domain::{ArticleInput, ImageInput, SeoInput};
use serde::{Deserialize, Serialize};
use serde_with::rust::double_option;
use utoipa::openapi::schema::Object;
use utoipa::ToSchema;

// The fields whose schema says more than their rule: `schema_with` takes no doc comment.
fn slug_from_title() -> Object {
    described(
        field_schema::slug(),
        "Derived from the title when left out. When another article holds it, an author or contributor \
         gets the first free variant (`-2`, `-3`, …); editors and admins get `409`.",
    )
}
fn markdown() -> Object {
    described(field_schema::text::<MAX_BODY>(), "Markdown.")
}
fn section_slug() -> Object {
    described(field_schema::slug(), "A section slug.")
}
fn source_slug() -> Object {
    described(field_schema::slug(), "A source slug.")
}
fn other_article() -> Object {
    described(field_schema::slug(), "The slug of another article.")
}
fn language_or_en() -> Object {
    described(field_schema::language(), "Defaults to `en`.")
}
fn meta_title() -> Object {
    described(
        field_schema::optional_line::<MAX_TITLE>(),
        "The title search engines and social cards show; the title when left out.",
    )
}
fn meta_description() -> Object {
    described(
        field_schema::text::<MAX_SHORT_TEXT>(),
        "The description search engines and social cards show; the summary when left out.",
    )
}
fn social_image_url() -> Object {
    described(field_schema::url(), "The image social cards show; the featured image when left out.")
}
fn canonical_url() -> Object {
    described(
        field_schema::url(),
        "The page search engines should index (a story first published elsewhere); the article's own \
         page when left out.",
    )
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeaturedImage {
    #[schema(
        pattern = r"^https?://[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?(/[^\s]*)?$",
        max_length = 2048,
        example = "https://example.org/images/delta.jpg"
    )]
    pub url: String,
    #[schema(schema_with = field_schema::text::<MAX_SHORT_TEXT>)]
    pub alt: Option<String>,
    #[schema(schema_with = field_schema::text::<MAX_SHORT_TEXT>)]
    pub caption: Option<String>,
    #[schema(schema_with = field_schema::text::<MAX_SHORT_TEXT>)]
    pub credit: Option<String>,
}

/// A related link to set: `{"article": "<slug>"}` or `{"url": "...", "title": "...", "source_name": "..."}`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RelatedIn {
    #[schema(schema_with = other_article)]
    pub article: Option<String>,
    #[schema(schema_with = field_schema::url)]
    pub url: Option<String>,
    #[schema(schema_with = field_schema::optional_line::<MAX_TITLE>)]
    pub title: Option<String>,
    #[schema(schema_with = field_schema::optional_name)]
    pub source_name: Option<String>,
}

/// A new article; it starts as a draft. Relations are given by slug.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Delta towns vote on a shared water board",
    "summary": "Three river towns agree to pool their water rights for the first time.",
    "body": "The councils met on Tuesday.\n\nThey voted **7 to 2**.",
    "section": "news",
    "source": "meridian-press",
    "authors": ["mira-okafor"],
    "tags": ["water", "local-government"],
    "related": [{"url": "https://example.net/background", "title": "Background: the delta compact"}]
}))]
pub struct ArticleCreate {
    #[schema(schema_with = field_schema::line::<MAX_TITLE>)]
    pub title: String,
    #[schema(schema_with = slug_from_title)]
    pub slug: Option<String>,
    #[schema(schema_with = field_schema::text::<MAX_SUMMARY>)]
    pub summary: Option<String>,
    #[schema(schema_with = markdown)]
    pub body: Option<String>,
    #[schema(schema_with = section_slug)]
    pub section: Option<String>,
    #[schema(schema_with = source_slug)]
    pub source: Option<String>,
    #[schema(schema_with = field_schema::url)]
    pub source_url: Option<String>,
    #[schema(schema_with = language_or_en)]
    pub language: Option<String>,
    pub featured_image: Option<FeaturedImage>,
    /// Author slugs, in byline order.
    #[schema(max_items = 50)]
    pub authors: Option<Vec<String>>,
    /// Tag slugs.
    #[schema(max_items = 50)]
    pub tags: Option<Vec<String>>,
    #[schema(max_items = 50)]
    pub related: Option<Vec<RelatedIn>>,
    /// Not to be published before this time (RFC 3339, years 1 to 9999): publishing, by hand, in
    /// bulk or by the scheduler, waits until it ends. Shown in the admin API only.
    pub embargo_until: Option<DateTime<Utc>>,
    #[schema(schema_with = meta_title)]
    pub meta_title: Option<String>,
    #[schema(schema_with = meta_description)]
    pub meta_description: Option<String>,
    #[schema(schema_with = social_image_url)]
    pub social_image_url: Option<String>,
    #[schema(schema_with = canonical_url)]
    pub canonical_url: Option<String>,
}

/// Changes to an article. Fields left out stay as they are; `null` clears a nullable field;
/// lists (authors, tags, related) replace the whole list.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Delta towns agree a shared water board", "tags": ["water"]}))]
pub struct ArticlePatch {
    #[schema(schema_with = field_schema::optional_line::<MAX_TITLE>)]
    pub title: Option<String>,
    #[schema(schema_with = field_schema::slug)]
    pub slug: Option<String>,
    #[serde(default, with = "double_option")]
    #[schema(schema_with = field_schema::text::<MAX_SUMMARY>)]
    pub summary: Option<Option<String>>,
    #[schema(schema_with = field_schema::text::<MAX_BODY>)]
    pub body: Option<String>,
    #[serde(default, with = "double_option")]
    #[schema(schema_with = field_schema::slug)]
    pub section: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(schema_with = field_schema::slug)]
    pub source: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(schema_with = field_schema::url)]
    pub source_url: Option<Option<String>>,
    #[schema(schema_with = field_schema::language)]
    pub language: Option<String>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<FeaturedImage>)]
    pub featured_image: Option<Option<FeaturedImage>>,
    #[schema(max_items = 50)]
    pub authors: Option<Vec<String>>,
    #[schema(max_items = 50)]
    pub tags: Option<Vec<String>>,
    #[schema(max_items = 50)]
    pub related: Option<Vec<RelatedIn>>,
    /// Not to be published before this time (RFC 3339); `null` lifts the embargo. `409` when
    /// it is after the time the article is scheduled for, or the article is published and the
    /// time is still to come.
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub embargo_until: Option<Option<DateTime<Utc>>>,
    #[serde(default, with = "double_option")]
    #[schema(schema_with = meta_title)]
    pub meta_title: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(schema_with = meta_description)]
    pub meta_description: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(schema_with = social_image_url)]
    pub social_image_url: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(schema_with = canonical_url)]
    pub canonical_url: Option<Option<String>>,
    /// The version you read, as an alternative to `If-Match`.
    pub version: Option<i64>,
}

impl FeaturedImage {
    /// The image as the field rules take it.
    pub fn input(&self) -> ImageInput<'_> {
        ImageInput {
            url: &self.url,
            alt: self.alt.as_deref(),
            caption: self.caption.as_deref(),
            credit: self.credit.as_deref(),
        }
    }
}

impl ArticleCreate {
    /// The article's own fields, for the rules every new article obeys.
    pub fn fields(&self) -> ArticleInput<'_> {
        ArticleInput {
            title: &self.title,
            slug: self.slug.as_deref(),
            summary: self.summary.as_deref(),
            body: self.body.as_deref().unwrap_or_default(),
            source_url: self.source_url.as_deref(),
            language: self.language.as_deref(),
            featured_image: self.featured_image.as_ref().map(FeaturedImage::input),
            seo: SeoInput {
                meta_title: self.meta_title.as_deref(),
                meta_description: self.meta_description.as_deref(),
                social_image_url: self.social_image_url.as_deref(),
                canonical_url: self.canonical_url.as_deref(),
            },
        }
    }
}

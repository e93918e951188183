//! The article a client sends: a new article and the changes to one. The API deserializes
//! these from JSON; imports and demo content build them too, so every article is validated by
//! the same rules (see [`super::write`]).

use newsdesk_domain::{ArticleInput, ImageInput};
use serde::{Deserialize, Serialize};
use serde_with::rust::double_option;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeaturedImage {
    #[schema(
        pattern = r"^https?://[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?(/[^\s]*)?$",
        max_length = 2048,
        example = "https://example.org/images/delta.jpg"
    )]
    pub url: String,
    #[schema(pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$", max_length = 500)]
    pub alt: Option<String>,
    #[schema(pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$", max_length = 500)]
    pub caption: Option<String>,
    #[schema(pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$", max_length = 500)]
    pub credit: Option<String>,
}

/// A related link to set: `{"article": "<slug>"}` or `{"url": "...", "title": "...", "source_name": "..."}`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RelatedIn {
    /// The slug of another article.
    #[schema(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 120)]
    pub article: Option<String>,
    #[schema(
        pattern = r"^https?://[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?(/[^\s]*)?$",
        max_length = 2048
    )]
    pub url: Option<String>,
    #[schema(
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$",
        max_length = 300
    )]
    pub title: Option<String>,
    #[schema(
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$",
        max_length = 200
    )]
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
    #[schema(
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$",
        max_length = 300
    )]
    pub title: String,
    /// Derived from the title when left out.
    #[schema(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 120)]
    pub slug: Option<String>,
    #[schema(pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$", max_length = 2000)]
    pub summary: Option<String>,
    /// Markdown.
    #[schema(pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$", max_length = 500000)]
    pub body: Option<String>,
    /// A section slug.
    #[schema(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 120)]
    pub section: Option<String>,
    /// A source slug.
    #[schema(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 120)]
    pub source: Option<String>,
    #[schema(
        pattern = r"^https?://[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?(/[^\s]*)?$",
        max_length = 2048
    )]
    pub source_url: Option<String>,
    /// Defaults to `en`.
    #[schema(pattern = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", max_length = 35)]
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
}

/// Changes to an article. Fields left out stay as they are; `null` clears a nullable field;
/// lists (authors, tags, related) replace the whole list.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Delta towns agree a shared water board", "tags": ["water"]}))]
pub struct ArticlePatch {
    #[schema(
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$",
        max_length = 300
    )]
    pub title: Option<String>,
    #[schema(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 120)]
    pub slug: Option<String>,
    #[serde(default, with = "double_option")]
    #[schema(pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$", max_length = 2000, value_type = Option<String>)]
    pub summary: Option<Option<String>>,
    #[schema(pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$", max_length = 500000)]
    pub body: Option<String>,
    #[serde(default, with = "double_option")]
    #[schema(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 120, value_type = Option<String>)]
    pub section: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 120, value_type = Option<String>)]
    pub source: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(pattern = r"^https?://[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?(/[^\s]*)?$", max_length = 2048, value_type = Option<String>)]
    pub source_url: Option<Option<String>>,
    #[schema(pattern = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", max_length = 35)]
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
        }
    }
}

//! schema.org `NewsArticle` (or `LiveBlogPosting`) as JSON-LD: the types of the `structured_data` object a public
//! article carries, and the reader page embeds (see [`super::structured_data`]).

use serde::Serialize;
use utoipa::ToSchema;

/// A published article as schema.org `NewsArticle`, ready to put in a
/// `<script type="application/ld+json">`. It carries every property Google's Article
/// structured-data guide recommends (`headline`, `image`, `datePublished`, `dateModified`,
/// `author` with `name` and `url`), and the publisher, the page, the description and any
/// correction. Absent properties are left out, never null.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "@context": "https://schema.org", "@type": "NewsArticle",
    "headline": "Delta towns vote on a shared water board",
    "description": "Three river towns agree to pool their water rights for the first time.",
    "image": ["https://example.org/images/delta.jpg"],
    "datePublished": "2026-12-09T08:00:00Z", "dateModified": "2026-12-09T10:15:00Z",
    "inLanguage": "en", "url": "https://news.example.org/articles/delta-towns-vote",
    "mainEntityOfPage": {"@type": "WebPage", "@id": "https://news.example.org/articles/delta-towns-vote"},
    "author": [{"@type": "Person", "name": "Mira Okafor", "url": "https://news.example.org/v1/authors/mira-okafor"}],
    "publisher": {"@type": "Organization", "name": "The Example Courier", "url": "https://news.example.org",
        "logo": {"@type": "ImageObject", "url": "https://news.example.org/logo.png"}},
    "isAccessibleForFree": true
}))]
pub struct NewsArticle {
    /// Always `https://schema.org`.
    #[serde(rename = "@context")]
    pub context: &'static str,
    /// `NewsArticle`, or `LiveBlogPosting` for a live blog.
    #[serde(rename = "@type")]
    pub kind: &'static str,
    /// The meta title, else the title; at most 110 characters, as Google advises (a longer one
    /// is cut at a word and ends in `…`).
    pub headline: String,
    /// The meta description, else the summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The social image, then the featured image (each once); left out when there is neither.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub image: Vec<String>,
    /// When it was first published (RFC 3339, as `published_at`).
    #[serde(rename = "datePublished")]
    pub date_published: String,
    /// When it last changed (RFC 3339, as `updated_at`).
    #[serde(rename = "dateModified")]
    pub date_modified: String,
    #[serde(rename = "inLanguage")]
    pub in_language: String,
    /// The section's name.
    #[serde(rename = "articleSection", skip_serializing_if = "Option::is_none")]
    pub article_section: Option<String>,
    /// The canonical URL, else the article's own page.
    pub url: String,
    #[serde(rename = "mainEntityOfPage")]
    pub main_entity_of_page: WebPage,
    /// The byline, in order.
    pub author: Vec<Person>,
    pub publisher: Organization,
    /// Always true: the public API has no paywall.
    #[serde(rename = "isAccessibleForFree")]
    pub is_accessible_for_free: bool,
    /// The article's corrections (not clarifications or updates, nor removed notes), oldest
    /// first; left out when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub correction: Vec<CorrectionComment>,
    /// A live blog's: when its coverage started (RFC 3339).
    #[serde(rename = "coverageStartTime", skip_serializing_if = "Option::is_none")]
    pub coverage_start_time: Option<String>,
    /// A live blog's: when its coverage ended; left out while it is live.
    #[serde(rename = "coverageEndTime", skip_serializing_if = "Option::is_none")]
    pub coverage_end_time: Option<String>,
    /// A live blog's newest 20 entries, newest first; left out for other articles.
    #[serde(rename = "liveBlogUpdate", skip_serializing_if = "Option::is_none")]
    pub live_blog_update: Option<Vec<BlogPosting>>,
}

/// A live-blog entry, as schema.org `BlogPosting`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BlogPosting {
    /// Always `BlogPosting`.
    #[serde(rename = "@type")]
    pub kind: &'static str,
    /// The entry's first line of text, at most 110 characters.
    pub headline: String,
    /// The entry as plain text.
    #[serde(rename = "articleBody")]
    pub article_body: String,
    #[serde(rename = "datePublished")]
    pub date_published: String,
    #[serde(rename = "dateModified")]
    pub date_modified: String,
    /// Left out when the entry credits nobody.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<Person>,
    /// The entry's image URL; left out when it has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
}

/// The page an article is the main thing on.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebPage {
    /// Always `WebPage`.
    #[serde(rename = "@type")]
    pub kind: &'static str,
    /// The page's URL.
    #[serde(rename = "@id")]
    pub id: String,
}

/// An author of the article.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Person {
    /// Always `Person`.
    #[serde(rename = "@type")]
    pub kind: &'static str,
    pub name: String,
    /// The author's public page: `{public URL}/v1/authors/{slug}`.
    pub url: String,
}

/// The publication (`NEWSDESK_PUBLICATION_NAME`, `NEWSDESK_PUBLICATION_LOGO_URL`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Organization {
    /// Always `Organization`.
    #[serde(rename = "@type")]
    pub kind: &'static str,
    pub name: String,
    /// The public URL.
    pub url: String,
    /// Left out when no logo is configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logo: Option<ImageObject>,
}

/// An image by URL.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImageObject {
    /// Always `ImageObject`.
    #[serde(rename = "@type")]
    pub kind: &'static str,
    pub url: String,
}

/// A correction note, as schema.org `CorrectionComment`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CorrectionComment {
    /// Always `CorrectionComment`.
    #[serde(rename = "@type")]
    pub kind: &'static str,
    /// The note as plain text.
    pub text: String,
    /// When it was added (RFC 3339).
    #[serde(rename = "datePublished")]
    pub date_published: String,
}

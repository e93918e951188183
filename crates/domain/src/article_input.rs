//! The fields of an article as a client or an import gives them, and the one place they are
//! checked. A new article is checked whole ([`ArticleInput::check`]); an edit checks the fields
//! it sends with the same functions.

use crate::article::{language, MAX_BODY, MAX_SHORT_TEXT, MAX_SUMMARY, MAX_TITLE};
use crate::body::{render, RenderedBody};
use crate::validation::{bounded_text, http_url, required_text};
use crate::{Slug, Violations};

/// Slugs the public article routes use for themselves.
const RESERVED_SLUGS: [&str; 1] = ["most-viewed"];

/// An article's own fields, before they are checked. Relations (byline, tags, section, source,
/// related links) are resolved against the database by whoever writes the article.
#[derive(Debug, Clone, Copy, Default)]
pub struct ArticleInput<'a> {
    pub title: &'a str,
    /// Derived from the title when missing.
    pub slug: Option<&'a str>,
    pub summary: Option<&'a str>,
    /// Markdown.
    pub body: &'a str,
    pub source_url: Option<&'a str>,
    /// `en` when missing.
    pub language: Option<&'a str>,
    pub featured_image: Option<ImageInput<'a>>,
    pub seo: SeoInput<'a>,
}

/// The search and social overrides as given; each falls back to another field when missing
/// (the title, the summary, the featured image, the article's own page).
#[derive(Debug, Clone, Copy, Default)]
pub struct SeoInput<'a> {
    pub meta_title: Option<&'a str>,
    pub meta_description: Option<&'a str>,
    pub social_image_url: Option<&'a str>,
    pub canonical_url: Option<&'a str>,
}

/// The search and social overrides, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeoFields {
    pub meta_title: Option<String>,
    pub meta_description: Option<String>,
    pub social_image_url: Option<String>,
    pub canonical_url: Option<String>,
}

/// A featured image as given: its URL and three optional texts.
#[derive(Debug, Clone, Copy)]
pub struct ImageInput<'a> {
    pub url: &'a str,
    pub alt: Option<&'a str>,
    pub caption: Option<&'a str>,
    pub credit: Option<&'a str>,
}

/// An article's own fields, checked, with the body rendered.
#[derive(Debug, Clone)]
pub struct ArticleFields {
    pub title: String,
    pub slug: String,
    pub summary: Option<String>,
    pub markdown: String,
    pub body: RenderedBody,
    pub source_url: Option<String>,
    pub language: String,
    /// URL, alt, caption and credit.
    pub image: [Option<String>; 4],
    pub seo: SeoFields,
}

impl ArticleInput<'_> {
    /// Checks every field, noting each problem in `v`; the fields when all are valid.
    pub fn check(&self, v: &mut Violations) -> Option<ArticleFields> {
        let title = title(v, self.title);
        let slug = match self.slug {
            Some(slug) => self::slug(v, slug),
            None => {
                let derived = title.as_deref().and_then(|t| v.check("slug", Slug::from_title(t)).map(Slug::into_inner));
                not_reserved(v, derived.as_deref());
                derived
            }
        };
        let summary = self.summary.and_then(|s| summary(v, s));
        let markdown = body(v, self.body);
        let source_url = self.source_url.and_then(|u| source_url(v, u));
        let language = self::language_tag(v, self.language.unwrap_or("en"));
        let image = featured_image(v, self.featured_image);
        let seo = seo(v, self.seo);
        let (title, slug, markdown, language) = (title?, slug?, markdown?, language?);
        let body = render(&markdown);
        Some(ArticleFields { title, slug, summary, markdown, body, source_url, language, image, seo })
    }
}

pub fn title(v: &mut Violations, value: &str) -> Option<String> {
    v.check("title", required_text(value, MAX_TITLE))
}

pub fn slug(v: &mut Violations, value: &str) -> Option<String> {
    let slug = v.check("slug", Slug::parse(value)).map(Slug::into_inner);
    not_reserved(v, slug.as_deref());
    slug
}

/// A summary; an empty one is none.
pub fn summary(v: &mut Violations, value: &str) -> Option<String> {
    v.check("summary", bounded_text(value, MAX_SUMMARY)).filter(|s| !s.is_empty())
}

/// The Markdown body, within its length and with no control characters but tab and line breaks
/// (as the document's pattern says).
pub fn body(v: &mut Violations, markdown: &str) -> Option<String> {
    if markdown.chars().count() > MAX_BODY {
        v.add("body", format!("must be at most {MAX_BODY} characters"));
        return None;
    }
    if markdown.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        v.add("body", "must not contain control characters other than tabs and line breaks");
        return None;
    }
    Some(markdown.to_owned())
}

pub fn source_url(v: &mut Violations, value: &str) -> Option<String> {
    v.check("source_url", http_url(value))
}

pub fn language_tag(v: &mut Violations, value: &str) -> Option<String> {
    v.check("language", language(value))
}

/// The featured image's four columns, checked.
pub fn featured_image(v: &mut Violations, image: Option<ImageInput>) -> [Option<String>; 4] {
    let Some(image) = image else { return [None, None, None, None] };
    let text = |v: &mut Violations, field: &str, value: Option<&str>| {
        value.and_then(|t| v.check(field, bounded_text(t, MAX_SHORT_TEXT))).filter(|t| !t.is_empty())
    };
    [
        v.check("featured_image.url", http_url(image.url)),
        text(v, "featured_image.alt", image.alt),
        text(v, "featured_image.caption", image.caption),
        text(v, "featured_image.credit", image.credit),
    ]
}

/// The title search engines and social cards show instead of the headline: one line.
pub fn meta_title(v: &mut Violations, value: &str) -> Option<String> {
    v.check("meta_title", required_text(value, MAX_TITLE))
}

/// The description search engines and social cards show instead of the summary; an empty one
/// is none.
pub fn meta_description(v: &mut Violations, value: &str) -> Option<String> {
    v.check("meta_description", bounded_text(value, MAX_SHORT_TEXT)).filter(|s| !s.is_empty())
}

/// The image social cards show instead of the featured image.
pub fn social_image_url(v: &mut Violations, value: &str) -> Option<String> {
    v.check("social_image_url", http_url(value))
}

/// The page search engines should index instead of the article's own (a story first published
/// elsewhere).
pub fn canonical_url(v: &mut Violations, value: &str) -> Option<String> {
    v.check("canonical_url", http_url(value))
}

/// All four overrides, checked.
pub fn seo(v: &mut Violations, input: SeoInput) -> SeoFields {
    SeoFields {
        meta_title: input.meta_title.and_then(|t| meta_title(v, t)),
        meta_description: input.meta_description.and_then(|d| meta_description(v, d)),
        social_image_url: input.social_image_url.and_then(|u| social_image_url(v, u)),
        canonical_url: input.canonical_url.and_then(|u| canonical_url(v, u)),
    }
}

fn not_reserved(v: &mut Violations, slug: Option<&str>) {
    if slug.is_some_and(|s| RESERVED_SLUGS.contains(&s)) {
        v.add("slug", "is reserved for the API's own routes");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_article_is_checked_whole_and_every_problem_named() {
        let mut v = Violations::new();
        let input = ArticleInput {
            title: " ",
            slug: Some("most-viewed"),
            source_url: Some("ftp://x"),
            language: Some("English"),
            seo: SeoInput {
                meta_title: Some("two\nlines"),
                meta_description: Some(&"d".repeat(MAX_SHORT_TEXT + 1)),
                social_image_url: Some("javascript:alert(1)"),
                canonical_url: Some("/relative"),
            },
            ..ArticleInput::default()
        };
        assert!(input.check(&mut v).is_none());
        let fields: Vec<String> = v.into_result().err().unwrap_or_default().into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "title",
                "slug",
                "source_url",
                "language",
                "meta_title",
                "meta_description",
                "social_image_url",
                "canonical_url"
            ]
        );
    }

    #[test]
    fn a_missing_slug_comes_from_the_title_and_the_body_is_rendered() {
        let mut v = Violations::new();
        let input = ArticleInput { title: "Harbour pilots strike", body: "It is **on**.", ..ArticleInput::default() };
        let fields = input.check(&mut v);
        assert_eq!(fields.as_ref().map(|f| f.slug.as_str()), Some("harbour-pilots-strike"));
        assert!(fields.is_some_and(|f| f.body.html.contains("<strong>on</strong>") && f.language == "en"));
    }
}

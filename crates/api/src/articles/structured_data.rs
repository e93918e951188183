//! What search engines and social cards read of a published article: its `structured_data`
//! (schema.org `NewsArticle`, see [`super::schema_org`]) and the values of its page's meta tags.
//! Each search and social override falls back to another field: the meta title to the title,
//! the meta description to the summary, the social image to the featured image, the canonical
//! URL to the article's own page.

use chrono::{DateTime, SecondsFormat, Utc};
use newsdesk_domain::correction::CorrectionKind;

use super::dto::ArticleOut;
use super::live::LiveEntryOut;
use super::live_public::Coverage;
use super::schema_org::{BlogPosting, CorrectionComment, ImageObject, NewsArticle, Organization, Person, WebPage};
use crate::publication::{article_url, Publication};

/// The longest headline Google shows in full.
const MAX_HEADLINE: usize = 110;

/// An article's search and social metadata, every fallback applied.
#[derive(Debug, Clone)]
pub struct PageMeta {
    pub title: String,
    pub description: Option<String>,
    pub image: Option<String>,
    pub canonical: String,
}

impl PageMeta {
    pub fn of(article: &ArticleOut, base: &str) -> Self {
        Self {
            title: article.meta_title.clone().unwrap_or_else(|| article.title.clone()),
            description: article.meta_description.clone().or_else(|| article.summary.clone()),
            image: article.social_image_url.clone().or_else(|| article.featured_image.as_ref().map(|i| i.url.clone())),
            canonical: article.canonical_url.clone().unwrap_or_else(|| article_url(base, &article.slug)),
        }
    }
}

pub fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// `text` in at most `max` characters: cut at the last space that leaves room for `…`.
fn headline(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max - 1).collect();
    let kept = match cut.rfind(char::is_whitespace) {
        Some(at) if at > 0 => cut[..at].trim_end(),
        _ => cut.as_str(),
    };
    format!("{kept}…")
}

/// An entry as schema.org `BlogPosting`: its first line as the headline, its text as the body.
fn blog_posting(entry: &LiveEntryOut, text: &str, base: &str) -> BlogPosting {
    let first_line = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default();
    BlogPosting {
        kind: "BlogPosting",
        headline: headline(first_line, MAX_HEADLINE),
        article_body: text.trim().to_owned(),
        date_published: time(entry.created_at),
        date_modified: time(entry.updated_at),
        author: entry.author.as_ref().map(|a| Person {
            kind: "Person",
            name: a.name.clone(),
            url: format!("{base}/v1/authors/{}", a.slug),
        }),
        image: entry.image.as_ref().map(|i| i.url.clone()),
    }
}

/// `article` (rendered with authors, section and corrections) as schema.org `NewsArticle`, or
/// `LiveBlogPosting` with its coverage times and newest entries when it is a live blog
/// (`live`), with absolute URLs under `base`.
pub fn news_article(
    article: &ArticleOut,
    live: Option<&Coverage>,
    base: &str,
    publication: &Publication,
) -> NewsArticle {
    let meta = PageMeta::of(article, base);
    let mut image: Vec<String> = meta.image.into_iter().collect();
    if let Some(featured) = &article.featured_image {
        if !image.contains(&featured.url) {
            image.push(featured.url.clone());
        }
    }
    let author = article
        .authors
        .iter()
        .flatten()
        .map(|a| Person { kind: "Person", name: a.name.clone(), url: format!("{base}/v1/authors/{}", a.slug) })
        .collect();
    let correction = article
        .corrections
        .iter()
        .flatten()
        .filter(|c| c.kind == CorrectionKind::Correction)
        .filter_map(|c| {
            let text = newsdesk_domain::body::render(c.text.as_deref()?).text.trim().to_owned();
            Some(CorrectionComment { kind: "CorrectionComment", text, date_published: time(c.created_at) })
        })
        .collect();
    NewsArticle {
        context: "https://schema.org",
        kind: if live.is_some() { "LiveBlogPosting" } else { "NewsArticle" },
        headline: headline(&meta.title, MAX_HEADLINE),
        description: meta.description,
        image,
        date_published: time(article.published_at.unwrap_or(article.created_at)),
        date_modified: time(article.updated_at),
        in_language: article.language.clone(),
        article_section: article.section.iter().flatten().map(|s| s.name.clone()).next(),
        url: meta.canonical.clone(),
        main_entity_of_page: WebPage { kind: "WebPage", id: meta.canonical },
        author,
        publisher: Organization {
            kind: "Organization",
            name: publication.name.clone(),
            url: base.to_owned(),
            logo: publication.logo_url.clone().map(|url| ImageObject { kind: "ImageObject", url }),
        },
        is_accessible_for_free: true,
        correction,
        coverage_start_time: live.map(|l| time(crate::time::utc(l.blog.started_at))),
        coverage_end_time: live.and_then(|l| l.blog.ended_at).map(|at| time(crate::time::utc(at))),
        live_blog_update: live.map(|l| l.updates.iter().map(|(u, text)| blog_posting(u, text, base)).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::headline;

    #[test]
    fn a_long_headline_is_cut_at_a_word_within_the_limit() {
        assert_eq!(headline("Short", 110), "Short");
        let long = "word ".repeat(40);
        let cut = headline(long.trim(), 110);
        assert!(cut.chars().count() <= 110 && cut.ends_with("word…"), "{cut}");
        let unbroken = "x".repeat(200);
        assert_eq!(headline(&unbroken, 110).chars().count(), 110);
    }
}

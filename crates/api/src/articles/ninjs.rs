//! IPTC ninjs 2.1 (News in JSON), the form wire partners and aggregators read: one published
//! article as a ninjs news item. `GET /v1/articles/{slug}` answers it when asked (`Accept:
//! application/ninjs+json` or `format=ninjs`); `GET /v1/syndication/ninjs` pages through them.
//!
//! Mapping, by ninjs property: `uri` is a tag URI (RFC 4151) on the article's id, so it stays
//! the same when the slug changes; `headlines` the title, `descriptions` the summary and then
//! each correction, clarification or update (role `correction`, …), `bodies` the body as HTML and
//! as plain text with counts; `by` and `people` the byline; `infosources` the source;
//! `subjects` the section and tags; `renditions` the reader page; `associations` the featured
//! image with its rendition; `embargoed` the embargo the article was held by. Every URI is
//! absolute, from `NEWSDESK_PUBLIC_URL`.

use newsdesk_domain::ArticleStatus;
use serde::Serialize;
use utoipa::ToSchema;

use super::dto::{ArticleOut, CorrectionOut};
use crate::publication::article_url;
use crate::time::seconds;

/// The media type of a ninjs item.
pub const MEDIA_TYPE: &str = "application/ninjs+json";
const SCHEMA: &str = "http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json";

/// A news item in IPTC ninjs 2.1. Absent properties are left out, never null.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "uri": "tag:news.example.org,2026-12-09:article:01937c4e-1b2a-7c3d-9e4f-5a6b7c8d9e0f",
    "standard": {"name": "ninjs", "version": "2.1", "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json"},
    "type": "text", "representationtype": "full", "version": "3",
    "firstcreated": "2026-12-09T08:00:00Z", "versioncreated": "2026-12-09T10:15:00Z",
    "pubstatus": "usable", "language": "en", "slugline": "delta-towns-vote-on-shared-water-board",
    "headlines": [{"role": "main", "value": "Delta towns vote on a shared water board"}],
    "by": "Ada Byline",
    "bodies": [{"role": "main", "contenttype": "text/html", "charcount": 41, "wordcount": 8, "value": "<p>The board meets on Tuesday.</p>"}]
}))]
pub struct Ninjs {
    pub uri: String,
    pub standard: Standard,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub representationtype: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub firstcreated: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub versioncreated: Option<String>,
    pub pubstatus: &'static str,
    /// When the article's embargo ended (it is published, so always in the past).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub embargoed: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slugline: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headlines: Option<Vec<Text>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub descriptions: Option<Vec<Text>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bodies: Option<Vec<Body>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub people: Option<Vec<Concept>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub infosources: Option<Vec<InfoSource>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subjects: Option<Vec<Concept>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renditions: Option<Vec<Rendition>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub associations: Option<Vec<Association>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub altids: Option<Vec<AltId>>,
}

/// Which standard, version and schema the item follows.
#[derive(Debug, Serialize, ToSchema)]
pub struct Standard {
    pub name: &'static str,
    pub version: &'static str,
    pub schema: &'static str,
}

/// A headline or description: role, media type and text.
#[derive(Debug, Serialize, ToSchema)]
pub struct Text {
    pub role: String,
    pub contenttype: &'static str,
    pub value: String,
}

/// A body, as HTML or as plain text, with its counts.
#[derive(Debug, Serialize, ToSchema)]
pub struct Body {
    pub role: &'static str,
    pub contenttype: &'static str,
    pub charcount: usize,
    pub wordcount: i32,
    pub value: String,
}

/// A person or subject: name, relation to the item, URI and literal code.
#[derive(Debug, Serialize, ToSchema)]
pub struct Concept {
    pub name: String,
    pub rel: &'static str,
    pub uri: String,
    pub literal: String,
}

/// The party the story came from (a wire service, a partner paper).
#[derive(Debug, Serialize, ToSchema)]
pub struct InfoSource {
    pub name: String,
    pub role: &'static str,
    pub uri: String,
    pub literal: String,
}

/// A way to get at the item or an associated object.
#[derive(Debug, Serialize, ToSchema)]
pub struct Rendition {
    pub name: &'static str,
    pub href: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contenttype: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// The featured image, as an associated ninjs picture.
#[derive(Debug, Serialize, ToSchema)]
pub struct Association {
    pub name: &'static str,
    pub uri: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headlines: Option<Vec<Text>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub descriptions: Option<Vec<Text>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    pub renditions: Vec<Rendition>,
}

/// Another identifier of the item (its id and slug here).
#[derive(Debug, Serialize, ToSchema)]
pub struct AltId {
    pub role: &'static str,
    pub value: String,
}

/// The host of the public URL, the tag URIs' authority.
fn authority(base: &str) -> &str {
    let host = base.split_once("://").map_or(base, |(_, rest)| rest);
    host.split(['/', ':']).next().unwrap_or(host)
}

fn plain(role: impl Into<String>, value: String) -> Text {
    Text { role: role.into(), contenttype: "text/plain", value }
}

/// A correction note as a description: its text as HTML, or that it was removed and why.
fn correction(note: &CorrectionOut) -> Text {
    let role = note.kind.as_str();
    match &note.html {
        Some(html) => Text { role: role.into(), contenttype: "text/html", value: html.clone() },
        None => plain(
            role,
            format!(
                "{} of {} removed: {}",
                note.kind.label(),
                note.created_at.format("%-d %B %Y"),
                note.removal_reason.as_deref().unwrap_or_default()
            ),
        ),
    }
}

fn some_unless_empty<T>(items: Vec<T>) -> Option<Vec<T>> {
    (!items.is_empty()).then_some(items)
}

/// `article` (rendered with authors, tags, section, source, corrections, the embargo and its HTML
/// and text bodies) as a ninjs item, with absolute URIs under `base`.
pub fn item(article: &ArticleOut, base: &str) -> Ninjs {
    let page = article_url(base, &article.slug);
    let uri = format!("tag:{},{}:article:{}", authority(base), article.created_at.format("%Y-%m-%d"), article.id);
    let authors = article.authors.as_deref().unwrap_or_default();
    let by = authors.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", ");
    let people = authors
        .iter()
        .map(|a| Concept {
            name: a.name.clone(),
            rel: "author",
            uri: format!("{base}/v1/authors/{}", a.slug),
            literal: a.slug.clone(),
        })
        .collect();
    let section = article.section.iter().flatten().map(|s| Concept {
        name: s.name.clone(),
        rel: "section",
        uri: format!("{base}/v1/sections/{}", s.slug),
        literal: s.slug.clone(),
    });
    let tags = article.tags.iter().flatten().map(|t| Concept {
        name: t.name.clone(),
        rel: "tag",
        uri: format!("{base}/v1/tags/{}", t.slug),
        literal: t.slug.clone(),
    });
    let infosources = article.source.iter().flatten().map(|s| InfoSource {
        name: s.name.clone(),
        role: "originator",
        uri: s.homepage_url.clone().unwrap_or_else(|| format!("{base}/v1/sources/{}", s.slug)),
        literal: s.short_name.clone().unwrap_or_else(|| s.slug.clone()),
    });
    let mut descriptions: Vec<Text> = article.summary.iter().map(|s| plain("summary", s.clone())).collect();
    descriptions.extend(article.corrections.iter().flatten().map(correction));
    let bodies = article.body.iter().flat_map(|body| {
        [(&body.html, "text/html"), (&body.text, "text/plain")].into_iter().filter_map(|(value, contenttype)| {
            value.as_ref().map(|value| Body {
                role: "main",
                contenttype,
                charcount: body.text.as_deref().unwrap_or(value).chars().count(),
                wordcount: article.word_count,
                value: value.clone(),
            })
        })
    });
    let image = article.featured_image.iter().map(|image| Association {
        name: "featureimage",
        uri: image.url.clone(),
        kind: "picture",
        headlines: image.caption.clone().map(|c| vec![plain("caption", c)]),
        descriptions: image.alt.clone().map(|a| vec![plain("alternative", a)]),
        by: image.credit.clone(),
        renditions: vec![Rendition { name: "original", href: image.url.clone(), contenttype: None, title: None }],
    });
    Ninjs {
        uri,
        standard: Standard { name: "ninjs", version: "2.1", schema: SCHEMA },
        kind: "text",
        representationtype: "full",
        version: Some(article.version.to_string()),
        firstcreated: Some(seconds(article.created_at)),
        versioncreated: Some(seconds(article.updated_at)),
        // A preview shows an article before it is out: not yet to be used.
        pubstatus: if article.status == ArticleStatus::Published { "usable" } else { "withheld" },
        embargoed: article.embargo_until.map(seconds),
        language: Some(article.language.clone()),
        slugline: Some(article.slug.clone()),
        headlines: Some(vec![plain("main", article.title.clone())]),
        descriptions: some_unless_empty(descriptions),
        bodies: some_unless_empty(bodies.collect()),
        by: (!by.is_empty()).then_some(by),
        people: some_unless_empty(people),
        infosources: some_unless_empty(infosources.collect()),
        subjects: some_unless_empty(section.chain(tags).collect()),
        renditions: Some(vec![Rendition {
            name: "web",
            href: page,
            contenttype: Some("text/html"),
            title: Some(article.title.clone()),
        }]),
        associations: some_unless_empty(image.collect()),
        altids: Some(vec![
            AltId { role: "id", value: article.id.clone() },
            AltId { role: "slug", value: article.slug.clone() },
        ]),
    }
}

#[cfg(test)]
mod tests {
    use super::authority;

    #[test]
    fn the_tag_authority_is_the_bare_host() {
        assert_eq!(authority("https://news.example.org"), "news.example.org");
        assert_eq!(authority("http://127.0.0.1:8080"), "127.0.0.1");
        assert_eq!(authority("https://example.org/news"), "example.org");
    }
}

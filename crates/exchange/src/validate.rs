//! Checks one [`ArticleRecord`] with the HTTP API's own field rules and renders its body, without
//! touching the database: this half of the import runs on every core while the writer writes.

use std::collections::HashSet;

use newsdesk_domain::article::{MAX_LINKS, MAX_TITLE};
use newsdesk_domain::exchange::{ArticleRecord, AuthorRecord, LabelRecord, RelatedRecord, SourceRecord};
use newsdesk_domain::validation::{http_url, required_text};
use newsdesk_domain::{ArticleInput, ArticleStatus, FieldError, ImageInput, SeoInput, Slug, Violations};
use newsdesk_persistence::articles::NewArticle;
use newsdesk_persistence::authors::AuthorRow;
use newsdesk_persistence::now;
use newsdesk_persistence::sections::SectionRow;
use newsdesk_persistence::sources::SourceRow;
use newsdesk_persistence::tags::TagRow;

use super::LineError;
use newsdesk_newsroom::terms::authors::{AuthorCreate, Authors};
use newsdesk_newsroom::terms::labels::LabelCreate;
use newsdesk_newsroom::terms::labels::Sections;
use newsdesk_newsroom::terms::labels::Tags;
use newsdesk_newsroom::terms::sources::{SourceCreate, Sources};
use newsdesk_newsroom::terms::Term;
use newsdesk_newsroom::time::naive;

/// A related link before its target is looked up.
#[derive(Debug, Clone)]
pub enum PendingLink {
    Article { slug: String },
    External { url: String, title: Option<String>, source_name: Option<String> },
}

/// A valid article, ready to write: its row (without an id yet), its terms as they would be
/// created, its links by slug and its former slugs.
#[derive(Debug)]
pub struct PreparedArticle {
    pub line: u64,
    pub article: NewArticle,
    pub authors: Vec<AuthorRow>,
    pub tags: Vec<TagRow>,
    pub section: Option<SectionRow>,
    pub source: Option<SourceRow>,
    /// In order; the index is the link's position.
    pub related: Vec<PendingLink>,
    pub previous_slugs: Vec<String>,
}

/// Validates `record` (from input line `line`) and renders its body; every problem at once.
pub fn prepare(line: u64, record: ArticleRecord) -> Result<PreparedArticle, LineError> {
    let mut v = Violations::new();
    let image = record.featured_image.as_ref().map(|i| ImageInput {
        url: &i.url,
        alt: i.alt.as_deref(),
        caption: i.caption.as_deref(),
        credit: i.credit.as_deref(),
    });
    let fields = ArticleInput {
        title: &record.title,
        slug: Some(&record.slug),
        summary: record.summary.as_deref(),
        body: &record.body,
        source_url: record.source_url.as_deref(),
        language: record.language.as_deref(),
        featured_image: image,
        seo: SeoInput {
            meta_title: record.meta_title.as_deref(),
            meta_description: record.meta_description.as_deref(),
            social_image_url: record.social_image_url.as_deref(),
            canonical_url: record.canonical_url.as_deref(),
        },
    }
    .check(&mut v);
    // For the checks of links against the article's own slug; a bad slug is reported above.
    let slug = Slug::parse(&record.slug).ok().map(Slug::into_inner);
    for (field, at) in
        [("published_at", record.published_at), ("created_at", record.created_at), ("updated_at", record.updated_at)]
    {
        v.time(field, at);
    }
    let status = ArticleStatus::from(record.status);
    if record.status.needs_date() && record.published_at.is_none() {
        v.add("published_at", format!("is required when status is {}", status.as_str()));
    }
    let section = record.section.map(|s| label::<Sections>(&mut v, "section", s));
    let source = record.source.map(|s| source_term(&mut v, s));
    let authors = listed(&mut v, "authors", record.authors, |a| &a.slug, author_term);
    let tags = listed(&mut v, "tags", record.tags, |t| &t.slug, label::<Tags>);
    let related = related(&mut v, record.related, slug.as_deref());
    let previous_slugs = previous_slugs(&mut v, record.previous_slugs, slug.as_deref());
    if let Err(errors) = v.into_result() {
        return Err(LineError::from_fields(line, errors));
    }
    let Some(fields) = fields else {
        return Err(LineError::new(line, "", "validated fields missing"));
    };
    let at = now();
    let created_at = record.created_at.map(naive).unwrap_or(at);
    let updated_at = record.updated_at.map(naive).unwrap_or(created_at.max(at));
    let published_at = record.published_at.map(naive);
    Ok(PreparedArticle {
        line,
        article: NewArticle::of(String::new(), fields, status, published_at, None, (created_at, updated_at)),
        authors: authors.into_iter().flatten().collect(),
        tags: tags.into_iter().flatten().collect(),
        section: section.flatten(),
        source: source.flatten(),
        related,
        previous_slugs,
    })
}

/// Checks a list of terms: its length, each entry, and that no slug is listed twice.
fn listed<R, T>(
    v: &mut Violations,
    field: &str,
    items: Vec<R>,
    slug: impl Fn(&R) -> &String,
    check: impl Fn(&mut Violations, &str, R) -> Option<T>,
) -> Vec<Option<T>> {
    if items.len() > MAX_LINKS {
        v.add(field, format!("must list at most {MAX_LINKS} entries"));
        return Vec::new();
    }
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let at = format!("{field}[{i}]");
        if !seen.insert(slug(&item).clone()) {
            v.add(at, "is listed twice");
            continue;
        }
        out.push(check(v, &at, item));
    }
    out
}

/// Copies a term's field errors into `v` under `prefix` (`authors[0].slug`).
fn nested<T>(v: &mut Violations, prefix: &str, result: Result<T, Vec<FieldError>>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(errors) => {
            for e in errors {
                v.add(format!("{prefix}.{}", e.field), e.message);
            }
            None
        }
    }
}

fn author_term(v: &mut Violations, field: &str, a: AuthorRecord) -> Option<AuthorRow> {
    let input =
        AuthorCreate { slug: Some(a.slug), name: a.name, email: None, bio: a.bio, avatar_url: None, website: None };
    nested(v, field, Authors::validate_create(input))
}

fn label<T: Term<Create = LabelCreate>>(v: &mut Violations, field: &str, l: LabelRecord) -> Option<T::Row> {
    nested(v, field, T::validate_create(LabelCreate { slug: Some(l.slug), name: l.name, description: None }))
}

fn source_term(v: &mut Violations, s: SourceRecord) -> Option<SourceRow> {
    let input =
        SourceCreate { slug: Some(s.slug), name: s.name, short_name: s.short_name, homepage_url: s.homepage_url };
    nested(v, "source", Sources::validate_create(input))
}

fn related(v: &mut Violations, related: Vec<RelatedRecord>, own: Option<&str>) -> Vec<PendingLink> {
    if related.len() > MAX_LINKS {
        v.add("related", format!("must list at most {MAX_LINKS} entries"));
        return Vec::new();
    }
    let mut links = Vec::with_capacity(related.len());
    for (i, entry) in related.into_iter().enumerate() {
        let field = format!("related[{i}]");
        match entry {
            RelatedRecord::Article { slug } => {
                if own == Some(slug.as_str()) {
                    v.add(format!("{field}.article"), "an article cannot be related to itself");
                } else if let Some(slug) = v.check(&format!("{field}.article"), Slug::parse(&slug)) {
                    links.push(PendingLink::Article { slug: slug.into_inner() });
                }
            }
            RelatedRecord::External { url, title, source_name } => {
                let url = v.check(&format!("{field}.url"), http_url(&url));
                let title = title.and_then(|t| v.check(&format!("{field}.title"), required_text(&t, MAX_TITLE)));
                let source_name =
                    source_name.and_then(|s| v.check(&format!("{field}.source_name"), required_text(&s, 200)));
                if let Some(url) = url {
                    links.push(PendingLink::External { url, title, source_name });
                }
            }
        }
    }
    links
}

fn previous_slugs(v: &mut Violations, slugs: Vec<String>, own: Option<&str>) -> Vec<String> {
    if slugs.len() > MAX_LINKS {
        v.add("previous_slugs", format!("must list at most {MAX_LINKS} entries"));
        return Vec::new();
    }
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(slugs.len());
    for (i, slug) in slugs.into_iter().enumerate() {
        let field = format!("previous_slugs[{i}]");
        let Some(slug) = v.check(&field, Slug::parse(&slug)) else { continue };
        if own == Some(slug.as_str()) {
            v.add(field, "is the article's current slug");
        } else if !seen.insert(slug.clone()) {
            v.add(field, "is listed twice");
        } else {
            out.push(slug.into_inner());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use newsdesk_domain::exchange::{ArticleRecord, RecordStatus};

    use super::prepare;

    #[test]
    fn an_imported_time_past_the_year_9999_is_refused_by_name() {
        let far = "+10000-01-01T00:00:00Z".parse::<DateTime<Utc>>().ok();
        assert!(far.is_some(), "chrono reads five-digit years");
        let record = ArticleRecord {
            status: RecordStatus::Published,
            published_at: far,
            ..ArticleRecord::new("far-story", "A far story")
        };
        let refused = prepare(7, record).err().map(|e| (e.line, e.field));
        assert_eq!(refused, Some((7, "published_at".to_owned())));
    }
}

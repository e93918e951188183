//! Export: every article as one NDJSON line, a page at a time, so memory stays flat at any size.

use std::collections::HashMap;
use std::io::{self, Write};

use newsdesk_domain::exchange::{
    ArticleRecord, AuthorRecord, ImageRecord, LabelRecord, RecordStatus, RelatedRecord, SourceRecord,
};
use newsdesk_persistence::articles::relations::{self, Include, LoadedLink, Relations};
use newsdesk_persistence::articles::ArticleRow;
use newsdesk_persistence::exchange::{self as store, ExportCursor};
use newsdesk_persistence::sections::SectionRow;
use newsdesk_persistence::sources::SourceRow;
use newsdesk_persistence::{sections, sources, Database, StoreError};

use newsdesk_newsroom::time::utc;

/// Which articles to export. Archived and trashed articles are never exported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportStatus {
    /// Published articles only; related links to unpublished articles are left out.
    Published,
    /// Drafts, articles in review or approved, scheduled and published articles.
    #[default]
    All,
}

/// Articles per page read.
const PAGE: i64 = 1_000;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("database: {0}")]
    Store(#[from] StoreError),
    #[error("writing the output: {0}")]
    Write(#[from] io::Error),
}

/// Writes the chosen articles to `out`, ordered by publication date (undated ones last), then
/// id. Returns how many were written.
pub fn export(db: &Database, status: ExportStatus, out: &mut dyn Write) -> Result<u64, ExportError> {
    let statuses: &[&str] = match status {
        ExportStatus::Published => &["published"],
        ExportStatus::All => &["draft", "in_review", "approved", "scheduled", "published"],
    };
    let include =
        Include { authors: true, tags: true, links: true, published_links_only: status == ExportStatus::Published };
    let mut cursor = ExportCursor::Start;
    let mut written = 0;
    loop {
        let page = db.read(|conn| {
            let (rows, next) = store::export_page(conn, statuses, &cursor, PAGE)?;
            let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
            let relations = relations::load(conn, &ids, include)?;
            let section_ids: Vec<String> = rows.iter().filter_map(|r| r.section_id.clone()).collect();
            let source_ids: Vec<String> = rows.iter().filter_map(|r| r.source_id.clone()).collect();
            let sections = by_id(sections::find_many(conn, &dedup(section_ids))?, |s: &SectionRow| &s.id);
            let sources = by_id(sources::find_many(conn, &dedup(source_ids))?, |s: &SourceRow| &s.id);
            let previous = store::previous_slugs(conn, &ids)?;
            Ok(Page { rows, next, relations, sections, sources, previous })
        })?;
        if page.rows.is_empty() {
            break;
        }
        let Page { rows, next, mut relations, sections, sources, mut previous } = page;
        for row in rows {
            let record = to_record(row, &mut relations, &sections, &sources, &mut previous, statuses);
            serde_json::to_writer(&mut *out, &record).map_err(io::Error::from)?;
            out.write_all(b"\n")?;
            written += 1;
        }
        cursor = next;
    }
    out.flush()?;
    Ok(written)
}

struct Page {
    rows: Vec<ArticleRow>,
    next: ExportCursor,
    relations: Relations,
    sections: HashMap<String, SectionRow>,
    sources: HashMap<String, SourceRow>,
    previous: HashMap<String, Vec<String>>,
}

fn dedup(mut ids: Vec<String>) -> Vec<String> {
    ids.sort_unstable();
    ids.dedup();
    ids
}

fn by_id<T>(rows: Vec<T>, id: impl Fn(&T) -> &String) -> HashMap<String, T> {
    rows.into_iter().map(|r| (id(&r).clone(), r)).collect()
}

fn to_record(
    row: ArticleRow,
    relations: &mut Relations,
    sections: &HashMap<String, SectionRow>,
    sources: &HashMap<String, SourceRow>,
    previous: &mut HashMap<String, Vec<String>>,
    statuses: &[&str],
) -> ArticleRecord {
    let status = RecordStatus::try_from(row.status).unwrap_or_default();
    let authors = relations.authors.remove(&row.id).unwrap_or_default();
    let tags = relations.tags.remove(&row.id).unwrap_or_default();
    let links = relations.links.remove(&row.id).unwrap_or_default();
    let seo = row.seo();
    ArticleRecord {
        meta_title: seo.meta_title,
        meta_description: seo.meta_description,
        social_image_url: seo.social_image_url,
        canonical_url: seo.canonical_url,
        summary: row.summary,
        body: row.body_markdown,
        status,
        published_at: row.published_at.map(utc),
        created_at: Some(utc(row.created_at)),
        updated_at: Some(utc(row.updated_at)),
        language: Some(row.language),
        source_url: row.source_url,
        featured_image: row.featured_image_url.map(|url| ImageRecord {
            url,
            alt: row.featured_image_alt,
            caption: row.featured_image_caption,
            credit: row.featured_image_credit,
        }),
        section: row
            .section_id
            .and_then(|id| sections.get(&id))
            .map(|s| LabelRecord { slug: s.slug.clone(), name: s.name.clone() }),
        source: row.source_id.and_then(|id| sources.get(&id)).map(|s| SourceRecord {
            slug: s.slug.clone(),
            name: s.name.clone(),
            short_name: s.short_name.clone(),
            homepage_url: s.homepage_url.clone(),
        }),
        authors: authors.into_iter().map(|a| AuthorRecord { slug: a.slug, name: a.name, bio: a.bio }).collect(),
        tags: tags.into_iter().map(|t| LabelRecord { slug: t.slug, name: t.name }).collect(),
        related: links
            .into_iter()
            .filter_map(|link| match link {
                // Only links the file can satisfy: a target that is exported too.
                LoadedLink::Article(card) => {
                    statuses.contains(&card.status.as_str()).then_some(RelatedRecord::Article { slug: card.slug })
                }
                LoadedLink::External { url, title, source_name } => {
                    Some(RelatedRecord::External { url, title, source_name })
                }
            })
            .collect(),
        previous_slugs: previous.remove(&row.id).unwrap_or_default(),
        ..ArticleRecord::new(row.slug, row.title)
    }
}

//! Builds article responses from rows, loading relations for a whole page at once.

use std::collections::HashMap;

use newsdesk_domain::correction::CorrectionKind;
use newsdesk_persistence::articles::assignments;
use newsdesk_persistence::articles::corrections::{self, CorrectionRow};
use newsdesk_persistence::articles::locks::{self, LockRow};
use newsdesk_persistence::articles::relations::{self, Include, LoadedLink};
use newsdesk_persistence::articles::ArticleRow;
use newsdesk_persistence::sections::SectionLabel;
use newsdesk_persistence::sources::SourceLabel;
use newsdesk_persistence::{labels, DbConn, StoreResult};

use super::dto::{
    ArticleCard, ArticleOut, AuthorRef, BodyOut, CorrectionOut, FeaturedImage, LabelRef, RelatedOut, SourceRef, UserRef,
};
use crate::time::utc;

/// Which relations and body formats a response carries.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shape {
    pub authors: bool,
    pub tags: bool,
    pub section: bool,
    pub source: bool,
    pub related: bool,
    pub html: bool,
    pub markdown: bool,
    pub text: bool,
    /// The correction, clarification and update notes.
    pub corrections: bool,
    /// With the notes, who added, amended and removed them, and a removed note's text.
    pub desk_notes: bool,
    /// Hide unpublished articles among related links.
    pub public: bool,
    /// The live edit lock (the admin API's articles).
    pub lock: bool,
    /// Who the article is assigned to (the admin API only, never a public answer).
    pub assignee: bool,
    /// The embargo: the admin API's alone (once published, it no longer matters to readers).
    pub embargo: bool,
}

impl Shape {
    /// Everything: a single article in the admin API.
    pub fn full_admin() -> Self {
        Self {
            authors: true,
            tags: true,
            section: true,
            source: true,
            related: true,
            html: true,
            markdown: true,
            text: true,
            corrections: true,
            desk_notes: true,
            public: false,
            lock: true,
            assignee: true,
            embargo: true,
        }
    }

    pub fn has_body(&self) -> bool {
        self.html || self.markdown || self.text
    }
}

/// Everything loaded for a batch of articles.
pub struct Loaded {
    relations: relations::Relations,
    sections: HashMap<String, SectionLabel>,
    sources: HashMap<String, SourceLabel>,
    corrections: HashMap<String, Vec<CorrectionRow>>,
    locks: HashMap<String, LockRow>,
    assignees: HashMap<String, UserRef>,
}

/// Loads what `shape` asks for in a fixed number of statements, however many rows.
pub fn load(conn: &mut DbConn, rows: &[ArticleRow], shape: Shape) -> StoreResult<Loaded> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let include =
        Include { authors: shape.authors, tags: shape.tags, links: shape.related, published_links_only: shape.public };
    let relations = relations::load(conn, &ids, include)?;
    let wanted = |pick: fn(&ArticleRow) -> &Option<String>| -> Vec<String> {
        let mut ids: Vec<String> = rows.iter().filter_map(|r| pick(r).clone()).collect();
        ids.sort();
        ids.dedup();
        ids
    };
    let section_ids = if shape.section { wanted(|r| &r.section_id) } else { Vec::new() };
    let source_ids = if shape.source { wanted(|r| &r.source_id) } else { Vec::new() };
    let (sections, sources) = labels::section_and_source_labels(conn, &section_ids, &source_ids)?;
    let sections = sections.into_iter().map(|s| (s.id.clone(), s)).collect();
    let sources = sources.into_iter().map(|s| (s.id.clone(), s)).collect();
    let corrections = if shape.corrections { corrections::for_articles(conn, &ids)? } else { HashMap::new() };
    let locks = if shape.lock { locks::live_on(conn, &ids, newsdesk_persistence::now())? } else { HashMap::new() };
    let assignees = if shape.assignee { assignees(conn, &ids)? } else { HashMap::new() };
    Ok(Loaded { relations, sections, sources, corrections, locks, assignees })
}

/// The assignee of each article in `ids` that has one, by article id.
fn assignees(conn: &mut DbConn, ids: &[String]) -> StoreResult<HashMap<String, UserRef>> {
    let by_article = assignments::for_articles(conn, ids)?;
    Ok(by_article.into_iter().map(|(article, (a, name))| (article, UserRef { id: a.user_id, name })).collect())
}

/// Article `id`'s items in `by_article`, each `map`ped, when `shown`. They are moved out, not
/// cloned: each article is rendered once.
fn take<R, T>(
    shown: bool,
    by_article: &mut HashMap<String, Vec<R>>,
    id: &str,
    map: impl FnMut(R) -> T,
) -> Option<Vec<T>> {
    shown.then(|| by_article.remove(id).unwrap_or_default().into_iter().map(map).collect())
}

/// Turns one row into its response, taking its relations out of `loaded`.
pub fn render(row: ArticleRow, loaded: &mut Loaded, shape: Shape) -> ArticleOut {
    let relations = &mut loaded.relations;
    let authors = take(shape.authors, &mut relations.authors, &row.id, |a| AuthorRef {
        id: a.id,
        slug: a.slug,
        name: a.name,
        avatar_url: a.avatar_url,
    });
    let tags = take(shape.tags, &mut relations.tags, &row.id, |t| LabelRef { id: t.id, slug: t.slug, name: t.name });
    let related = take(shape.related, &mut relations.links, &row.id, related_out);
    let corrections =
        take(shape.corrections, &mut loaded.corrections, &row.id, |c| correction_out(c, shape.desk_notes));
    let section = shape.section.then(|| {
        row.section_id.as_ref().and_then(|id| loaded.sections.get(id)).map(|s| LabelRef {
            id: s.id.clone(),
            slug: s.slug.clone(),
            name: s.name.clone(),
        })
    });
    let source = shape.source.then(|| {
        row.source_id.as_ref().and_then(|id| loaded.sources.get(id)).map(|s| SourceRef {
            id: s.id.clone(),
            slug: s.slug.clone(),
            name: s.name.clone(),
            short_name: s.short_name.clone(),
            homepage_url: s.homepage_url.clone(),
        })
    });
    let body = shape.has_body().then(|| BodyOut {
        html: shape.html.then(|| row.body_html.clone()),
        markdown: shape.markdown.then(|| row.body_markdown.clone()),
        text: shape.text.then(|| row.body_text.clone()),
    });
    let featured_image = row.featured_image_url.clone().map(|url| FeaturedImage {
        url,
        alt: row.featured_image_alt.clone(),
        caption: row.featured_image_caption.clone(),
        credit: row.featured_image_credit.clone(),
    });
    let lock = shape.lock.then(|| loaded.locks.remove(&row.id).map(Into::into));
    let assignee = shape.assignee.then(|| loaded.assignees.remove(&row.id));
    ArticleOut {
        status: row.status,
        id: row.id,
        slug: row.slug,
        title: row.title,
        summary: row.summary,
        section,
        source,
        source_url: row.source_url,
        language: row.language,
        featured_image,
        meta_title: row.meta_title,
        meta_description: row.meta_description,
        social_image_url: row.social_image_url,
        canonical_url: row.canonical_url,
        authors,
        tags,
        related,
        corrections,
        body,
        word_count: row.word_count,
        reading_time_minutes: row.reading_time_minutes,
        published_at: row.published_at.map(utc),
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
        version: row.version,
        assignee,
        trashed_at: row.trashed_at.map(utc),
        lock,
        embargo_until: row.embargo_until.filter(|_| shape.embargo).map(utc),
        structured_data: None,
        live: None,
        snippet: None,
    }
}

/// A note as a reader sees it, or (`desk`) as the desk does: with who did what, and the text a
/// removed note had.
pub fn correction_out(row: CorrectionRow, desk: bool) -> CorrectionOut {
    let removed = row.removed_at.is_some();
    let (text, html, removed_text) = if removed {
        (None, None, Some(row.text_markdown))
    } else {
        (Some(row.text_markdown), Some(row.text_html), None)
    };
    CorrectionOut {
        id: row.id,
        kind: CorrectionKind::parse(&row.kind).unwrap_or(CorrectionKind::Correction),
        text,
        html,
        created_at: utc(row.created_at),
        amended_at: row.amended_at.map(utc),
        removed_at: row.removed_at.map(utc),
        removal_reason: row.removal_reason,
        created_by: row.created_by.filter(|_| desk),
        amended_by: row.amended_by.filter(|_| desk),
        removed_by: row.removed_by.filter(|_| desk),
        removed_text: removed_text.filter(|_| desk),
    }
}

pub fn related_out(link: LoadedLink) -> RelatedOut {
    match link {
        LoadedLink::Article(card) => RelatedOut::Article {
            article: ArticleCard {
                status: card.status,
                id: card.id,
                slug: card.slug,
                title: card.title,
                summary: card.summary,
                published_at: card.published_at.map(utc),
                featured_image_url: card.featured_image_url,
            },
        },
        LoadedLink::External { url, title, source_name } => RelatedOut::External { url, title, source: source_name },
    }
}

/// Renders one article from relations already read with every related link (a write's
/// snapshot), reading only its section and source.
pub fn render_saved(
    conn: &mut DbConn,
    row: ArticleRow,
    mut relations: relations::Relations,
    shape: Shape,
) -> StoreResult<ArticleOut> {
    if shape.public {
        relations.keep_published_links();
    }
    let mut loaded =
        load(conn, std::slice::from_ref(&row), Shape { authors: false, tags: false, related: false, ..shape })?;
    loaded.relations = relations;
    Ok(render(row, &mut loaded, shape))
}

/// Renders one article whose section and source labels came with its row, reading only the
/// relations with many rows (bylines, tags, links).
pub fn render_labelled(
    conn: &mut DbConn,
    row: ArticleRow,
    section: Option<SectionLabel>,
    source: Option<SourceLabel>,
    shape: Shape,
) -> StoreResult<ArticleOut> {
    let mut loaded = load(conn, std::slice::from_ref(&row), Shape { section: false, source: false, ..shape })?;
    loaded.sections.extend(section.map(|s| (s.id.clone(), s)));
    loaded.sources.extend(source.map(|s| (s.id.clone(), s)));
    Ok(render(row, &mut loaded, shape))
}

/// Loads and renders a batch of rows in order.
pub fn render_all(conn: &mut DbConn, rows: Vec<ArticleRow>, shape: Shape) -> StoreResult<Vec<ArticleOut>> {
    let mut loaded = load(conn, &rows, shape)?;
    Ok(rows.into_iter().map(|row| render(row, &mut loaded, shape)).collect())
}

/// The card form of a rendered article, as related links show it.
pub fn card_of(article: ArticleOut) -> ArticleCard {
    ArticleCard {
        id: article.id,
        slug: article.slug,
        title: article.title,
        summary: article.summary,
        status: article.status,
        published_at: article.published_at,
        featured_image_url: article.featured_image.map(|i| i.url),
    }
}

/// Search snippets for a page of results, keyed by article id.
pub fn snippets(conn: &mut DbConn, q: &str, rows: &[ArticleRow]) -> StoreResult<HashMap<String, String>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    newsdesk_persistence::search::snippets(conn, q, &ids)
}

/// Puts each article's snippet on it: the text HTML-escaped, the matches in `<mark>`.
pub fn attach_snippets(articles: &mut [ArticleOut], mut snippets: HashMap<String, String>) {
    use newsdesk_persistence::search::{MARK_END, MARK_START};
    for article in articles {
        if let Some(raw) = snippets.remove(&article.id) {
            let escaped = raw.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
            article.snippet = Some(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"));
        }
    }
}

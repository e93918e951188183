//! One batch of the import, written in one transaction: which lines are new, which terms they
//! need, and their links.

use std::collections::{HashMap, HashSet};

use newsdesk_newsroom::tx::{Recorded, Tx};
use newsdesk_newsroom::{Actor, Change};
use newsdesk_persistence::exchange::{self as store, ImportedLink, ImportedSlug, Membership};
use newsdesk_persistence::{authors, new_id, now, sections, sources, tags, DbConn, StoreError};

use super::{Deferred, OnError};
use crate::validate::{PendingLink, PreparedArticle};
use crate::LineError;

/// Term ids by slug, for terms known to exist.
#[derive(Default)]
pub(super) struct TermIds {
    pub(super) authors: HashMap<String, String>,
    pub(super) tags: HashMap<String, String>,
    pub(super) sections: HashMap<String, String>,
    pub(super) sources: HashMap<String, String>,
}

/// What one committed batch did.
#[derive(Default)]
pub(super) struct BatchOutcome {
    pub(super) imported: u64,
    pub(super) already_present: u64,
    pub(super) skipped: Vec<LineError>,
    pub(super) stop: Option<LineError>,
    pub(super) deferred: Vec<Deferred>,
    /// Terms looked up or created in this batch.
    pub(super) terms: TermIds,
}

/// What becomes of one line of the batch.
enum Decision {
    Import(Box<PreparedArticle>),
    /// Already in the database under this id (its links may need finishing), or earlier in the input.
    Present(Option<String>, Box<PreparedArticle>),
    Reject(LineError),
}

pub(super) fn write_batch(
    tx: &mut Tx,
    batch: Vec<Result<PreparedArticle, LineError>>,
    known: &TermIds,
    on_error: OnError,
) -> Result<Recorded<BatchOutcome>, StoreError> {
    let conn = tx.conn();
    let mut outcome = BatchOutcome::default();
    let mut decisions = decide(conn, batch)?;
    if let Some(at) = decisions.iter().position(|d| matches!(d, Decision::Reject(_))) {
        if on_error == OnError::Stop {
            if let Decision::Reject(error) = decisions.remove(at) {
                outcome.stop = Some(error);
            }
            decisions.truncate(at);
        }
    }
    let mut imported = Vec::new();
    let mut present = Vec::new();
    for decision in decisions {
        match decision {
            Decision::Import(p) => imported.push(*p),
            Decision::Present(id, p) => {
                outcome.already_present += 1;
                if let Some(id) = id {
                    present.push((id, *p));
                }
            }
            Decision::Reject(error) => outcome.skipped.push(error),
        }
    }
    for p in &mut imported {
        p.article.id = new_id();
    }
    let terms = upsert_terms(conn, &imported, known)?;
    let targets = link_targets(conn, &imported, &present)?;
    let mut rows = Vec::with_capacity(imported.len());
    let (mut bylines, mut tagged, mut links, mut history) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let at = now();
    for p in imported {
        let PreparedArticle { line, mut article, authors, tags, section, source, related, previous_slugs } = p;
        let id = article.id.clone();
        article.section_id = section.and_then(|s| terms.lookup(known, Kind::Section, &s.slug));
        article.source_id = source.and_then(|s| terms.lookup(known, Kind::Source, &s.slug));
        for (a, position) in authors.iter().zip(0..) {
            if let Some(term_id) = terms.lookup(known, Kind::Author, &a.slug) {
                bylines.push(Membership { article_id: id.clone(), term_id, position });
            }
        }
        for (t, position) in tags.iter().zip(0..) {
            if let Some(term_id) = terms.lookup(known, Kind::Tag, &t.slug) {
                tagged.push(Membership { article_id: id.clone(), term_id, position });
            }
        }
        for (link, position) in related.into_iter().zip(0..) {
            match link {
                PendingLink::External { url, title, source_name } => links.push(ImportedLink {
                    article_id: id.clone(),
                    position,
                    target_article_id: None,
                    url: Some(url),
                    title,
                    source_name,
                }),
                PendingLink::Article { slug } => match targets.get(&slug) {
                    Some(target) => links.push(article_link(&id, position, target)),
                    None => outcome.deferred.push(Deferred { line, article_id: id.clone(), position, slug }),
                },
            }
        }
        // Microseconds apart, so the export lists them in the order given.
        for (slug, offset) in previous_slugs.into_iter().zip(0..) {
            let created_at = at + chrono::TimeDelta::microseconds(offset);
            history.push(ImportedSlug { slug, article_id: id.clone(), created_at });
        }
        rows.push(article);
    }
    finish_links(conn, present, &targets, &mut links, &mut outcome.deferred)?;
    store::insert_articles(conn, &rows)?;
    store::insert_authors(conn, &bylines)?;
    store::insert_tags(conn, &tagged)?;
    store::insert_links(conn, &links)?;
    store::insert_slug_history(conn, &history)?;
    outcome.imported = rows.len() as u64;
    outcome.terms = terms;
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
        return Ok(tx.nothing_to_record(outcome));
    };
    let detail = serde_json::json!({"count": rows.len(), "first_slug": first.slug, "last_slug": last.slug});
    tx.record(&Actor::system("import"), Change::ArticlesImported { detail }, outcome)
}

pub(super) fn article_link(article_id: &str, position: i32, target: &str) -> ImportedLink {
    ImportedLink {
        article_id: article_id.to_owned(),
        position,
        target_article_id: Some(target.to_owned()),
        url: None,
        title: None,
        source_name: None,
    }
}

/// Sorts each line into import, already present or rejected, checking slugs against the
/// database and the rest of the batch.
fn decide(conn: &mut DbConn, batch: Vec<Result<PreparedArticle, LineError>>) -> Result<Vec<Decision>, StoreError> {
    let mut claimed_slugs = Vec::new();
    for p in batch.iter().flatten() {
        claimed_slugs.push(p.article.slug.clone());
        claimed_slugs.extend(p.previous_slugs.iter().cloned());
    }
    let existing = store::article_ids_by_slug(conn, &claimed_slugs)?;
    let redirects = store::redirect_owners(conn, &claimed_slugs)?;
    let mut current: HashSet<String> = HashSet::new();
    let mut former: HashSet<String> = HashSet::new();
    let mut decisions = Vec::with_capacity(batch.len());
    for item in batch {
        let p = match item {
            Ok(p) => p,
            Err(error) => {
                decisions.push(Decision::Reject(error));
                continue;
            }
        };
        let slug = &p.article.slug;
        if let Some(id) = existing.get(slug) {
            decisions.push(Decision::Present(Some(id.clone()), Box::new(p)));
            continue;
        }
        if current.contains(slug) {
            decisions.push(Decision::Present(None, Box::new(p)));
            continue;
        }
        if redirects.contains_key(slug) || former.contains(slug) {
            let error = LineError::new(p.line, "slug", "is taken: it still redirects to another article");
            decisions.push(Decision::Reject(error));
            continue;
        }
        let taken = p.previous_slugs.iter().position(|s| {
            existing.contains_key(s) || redirects.contains_key(s) || current.contains(s) || former.contains(s)
        });
        if let Some(i) = taken {
            let error = LineError::new(p.line, format!("previous_slugs[{i}]"), "is taken by another article");
            decisions.push(Decision::Reject(error));
            continue;
        }
        current.insert(slug.clone());
        former.extend(p.previous_slugs.iter().cloned());
        decisions.push(Decision::Import(Box::new(p)));
    }
    Ok(decisions)
}

#[derive(Clone, Copy)]
enum Kind {
    Author,
    Tag,
    Section,
    Source,
}

impl TermIds {
    fn map(&self, kind: Kind) -> &HashMap<String, String> {
        match kind {
            Kind::Author => &self.authors,
            Kind::Tag => &self.tags,
            Kind::Section => &self.sections,
            Kind::Source => &self.sources,
        }
    }

    /// The id of `slug`, from this batch's terms or those known before it.
    fn lookup(&self, known: &TermIds, kind: Kind, slug: &str) -> Option<String> {
        self.map(kind).get(slug).or_else(|| known.map(kind).get(slug)).cloned()
    }
}

/// Finds or creates every term the batch's articles name; an existing term is left as it is.
fn upsert_terms(conn: &mut DbConn, articles: &[PreparedArticle], known: &TermIds) -> Result<TermIds, StoreError> {
    let mut new_authors = HashMap::new();
    let mut new_tags = HashMap::new();
    let mut new_sections = HashMap::new();
    let mut new_sources = HashMap::new();
    for p in articles {
        for a in &p.authors {
            if !known.authors.contains_key(&a.slug) {
                new_authors.entry(a.slug.clone()).or_insert(a);
            }
        }
        for t in &p.tags {
            if !known.tags.contains_key(&t.slug) {
                new_tags.entry(t.slug.clone()).or_insert(t);
            }
        }
        if let Some(s) = p.section.as_ref().filter(|s| !known.sections.contains_key(&s.slug)) {
            new_sections.entry(s.slug.clone()).or_insert(s);
        }
        if let Some(s) = p.source.as_ref().filter(|s| !known.sources.contains_key(&s.slug)) {
            new_sources.entry(s.slug.clone()).or_insert(s);
        }
    }
    macro_rules! upsert {
        ($store:ident, $wanted:expr) => {{
            let slugs: Vec<String> = $wanted.keys().cloned().collect();
            let mut ids = $store::ids_by_slug(conn, &slugs)?;
            for (slug, new) in $wanted {
                if !ids.contains_key(&slug) {
                    let row = $store::insert(conn, new)?;
                    ids.insert(slug, row.id);
                }
            }
            ids
        }};
    }
    Ok(TermIds {
        authors: upsert!(authors, new_authors),
        tags: upsert!(tags, new_tags),
        sections: upsert!(sections, new_sections),
        sources: upsert!(sources, new_sources),
    })
}

/// Ids of the articles that the batch's related links name, from this batch or the database.
fn link_targets(
    conn: &mut DbConn,
    imported: &[PreparedArticle],
    present: &[(String, PreparedArticle)],
) -> Result<HashMap<String, String>, StoreError> {
    let mut targets: HashMap<String, String> =
        imported.iter().map(|p| (p.article.slug.clone(), p.article.id.clone())).collect();
    let wanted: Vec<String> = imported
        .iter()
        .chain(present.iter().map(|(_, p)| p))
        .flat_map(|p| p.related.iter())
        .filter_map(|l| match l {
            PendingLink::Article { slug } if !targets.contains_key(slug) => Some(slug.clone()),
            _ => None,
        })
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    targets.extend(store::article_ids_by_slug(conn, &wanted)?);
    Ok(targets)
}

/// An article already present may miss links to articles that an interrupted run had not reached:
/// add those whose place in its list is still free.
fn finish_links(
    conn: &mut DbConn,
    present: Vec<(String, PreparedArticle)>,
    targets: &HashMap<String, String>,
    links: &mut Vec<ImportedLink>,
    deferred: &mut Vec<Deferred>,
) -> Result<(), StoreError> {
    let linking: Vec<(String, PreparedArticle)> = present
        .into_iter()
        .filter(|(_, p)| p.related.iter().any(|l| matches!(l, PendingLink::Article { .. })))
        .collect();
    if linking.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = linking.iter().map(|(id, _)| id.clone()).collect();
    let taken = store::link_positions(conn, &ids)?;
    for (id, p) in linking {
        for (link, position) in p.related.into_iter().zip(0..) {
            let PendingLink::Article { slug } = link else { continue };
            if taken.contains(&(id.clone(), position)) {
                continue;
            }
            match targets.get(&slug) {
                Some(target) if *target != id => links.push(article_link(&id, position, target)),
                Some(_) => {}
                None => deferred.push(Deferred { line: p.line, article_id: id.clone(), position, slug }),
            }
        }
    }
    Ok(())
}

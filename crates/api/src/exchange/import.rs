//! The import pipeline: validate and render on every core, write in batched transactions.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::mpsc::sync_channel;
use std::time::{Duration, Instant};

use newsdesk_domain::exchange::ArticleRecord;
use newsdesk_persistence::exchange::{self as store, ImportedLink, ImportedSlug, Membership};
use newsdesk_persistence::{authors, new_id, now, sections, sources, tags, Database, DbConn, StoreError};
use rayon::prelude::*;

use super::progress::{Counts, ProgressSink};
use super::validate::{prepare, PendingLink, PreparedArticle};
use super::LineError;
use newsdesk_newsroom::cache_tag::NO_ORIGIN;
use newsdesk_newsroom::tx::{self, Recorded, Tx};
use newsdesk_newsroom::{Actor, Change};

/// What to do with a line that cannot be imported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum OnError {
    /// Stop at the bad line: earlier lines are kept, nothing of it or after it is written.
    #[default]
    Stop,
    /// Report the line, leave it out, and go on.
    Skip,
}

#[derive(Debug, Clone, Copy)]
pub struct ImportOptions {
    pub on_error: OnError,
    /// Articles per transaction.
    pub batch_size: usize,
}

impl Default for ImportOptions {
    fn default() -> Self {
        Self { on_error: OnError::Stop, batch_size: 1_000 }
    }
}

/// How many skipped lines and dropped links a summary lists by name (all are counted).
const LISTED: usize = 1_000;

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportSummary {
    pub counts: Counts,
    /// The first skipped lines, with why.
    pub skipped: Vec<LineError>,
    /// Related links left out because no article had the slug by the end of the input.
    pub links_left_out: u64,
    /// The line that stopped the run (`--on-error stop`).
    pub stopped_at: Option<LineError>,
    pub elapsed: Duration,
}

impl ImportSummary {
    /// Lines handled per second (imported, already present or skipped).
    pub fn rate(&self) -> f64 {
        self.counts.done() as f64 / self.elapsed.as_secs_f64().max(0.001)
    }
}

impl fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.counts;
        writeln!(f, "imported: {}", c.imported)?;
        writeln!(f, "already present: {}", c.already_present)?;
        writeln!(f, "skipped: {}", c.skipped)?;
        for error in &self.skipped {
            writeln!(f, "  {error}")?;
        }
        if self.links_left_out > 0 {
            writeln!(f, "related links left out: {}", self.links_left_out)?;
        }
        if let Some(error) = &self.stopped_at {
            writeln!(f, "stopped at {error}")?;
        }
        write!(f, "elapsed: {:.1}s ({:.0} articles/s)", self.elapsed.as_secs_f64(), self.rate())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("database: {0}")]
    Store(#[from] StoreError),
}

/// A link whose target was not there yet when its article was written.
#[derive(Debug)]
struct Deferred {
    line: u64,
    article_id: String,
    position: i32,
    slug: String,
}

/// Imports `records` (each with its 1-based input line number, or the reason it could not be
/// read) into `db`.
///
/// Records are validated with the HTTP API's rules and their bodies rendered on a worker pool,
/// then written `opts.batch_size` at a time, one transaction per batch with multi-row inserts.
/// Authors, tags, sections and sources are created by slug when missing (existing ones are kept
/// as they are). An article whose slug already exists counts as already present and is left
/// alone, so rerunning an interrupted import finishes it. Related links to slugs not yet
/// imported are written at the end. Each batch leaves one `article.import` audit entry.
///
/// A bad line is reported through `progress` and skipped, or ends the run with everything
/// before it kept, as `opts.on_error` says; either way nothing of it is written. A database
/// error ends the run with the failed batch rolled back.
pub fn import_records<I>(
    db: &Database,
    records: I,
    opts: &ImportOptions,
    progress: &dyn ProgressSink,
) -> Result<ImportSummary, ImportError>
where
    I: Iterator<Item = (u64, Result<ArticleRecord, LineError>)> + Send,
{
    let started = Instant::now();
    let batch_size = opts.batch_size.clamp(1, 100_000);
    tune_for_bulk(db)?;
    let mut run = Run {
        opts: *opts,
        progress,
        summary: ImportSummary::default(),
        terms: TermIds::default(),
        deferred: Vec::new(),
    };
    let written: Result<(), ImportError> = std::thread::scope(|scope| {
        // Two batches in flight: one being prepared while the other is written.
        let (tx, rx) = sync_channel::<Vec<Result<PreparedArticle, LineError>>>(1);
        scope.spawn(move || {
            let mut records = records;
            loop {
                let batch: Vec<_> = records.by_ref().take(batch_size).collect();
                if batch.is_empty() {
                    break;
                }
                let prepared =
                    batch.into_par_iter().map(|(line, record)| record.and_then(|r| prepare(line, r))).collect();
                if tx.send(prepared).is_err() {
                    break;
                }
            }
        });
        for batch in rx {
            if !run.write_batch(db, batch)? {
                break;
            }
        }
        Ok(())
    });
    written?;
    run.write_deferred(db)?;
    // Fresh statistics, so the planner picks the selective indexes on the grown tables.
    if let Err(error) = db.refresh_statistics() {
        tracing::warn!(%error, "could not refresh the planner's statistics after the import");
    }
    run.summary.elapsed = started.elapsed();
    progress.finish(&run.summary.counts);
    Ok(run.summary)
}

/// A bigger page cache for the import's connection (the CLI opens a pool of one).
fn tune_for_bulk(db: &Database) -> Result<(), ImportError> {
    Ok(db.read(store::tune_for_bulk)?)
}

/// Term ids by slug, for terms known to exist.
#[derive(Default)]
struct TermIds {
    authors: HashMap<String, String>,
    tags: HashMap<String, String>,
    sections: HashMap<String, String>,
    sources: HashMap<String, String>,
}

struct Run<'a> {
    opts: ImportOptions,
    progress: &'a dyn ProgressSink,
    summary: ImportSummary,
    terms: TermIds,
    deferred: Vec<Deferred>,
}

impl Run<'_> {
    /// Writes one batch; false when the run must stop.
    fn write_batch(
        &mut self,
        db: &Database,
        batch: Vec<Result<PreparedArticle, LineError>>,
    ) -> Result<bool, ImportError> {
        let on_error = self.opts.on_error;
        let terms = &self.terms;
        let (outcome, _) = tx::write(db, NO_ORIGIN, |tx| write_batch(tx, batch, terms, on_error))?;
        self.terms.authors.extend(outcome.terms.authors);
        self.terms.tags.extend(outcome.terms.tags);
        self.terms.sections.extend(outcome.terms.sections);
        self.terms.sources.extend(outcome.terms.sources);
        self.deferred.extend(outcome.deferred);
        let counts = &mut self.summary.counts;
        counts.imported += outcome.imported;
        counts.already_present += outcome.already_present;
        counts.skipped += outcome.skipped.len() as u64;
        for error in outcome.skipped {
            self.progress.warn("skipped", &error);
            if self.summary.skipped.len() < LISTED {
                self.summary.skipped.push(error);
            }
        }
        self.progress.batch_done(&self.summary.counts);
        if let Some(error) = outcome.stop {
            self.summary.stopped_at = Some(error);
            return Ok(false);
        }
        Ok(true)
    }

    /// Writes the links whose targets came later in the input; reports those that never came.
    fn write_deferred(&mut self, db: &Database) -> Result<(), ImportError> {
        let deferred = std::mem::take(&mut self.deferred);
        for chunk in deferred.chunks(5_000) {
            let (left_out, _) = tx::write(db, NO_ORIGIN, |tx| {
                let conn = tx.conn();
                let slugs: Vec<String> = chunk.iter().map(|d| d.slug.clone()).collect();
                let ids = store::article_ids_by_slug(conn, &slugs)?;
                let mut links = Vec::new();
                let mut left_out = Vec::new();
                for d in chunk {
                    match ids.get(&d.slug) {
                        Some(id) => links.push(article_link(&d.article_id, d.position, id)),
                        None => left_out.push(d),
                    }
                }
                store::insert_links(conn, &links)?;
                if links.is_empty() {
                    return Ok(tx.nothing_to_record(left_out));
                }
                let detail = serde_json::json!({"related_links": links.len()});
                tx.record(&Actor::system("import"), Change::ArticlesImported { detail }, left_out)
            })?;
            for d in left_out {
                let error = LineError::new(
                    d.line,
                    format!("related[{}].article", d.position),
                    format!("no article with slug `{}`", d.slug),
                );
                self.progress.warn("related link left out", &error);
                self.summary.links_left_out += 1;
            }
        }
        Ok(())
    }
}

/// What one committed batch did.
#[derive(Default)]
struct BatchOutcome {
    imported: u64,
    already_present: u64,
    skipped: Vec<LineError>,
    stop: Option<LineError>,
    deferred: Vec<Deferred>,
    /// Terms looked up or created in this batch.
    terms: TermIds,
}

/// What becomes of one line of the batch.
enum Decision {
    Import(Box<PreparedArticle>),
    /// Already in the database under this id (its links may need finishing), or earlier in the input.
    Present(Option<String>, Box<PreparedArticle>),
    Reject(LineError),
}

fn write_batch(
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

fn article_link(article_id: &str, position: i32, target: &str) -> ImportedLink {
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

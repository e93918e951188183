//! The import pipeline: validate and render on every core, write in batched transactions.

use std::fmt;
use std::sync::mpsc::sync_channel;
use std::time::{Duration, Instant};

use newsdesk_domain::exchange::ArticleRecord;
use newsdesk_persistence::exchange::{self as store};
use newsdesk_persistence::{Database, StoreError};
use rayon::prelude::*;

use super::progress::{Counts, ProgressSink};
use super::validate::{prepare, PreparedArticle};
use super::LineError;
use batch::{article_link, write_batch, TermIds};

mod batch;
use newsdesk_newsroom::cache_tag::NO_ORIGIN;
use newsdesk_newsroom::tx::{self};
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

//! `newsdesk import --from ghost|wordpress FILE`: convert the whole export, then feed the
//! records to the NDJSON import pipeline, which batches, reports progress and resumes.

use std::fmt::Write as _;
use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::{bail, Context};

use super::{open, ImportArgs};
use crate::import::{import_records, ImportOptions, ImportSummary};
use crate::importers::{convert_bytes, convert_file, Converted, Foreign, Notice};
use crate::progress::{Counts, ProgressSink, StderrProgress};
use crate::LineError;

/// Converts the export named by `args.file` and imports it. A malformed export is refused
/// before the database is opened, so nothing of it is written.
pub fn run(args: &ImportArgs, format: Foreign) -> anyhow::Result<()> {
    let converted = if args.file == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).context("reading stdin")?;
        convert_bytes(format, &bytes, "stdin")?
    } else {
        convert_file(format, std::path::Path::new(&args.file))?
    };
    let db = open(&args.database_url)?;
    let slugs: Vec<String> = converted.records.iter().map(|r| r.slug.clone()).collect();
    let done = Arc::new(AtomicU64::new(0));
    // The bar counts converted articles handed to the pipeline.
    let progress = Named { inner: StderrProgress::new(Arc::clone(&done), Some(slugs.len() as u64)), slugs: &slugs };
    let opts = ImportOptions { on_error: args.on_error, batch_size: args.batch_size as usize };
    let Converted { records, skipped, adjusted } = converted;
    let records = records.into_iter().zip(1u64..).map(move |(record, n)| {
        done.fetch_add(1, Ordering::Relaxed);
        (n, Ok(record))
    });
    let summary = import_records(&db, records, &opts, &progress)?;
    print!("{}", report(format, &skipped, &adjusted, &summary, &slugs));
    if let Some(error) = &summary.stopped_at {
        bail!(
            "import stopped at {} (rerun to resume once it is fixed, or use --on-error skip)",
            describe(error, &slugs)
        );
    }
    Ok(())
}

/// The pipeline's progress, with each warning naming the article by slug as well as by its
/// number (the pipeline's "line").
struct Named<'a> {
    inner: StderrProgress,
    slugs: &'a [String],
}

impl ProgressSink for Named<'_> {
    fn batch_done(&self, counts: &Counts) {
        self.inner.batch_done(counts);
    }

    fn warn(&self, what: &str, error: &LineError) {
        let slug = slug_at(self.slugs, error.line);
        self.inner.warn(&format!("{what} article `{slug}`"), error);
    }

    fn finish(&self, counts: &Counts) {
        self.inner.finish(counts);
    }
}

fn slug_at(slugs: &[String], line: u64) -> &str {
    usize::try_from(line).ok().and_then(|n| slugs.get(n.checked_sub(1)?)).map_or("", String::as_str)
}

fn describe(error: &LineError, slugs: &[String]) -> String {
    let slug = slug_at(slugs, error.line);
    let field = if error.field.is_empty() { String::new() } else { format!("{}: ", error.field) };
    format!("article `{slug}`: {field}{}", error.message)
}

/// The summary printed at the end: what the converter left out or changed, then what the
/// pipeline did, every item named by its slug.
fn report(
    format: Foreign,
    skipped: &[Notice],
    adjusted: &[Notice],
    summary: &ImportSummary,
    slugs: &[String],
) -> String {
    let mut out = String::new();
    let source = match format {
        Foreign::Ghost => "Ghost export",
        Foreign::Wordpress => "WordPress export",
    };
    let _ = writeln!(out, "converted from the {source}: {}", slugs.len());
    let _ = writeln!(out, "left out of the export: {}", skipped.len());
    for n in skipped {
        let _ = writeln!(out, "  {}: {}", n.item, n.reason);
    }
    let _ = writeln!(out, "changed on the way: {}", adjusted.len());
    for n in adjusted {
        let _ = writeln!(out, "  {}: {}", n.item, n.reason);
    }
    let c = &summary.counts;
    let _ = writeln!(out, "imported: {}", c.imported);
    let _ = writeln!(out, "already present: {}", c.already_present);
    let _ = writeln!(out, "skipped: {}", c.skipped);
    for error in &summary.skipped {
        let _ = writeln!(out, "  {}", describe(error, slugs));
    }
    let _ = writeln!(out, "elapsed: {:.1}s", summary.elapsed.as_secs_f64());
    out
}

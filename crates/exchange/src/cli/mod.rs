//! `newsdesk import` and `newsdesk export`.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::time::Duration;

use anyhow::{bail, Context};
use newsdesk_persistence::{Database, DatabaseUrl};

use crate::export::{export, ExportStatus};
use crate::import::{import_records, ImportOptions, OnError};
use crate::progress::StderrProgress;
use crate::read::{records, CountingReader};

mod foreign;

/// The format of the file to import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportFormat {
    /// Newsdesk's own NDJSON, as `newsdesk export` writes it.
    #[default]
    Newsdesk,
    /// Ghost's JSON export (Settings → Advanced → Export content).
    Ghost,
    /// WordPress's WXR export (Tools → Export → All content).
    Wordpress,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The file to read, or `-` for stdin.
    pub file: String,
    /// The format of the file.
    #[arg(long, value_enum, default_value_t = ImportFormat::Newsdesk)]
    pub from: ImportFormat,
    /// What a bad line does: stop the run (keeping what came before) or be skipped.
    #[arg(long, value_enum, default_value_t = OnError::Stop)]
    pub on_error: OnError,
    /// Articles per transaction.
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub batch_size: u32,
    #[arg(long, env = "NEWSDESK_DATABASE_URL", default_value = "./data/newsdesk.db")]
    pub database_url: String,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Where to write, or `-` for stdout.
    #[arg(long, default_value = "-")]
    pub output: String,
    #[arg(long, value_enum, default_value_t = ExportStatus::All)]
    pub status: ExportStatus,
    #[arg(long, env = "NEWSDESK_DATABASE_URL", default_value = "./data/newsdesk.db")]
    pub database_url: String,
}

pub(crate) fn open(database_url: &str) -> anyhow::Result<Database> {
    // One connection: the import writes alone, and the export reads one page at a time.
    Database::open(&DatabaseUrl::parse(database_url), 1, Duration::from_secs(30))
        .map_err(|e| anyhow::anyhow!("--database-url: {e}"))
}

/// Runs an import and prints its summary; an error when a bad line stopped it.
pub fn run_import(args: ImportArgs) -> anyhow::Result<()> {
    let foreign = match args.from {
        ImportFormat::Newsdesk => None,
        ImportFormat::Ghost => Some(crate::importers::Foreign::Ghost),
        ImportFormat::Wordpress => Some(crate::importers::Foreign::Wordpress),
    };
    if let Some(format) = foreign {
        return foreign::run(&args, format);
    }
    let (input, total): (Box<dyn Read + Send>, Option<u64>) = if args.file == "-" {
        (Box::new(io::stdin()), None)
    } else {
        let file = File::open(&args.file).with_context(|| format!("opening {}", args.file))?;
        let size = file.metadata().ok().map(|m| m.len());
        (Box::new(file), size)
    };
    let db = open(&args.database_url)?;
    let (input, bytes_read) = CountingReader::new(input);
    let progress = StderrProgress::new(bytes_read, total);
    let opts = ImportOptions { on_error: args.on_error, batch_size: args.batch_size as usize };
    let lines = records(BufReader::with_capacity(1 << 20, input));
    let summary = import_records(&db, lines, &opts, &progress)?;
    println!("{summary}");
    if let Some(error) = &summary.stopped_at {
        bail!("import stopped at {error} (rerun to resume once it is fixed, or use --on-error skip)");
    }
    Ok(())
}

/// Writes the export to the chosen output.
pub fn run_export(args: ExportArgs) -> anyhow::Result<()> {
    let db = open(&args.database_url)?;
    let out: Box<dyn Write> = if args.output == "-" {
        Box::new(io::stdout().lock())
    } else {
        Box::new(File::create(&args.output).with_context(|| format!("creating {}", args.output))?)
    };
    let mut out = BufWriter::with_capacity(1 << 20, out);
    let count = export(&db, args.status, &mut out)?;
    out.flush()?;
    eprintln!("exported {count} articles");
    Ok(())
}

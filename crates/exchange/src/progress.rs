//! Telling the user how an import is going: a progress bar on a terminal, plain lines otherwise.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::LineError;

/// Running totals of an import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub imported: u64,
    pub already_present: u64,
    pub skipped: u64,
}

impl Counts {
    pub fn done(&self) -> u64 {
        self.imported + self.already_present + self.skipped
    }
}

/// Receives progress from the import pipeline. Called from the writing thread only.
pub trait ProgressSink: Sync {
    /// After each batch is committed.
    fn batch_done(&self, counts: &Counts);
    /// Something was left out: a skipped line (`--on-error skip`) or a link whose target never came.
    fn warn(&self, what: &str, error: &LineError);
    /// The run is over (successfully or not).
    fn finish(&self, counts: &Counts);
}

/// Says nothing; for callers that report on their own.
pub struct Silent;

impl ProgressSink for Silent {
    fn batch_done(&self, _: &Counts) {}
    fn warn(&self, _: &str, _: &LineError) {}
    fn finish(&self, _: &Counts) {}
}

/// Progress on stderr: an indicatif bar over the input's bytes on a terminal, otherwise a
/// line every two seconds such as `imported 120000 (24100/s), 12% of the input`.
pub struct StderrProgress {
    started: Instant,
    bytes_read: Arc<AtomicU64>,
    total_bytes: Option<u64>,
    bar: Option<ProgressBar>,
    last_line: Mutex<Instant>,
}

const LINE_EVERY: Duration = Duration::from_secs(2);

impl StderrProgress {
    /// `bytes_read` counts the input consumed so far; `total_bytes` is its size when known.
    pub fn new(bytes_read: Arc<AtomicU64>, total_bytes: Option<u64>) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = match total_bytes {
                Some(total) => ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr()),
                None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
            };
            let template = if total_bytes.is_some() {
                "{elapsed_precise} [{wide_bar}] {percent}% ETA {eta} {msg}"
            } else {
                "{elapsed_precise} {spinner} {msg}"
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Self { started: Instant::now(), bytes_read, total_bytes, bar, last_line: Mutex::new(Instant::now()) }
    }

    fn rate(&self, counts: &Counts) -> u64 {
        let secs = self.started.elapsed().as_secs_f64().max(0.001);
        (counts.done() as f64 / secs) as u64
    }

    fn share(&self) -> String {
        match self.total_bytes {
            Some(total) if total > 0 => {
                let read = self.bytes_read.load(Ordering::Relaxed).min(total);
                format!(", {}% of the input", read * 100 / total)
            }
            _ => String::new(),
        }
    }
}

impl ProgressSink for StderrProgress {
    fn batch_done(&self, counts: &Counts) {
        let rate = self.rate(counts);
        let message = format!(
            "imported {} (already present {}, skipped {}) {rate}/s",
            counts.imported, counts.already_present, counts.skipped
        );
        if let Some(bar) = &self.bar {
            bar.set_position(self.bytes_read.load(Ordering::Relaxed));
            bar.set_message(message);
            return;
        }
        let mut last = self.last_line.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if last.elapsed() >= LINE_EVERY {
            *last = Instant::now();
            eprintln!("imported {} ({rate}/s){}", counts.imported, self.share());
        }
    }

    fn warn(&self, what: &str, error: &LineError) {
        match &self.bar {
            Some(bar) => bar.println(format!("{what}: {error}")),
            None => eprintln!("{what}: {error}"),
        }
    }

    fn finish(&self, _counts: &Counts) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

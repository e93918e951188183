//! The soak's report: a row per sample (RSS, rates and p99 by kind), the totals, and the verdict.

use std::fmt::Write;
use std::time::Duration;

use crate::stats::{Errors, Figures, KINDS};

/// One 10-second sample.
pub struct Sample {
    /// Since the load started.
    pub at: Duration,
    pub rss_kib: u64,
    /// The weight of the server's response cache and the memory it has allocated (its
    /// `/metrics`), KiB.
    pub cache_kib: u64,
    pub allocated_kib: u64,
    pub figures: [Figures; 4],
    /// Errors so far.
    pub errors: usize,
    /// Webhook deliveries received so far.
    pub webhooks: u64,
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// A table row for `sample`.
pub fn row(sample: &Sample, every: Duration) -> String {
    let mut row = format!(
        "| {:>4} | {:>6.1} | {:>6.1} | {:>6.1} |",
        sample.at.as_secs(),
        mib(sample.rss_kib),
        mib(sample.allocated_kib),
        mib(sample.cache_kib)
    );
    for figures in sample.figures {
        let rate = figures.count as f64 / every.as_secs_f64();
        let _ = write!(row, " {rate:>7.0} | {:>6.1} |", figures.p99_ms);
    }
    let _ = write!(row, " {:>6} | {:>6} |", sample.webhooks, sample.errors);
    row
}

fn header() -> String {
    let mut header = "| t (s) | RSS (MiB) | allocated (MiB) | cache (MiB) |".to_owned();
    let mut rule = "|--:|--:|--:|--:|".to_owned();
    for kind in KINDS {
        let _ = write!(header, " {0}/s | {0} p99 (ms) |", kind.name());
        rule.push_str("--:|--:|");
    }
    header.push_str(" webhooks | errors |");
    rule.push_str("--:|--:|");
    format!("{header}\n{rule}")
}

pub struct Report {
    pub duration: Duration,
    pub warmup: Duration,
    pub sample_every: Duration,
    pub rss_at_start: u64,
    pub samples: Vec<Sample>,
    pub overall: [Figures; 4],
    pub errors: Errors,
    pub examples: Vec<String>,
    pub cycles: u64,
    pub webhooks_delivered: u64,
    pub published: usize,
    pub published_hooked: usize,
    pub max_rss_growth: f64,
    pub server_exited: Option<String>,
    pub log_problems: usize,
    pub settings: Vec<(String, String)>,
    /// The most published articles the run kept (0: no limit).
    pub archive: usize,
}

impl Report {
    /// RSS after the warm-up, KiB: its level then (the median of its first minute), its highest
    /// level later (the median of any minute), and its highest sample. Levels, not samples,
    /// decide growth: jemalloc gives freed pages back a second after a burst, so one sample
    /// swings by about 5% either way while the level stays put.
    fn rss_after_warmup(&self) -> Option<(u64, u64, u64)> {
        let after: Vec<u64> = self.samples.iter().filter(|s| s.at >= self.warmup).map(|s| s.rss_kib).collect();
        let minute = (after.len() / 2).clamp(1, 6);
        let median = |window: &[u64]| {
            let mut sorted = window.to_vec();
            sorted.sort_unstable();
            sorted[sorted.len() / 2]
        };
        let then = median(after.get(..minute)?);
        let highest = after.windows(minute).map(median).max()?;
        Some((then, highest, *after.iter().max()?))
    }

    fn growth(&self) -> Option<f64> {
        let (then, highest, _) = self.rss_after_warmup()?;
        (then > 0).then(|| (highest as f64 - then as f64) * 100.0 / then as f64)
    }

    /// Why the run failed; empty if it passed.
    pub fn failures(&self) -> Vec<String> {
        let mut failures = Vec::new();
        if self.errors.total() > 0 {
            let Errors { server, socket, unexpected } = self.errors;
            failures.push(format!(
                "{server} 5xx, {socket} socket errors or timeouts, {unexpected} other unexpected statuses"
            ));
        }
        match self.growth() {
            Some(growth) if growth > self.max_rss_growth => failures
                .push(format!("RSS grew {growth:.1}% after the warm-up (at most {}% allowed)", self.max_rss_growth)),
            Some(_) => {}
            None => failures.push("no RSS sample after the warm-up: run longer than the warm-up".to_owned()),
        }
        if self.published_hooked < self.published {
            failures.push(format!(
                "{} of {} published articles had no article.published webhook a minute after the load",
                self.published - self.published_hooked,
                self.published
            ));
        }
        if let Some(status) = &self.server_exited {
            failures.push(format!("the server exited during the soak ({status})"));
        }
        failures
    }

    pub fn passed(&self) -> bool {
        self.failures().is_empty()
    }

    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let settings = if self.settings.is_empty() {
            "default settings".to_owned()
        } else {
            let changed: Vec<String> = self.settings.iter().map(|(n, v)| format!("{n}={v}")).collect();
            format!("default settings except {}", changed.join(", "))
        };
        let archive = match self.archive {
            0 => "an archive that grows all along".to_owned(),
            most => format!("the archive held at {most} published articles"),
        };
        let _ = writeln!(
            out,
            "## Soak: {} s on SQLite, {settings}; warm-up {} s; {archive}\n",
            self.duration.as_secs(),
            self.warmup.as_secs()
        );
        let _ = writeln!(out, "{}", header());
        for sample in &self.samples {
            let _ = writeln!(out, "{}", row(sample, self.sample_every));
        }
        let _ = writeln!(out);
        let seconds = self.samples.last().map_or(1.0, |s| s.at.as_secs_f64()).max(1.0);
        for (kind, figures) in KINDS.iter().zip(self.overall) {
            let _ = writeln!(
                out,
                "- {}: {} ({:.0}/s), p50 {:.2} ms, p99 {:.1} ms, max {:.0} ms",
                kind.name(),
                figures.count,
                figures.count as f64 / seconds,
                figures.p50_ms,
                figures.p99_ms,
                figures.max_ms
            );
        }
        let _ = writeln!(out, "- create-publish-edit cycles: {}", self.cycles);
        let _ = writeln!(
            out,
            "- webhooks: {} deliveries received; {} of {} published articles' `article.published` arrived",
            self.webhooks_delivered, self.published_hooked, self.published
        );
        let _ = writeln!(
            out,
            "- errors: {} (5xx {}, socket {}, other {}); server log warnings and errors: {}",
            self.errors.total(),
            self.errors.server,
            self.errors.socket,
            self.errors.unexpected,
            self.log_problems
        );
        if let Some((then, highest, peak)) = self.rss_after_warmup() {
            let last = self.samples.last().map_or(0, |s| s.rss_kib);
            let _ = writeln!(
                out,
                "- RSS: {:.1} MiB before the load; after the warm-up a level of {:.1} MiB (the median of a minute), \
                 at most {:.1} MiB later ({:+.1}%); highest sample {:.1} MiB, {:.1} MiB at the end",
                mib(self.rss_at_start),
                mib(then),
                mib(highest),
                self.growth().unwrap_or_default(),
                mib(peak),
                mib(last)
            );
        }
        for example in &self.examples {
            let _ = writeln!(out, "  - {example}");
        }
        let failures = self.failures();
        if failures.is_empty() {
            let _ = writeln!(out, "\n**PASS**");
        } else {
            let _ = writeln!(out, "\n**FAIL**: {}", failures.join("; "));
        }
        out
    }
}

//! What the soak counts: each request's latency by kind, per interval and over the run, and
//! every error (a 5xx, a socket error or timeout, any status the request did not expect).

use std::cell::RefCell;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Read,
    Beacon,
    Write,
    Login,
}

pub const KINDS: [Kind; 4] = [Kind::Read, Kind::Beacon, Kind::Write, Kind::Login];

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Read => "reads",
            Kind::Beacon => "beacons",
            Kind::Write => "writes",
            Kind::Login => "logins",
        }
    }
}

#[derive(Default)]
struct Latencies {
    /// Microseconds, this interval.
    interval: Vec<u32>,
    /// Microseconds, the whole run.
    all: Vec<u32>,
}

/// One interval's figures for one kind.
#[derive(Debug, Clone, Copy, Default)]
pub struct Figures {
    pub count: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

fn figures(latencies: &mut [u32]) -> Figures {
    if latencies.is_empty() {
        return Figures::default();
    }
    latencies.sort_unstable();
    let at = |q: f64| {
        let index = ((latencies.len() as f64 * q).ceil() as usize).clamp(1, latencies.len()) - 1;
        f64::from(latencies[index]) / 1000.0
    };
    Figures { count: latencies.len(), p50_ms: at(0.50), p99_ms: at(0.99), max_ms: at(1.0) }
}

#[derive(Default)]
struct Inner {
    latencies: [Latencies; 4],
    server_errors: usize,
    socket_errors: usize,
    unexpected: usize,
    /// The first few errors, to show what went wrong.
    examples: Vec<String>,
}

/// The counts, shared by the load's tasks (all on one thread).
#[derive(Default)]
pub struct Stats(RefCell<Inner>);

/// Errors by cause.
#[derive(Debug, Clone, Copy, Default)]
pub struct Errors {
    pub server: usize,
    pub socket: usize,
    pub unexpected: usize,
}

impl Errors {
    pub fn total(self) -> usize {
        self.server + self.socket + self.unexpected
    }
}

const EXAMPLES: usize = 20;

impl Stats {
    pub fn answered(&self, kind: Kind, took: Duration) {
        let micros = u32::try_from(took.as_micros()).unwrap_or(u32::MAX);
        let mut inner = self.0.borrow_mut();
        let latencies = &mut inner.latencies[kind as usize];
        latencies.interval.push(micros);
        latencies.all.push(micros);
    }

    /// A request that got `status` where it expected another.
    pub fn unexpected(&self, what: &str, status: u16, body: &str) {
        let mut inner = self.0.borrow_mut();
        if status >= 500 {
            inner.server_errors += 1;
        } else {
            inner.unexpected += 1;
        }
        if inner.examples.len() < EXAMPLES {
            let body: String = body.chars().take(300).collect();
            inner.examples.push(format!("{what}: {status} {body}"));
        }
    }

    /// A request that got no answer: a refused or reset connection, or a timeout.
    pub fn socket_error(&self, what: &str, error: &reqwest::Error) {
        let mut inner = self.0.borrow_mut();
        inner.socket_errors += 1;
        if inner.examples.len() < EXAMPLES {
            inner.examples.push(format!("{what}: {error}"));
        }
    }

    /// This interval's figures by kind, starting the next interval.
    pub fn interval(&self) -> [Figures; 4] {
        let mut inner = self.0.borrow_mut();
        KINDS.map(|kind| {
            let latencies = &mut inner.latencies[kind as usize];
            let figures = figures(&mut latencies.interval);
            latencies.interval.clear();
            figures
        })
    }

    /// The whole run's figures by kind.
    pub fn overall(&self) -> [Figures; 4] {
        let mut inner = self.0.borrow_mut();
        KINDS.map(|kind| figures(&mut inner.latencies[kind as usize].all))
    }

    pub fn errors(&self) -> Errors {
        let inner = self.0.borrow();
        Errors { server: inner.server_errors, socket: inner.socket_errors, unexpected: inner.unexpected }
    }

    pub fn examples(&self) -> Vec<String> {
        self.0.borrow().examples.clone()
    }
}

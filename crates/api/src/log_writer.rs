//! Where log lines go: stdout, through a bounded queue that a thread of its own drains, so a
//! worker answering a request never waits on a terminal, a pipe or a disk. The thread writes
//! through a buffer and flushes whenever the queue runs empty, so lines appear at once when
//! the server is quiet and go out in batches under load.
//!
//! When the queue is full (the reader of stdout has fallen [`QUEUED_LINES`] lines behind), a
//! new line is dropped and counted rather than making the worker wait: `/metrics` reports the
//! count as `newsdesk_log_lines_dropped_total`.

use std::io::BufWriter;
use std::sync::OnceLock;

use tracing_appender::non_blocking::{ErrorCounter, NonBlocking, NonBlockingBuilder, WorkerGuard};

/// Lines waiting to be written before new ones are dropped (about 20 MB at 150 bytes a line).
pub const QUEUED_LINES: usize = 128_000;

/// Bytes the writing thread gathers before a write to stdout.
const BUFFER_BYTES: usize = 64 * 1024;

static DROPPED: OnceLock<ErrorCounter> = OnceLock::new();

/// The writer for the log subscriber, and the guard that, when dropped, lets the thread write
/// what is queued (keep it until the program ends). tracing-appender waits a second for that:
/// lines still queued after it, in an overloaded server's last moments, are lost.
pub fn stdout() -> (NonBlocking, WorkerGuard) {
    let (writer, guard) = NonBlockingBuilder::default()
        .lossy(true)
        .buffered_lines_limit(QUEUED_LINES)
        .thread_name("newsdesk-log")
        .finish(BufWriter::with_capacity(BUFFER_BYTES, std::io::stdout()));
    let _ = DROPPED.set(writer.error_counter());
    (writer, guard)
}

/// Lines dropped so far because the queue was full (0 when logging does not go through here).
pub fn dropped_lines() -> u64 {
    DROPPED.get().map_or(0, |counter| counter.dropped_lines() as u64)
}

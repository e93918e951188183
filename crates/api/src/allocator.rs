//! The server's memory allocator: jemalloc, and what it holds (for `/metrics`).
//!
//! With glibc's malloc the server's RSS crept up under `make soak` for the whole ten minutes
//! (+52% after the warm-up) while the memory in use stayed near flat: glibc keeps freed chunks
//! in the middle of its heap (at the end of one run it held 136 MB for 70 MB in use), and gives
//! threads arenas of their own. jemalloc, which TiKV, Materialize and other long-running Rust
//! servers use, returns freed pages to the system a few seconds later from a background thread.
//! It replaces `malloc` for the whole process (`unprefixed_malloc_on_supported_platforms`), so
//! SQLite's page caches live in it too. The `newsdesk` binary declares it global (`main.rs`).

/// Bytes the program has allocated, and bytes the allocator holds resident for it.
#[cfg(all(target_os = "linux", not(target_env = "musl")))]
pub fn usage() -> Option<(u64, u64)> {
    use tikv_jemalloc_ctl::{epoch, stats};
    // The statistics are cached until the epoch moves.
    epoch::advance().ok()?;
    let allocated = stats::allocated::read().ok()?;
    let resident = stats::resident::read().ok()?;
    Some((allocated as u64, resident as u64))
}

/// Elsewhere the system's allocator serves, and it does not say.
#[cfg(not(all(target_os = "linux", not(target_env = "musl"))))]
pub fn usage() -> Option<(u64, u64)> {
    None
}

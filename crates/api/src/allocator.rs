//! The server's memory allocator: jemalloc, and what it holds (for `/metrics`).
//!
//! With glibc's malloc the server's RSS crept up under `make soak` for the whole ten minutes
//! (+52% after the warm-up) while the memory in use stayed near flat: glibc keeps freed chunks
//! in the middle of its heap (at the end of one run it held 136 MB for 70 MB in use), and gives
//! threads arenas of their own. jemalloc, which TiKV, Materialize and other long-running Rust
//! servers use, returns freed pages to the system a few seconds later from a background thread.
//! It replaces `malloc` for the whole process (`unprefixed_malloc_on_supported_platforms`), so
//! SQLite's page caches live in it too. The `newsdesk` binary declares it global (`main.rs`).

/// The options `.cargo/config.toml` builds jemalloc with (`JEMALLOC_SYS_WITH_MALLOC_CONF`).
pub const BUILT_WITH: &str = "dirty_decay_ms:1000,muzzy_decay_ms:0";

/// Warns when jemalloc was built without [`BUILT_WITH`] (cargo run from outside the workspace
/// does not read `.cargo/config.toml`): the server then holds freed memory ten times longer.
#[cfg(all(target_os = "linux", not(target_env = "musl")))]
pub fn warn_when_misconfigured() {
    match tikv_jemalloc_ctl::config::malloc_conf::read() {
        Ok(conf) if conf.contains(BUILT_WITH) => {}
        Ok(conf) => tracing::warn!(
            built_with = conf,
            expected = BUILT_WITH,
            "jemalloc was built without the project's options (build from the workspace directory, \
             which reads .cargo/config.toml); freed memory goes back to the system ten times later"
        ),
        Err(error) => tracing::warn!(%error, "could not read jemalloc's build options"),
    }
}

#[cfg(not(all(target_os = "linux", not(target_env = "musl"))))]
pub fn warn_when_misconfigured() {}

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

#[cfg(all(test, target_os = "linux", not(target_env = "musl")))]
mod tests {
    #[test]
    fn jemalloc_is_built_with_the_projects_options() {
        let conf = tikv_jemalloc_ctl::config::malloc_conf::read().unwrap_or_default();
        assert!(conf.contains(super::BUILT_WITH), "jemalloc built with {conf:?}: run cargo from the workspace");
    }
}

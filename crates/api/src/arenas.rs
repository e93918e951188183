//! glibc's malloc arenas, limited for the server.
//!
//! glibc gives the threads that allocate arenas of their own, up to eight per core, and an
//! arena keeps most of what it once held: memory freed on one database thread is not reused by
//! another. Under `make soak` (the same load each time, 150 s in) the server's RSS was 187 MiB
//! with glibc's default, 157 MiB with `MALLOC_ARENA_MAX=2` and 134 MiB with 1, while the memory
//! actually in use (heaptrack) stayed between 75 and 100 MiB. So `newsdesk serve` runs with one
//! arena unless the environment says otherwise: glibc reads `MALLOC_ARENA_MAX` only as a process
//! starts (changing it later takes `mallopt`, which is unsafe code), so the server sets it and
//! executes itself again, once, before it does anything else. Set `MALLOC_ARENA_MAX` yourself
//! to choose another number.

use std::ffi::OsString;

/// The variable glibc reads, and the value the server runs with when it is not set.
const VARIABLE: &str = "MALLOC_ARENA_MAX";
const ARENAS: &str = "1";

/// For `newsdesk serve` on glibc without `MALLOC_ARENA_MAX`: executes this program again with
/// it set. Returns only when there is nothing to do or the execution failed (then glibc's
/// default stays, and the server says so).
pub fn limit(args: &[OsString]) {
    let serving = args.get(1).is_some_and(|command| command == "serve");
    if !cfg!(all(target_os = "linux", target_env = "gnu")) || !serving || std::env::var_os(VARIABLE).is_some() {
        return;
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let Ok(program) = std::env::current_exe() else { return };
        let error = std::process::Command::new(program).args(&args[1..]).env(VARIABLE, ARENAS).exec();
        eprintln!("newsdesk: could not restart with {VARIABLE}={ARENAS} ({error}); glibc's default arenas stay");
    }
}

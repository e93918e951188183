//! Runs the real `newsdesk` binary.
//!
//! It is found beside this test executable's folder: tests run from `target/<profile>/deps/`,
//! and cargo puts the binary in `target/<profile>/newsdesk`. `cargo test -p newsdesk-tests`
//! alone does not build another package's binary, so `make test` runs
//! `cargo build --bin newsdesk` first; a missing binary fails the test with that advice.

use std::path::PathBuf;
use std::process::{Command, Output};

/// The path of the `newsdesk` binary built with these tests.
pub fn newsdesk_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("the test executable's path");
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).expect("tests run from target/<profile>/deps");
    let bin = profile_dir.join(format!("newsdesk{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.is_file(),
        "{} is missing: run `cargo build --bin newsdesk` before the tests (make test does)",
        bin.display()
    );
    bin
}

/// The binary with no `NEWSDESK_*` variables inherited, run in `dir`, so only what a test
/// sets counts.
pub fn newsdesk(dir: &std::path::Path) -> Command {
    let mut command = Command::new(newsdesk_bin());
    command.current_dir(dir);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("NEWSDESK_") {
            command.env_remove(name);
        }
    }
    command
}

/// Runs a command to completion on the blocking pool, so servers on this thread's runtime
/// keep answering meanwhile.
pub async fn run(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().expect("newsdesk runs")).await.expect("the command thread")
}

/// Stdout and stderr together, for assertions and failure messages.
pub fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

//! Running the real `newsdesk` binary against a test's database.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The `newsdesk` binary, built once per test run (the test binary does not depend on it, so
/// `cargo test` alone would not build it).
fn newsdesk() -> &'static PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        // This test binary lives in target/<profile>/deps; the newsdesk binary one level up.
        let exe = std::env::current_exe().expect("the test binary's path");
        let dir = exe.parent().and_then(|deps| deps.parent()).expect("target/<profile>");
        let mut build = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        build.args(["build", "--quiet", "-p", "newsdesk-api", "--bin", "newsdesk"]);
        if dir.file_name().is_some_and(|profile| profile == "release") {
            build.arg("--release");
        }
        assert!(build.status().expect("cargo runs").success(), "building the newsdesk binary failed");
        dir.join(format!("newsdesk{}", std::env::consts::EXE_SUFFIX))
    })
}

/// What a run of the binary printed, and how it ended.
#[derive(Debug)]
pub struct Run {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `newsdesk <args…>` with `NEWSDESK_DATABASE_URL` pointing at `database_url`.
pub async fn run(database_url: &str, args: &[&str]) -> Run {
    let mut command = Command::new(newsdesk());
    command.args(args).env("NEWSDESK_DATABASE_URL", database_url).env_remove("RUST_BACKTRACE");
    let Output { status, stdout, stderr } =
        actix_web::rt::task::spawn_blocking(move || command.output()).await.expect("joins").expect("newsdesk runs");
    Run {
        success: status.success(),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

//! Runs the real `newsdesk` binary, the one cargo built for these tests.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// The binary with no `NEWSDESK_*` variables inherited, run in `dir`, so only what a test
/// sets counts.
pub fn newsdesk(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_newsdesk"));
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
pub async fn run(command: Command) -> Output {
    run_with_input(command, "").await
}

/// Like [`run`], writing `input` to the command's standard input.
pub async fn run_with_input(mut command: Command, input: &str) -> Output {
    let input = input.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("newsdesk starts");
        child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("stdin is written");
        child.wait_with_output().expect("newsdesk finishes")
    })
    .await
    .expect("the command thread")
}

/// Stdout and stderr together, for assertions and failure messages.
pub fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

/// What a run of the binary printed, and how it ended.
#[derive(Debug)]
pub struct Run {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `newsdesk <args…>` with `NEWSDESK_DATABASE_URL` pointing at `database_url`, feeding it
/// `input`.
pub async fn run_on(database_url: &str, args: &[&str], input: &str) -> Run {
    let mut command = newsdesk(&std::env::temp_dir());
    command.args(args).env("NEWSDESK_DATABASE_URL", database_url).env_remove("RUST_BACKTRACE");
    let Output { status, stdout, stderr } = run_with_input(command, input).await;
    Run {
        success: status.success(),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

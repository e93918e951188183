//! A `newsdesk serve` process on a free port, as an operator runs it: started, waited for, and
//! stopped the hard way (SIGKILL), as a crash or the OOM killer stops it.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::Duration;

use crate::common::wait::wait_until_within;
use crate::process::newsdesk;

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port()
}

/// A running `newsdesk serve`, killed when dropped. Its output goes to a file in its directory
/// (a pipe nobody reads would fill up and stall the server), read back by [`Server::log`].
pub struct Server {
    child: Option<Child>,
    pub port: u16,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    log: PathBuf,
}

impl Server {
    /// Starts `newsdesk serve` in `dir` with only `settings` (`NEWSDESK_*` variables) set, and
    /// waits until `GET /readyz` answers 200. Its log goes to `dir/<log_name>`.
    pub async fn start(dir: &Path, log_name: &str, settings: &[(&str, &str)]) -> Self {
        let port = free_port();
        let log = dir.join(log_name);
        let out = std::fs::File::create(&log).expect("the server's log file");
        let err = out.try_clone().expect("the server's log file");
        let mut command = newsdesk(dir);
        command.arg("serve").env("NEWSDESK_BIND", format!("127.0.0.1:{port}"));
        for (name, value) in settings {
            command.env(name, value);
        }
        let child = command.stdin(Stdio::null()).stdout(out).stderr(err).spawn().expect("newsdesk serve starts");
        let server = Self { child: Some(child), port, base: format!("http://127.0.0.1:{port}"), log };
        let client = reqwest::Client::new();
        let ready = format!("{}/readyz", server.base);
        // A fresh process migrates its database and hashes the admin's password before it listens.
        wait_until_within(Duration::from_secs(60), "the server to get ready", || async {
            let answer = client.get(&ready).send().await.ok()?;
            answer.status().is_success().then_some(())
        })
        .await;
        server
    }

    /// Kills the process with SIGKILL, so nothing of it runs on (no shutdown, no last flush),
    /// and waits for it to be gone.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            // `Child::kill` sends SIGKILL on Unix.
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// The process id, to read its state under `/proc`.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().map(Child::id).expect("the server is running")
    }

    /// Everything the server wrote to its standard output and error so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

//! The server under soak: `newsdesk serve` with its default settings on a fresh SQLite file,
//! and its resident memory as the kernel counts it.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

pub const ADMIN_EMAIL: &str = "soak@newsdesk.local";
pub const ADMIN_PASSWORD: &str = "soak admin passphrase orchid 4417";

/// Lets the soak read the server's `/metrics` (the response cache's size).
const METRICS_TOKEN: &str = "soak-metrics-token-5521";

pub struct Server {
    child: Child,
    pub base: String,
    log: PathBuf,
}

impl Server {
    /// Starts `binary serve` in `dir` with no `NEWSDESK_*` setting inherited: only what a
    /// production start needs (database, address, secret, first admin), webhooks to loopback
    /// (the receiver runs here), and `settings`. Waits until `/readyz` answers.
    pub async fn start(binary: &Path, dir: &Path, settings: &[(String, String)]) -> anyhow::Result<Self> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let log = dir.join("server.log");
        let out = std::fs::File::create(&log).context("creating the server's log")?;
        let binary = binary.canonicalize().with_context(|| format!("finding {}", binary.display()))?;
        let mut command = Command::new(&binary);
        command.arg("serve").current_dir(dir);
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("NEWSDESK_") {
                command.env_remove(name);
            }
        }
        let secret: String = (0..48).map(|_| char::from(b'a' + rand::random_range(0..26u8))).collect();
        command
            .env("NEWSDESK_DATABASE_URL", format!("sqlite://{}", dir.join("newsdesk.db").display()))
            .env("NEWSDESK_BIND", format!("127.0.0.1:{port}"))
            .env("NEWSDESK_JWT_SECRET", secret)
            .env("NEWSDESK_ADMIN_EMAIL", ADMIN_EMAIL)
            .env("NEWSDESK_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("NEWSDESK_WEBHOOK_ALLOW_PRIVATE", "true")
            .env("NEWSDESK_METRICS_TOKEN", METRICS_TOKEN);
        for (name, value) in settings {
            command.env(name, value);
        }
        let child = command
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out)
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let mut server = Self { child, base: format!("http://127.0.0.1:{port}"), log };
        let client = reqwest::Client::new();
        let started = Instant::now();
        loop {
            if let Some(status) = server.child.try_wait()? {
                bail!("the server exited at start ({status}):\n{}", server.log_tail(20));
            }
            let ready = client.get(format!("{}/readyz", server.base)).send().await;
            if ready.is_ok_and(|r| r.status().is_success()) {
                return Ok(server);
            }
            if started.elapsed() > Duration::from_secs(120) {
                bail!("the server did not get ready in 120 s:\n{}", server.log_tail(20));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Resident memory (VmRSS), KiB; `None` once the process is gone.
    pub fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    /// From the server's `/metrics`, KiB: the weight of the response cache's entries and the
    /// memory allocated (0 for what it does not answer).
    pub async fn memory_kib(&self, client: &reqwest::Client) -> (u64, u64) {
        let scrape = client.get(format!("{}/metrics", self.base)).bearer_auth(METRICS_TOKEN).send().await;
        let text = async { scrape?.text().await }.await.unwrap_or_default();
        let gauge = |name: &str| {
            let line = text.lines().find(|line| line.split_whitespace().next() == Some(name));
            line.and_then(|line| line.split_whitespace().nth(1)?.parse::<u64>().ok()).map_or(0, |bytes| bytes / 1024)
        };
        (gauge("newsdesk_response_cache_bytes"), gauge("newsdesk_memory_allocated_bytes"))
    }

    /// How the process ended, if it has.
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// The last `lines` lines of the server's log.
    pub fn log_tail(&self, lines: usize) -> String {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let all: Vec<&str> = log.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }

    /// How many lines of the server's log are warnings or errors.
    pub fn log_problems(&self) -> usize {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        log.lines().filter(|l| l.contains("WARN") || l.contains("ERROR") || l.contains("panicked")).count()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

//! Settings, from flags and `NEWSDESK_*` environment variables.

use std::path::{Path, PathBuf};
use std::time::Duration;

pub use newsdesk_newsroom::webhooks::Settings as WebhookSettings;

use anyhow::{bail, Context};
use clap::Args;

use crate::tokens::MIN_SECRET_BYTES;

/// Everything `newsdesk serve` needs. Secrets are skipped by `Debug`.
#[derive(Clone, Args)]
pub struct Config {
    /// `sqlite://path`, a bare SQLite path, or `postgres://user@host/db`.
    #[arg(long, env = "NEWSDESK_DATABASE_URL", default_value = "./data/newsdesk.db")]
    pub database_url: String,
    /// Address to listen on.
    #[arg(long, env = "NEWSDESK_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Secret for signing access tokens, at least 32 bytes. Required unless `--dev`.
    #[arg(long, env = "NEWSDESK_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// Development mode: generates and keeps a JWT secret and a first admin if none are given.
    #[arg(long, env = "NEWSDESK_DEV", default_value_t = false)]
    pub dev: bool,
    /// E-mail of the admin created on a start with no users.
    #[arg(long, env = "NEWSDESK_ADMIN_EMAIL")]
    pub admin_email: Option<String>,
    /// Password of the admin created on a start with no users.
    #[arg(long, env = "NEWSDESK_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,
    /// Access-token lifetime in seconds.
    #[arg(long, env = "NEWSDESK_ACCESS_TOKEN_TTL", default_value_t = 900)]
    pub access_token_ttl: i64,
    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "NEWSDESK_WORKERS")]
    pub workers: Option<usize>,
    /// Threads that run database work at once, across all workers (default: two per core).
    /// Requests beyond them queue for a free thread: on a few cores, more threads only contend.
    #[arg(long, env = "NEWSDESK_DB_THREADS", value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub db_threads: Option<u32>,
    /// Database connections in the pool.
    #[arg(long, env = "NEWSDESK_DB_POOL_SIZE", default_value_t = 16)]
    pub db_pool_size: u32,
    /// Seconds a request waits for a database connection before answering 503.
    #[arg(long, env = "NEWSDESK_DB_TIMEOUT", default_value_t = 5)]
    pub db_timeout: u64,
    /// The public base URL (scheme and host, no trailing slash) used for absolute links in feeds
    /// and the sitemap. Default: `http://` + the bind address.
    #[arg(long, env = "NEWSDESK_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// How long shared caches (CDNs) may serve public responses, in seconds.
    #[arg(long, env = "NEWSDESK_CACHE_MAX_AGE", default_value_t = 60)]
    pub cache_max_age: u32,
    /// How long past that a cache may serve a stale copy while it revalidates, in seconds.
    #[arg(long, env = "NEWSDESK_CACHE_STALE_WHILE_REVALIDATE", default_value_t = 300)]
    pub cache_stale_while_revalidate: u32,
    /// Lifetime of draft preview links, in seconds.
    #[arg(long, env = "NEWSDESK_PREVIEW_TTL", default_value_t = 86_400)]
    pub preview_ttl: i64,
    /// How long an edit lock lasts without a heartbeat, in seconds (10 to 3600).
    #[arg(long, env = "NEWSDESK_EDIT_LOCK_TTL", default_value_t = 300,
          value_parser = clap::value_parser!(i64).range(10..=3600))]
    pub edit_lock_ttl: i64,
    /// Live streams (Server-Sent Events) one server process serves at once; one more answers
    /// 503 (1 to 1000000).
    #[arg(long, env = "NEWSDESK_LIVE_MAX_STREAMS", default_value_t = 10_000,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub live_max_streams: u32,
    /// Seconds between heartbeats on an idle live stream (1 to 300).
    #[arg(long, env = "NEWSDESK_LIVE_HEARTBEAT", default_value_t = 15,
          value_parser = clap::value_parser!(u64).range(1..=300))]
    pub live_heartbeat: u64,
    /// Turns the in-process response cache off (for measurement).
    #[arg(long, env = "NEWSDESK_NO_CACHE", default_value_t = false)]
    pub no_cache: bool,
    /// Memory the in-process response cache may use, in MiB.
    #[arg(long, env = "NEWSDESK_RESPONSE_CACHE_MB", default_value_t = 64)]
    pub response_cache_mb: u64,
    /// Seconds a response cache entry lives at most. Entries are voided exactly when what they
    /// show changes; this bounds what the cache holds (and a missed change notice) in time.
    #[arg(long, env = "NEWSDESK_RESPONSE_CACHE_TTL", default_value_t = 120,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub response_cache_ttl: u64,
    /// Passwords hashed or checked at once (logins, new users, password changes); each needs
    /// 19 MiB of argon2 working memory, kept for reuse. More wait their turn.
    #[arg(long, env = "NEWSDESK_PASSWORD_HASHERS", default_value_t = 1,
          value_parser = clap::value_parser!(u16).range(1..=256))]
    pub password_hashers: u16,
    /// How many of the newest matches a search ranks or sorts (and pages through). At most
    /// 10,000: SQLite binds a window's ids one by one, and allows 32,766 at most.
    #[arg(long, env = "NEWSDESK_SEARCH_WINDOW", default_value_t = newsdesk_persistence::search::SearchWindow::DEFAULT,
          value_parser = clap::value_parser!(i64).range(1..=10_000))]
    pub search_window: i64,
    /// Wait before the first webhook retry, in milliseconds; each further retry waits about
    /// twice as long (with jitter, at most an hour).
    #[arg(long, env = "NEWSDESK_WEBHOOK_RETRY_BASE_MS", default_value_t = 30_000)]
    pub webhook_retry_base_ms: u64,
    /// How long a failing webhook delivery is retried before it is marked failed, in seconds.
    #[arg(long, env = "NEWSDESK_WEBHOOK_GIVE_UP_SECS", default_value_t = 86_400)]
    pub webhook_give_up_secs: u64,
    /// Overall timeout of one webhook request, in seconds (connecting gets a third of it).
    #[arg(long, env = "NEWSDESK_WEBHOOK_TIMEOUT_SECS", default_value_t = 10)]
    pub webhook_timeout_secs: u64,
    /// Allow webhook URLs on addresses that are not globally routable: loopback, private,
    /// link-local and the like (always allowed with `--dev`).
    #[arg(long, env = "NEWSDESK_WEBHOOK_ALLOW_PRIVATE", default_value_t = false)]
    pub webhook_allow_private: bool,
    /// Bearer token that guards `GET /metrics` on the main address. Unset: `/metrics` answers
    /// 404 there.
    #[arg(long, env = "NEWSDESK_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// A second address that serves only `GET /metrics`, without a token (keep it private).
    #[arg(long, env = "NEWSDESK_METRICS_BIND")]
    pub metrics_bind: Option<String>,
    /// Proxies (addresses or networks, comma-separated) whose `X-Forwarded-For` names the
    /// client: behind a load balancer, its address. Unset, the socket's peer is the client.
    #[arg(long, env = "NEWSDESK_TRUSTED_PROXIES", value_delimiter = ',',
          value_parser = crate::client_address::parse_proxy)]
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Views one address may add to one article in 30 minutes, whatever User-Agents it sends
    /// (0: no limit).
    #[arg(long, env = "NEWSDESK_VIEWS_PER_ADDRESS", default_value_t = crate::view_counter::VIEWS_PER_ADDRESS)]
    pub views_per_address: u32,
    /// Readers the view counter tells apart in its 30-minute window; its tables take about
    /// 110 bytes per reader, reserved at start.
    #[arg(long, env = "NEWSDESK_VIEW_READERS", default_value_t = crate::view_counter::READERS,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1_000..=10_000_000))]
    pub view_readers: usize,
    /// The publication's name, as the Google News sitemap gives it (`news:name`).
    #[arg(long, env = "NEWSDESK_PUBLICATION_NAME", default_value = "Newsdesk")]
    pub publication_name: String,
    /// The publication's language, an ISO 639 code (`en`, `fra`, or `zh-cn`/`zh-tw`), as the
    /// Google News sitemap gives it (`news:language`).
    #[arg(long, env = "NEWSDESK_PUBLICATION_LANGUAGE", default_value = "en")]
    pub publication_language: String,
    /// The publication's logo, an absolute http(s) URL, as article structured data gives it
    /// (`publisher.logo`). Unset: the publisher has no logo.
    #[arg(long, env = "NEWSDESK_PUBLICATION_LOGO_URL")]
    pub publication_logo_url: Option<String>,
    /// How long revisions, audit entries, deliveries and daily views are kept.
    #[command(flatten)]
    pub retention: crate::retention::RetentionArgs,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &newsdesk_persistence::DatabaseUrl::parse(&self.database_url))
            .field("bind", &self.bind)
            .field("jwt_secret", &self.jwt_secret.as_ref().map(|_| "<redacted>"))
            .field("dev", &self.dev)
            .field("admin_email", &self.admin_email)
            .field("admin_password", &self.admin_password.as_ref().map(|_| "<redacted>"))
            .field("metrics_token", &self.metrics_token.as_ref().map(|_| "<redacted>"))
            .field("metrics_bind", &self.metrics_bind)
            .field("retention", &self.retention)
            .finish_non_exhaustive()
    }
}

impl Config {
    /// Webhook delivery settings.
    pub fn webhook_settings(&self) -> WebhookSettings {
        WebhookSettings {
            retry_base: Duration::from_millis(self.webhook_retry_base_ms.max(1)),
            give_up_after: Duration::from_secs(self.webhook_give_up_secs),
            timeout: Duration::from_secs(self.webhook_timeout_secs.max(1)),
            allow_private: self.webhook_allow_private || self.dev,
        }
    }

    /// HTTP workers, and the threads each may run database work on (actix gives every worker a
    /// blocking pool of its own): `db_threads` shared out, rounded up.
    pub fn threads(&self) -> (usize, usize) {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let workers = self.workers.unwrap_or(cores).max(1);
        let db_threads = self.db_threads.map_or(2 * cores, |n| n as usize);
        (workers, db_threads.div_ceil(workers))
    }

    /// The public base URL, checked to be an absolute http(s) URL.
    pub fn resolve_public_url(&self) -> anyhow::Result<String> {
        let given = self.public_url.clone().unwrap_or_else(|| format!("http://{}", self.bind));
        let url =
            newsdesk_domain::validation::http_url(&given).map_err(|m| anyhow::anyhow!("NEWSDESK_PUBLIC_URL {m}"))?;
        Ok(url.trim_end_matches('/').to_owned())
    }

    /// Checks what can be checked without starting: addresses, the public URL, secret lengths.
    /// `newsdesk config check` runs it; `serve` meets the same errors as it starts.
    pub fn check(&self) -> anyhow::Result<()> {
        use std::net::ToSocketAddrs;
        for (name, address) in
            [("NEWSDESK_BIND", Some(&self.bind)), ("NEWSDESK_METRICS_BIND", self.metrics_bind.as_ref())]
        {
            if let Some(address) = address {
                address.to_socket_addrs().map_err(|e| anyhow::anyhow!("{name} `{address}` is not an address: {e}"))?;
            }
        }
        self.resolve_public_url()?;
        self.retention.check()?;
        crate::publication::Publication::new(
            &self.publication_name,
            &self.publication_language,
            self.publication_logo_url.as_deref(),
        )?;
        match &self.jwt_secret {
            Some(secret) if secret.len() < MIN_SECRET_BYTES => {
                bail!("NEWSDESK_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes (it is {})", secret.len())
            }
            None if !self.dev => bail!("NEWSDESK_JWT_SECRET is not set (required unless --dev)"),
            _ => {}
        }
        if self.metrics_token.as_ref().is_some_and(|t| t.len() < crate::metrics::MIN_TOKEN_BYTES) {
            bail!("NEWSDESK_METRICS_TOKEN must be at least {} bytes", crate::metrics::MIN_TOKEN_BYTES);
        }
        Ok(())
    }

    /// Where dev-mode files live: beside the SQLite file, or `./data`.
    pub fn data_dir(&self) -> PathBuf {
        let url = newsdesk_persistence::DatabaseUrl::parse(&self.database_url);
        url.sqlite_path()
            .and_then(|p| Path::new(p).parent().map(Path::to_path_buf))
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| PathBuf::from("./data"))
    }

    /// The signing secret: given, or in dev mode kept in a 0600 file. Refuses to start otherwise.
    pub fn resolve_jwt_secret(&self) -> anyhow::Result<Vec<u8>> {
        if let Some(secret) = &self.jwt_secret {
            if secret.len() < MIN_SECRET_BYTES {
                bail!("NEWSDESK_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes (it is {})", secret.len());
            }
            return Ok(secret.as_bytes().to_vec());
        }
        if !self.dev {
            bail!("NEWSDESK_JWT_SECRET is not set. Set it to a random string of at least {MIN_SECRET_BYTES} bytes, or run with --dev");
        }
        let path = self.data_dir().join("jwt-secret");
        if let Ok(existing) = std::fs::read_to_string(&path) {
            if existing.trim().len() >= MIN_SECRET_BYTES {
                return Ok(existing.trim().as_bytes().to_vec());
            }
        }
        std::fs::create_dir_all(self.data_dir()).context("creating the data directory")?;
        let secret = crate::tokens::new_refresh_token() + &crate::tokens::new_refresh_token();
        write_private(&path, &secret).with_context(|| format!("writing {}", path.display()))?;
        tracing::info!(path = %path.display(), "generated a development JWT secret");
        Ok(secret.into_bytes())
    }
}

/// Writes a file only its owner can read.
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let mut file = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
        file.write_all(contents.as_bytes())
    }
    #[cfg(not(unix))]
    {
        std::fs::write(path, contents)
    }
}

//! `make soak`: the server with its default settings on SQLite, under a mixed load for a long
//! while (reads, view beacons, create-publish-edit writes, webhooks, logins). Every 10 s it
//! samples the server's RSS and each kind's p99; at the end it prints the table and fails when
//! any request failed (a 5xx, a socket error, an unexpected status), the server's RSS grew more
//! than `--max-rss-growth` percent after the warm-up, or a published article's webhook did not
//! arrive.

mod load;
mod receiver;
mod report;
mod server;
mod stats;

use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Parser;
use serde_json::json;

use load::{Load, AUTHORS, SECTIONS, TAGS};
use receiver::Receiver;
use report::{Report, Sample};
use server::Server;

#[derive(Parser)]
#[command(name = "newsdesk-soak", about = "A long mixed load against `newsdesk serve` with its defaults")]
struct Args {
    /// The `newsdesk` binary to run.
    #[arg(long, default_value = "target/release/newsdesk")]
    server: PathBuf,
    /// How long the load runs, seconds.
    #[arg(long, default_value_t = 600)]
    duration: u64,
    /// Seconds after the start before RSS must stay flat; default a fifth of the duration.
    #[arg(long)]
    warmup: Option<u64>,
    /// The most RSS may grow after the warm-up, percent of its value then.
    #[arg(long, default_value_t = 10.0)]
    max_rss_growth: f64,
    /// Concurrent readers of the public API.
    #[arg(long, default_value_t = 24)]
    readers: usize,
    /// Concurrent senders of view beacons.
    #[arg(long, default_value_t = 8)]
    beacons: usize,
    /// Concurrent editors (create, publish, edit).
    #[arg(long, default_value_t = 2)]
    writers: usize,
    /// Seconds between two logins.
    #[arg(long, default_value_t = 2.0)]
    login_every: f64,
    /// Articles published before the load starts.
    #[arg(long, default_value_t = 300)]
    seed: u64,
    /// The most published articles the run keeps: past that, each writer trashes the oldest,
    /// so the archive holds steady as a site's does (0: it grows all along, about tenfold in
    /// ten minutes, and the caches grow with it).
    #[arg(long, default_value_t = 1000)]
    archive: usize,
    /// A server setting other than its default, `NEWSDESK_NAME=value` (repeatable), to compare.
    #[arg(long = "set", value_parser = parse_setting)]
    settings: Vec<(String, String)>,
    /// Where the run keeps its database, the server's log and the report.
    #[arg(long, default_value = "target/soak")]
    dir: PathBuf,
}

fn parse_setting(text: &str) -> Result<(String, String), String> {
    let (name, value) = text.split_once('=').ok_or("expected NEWSDESK_NAME=value")?;
    Ok((name.to_owned(), value.to_owned()))
}

/// Accounts the logins take turns with.
const USERS: usize = 60;
const SAMPLE_EVERY: Duration = Duration::from_secs(10);

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let passed = actix_web::rt::System::new().block_on(run(args))?;
    if !passed {
        std::process::exit(1);
    }
    Ok(())
}

/// Logs in as the admin, creates the authors, tags, sections, users, an API key and the webhook
/// the load uses; returns the key.
async fn prepare(client: &reqwest::Client, base: &str, hook: &str) -> anyhow::Result<String> {
    let login = json!({"email": server::ADMIN_EMAIL, "password": server::ADMIN_PASSWORD});
    let tokens: serde_json::Value =
        client.post(format!("{base}/v1/auth/login")).json(&login).send().await?.json().await?;
    let admin = tokens["access_token"].as_str().context("the admin's access token")?.to_owned();
    let post = |path: &str, body: serde_json::Value| {
        let request = client.post(format!("{base}{path}")).bearer_auth(&admin).json(&body);
        async move {
            let answer = request.send().await?;
            let status = answer.status();
            let body: serde_json::Value = answer.json().await.unwrap_or_default();
            if !status.is_success() {
                bail!("setting up: {status} {body}");
            }
            Ok(body)
        }
    };
    for n in 0..AUTHORS {
        post("/v1/admin/authors", json!({"slug": format!("author-{n}"), "name": format!("Author {n}")})).await?;
    }
    for n in 0..TAGS {
        post("/v1/admin/tags", json!({"slug": format!("tag-{n}"), "name": format!("Tag {n}")})).await?;
    }
    for n in 0..SECTIONS {
        post("/v1/admin/sections", json!({"slug": format!("section-{n}"), "name": format!("Section {n}")})).await?;
    }
    for n in 0..USERS {
        let user = json!({"email": load::user_email(n), "name": format!("Reader {n}"), "role": "author", "password": load::USER_PASSWORD});
        post("/v1/admin/users", user).await?;
    }
    post("/v1/admin/webhooks", json!({"url": hook, "events": ["article.published", "site.changed"]})).await?;
    let key = post("/v1/admin/api-keys", json!({"name": "soak editor", "role": "editor"})).await?;
    Ok(key["secret"].as_str().context("the API key's secret")?.to_owned())
}

async fn run(args: Args) -> anyhow::Result<bool> {
    let started_at = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs();
    let dir = args.dir.join(format!("run-{started_at}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let dir = dir.canonicalize()?;
    let duration = Duration::from_secs(args.duration);
    let warmup = Duration::from_secs(args.warmup.unwrap_or((args.duration / 5).max(10)));
    let mut server = Server::start(&args.server, &dir, &args.settings).await?;
    let receiver = Receiver::start()?;
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build()?;
    let key = prepare(&client, &server.base, &receiver.url).await?;
    let rss_at_start = server.rss_kib().unwrap_or_default();

    let load = Rc::new(Load {
        base: server.base.clone(),
        stats: stats::Stats::default(),
        deadline: Instant::now() + Duration::from_secs(3600),
        published: Default::default(),
        published_ids: Default::default(),
        live: Default::default(),
        retiring: Default::default(),
        archive: 0,
        cycles: Default::default(),
    });
    for n in 0..args.seed {
        if !load::cycle(&load, &client, &key, 0, n).await {
            bail!("seeding failed: {:?}", load.stats.examples());
        }
    }
    // The seed's requests are not the soak's.
    let load = Rc::new(Load {
        base: server.base.clone(),
        stats: stats::Stats::default(),
        deadline: Instant::now() + duration,
        published: load.published.clone(),
        published_ids: load.published_ids.clone(),
        live: load.live.clone(),
        retiring: Default::default(),
        archive: args.archive,
        cycles: Default::default(),
    });
    let start = Instant::now();
    eprintln!("soak: {} s against {} (warm-up {} s); a row every 10 s", args.duration, server.base, warmup.as_secs());
    let mut tasks = Vec::new();
    for _ in 0..args.readers {
        let (load, client) = (load.clone(), client.clone());
        tasks.push(actix_web::rt::spawn(async move { load::reader(&load, client).await }));
    }
    let mut beacons = Vec::new();
    for task in 0..args.beacons {
        let (load, senders) = (load.clone(), args.beacons);
        beacons.push(actix_web::rt::spawn(async move { load::beacons(&load, senders, task).await }));
    }
    for writer in 0..args.writers {
        let (load, client, key) = (load.clone(), client.clone(), key.clone());
        tasks.push(actix_web::rt::spawn(async move { load::writer(&load, client, key, writer + 1).await }));
    }
    let logins = {
        let load = load.clone();
        let every = Duration::from_secs_f64(args.login_every);
        actix_web::rt::spawn(async move { load::logins(&load, USERS, every).await })
    };

    let mut samples = Vec::new();
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + SAMPLE_EVERY, SAMPLE_EVERY);
    while start.elapsed() < duration {
        ticker.tick().await;
        let (cache_kib, allocated_kib) = server.memory_kib(&client).await;
        let sample = Sample {
            at: start.elapsed(),
            rss_kib: server.rss_kib().unwrap_or_default(),
            cache_kib,
            allocated_kib,
            figures: load.stats.interval(),
            errors: load.stats.errors().total(),
            webhooks: receiver.count(&[]).0,
        };
        eprintln!("{}", report::row(&sample, SAMPLE_EVERY));
        samples.push(sample);
        if server.exited().is_some() {
            break;
        }
    }
    for task in tasks {
        task.await?;
    }
    for task in beacons {
        task.await??;
    }
    logins.await??;

    // Every published article's webhook arrives once the load stops (they queue behind it).
    let published_ids = load.published_ids.borrow().clone();
    let drained = Instant::now();
    let mut delivered = receiver.count(&published_ids);
    while delivered.1 < published_ids.len() && drained.elapsed() < Duration::from_secs(60) && server.exited().is_none()
    {
        tokio::time::sleep(Duration::from_millis(200)).await;
        delivered = receiver.count(&published_ids);
    }
    let report = Report {
        duration,
        warmup,
        sample_every: SAMPLE_EVERY,
        rss_at_start,
        samples,
        overall: load.stats.overall(),
        errors: load.stats.errors(),
        examples: load.stats.examples(),
        cycles: load.cycles.get(),
        webhooks_delivered: delivered.0,
        published: published_ids.len(),
        published_hooked: delivered.1,
        max_rss_growth: args.max_rss_growth,
        server_exited: server.exited().map(|status| status.to_string()),
        log_problems: server.log_problems(),
        settings: args.settings.clone(),
        archive: args.archive,
    };
    let text = report.markdown();
    println!("{text}");
    let file = dir.join("report.md");
    std::fs::write(&file, &text)?;
    eprintln!("soak: report in {}, server log in {}", file.display(), dir.join("server.log").display());
    if report.passed() {
        // The database is only worth keeping to look into a failure.
        for name in ["newsdesk.db", "newsdesk.db-wal", "newsdesk.db-shm"] {
            let _ = std::fs::remove_file(dir.join(name));
        }
    }
    receiver.stop().await;
    drop(server);
    Ok(report.passed())
}

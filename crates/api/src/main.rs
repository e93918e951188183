//! The `newsdesk` binary: serve, migrate, import and export, back up and restore, check the
//! configuration, write the OpenAPI document, create users.

use std::ffi::OsString;
use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand};
use newsdesk_api::config_file::{self, FileValues};
use newsdesk_api::{config::Config, openapi, users};
use newsdesk_newsroom::Actor;
use newsdesk_persistence::{backup, Database, DatabaseUrl};

/// jemalloc for the whole server (why: `newsdesk_api::allocator`).
#[cfg(all(target_os = "linux", not(target_env = "musl")))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[derive(Parser)]
#[command(name = "newsdesk", version, about = "A headless CMS for news and commentary")]
struct Cli {
    /// Settings file (TOML; keys are the setting names). Default: ./newsdesk.toml if it exists.
    /// Flags beat the environment, which beats the file.
    #[arg(long, global = true, value_name = "FILE", env = "NEWSDESK_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server.
    Serve {
        #[command(flatten)]
        config: Config,
        /// Load the demo content into an empty database.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate {
        #[arg(long, env = "NEWSDESK_DATABASE_URL", default_value = "./data/newsdesk.db")]
        database_url: String,
    },
    /// Write the OpenAPI document to a file (or stdout with `-`).
    Openapi {
        #[arg(default_value = "openapi/openapi.json")]
        output: String,
    },
    /// Import articles from an NDJSON file (one article a line, as `export` writes it), or from a Ghost or WordPress export with `--from`.
    Import(newsdesk_exchange::cli::ImportArgs),
    /// Export articles as NDJSON, one article a line, oldest first.
    Export(newsdesk_exchange::cli::ExportArgs),
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Write a consistent copy of the database while servers keep running: `VACUUM INTO` on
    /// SQLite, `pg_dump --format=custom` on PostgreSQL.
    Backup {
        /// The backup file to write.
        path: PathBuf,
        #[arg(long, env = "NEWSDESK_DATABASE_URL", default_value = "./data/newsdesk.db")]
        database_url: String,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Replace the database with a backup. Stop the servers first: a restore refuses to run
    /// under them. Pending migrations are applied afterwards.
    Restore {
        /// The backup file to read.
        path: PathBuf,
        #[arg(long, env = "NEWSDESK_DATABASE_URL", default_value = "./data/newsdesk.db")]
        database_url: String,
        /// Replace a database that already holds data (and, on PostgreSQL, ignore other connections).
        #[arg(long)]
        force: bool,
    },
    /// Inspect the configuration.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Print every setting, its effective value (secrets redacted) and where it came from; exit
    /// non-zero when a value is invalid.
    Check {
        #[command(flatten)]
        config: Config,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user. The password is read from a prompt, or from stdin when piped.
    Create {
        /// The e-mail address they log in with.
        #[arg(long)]
        email: String,
        /// What they may do.
        #[arg(long, value_enum)]
        role: RoleArg,
        /// The name shown for them (default: the e-mail address).
        #[arg(long, default_value = "")]
        name: String,
        #[arg(long, env = "NEWSDESK_DATABASE_URL", default_value = "./data/newsdesk.db")]
        database_url: String,
    },
}

/// The roles `user create` offers, with their meaning for `--help`.
#[derive(Clone, Copy, clap::ValueEnum)]
enum RoleArg {
    /// Everything: users, API keys, webhooks, the audit log, purging the trash.
    Admin,
    /// Every article, anyone's, and publishing it; authors, sources, sections and tags.
    Editor,
    /// Their own articles, drafts or published, and publishing them.
    Author,
    /// Their own drafts only; may not publish.
    Contributor,
}

impl From<RoleArg> for newsdesk_domain::Role {
    fn from(role: RoleArg) -> Self {
        match role {
            RoleArg::Admin => Self::Admin,
            RoleArg::Editor => Self::Editor,
            RoleArg::Author => Self::Author,
            RoleArg::Contributor => Self::Contributor,
        }
    }
}

/// Logs to stdout without ever making a worker wait; the guard writes out what is queued at exit.
fn init_tracing() -> tracing_appender::non_blocking::WorkerGuard {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("NEWSDESK_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let (writer, guard) = newsdesk_api::log_writer::stdout();
    tracing_subscriber::fmt().with_env_filter(filter).with_target(false).with_writer(writer).init();
    guard
}

fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password("Password: ").context("reading the password");
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("reading the password from stdin")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn main() -> anyhow::Result<()> {
    let args: Vec<OsString> = std::env::args_os().collect();
    // First, while no other thread runs: the file's settings become environment defaults.
    let file = config_file::apply(&args)?;
    let _flush_logs_at_exit = init_tracing();
    let matches = Cli::command().get_matches_from(&args);
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    match cli.command {
        Command::Serve { config, demo } => {
            tracing::info!(?config, config_file = ?file.path, "starting");
            newsdesk_api::allocator::warn_when_misconfigured();
            actix_web::rt::System::new().block_on(async move {
                let (server, _port) = newsdesk_api::build(config, demo).await?;
                server.await.context("server stopped with an error")?;
                tracing::info!("stopped");
                anyhow::Ok(())
            })?;
        }
        Command::Backup { path, database_url, force } => {
            backup::backup(&DatabaseUrl::parse(&database_url), &path, force)
                .map_err(|e| anyhow::anyhow!("backup: {e}"))?;
            println!("backed up {:?} to {}", DatabaseUrl::parse(&database_url), path.display());
        }
        Command::Restore { path, database_url, force } => {
            let url = DatabaseUrl::parse(&database_url);
            backup::restore(&url, &path, force).map_err(|e| anyhow::anyhow!("restore: {e}"))?;
            // A backup from an older version is brought up to this one's schema now.
            Database::open(&url, 1, std::time::Duration::from_secs(5))
                .map_err(|e| anyhow::anyhow!("restore: the restored database does not open: {e}"))?;
            println!("restored {} into {url:?}; migrations applied", path.display());
        }
        Command::Config { command: ConfigCommand::Check { config } } => config_check(&config, &matches, &file)?,
        Command::Migrate { database_url } => {
            Database::open(&DatabaseUrl::parse(&database_url), 1, std::time::Duration::from_secs(5))?;
            println!("migrations applied");
        }
        Command::Openapi { output } => {
            let json = openapi::document_json();
            if output == "-" {
                print!("{json}");
            } else {
                std::fs::write(&output, json).with_context(|| format!("writing {output}"))?;
                println!("wrote {output}");
            }
        }
        Command::Import(args) => newsdesk_exchange::cli::run_import(args)?,
        Command::Export(args) => newsdesk_exchange::cli::run_export(args)?,
        Command::User { command: UserCommand::Create { email, role, name, database_url } } => {
            let role = newsdesk_domain::Role::from(role);
            let password = read_password()?;
            let db = Database::open(&DatabaseUrl::parse(&database_url), 1, std::time::Duration::from_secs(5))?;
            let name = if name.is_empty() { email.clone() } else { name };
            let input = users::UserCreate { email, name, role, password, author: None };
            let created = newsdesk_api::state::write_blocking(&db, |tx| {
                Ok(newsdesk_newsroom::users::create(tx, &Actor::system("command line"), &input)?)
            });
            match created {
                Ok(user) => println!("created {} ({})", user.email, user.role),
                Err(e) => bail!("{}", e.explain()),
            }
        }
    }
    Ok(())
}

/// Prints each setting as `key = value  # source`, secrets redacted, then checks the values.
fn config_check(config: &Config, matches: &ArgMatches, file: &FileValues) -> anyhow::Result<()> {
    let check = matches.subcommand_matches("config").and_then(|m| m.subcommand_matches("check")).unwrap_or(matches);
    match &file.path {
        Some(path) => println!("# config file: {}", path.display()),
        None => println!("# config file: none"),
    }
    for setting in config_file::settings() {
        let source = config_file::source_of(check, file, &setting.key);
        let raw = check.get_raw(&setting.key).and_then(|mut v| v.next()).map(|v| v.to_string_lossy().into_owned());
        let shown = match raw {
            None => {
                println!("# {} is unset ({})", setting.key, setting.env);
                continue;
            }
            Some(_) if setting.secret => "<redacted>".to_owned(),
            Some(v) if setting.key == "database_url" => format!("{:?}", DatabaseUrl::parse(&v)),
            Some(v) => v,
        };
        println!("{} = {shown:?}  # {source}", setting.key);
    }
    config.check().context("invalid configuration")?;
    println!("# ok");
    Ok(())
}

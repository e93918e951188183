//! The `newsdesk` binary: serve, migrate, import and export, write the OpenAPI document, create users.

use std::io::{BufRead, IsTerminal};

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use newsdesk_api::{config::Config, openapi, users};
use newsdesk_persistence::{Database, DatabaseUrl};

#[derive(Parser)]
#[command(name = "newsdesk", version, about = "A headless CMS for news and commentary")]
struct Cli {
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
    /// Import articles from an NDJSON file (one article a line), as `export` writes it.
    Import(newsdesk_api::exchange::cli::ImportArgs),
    /// Export articles as NDJSON, one article a line, oldest first.
    Export(newsdesk_api::exchange::cli::ExportArgs),
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user. The password is read from a prompt, or from stdin when piped.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        role: String,
        #[arg(long, default_value = "")]
        name: String,
        #[arg(long, env = "NEWSDESK_DATABASE_URL", default_value = "./data/newsdesk.db")]
        database_url: String,
    },
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("NEWSDESK_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).with_target(false).init();
}

fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password("Password: ").context("reading the password");
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("reading the password from stdin")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    init_tracing();
    match Cli::parse().command {
        Command::Serve { config, demo } => {
            tracing::info!(?config, "starting");
            let (server, _port) = newsdesk_api::build(config, demo).await?;
            server.await.context("server stopped with an error")?;
            tracing::info!("stopped");
        }
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
        Command::Import(args) => newsdesk_api::exchange::cli::run_import(args)?,
        Command::Export(args) => newsdesk_api::exchange::cli::run_export(args)?,
        Command::User { command: UserCommand::Create { email, role, name, database_url } } => {
            let role = newsdesk_domain::Role::parse(&role).map_err(|m| anyhow::anyhow!("--role {m}"))?;
            let password = read_password()?;
            let db = Database::open(&DatabaseUrl::parse(&database_url), 1, std::time::Duration::from_secs(5))?;
            let name = if name.is_empty() { email.clone() } else { name };
            let input = users::UserCreate { email, name, role, password, author: None };
            match newsdesk_api::state::write_blocking(&db, |conn| users::create_user(conn, &input)) {
                Ok(user) => println!("created {} ({})", user.email, user.role),
                Err(e) => bail!("{}", e.explain()),
            }
        }
    }
    Ok(())
}

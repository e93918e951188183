//! An operator configures Newsdesk with `newsdesk.toml`, the environment and flags, and checks
//! the result with `newsdesk config check` (the real binary).

use clap::Args;
use diesel::connection::SimpleConnection;

use crate::common::database::TestDatabase;
use crate::common::{on_both_backends, Backend};
use crate::process::{newsdesk, run, text};

const SECRET: &str = "file-jwt-secret-that-is-long-enough-0123456789";

fn dir_with(toml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("newsdesk.toml"), toml).expect("write newsdesk.toml");
    dir
}

async fn check(dir: &tempfile::TempDir, args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let mut command = newsdesk(dir.path());
    command.args(["config", "check"]).args(args).envs(env.iter().copied());
    let output = run(command).await;
    (output.status.success(), text(&output))
}

#[actix_web::test]
async fn file_values_apply_and_env_beats_file_and_flags_beat_env() {
    let dir =
        dir_with(&format!("bind = \"127.0.0.1:9001\"\njwt_secret = \"{SECRET}\"\ndb_pool_size = 7\ndev = true\n"));
    let (ok, out) = check(&dir, &[], &[]).await;
    assert!(ok, "{out}");
    assert!(out.contains("bind = \"127.0.0.1:9001\"  # file"), "{out}");
    assert!(out.contains("db_pool_size = \"7\"  # file"), "{out}");
    assert!(out.contains("dev = \"true\"  # file"), "{out}");
    assert!(out.contains("cache_max_age = \"60\"  # default"), "{out}");

    let (ok, out) = check(&dir, &[], &[("NEWSDESK_BIND", "127.0.0.1:9002")]).await;
    assert!(ok, "{out}");
    assert!(out.contains("bind = \"127.0.0.1:9002\"  # env"), "{out}");
    assert!(out.contains("db_pool_size = \"7\"  # file"), "{out}");

    let (ok, out) = check(&dir, &["--bind", "127.0.0.1:9003"], &[("NEWSDESK_BIND", "127.0.0.1:9002")]).await;
    assert!(ok, "{out}");
    assert!(out.contains("bind = \"127.0.0.1:9003\"  # flag"), "{out}");
}

#[actix_web::test]
async fn the_file_can_be_named_by_flag_or_variable() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("prod.toml"), format!("jwt_secret = \"{SECRET}\"\nworkers = 3\n")).expect("write");
    let (ok, out) = check(&dir, &["--config", "prod.toml"], &[]).await;
    assert!(ok && out.contains("workers = \"3\"  # file") && out.contains("prod.toml"), "{out}");
    let (ok, out) = check(&dir, &[], &[("NEWSDESK_CONFIG", "prod.toml")]).await;
    assert!(ok && out.contains("workers = \"3\"  # file"), "{out}");
    let (ok, out) = check(&dir, &["--config", "missing.toml"], &[]).await;
    assert!(!ok && out.contains("missing.toml"), "{out}");
}

#[actix_web::test]
async fn an_unknown_key_or_a_bad_value_is_an_error_naming_it() {
    let dir = dir_with(&format!("jwt_secret = \"{SECRET}\"\n\ndatabse_url = \"x.db\"\n"));
    let (ok, out) = check(&dir, &[], &[]).await;
    assert!(!ok, "{out}");
    assert!(out.contains("newsdesk.toml:3: unknown setting `databse_url`"), "{out}");

    let dir = dir_with(&format!("jwt_secret = \"{SECRET}\"\ndb_pool_size = \"many\"\n"));
    let (ok, out) = check(&dir, &[], &[]).await;
    assert!(!ok && out.contains("many") && out.contains("db-pool-size"), "{out}");

    let dir = dir_with("jwt_secret = \"short\"\n");
    let (ok, out) = check(&dir, &[], &[]).await;
    assert!(!ok && out.contains("NEWSDESK_JWT_SECRET must be at least 32 bytes"), "{out}");

    let dir = dir_with("bind = [1, 2]\n");
    let (ok, out) = check(&dir, &[], &[]).await;
    assert!(!ok && out.contains("newsdesk.toml:1") && out.contains("`bind`"), "{out}");

    let dir = dir_with("bind = \n");
    let (ok, out) = check(&dir, &[], &[]).await;
    assert!(!ok && out.contains("not valid TOML"), "{out}");

    // The month window reads 30 days of daily views: a shorter retention would empty it.
    let dir = dir_with(&format!("jwt_secret = \"{SECRET}\"\nkeep_daily_view_days = 7\n"));
    let (ok, out) = check(&dir, &[], &[]).await;
    assert!(!ok && out.contains("NEWSDESK_KEEP_DAILY_VIEW_DAYS must be 0 (keep all) or at least 31"), "{out}");
}

#[actix_web::test]
async fn config_check_redacts_secrets() {
    let dir = dir_with(&format!(
        "jwt_secret = \"{SECRET}\"\nadmin_password = \"admin-password-in-file\"\n\
         database_url = \"postgres://newsdesk:db-password-in-url@db.example.org:5432/news\"\n"
    ));
    let metrics_token = "metrics-token-from-the-environment";
    let (ok, out) = check(&dir, &["--metrics-token", metrics_token], &[]).await;
    assert!(ok, "{out}");
    for secret in [SECRET, "admin-password-in-file", "db-password-in-url", metrics_token] {
        assert!(!out.contains(secret), "{secret} leaked: {out}");
    }
    assert!(out.contains("jwt_secret = \"<redacted>\"  # file"), "{out}");
    assert!(out.contains("metrics_token = \"<redacted>\"  # flag"), "{out}");
    assert!(out.contains("db.example.org:5432/news"), "the database's host and name stay visible: {out}");
}

/// The file reaches every command that reads a setting, not only `serve`.
async fn migrate_reads_the_database_url_from_the_file(backend: Backend) {
    let target = TestDatabase::create(backend);
    let dir = dir_with(&format!("database_url = \"{}\"\n", target.url));
    let output = run({
        let mut command = newsdesk(dir.path());
        command.arg("migrate");
        command
    })
    .await;
    assert!(output.status.success(), "{}", text(&output));
    match backend {
        Backend::Sqlite => {
            let path = target.url.trim_start_matches("sqlite://");
            assert!(std::path::Path::new(path).is_file(), "migrate created the file the config names");
        }
        Backend::Postgres => {
            let mut pg = <diesel::PgConnection as diesel::Connection>::establish(&target.url).expect("connect");
            pg.batch_execute("SELECT 1 FROM articles LIMIT 1").expect("migrations created the tables");
        }
    }
}

on_both_backends!(backend; migrate_reads_the_database_url_from_the_file);

/// Fails when a setting is added without its row in the README's settings table, so none can
/// go undocumented.
#[test]
fn every_setting_is_in_the_readme_table() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).expect("README.md");
    let command = newsdesk_api::Config::augment_args(clap::Command::new("newsdesk"));
    let mut missing = Vec::new();
    for arg in command.get_arguments() {
        let key = arg.get_id().as_str();
        let flag = arg.get_long().map(|l| format!("`--{l}`"));
        let env = arg.get_env().map(|e| format!("`{}`", e.to_string_lossy()));
        let row = readme.lines().find(|line| line.starts_with('|') && line.contains(&format!("`{key}`")));
        let documented = match (row, flag, env) {
            (Some(row), Some(flag), Some(env)) => row.contains(&flag) && row.contains(&env),
            _ => false,
        };
        if !documented {
            missing.push(key.to_owned());
        }
    }
    assert!(
        missing.is_empty(),
        "settings missing from the README's settings table (a row with `key`, `--flag` and `NEWSDESK_…`): {missing:?}"
    );
}

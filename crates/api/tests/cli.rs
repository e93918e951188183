//! `newsdesk import` and `newsdesk export` run as a user runs them, on SQLite and PostgreSQL:
//! exit codes, messages, resuming, and export -> import -> export giving the same bytes.
//! (What an import writes is read back over HTTP in tests/src/import_export.rs.) Also
//! `newsdesk user create --help`, which names the roles.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

const BIN: &str = env!("CARGO_BIN_EXE_newsdesk");

/// A scratch database, removed afterwards.
enum Scratch {
    /// The directory goes with it.
    Sqlite {
        url: String,
        _dir: tempfile::TempDir,
    },
    Postgres {
        admin_url: String,
        name: String,
        url: String,
    },
}

impl Scratch {
    fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("newsdesk.db").display());
        Self::Sqlite { url, _dir: dir }
    }

    fn postgres() -> Self {
        let admin_url = std::env::var("NEWSDESK_TEST_POSTGRES_URL")
            .expect("NEWSDESK_TEST_POSTGRES_URL must point at a PostgreSQL server (make test sets it)");
        let name = format!("newsdesk_cli_{}", uuid::Uuid::new_v4().simple());
        let mut conn = PgConnection::establish(&admin_url).expect("PostgreSQL is reachable");
        conn.batch_execute(&format!("CREATE DATABASE {name}")).expect("create test database");
        let (base, _) = admin_url.rsplit_once('/').expect("a database in the URL");
        let url = format!("{base}/{name}");
        Self::Postgres { admin_url, name, url }
    }

    fn url(&self) -> &str {
        match self {
            Self::Sqlite { url, .. } | Self::Postgres { url, .. } => url,
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Self::Postgres { admin_url, name, .. } = self {
            if let Ok(mut conn) = PgConnection::establish(admin_url) {
                let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

/// Runs `newsdesk` with `args` against `db`, feeding `stdin`.
fn newsdesk(db: &Scratch, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env("NEWSDESK_DATABASE_URL", db.url())
        .env("NEWSDESK_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("newsdesk starts");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("stdin is written");
    child.wait_with_output().expect("newsdesk finishes")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Four articles: a forward link, a draft, a former slug, shared terms.
const CORPUS: &str = r#"{"slug":"harbour-opens","title":"Harbour opens","body":"The *harbour* opens.","status":"published","published_at":"2026-01-02T08:00:00Z","authors":[{"slug":"mira-okafor","name":"Mira Okafor"}],"tags":[{"slug":"ports","name":"Ports"}],"section":{"slug":"news","name":"News"},"related":[{"article":"harbour-closes"},{"url":"https://example.net/h","title":"History"}],"previous_slugs":["harbour-may-open"]}
{"slug":"quiet-draft","title":"Quiet draft","body":"Not yet."}

{"slug":"harbour-closes","title":"Harbour closes","body":"It closes.","status":"published","published_at":"2026-01-03T08:00:00Z","authors":[{"slug":"mira-okafor","name":"Mira Okafor"},{"slug":"tomas-novak","name":"Tomas Novak","bio":"Ports."}],"source":{"slug":"meridian-press","name":"Meridian Press","short_name":"MP"},"related":[{"article":"harbour-opens"}]}
{"slug":"same-minute","title":"Same minute","status":"published","published_at":"2026-01-03T08:00:00Z","tags":[{"slug":"ports","name":"Ports"},{"slug":"weather","name":"Weather"}]}
"#;

fn round_trip_and_resume(first: Scratch, second: Scratch) {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("corpus.ndjson");
    std::fs::write(&file, CORPUS).expect("corpus written");
    let file = file.to_str().expect("a UTF-8 path");

    let run = newsdesk(&first, &["import", file, "--batch-size", "2"], "");
    assert!(run.status.success(), "stderr: {}", text(&run.stderr));
    let out = text(&run.stdout);
    assert!(out.contains("imported: 4\nalready present: 0\nskipped: 0\n"), "{out}");
    assert!(out.contains("articles/s"), "{out}");

    let again = newsdesk(&first, &["import", file], "");
    assert!(again.status.success(), "stderr: {}", text(&again.stderr));
    assert!(text(&again.stdout).contains("imported: 0\nalready present: 4\n"), "{}", text(&again.stdout));

    let exported = newsdesk(&first, &["export"], "");
    assert!(exported.status.success(), "stderr: {}", text(&exported.stderr));
    let exported = text(&exported.stdout);
    let slugs: Vec<String> = exported
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("JSON")["slug"].as_str().expect("slug").to_owned())
        .collect();
    assert_eq!(slugs, ["harbour-opens", "harbour-closes", "same-minute", "quiet-draft"], "by date, undated last");
    assert!(exported
        .contains(r#""related":[{"article":"harbour-closes"},{"url":"https://example.net/h","title":"History"}]"#));
    assert!(exported.contains(r#""previous_slugs":["harbour-may-open"]"#));

    // Into an empty database from stdin, and out again: the same bytes.
    let copied = newsdesk(&second, &["import", "-"], &exported);
    assert!(copied.status.success(), "stderr: {}", text(&copied.stderr));
    let out_file = dir.path().join("again.ndjson");
    let again = newsdesk(&second, &["export", "--output", out_file.to_str().expect("path")], "");
    assert!(again.status.success(), "stderr: {}", text(&again.stderr));
    assert_eq!(std::fs::read_to_string(&out_file).expect("export written"), exported);

    let published = newsdesk(&second, &["export", "--status", "published"], "");
    assert_eq!(text(&published.stdout).lines().count(), 3);
}

fn bad_lines(db: Scratch) {
    let input = "{\"slug\":\"fine-one\",\"title\":\"Fine\"}\n\
                 {\"slug\":\"bad-one\",\"title\":\"Bad\",\"authors\":[{\"slug\":\"Not A Slug\",\"name\":\"X\"}]}\n\
                 {\"slug\":\"fine-two\",\"title\":\"Fine too\"}\n";
    let stopped = newsdesk(&db, &["import", "-"], input);
    assert!(!stopped.status.success(), "a bad line stops the run by default");
    let err = text(&stopped.stderr);
    assert!(err.contains("line 2: authors[0].slug: must be lowercase"), "{err}");
    assert!(text(&stopped.stdout).contains("imported: 1\n"), "{}", text(&stopped.stdout));

    let skipped = newsdesk(&db, &["import", "-", "--on-error", "skip"], input);
    assert!(skipped.status.success(), "stderr: {}", text(&skipped.stderr));
    let out = text(&skipped.stdout);
    assert!(out.contains("imported: 1\nalready present: 1\nskipped: 1\n  line 2: authors[0].slug:"), "{out}");
    assert!(text(&skipped.stderr).contains("skipped: line 2: authors[0].slug"), "{}", text(&skipped.stderr));

    let exported = text(&newsdesk(&db, &["export"], "").stdout);
    assert_eq!(exported.lines().count(), 2);
    assert!(!exported.contains("bad-one"));

    let wrong = newsdesk(&db, &["import", "-", "--on-error", "maybe"], "");
    assert!(!wrong.status.success());
    assert!(text(&wrong.stderr).contains("--on-error"), "{}", text(&wrong.stderr));
}

#[test]
fn sqlite_round_trip_and_resume() {
    round_trip_and_resume(Scratch::sqlite(), Scratch::sqlite());
}

#[test]
fn postgres_round_trip_and_resume() {
    round_trip_and_resume(Scratch::postgres(), Scratch::postgres());
}

#[test]
fn sqlite_bad_lines() {
    bad_lines(Scratch::sqlite());
}

#[test]
fn postgres_bad_lines() {
    bad_lines(Scratch::postgres());
}

/// `newsdesk user create --help` tells an operator which roles exist and what each may do,
/// and an unknown role is refused before anything is read or written.
#[test]
fn user_create_lists_the_roles() {
    let help = Command::new(BIN).args(["user", "create", "--help"]).output().expect("newsdesk runs");
    assert!(help.status.success(), "{}", text(&help.stderr));
    let help = text(&help.stdout);
    for (role, meaning) in [
        ("admin", "users, API keys"),
        ("editor", "Every article"),
        ("author", "Their own articles"),
        ("contributor", "may not publish"),
    ] {
        let line = help.lines().find(|line| line.trim_start().starts_with(&format!("- {role}:")));
        assert!(line.is_some_and(|line| line.contains(meaning)), "`{role}: …{meaning}…` in:\n{help}");
    }

    let db = Scratch::sqlite();
    let refused = newsdesk(&db, &["user", "create", "--email", "a@example.org", "--role", "owner"], "");
    assert!(!refused.status.success());
    let stderr = text(&refused.stderr);
    assert!(stderr.contains("admin, editor, author, contributor"), "{stderr}");
}

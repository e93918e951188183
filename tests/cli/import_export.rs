//! `newsdesk import` and `newsdesk export` run as a user runs them, on SQLite and PostgreSQL:
//! exit codes, messages, resuming, and export -> import -> export giving the same bytes.
//! (What an import writes is read back over HTTP in tests/src/import_export.rs.)

use std::process::Output;

use crate::common::database::TestDatabase;
use crate::common::{on_both_backends, Backend};
use crate::process::{newsdesk, run_with_input};

/// Runs `newsdesk` with `args` against `db`, feeding `stdin`.
async fn newsdesk_on(db: &TestDatabase, args: &[&str], stdin: &str) -> Output {
    let mut command = newsdesk(&std::env::temp_dir());
    // Logs go to stdout, where `export` writes its lines.
    command.args(args).env("NEWSDESK_DATABASE_URL", &db.url).env("NEWSDESK_LOG", "warn");
    run_with_input(command, stdin).await
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

async fn round_trip_and_resume(backend: Backend) {
    let (first, second) = (TestDatabase::create(backend), TestDatabase::create(backend));
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("corpus.ndjson");
    std::fs::write(&file, CORPUS).expect("corpus written");
    let file = file.to_str().expect("a UTF-8 path");

    let run = newsdesk_on(&first, &["import", file, "--batch-size", "2"], "").await;
    assert!(run.status.success(), "stderr: {}", text(&run.stderr));
    let out = text(&run.stdout);
    assert!(out.contains("imported: 4\nalready present: 0\nskipped: 0\n"), "{out}");
    assert!(out.contains("articles/s"), "{out}");

    let again = newsdesk_on(&first, &["import", file], "").await;
    assert!(again.status.success(), "stderr: {}", text(&again.stderr));
    assert!(text(&again.stdout).contains("imported: 0\nalready present: 4\n"), "{}", text(&again.stdout));

    let exported = newsdesk_on(&first, &["export"], "").await;
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
    let copied = newsdesk_on(&second, &["import", "-"], &exported).await;
    assert!(copied.status.success(), "stderr: {}", text(&copied.stderr));
    let out_file = dir.path().join("again.ndjson");
    let again = newsdesk_on(&second, &["export", "--output", out_file.to_str().expect("path")], "").await;
    assert!(again.status.success(), "stderr: {}", text(&again.stderr));
    assert_eq!(std::fs::read_to_string(&out_file).expect("export written"), exported);

    let published = newsdesk_on(&second, &["export", "--status", "published"], "").await;
    assert_eq!(text(&published.stdout).lines().count(), 3);
}

async fn bad_lines(backend: Backend) {
    let db = TestDatabase::create(backend);
    let input = "{\"slug\":\"fine-one\",\"title\":\"Fine\"}\n\
                 {\"slug\":\"bad-one\",\"title\":\"Bad\",\"authors\":[{\"slug\":\"Not A Slug\",\"name\":\"X\"}]}\n\
                 {\"slug\":\"fine-two\",\"title\":\"Fine too\"}\n";
    let stopped = newsdesk_on(&db, &["import", "-"], input).await;
    assert!(!stopped.status.success(), "a bad line stops the run by default");
    let err = text(&stopped.stderr);
    assert!(err.contains("line 2: authors[0].slug: must be lowercase"), "{err}");
    assert!(text(&stopped.stdout).contains("imported: 1\n"), "{}", text(&stopped.stdout));

    let skipped = newsdesk_on(&db, &["import", "-", "--on-error", "skip"], input).await;
    assert!(skipped.status.success(), "stderr: {}", text(&skipped.stderr));
    let out = text(&skipped.stdout);
    assert!(out.contains("imported: 1\nalready present: 1\nskipped: 1\n  line 2: authors[0].slug:"), "{out}");
    assert!(text(&skipped.stderr).contains("skipped: line 2: authors[0].slug"), "{}", text(&skipped.stderr));

    let exported = text(&newsdesk_on(&db, &["export"], "").await.stdout);
    assert_eq!(exported.lines().count(), 2);
    assert!(!exported.contains("bad-one"));

    let wrong = newsdesk_on(&db, &["import", "-", "--on-error", "maybe"], "").await;
    assert!(!wrong.status.success());
    assert!(text(&wrong.stderr).contains("--on-error"), "{}", text(&wrong.stderr));
}

on_both_backends!(backend; round_trip_and_resume, bad_lines);

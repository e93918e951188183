//! A TypeScript frontend's view of the API: a client generated from openapi/openapi.json with
//! openapi-typescript, type-checked with `strict` and no casts, then run with node against a
//! real server through openapi-fetch (tests/typescript/).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::{json, Value};

use crate::common::{on_both_backends, TestApp, USER_PASSWORD};

fn project() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("typescript")
}

/// Runs `program` in the TypeScript project and returns its standard output; panics with its
/// output when it fails.
fn run(program: &str, args: &[&str]) -> String {
    let output = Command::new(program).args(args).current_dir(project()).output().unwrap_or_else(|e| {
        panic!("`{program}` runs ({e}); install Debian's `nodejs` and `npm` packages (`make test` does)")
    });
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "`{program} {}` failed:\n{stdout}\n{stderr}", args.join(" "));
    stdout.into_owned()
}

/// Whether `npm ci` must (re)install the pinned packages: none yet, or the lock file changed.
fn packages_stale() -> bool {
    let modified = |path: PathBuf| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    match (modified(project().join("node_modules/.package-lock.json")), modified(project().join("package-lock.json"))) {
        (Some(installed), Some(locked)) => installed < locked,
        _ => true,
    }
}

/// Installs the packages, generates the client from the committed document and compiles the
/// program, once per test process: both backends' stories share the result.
fn compiled() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            if packages_stale() {
                run("npm", &["ci", "--no-audit", "--no-fund"]);
            }
            run("node_modules/.bin/openapi-typescript", &["../../openapi/openapi.json", "--output", "src/schema.d.ts"]);
            // `--strict` again, so no one can turn it off in tsconfig.json alone.
            run("node_modules/.bin/tsc", &["--project", "tsconfig.json", "--strict"]);
            project().join("dist/client.js")
        })
        .clone()
}

/// The program reads what it needs through the generated types alone.
#[test]
fn the_program_uses_no_casts_and_no_any() {
    let source = std::fs::read_to_string(project().join("src/client.ts")).expect("tests/typescript/src/client.ts");
    let code = source.lines().filter(|line| !line.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
    for word in code.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '@' || c == '-')) {
        assert!(
            !["as", "any", "@ts-ignore", "@ts-expect-error", "@ts-nocheck"].contains(&word),
            "`{word}` in client.ts"
        );
    }
    assert!(!code.contains("!."), "non-null assertions hide missing fields");
}

async fn a_typescript_frontend_reads_articles_logs_in_and_writes_a_draft(app: TestApp) {
    app.seed_taxonomy().await;
    app.published(json!({
        "title": "Harbour pilots vote to strike",
        "summary": "Night shifts are unsafe, the pilots say.",
        "body": "The vote was **unanimous**.",
        "authors": ["ada-byline", "ben-byline"],
    }))
    .await;
    let email = format!("frontend-{}@example.org", uuid::Uuid::new_v4().simple());
    app.create_user(&email, "author").await;

    let base = app.base.clone();
    let output = tokio::task::spawn_blocking(move || {
        let program = compiled();
        let program = program.to_str().expect("a UTF-8 path");
        run("node", &[program, &base, &email, USER_PASSWORD])
    })
    .await
    .expect("the program finished");
    let seen: Value = serde_json::from_str(output.trim()).unwrap_or_else(|_| panic!("one JSON object: {output}"));

    assert_eq!(seen["listed_title"], "Harbour pilots vote to strike");
    assert_eq!(seen["sparse_title"], "Harbour pilots vote to strike");
    assert_eq!(seen["sparse_keys"], json!(["slug", "title"]), "fields= sends only what was named");
    assert_eq!(seen["byline"], "Ada Byline");
    assert_eq!(seen["byline_count"], 2);
    assert_eq!(seen["token_type"], "Bearer");
    assert_eq!(seen["draft_slug"], "tide-tables-for-the-winter");
    assert_eq!(seen["draft_status"], "draft");
    assert_eq!(seen["draft_version"], 1);
    assert_eq!(seen["invalid_status"], 422);
    assert_eq!(seen["invalid_content_type"], "application/problem+json");
    assert_eq!(seen["invalid_field"], "title");
    assert!(seen["invalid_message"].as_str().is_some_and(|m| !m.is_empty()), "{seen}");
}

on_both_backends!(a_typescript_frontend_reads_articles_logs_in_and_writes_a_draft);

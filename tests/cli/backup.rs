//! An operator backs up a running server under write load with the real `newsdesk backup`,
//! restores into a new database with `newsdesk restore`, and a second server on it serves the
//! same content.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::database::TestDatabase;
use crate::common::{on_both_backends, Backend, TestApp};
use crate::process::{newsdesk, run, text};

/// Every article, as the admin API shows it, oldest first.
async fn all_articles(app: &TestApp) -> Vec<Value> {
    let mut all = Vec::new();
    for page in 1.. {
        let reply = app.admin_get(&format!("/v1/admin/articles?limit=100&page={page}"), &app.admin).await.expect(200);
        let items = reply.body["data"].as_array().expect("a list").clone();
        let done = items.len() < 100;
        all.extend(items);
        if done {
            break;
        }
    }
    all.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    all
}

/// What must survive a backup: the content and its relations.
fn content(article: &Value) -> Value {
    let slugs = |list: &Value| -> Vec<String> {
        list.as_array()
            .map(|l| l.iter().filter_map(|x| x["slug"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    };
    json!({
        "id": article["id"], "slug": article["slug"], "title": article["title"], "body": article["body"],
        "status": article["status"], "authors": slugs(&article["authors"]), "tags": slugs(&article["tags"]),
    })
}

async fn a_backup_under_load_restores_the_same_content(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.seed_taxonomy().await;
    let created: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let published = std::sync::atomic::AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let dir = tempfile::tempdir().expect("temp dir");
    let backup_file = dir.path().join("newsdesk.backup");

    let load = async {
        let mut i = 0;
        while !stop.load(Ordering::SeqCst) {
            i += 1;
            let draft = app
                .draft(
                    &app.admin,
                    json!({"title": format!("Load story {i}"), "body": format!("Paragraph **{i}**.\n\nMore of story {i}."),
                           "authors": ["ada-byline"], "tags": ["water", "coast"]}),
                )
                .await;
            let id = draft["id"].as_str().expect("id").to_owned();
            created.lock().expect("ids").push(id.clone());
            app.send(Method::POST, &format!("/v1/admin/articles/{id}/publish"), Some(&app.admin), None, &[])
                .await
                .expect(200);
            published.fetch_add(1, Ordering::SeqCst);
        }
    };
    let take_backup = async {
        crate::common::wait_until("some articles written", || async {
            (published.load(Ordering::SeqCst) >= 5).then_some(())
        })
        .await;
        let acknowledged = published.load(Ordering::SeqCst);
        let mut command = newsdesk(dir.path());
        command.arg("backup").arg(&backup_file).args(["--database-url", app.database_url()]);
        let output = run(command).await;
        assert!(output.status.success(), "backup failed: {}", text(&output));
        // Let the load write a little past the backup, so the restored copy is a strict prefix.
        let after = published.load(Ordering::SeqCst) + 2;
        crate::common::wait_until("writes after the backup", || async {
            (published.load(Ordering::SeqCst) >= after).then_some(())
        })
        .await;
        stop.store(true, Ordering::SeqCst);
        acknowledged
    };
    let ((), acknowledged) = tokio::join!(load, take_backup);
    let created = created.into_inner().expect("ids");

    let target = Arc::new(TestDatabase::create(backend));
    let mut command = newsdesk(dir.path());
    command.arg("restore").arg(&backup_file).args(["--database-url", &target.url]);
    let output = run(command).await;
    assert!(output.status.success(), "restore failed: {}", text(&output));
    assert!(text(&output).contains("migrations applied"), "{}", text(&output));

    let restored_app = TestApp::spawn_on(target).await;
    let restored = all_articles(&restored_app).await;
    assert!(
        restored.len() >= acknowledged,
        "{} articles restored, {acknowledged} were published before the backup started",
        restored.len()
    );
    assert!(restored.len() < created.len(), "the load went on after the backup, so the copy has fewer");
    // A prefix of what was written, in order: nothing later without everything earlier.
    let restored_ids: Vec<&str> = restored.iter().filter_map(|a| a["id"].as_str()).collect();
    let expected: Vec<&str> = created[..restored.len()].iter().map(String::as_str).collect();
    assert_eq!(restored_ids, expected, "the restored articles are the first ones written");
    for (n, article) in restored.iter().enumerate() {
        let id = article["id"].as_str().expect("id");
        let copy = restored_app.admin_get(&format!("/v1/admin/articles/{id}"), &restored_app.admin).await.expect(200);
        let original = app.admin_get(&format!("/v1/admin/articles/{id}"), &app.admin).await.expect(200);
        let copy = content(&copy.body);
        assert_eq!(copy["authors"], json!(["ada-byline"]), "every article keeps its byline: {copy}");
        assert_eq!(copy["tags"].as_array().map(Vec::len), Some(2), "every article keeps its tags: {copy}");
        // Only the last one can have been caught between its creation and its publication.
        if n + 1 < restored.len() {
            assert_eq!(copy["status"], "published", "{copy}");
            assert_eq!(copy, content(&original.body));
        } else {
            let mut original = content(&original.body);
            original["status"] = copy["status"].clone();
            assert_eq!(copy, original);
        }
        if copy["status"] == "published" {
            let slug = copy["slug"].as_str().expect("slug");
            restored_app.get(&format!("/v1/articles/{slug}")).await.expect(200);
        }
    }
}

async fn backup_and_restore_refuse_to_destroy_data(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let backup_file = dir.path().join("taken.backup");
    std::fs::write(&backup_file, "precious").expect("write");

    let mut command = newsdesk(dir.path());
    command.arg("backup").arg(&backup_file).args(["--database-url", app.database_url()]);
    let output = run(command).await;
    assert!(!output.status.success());
    assert!(text(&output).contains("already exists") && text(&output).contains("--force"), "{}", text(&output));
    assert_eq!(std::fs::read_to_string(&backup_file).expect("read"), "precious", "the file is untouched");

    let mut command = newsdesk(dir.path());
    command.arg("backup").arg(&backup_file).arg("--force").args(["--database-url", app.database_url()]);
    let output = run(command).await;
    assert!(output.status.success(), "{}", text(&output));

    // Restoring over the database a server is using is refused.
    let mut command = newsdesk(dir.path());
    command.arg("restore").arg(&backup_file).args(["--database-url", app.database_url()]);
    let output = run(command).await;
    assert!(!output.status.success());
    assert!(text(&output).contains("--force"), "{}", text(&output));
    let mut command = newsdesk(dir.path());
    command.arg("restore").arg(&backup_file).arg("--force").args(["--database-url", app.database_url()]);
    if let Backend::Sqlite = backend {
        let output = run(command).await;
        assert!(!output.status.success());
        assert!(text(&output).contains("in use by a running newsdesk process"), "{}", text(&output));
    }
    app.get("/readyz").await.expect(200);

    // Stopped, the server's database can be replaced; started again, it serves the backup.
    let tag = app.post("/v1/admin/tags", &app.admin, json!({"name": "After the backup"})).await.expect(201);
    let url = app.database_url().to_owned();
    let stopped = app.stop();
    // The stopped server's worker threads let go of the database a moment after it stops.
    crate::common::wait_until("the stopped server to release the database", || async {
        let mut command = newsdesk(dir.path());
        command.arg("restore").arg(&backup_file).arg("--force").args(["--database-url", &url]);
        let output = run(command).await;
        assert!(output.status.success() || text(&output).contains("in use"), "{}", text(&output));
        output.status.success().then_some(())
    })
    .await;
    let app = stopped.start().await;
    let id = tag.body["id"].as_str().expect("id");
    app.admin_get(&format!("/v1/admin/tags/{id}"), &app.admin).await.expect_problem(404);

    // Without pg_dump on the PATH, the error gives the recipe to run by hand.
    if let Backend::Postgres = backend {
        let mut command = newsdesk(dir.path());
        command.arg("backup").arg(dir.path().join("no-tools.backup")).args(["--database-url", &url]).env("PATH", "");
        let output = run(command).await;
        assert!(!output.status.success());
        assert!(
            text(&output).contains("pg_dump is not installed") && text(&output).contains("pg_dump --format=custom")
        );
    }

    // A file that is no backup is refused before anything is replaced.
    let junk = dir.path().join("junk.backup");
    std::fs::write(&junk, "not a database at all").expect("write");
    let target = TestDatabase::create(backend);
    let mut command = newsdesk(dir.path());
    command.arg("restore").arg(&junk).args(["--database-url", &target.url]);
    let output = run(command).await;
    assert!(!output.status.success());
    let missing = dir.path().join("missing.backup");
    let mut command = newsdesk(dir.path());
    command.arg("restore").arg(&missing).args(["--database-url", &target.url]);
    let output = run(command).await;
    assert!(!output.status.success());
    assert!(text(&output).contains("no backup file"), "{}", text(&output));
}

on_both_backends!(backend; a_backup_under_load_restores_the_same_content, backup_and_restore_refuse_to_destroy_data);

//! `newsdesk user create`, as an operator meets it: its help names the roles and what each may
//! do, and an unknown role is refused before anything is read or written.

use crate::common::database::TestDatabase;
use crate::common::Backend;
use crate::process::{newsdesk, run, text};

#[actix_web::test]
async fn user_create_lists_the_roles() {
    let mut command = newsdesk(&std::env::temp_dir());
    command.args(["user", "create", "--help"]);
    let help = run(command).await;
    assert!(help.status.success(), "{}", text(&help));
    let help = String::from_utf8_lossy(&help.stdout).into_owned();
    for (role, meaning) in [
        ("admin", "users, API keys"),
        ("editor", "Every article"),
        ("author", "Their own articles"),
        ("contributor", "may not publish"),
    ] {
        let line = help.lines().find(|line| line.trim_start().starts_with(&format!("- {role}:")));
        assert!(line.is_some_and(|line| line.contains(meaning)), "`{role}: …{meaning}…` in:\n{help}");
    }

    let db = TestDatabase::create(Backend::Sqlite);
    let mut command = newsdesk(&std::env::temp_dir());
    command
        .args(["user", "create", "--email", "a@example.org", "--role", "owner"])
        .env("NEWSDESK_DATABASE_URL", &db.url);
    let refused = run(command).await;
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("admin, editor, author, contributor"), "{stderr}");
}

//! The role matrix: what admins, editors, authors and contributors may each do.
//!
//! Each table lists the exact status every role gets for an action, in the order of
//! [`ROLES`]. A run collects every mismatch and fails once, naming the role and action.
//! `matrix` covers every editorial route of the route table, with the statuses worked out from
//! the permission table itself; the tables here also check what refused calls leave behind.

mod articles;
mod management;
mod matrix;

use serde_json::{json, Value};

use crate::common::{Reply, TestApp};

const ROLES: [&str; 4] = ["admin", "editor", "author", "contributor"];

/// Checks replies against a table and gathers every mismatch.
struct Matrix {
    table: &'static [(&'static str, [u16; 4])],
    failures: Vec<String>,
    checked: usize,
}

impl Matrix {
    fn new(table: &'static [(&'static str, [u16; 4])]) -> Self {
        Self { table, failures: Vec::new(), checked: 0 }
    }

    fn expected(&self, role: usize, action: &str) -> u16 {
        self.table
            .iter()
            .find(|(name, _)| *name == action)
            .map(|(_, statuses)| statuses[role])
            .unwrap_or_else(|| panic!("the table has no action {action:?}"))
    }

    /// Whether the table lets `role` do `action`.
    fn allowed(&self, role: usize, action: &str) -> bool {
        self.expected(role, action) < 300
    }

    /// Records a mismatch of status (or of the problem document, for errors).
    fn check(&mut self, role: usize, action: &str, reply: &Reply) -> bool {
        self.checked += 1;
        let expected = self.expected(role, action);
        let got = reply.status.as_u16();
        if got != expected {
            self.failures.push(format!("{} / {action}: expected {expected}, got {got}: {}", ROLES[role], reply.text));
            return false;
        }
        if expected >= 400
            && (reply.header("content-type") != Some("application/problem+json") || reply.body["status"] != expected)
        {
            self.failures.push(format!(
                "{} / {action}: {expected} is not a problem document (content-type {:?}): {}",
                ROLES[role],
                reply.header("content-type"),
                reply.text
            ));
            return false;
        }
        true
    }

    /// Records a mismatch in what an action left behind.
    fn state(&mut self, role: usize, action: &str, what: &str, observed: &Value, if_allowed: &str, if_refused: &str) {
        let wanted = if self.allowed(role, action) { if_allowed } else { if_refused };
        if *observed != *wanted {
            self.failures
                .push(format!("{} / {action}: afterwards {what} should be {wanted:?}, is {observed}", ROLES[role]));
        }
    }

    #[track_caller]
    fn finish(self) {
        assert!(
            self.failures.is_empty(),
            "{} role/action checks failed:\n{}",
            self.failures.len(),
            self.failures.join("\n")
        );
        let covered: usize = self.table.len() * ROLES.len();
        assert!(self.checked >= covered, "only {} of {covered} role/action pairs were checked", self.checked);
    }
}

/// One `(user id, access token)` per entry of [`ROLES`]; the admin is the first admin.
async fn cast(app: &TestApp) -> Vec<(String, String)> {
    let me = app.admin_get("/v1/me", &app.admin).await.expect(200);
    let mut cast = vec![(me.body["id"].as_str().expect("admin id").to_owned(), app.admin.clone())];
    for role in &ROLES[1..] {
        cast.push(app.user_with_role(role).await);
    }
    cast
}

/// A status code as a JSON string, for [`Matrix::state`].
fn code(status: u16) -> Value {
    json!(status.to_string())
}

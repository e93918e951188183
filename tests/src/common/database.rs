//! A fresh database per test: a temp SQLite file, or a PostgreSQL database created from
//! `NEWSDESK_TEST_POSTGRES_URL` and dropped afterwards.

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestDatabase {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

fn postgres_admin_url() -> String {
    std::env::var("NEWSDESK_TEST_POSTGRES_URL")
        .expect("NEWSDESK_TEST_POSTGRES_URL must point at a PostgreSQL server (make test sets it); the PostgreSQL half is not optional")
}

/// Replaces the database name in a PostgreSQL URL.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let server = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{server}/{name}?{q}"),
        None => format!("{server}/{name}"),
    }
}

impl TestDatabase {
    pub fn create(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("newsdesk.db").display());
                Self { url, cleanup: Cleanup::Sqlite(dir) }
            }
            Backend::Postgres => {
                let admin_url = postgres_admin_url();
                let name = format!("newsdesk_test_{}", uuid::Uuid::new_v4().simple());
                let mut conn =
                    PgConnection::establish(&admin_url).expect("PostgreSQL is reachable at NEWSDESK_TEST_POSTGRES_URL");
                conn.batch_execute(&format!("CREATE DATABASE {name}")).expect("create test database");
                Self { url: with_database(&admin_url, &name), cleanup: Cleanup::Postgres { admin_url, name } }
            }
        }
    }
}

impl TestDatabase {
    /// Ends every other session on this PostgreSQL database, as a failover or a restart does.
    pub fn cut_connections(&self) {
        if let Cleanup::Postgres { admin_url, name } = &self.cleanup {
            let mut conn = PgConnection::establish(admin_url).expect("PostgreSQL is reachable");
            conn.batch_execute(&format!(
                "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"
            ))
            .expect("end the sessions");
        }
    }

    /// Drops a PostgreSQL database at once, closing every connection to it.
    pub fn drop_now(&self) {
        if let Cleanup::Postgres { admin_url, name } = &self.cleanup {
            if let Ok(mut conn) = PgConnection::establish(admin_url) {
                let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        self.drop_now();
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn swaps_the_database_name() {
        assert_eq!(with_database("postgres://u@h:5432/postgres", "x"), "postgres://u@h:5432/x");
        assert_eq!(with_database("postgres://u@h/postgres?sslmode=disable", "x"), "postgres://u@h/x?sslmode=disable");
        assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
    }
}

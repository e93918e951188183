//! Online backups and restores of either backend.
//!
//! SQLite: `VACUUM INTO` copies one read snapshot, so writers may go on meanwhile; the copy is
//! written beside the destination and renamed into place, so a half-written file never carries
//! the final name. A restore swaps the file in the same way, and only when no server holds the
//! database (every [`crate::Database`] on SQLite holds a shared lock on the file).
//!
//! PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --if-exists --no-owner
//! --single-transaction`, the password handed over in `PGPASSWORD` rather than on the command
//! line, where `ps` would show it.

use std::path::{Path, PathBuf};
use std::process::Command;

use diesel::connection::SimpleConnection;
use diesel::sql_types::{BigInt, Text};
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl, SqliteConnection};

use crate::database::{Backend, DatabaseUrl};

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The operation would lose data or break a running server; the message says how to proceed.
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    Failed(String),
}

type BackupResult<T> = Result<T, BackupError>;

fn failed(context: impl std::fmt::Display) -> impl FnOnce(String) -> BackupError {
    move |e| BackupError::Failed(format!("{context}: {e}"))
}

/// Writes a consistent copy of the database at `url` to `dest`. Refuses to replace an existing
/// file unless `force`.
pub fn backup(url: &DatabaseUrl, dest: &Path, force: bool) -> BackupResult<()> {
    if dest.exists() && !force {
        return Err(BackupError::Refused(format!(
            "{} already exists; choose another path or pass --force to replace it",
            dest.display()
        )));
    }
    let temp = sibling_temp(dest);
    let outcome = match url.backend() {
        Backend::Sqlite => sqlite_backup(url, &temp),
        Backend::Postgres => pg_dump(url, &temp),
    };
    finish(outcome, &temp, dest)
}

/// Replaces the database at `url` with the backup at `source`. Refuses while a server uses the
/// database, and refuses to replace a database that holds data unless `force`.
pub fn restore(url: &DatabaseUrl, source: &Path, force: bool) -> BackupResult<()> {
    if !source.is_file() {
        return Err(BackupError::Refused(format!("no backup file at {}", source.display())));
    }
    match url.backend() {
        Backend::Sqlite => sqlite_restore(url, source, force),
        Backend::Postgres => pg_restore(url, source, force),
    }
}

/// A temporary name in the destination's directory, so the final rename stays on one file system.
fn sibling_temp(dest: &Path) -> PathBuf {
    let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    dest.with_file_name(format!(".{name}.partial-{}", uuid::Uuid::new_v4().simple()))
}

/// Flushes the finished copy to disk and gives it its final name.
fn finish(outcome: BackupResult<()>, temp: &Path, dest: &Path) -> BackupResult<()> {
    let synced = outcome.and_then(|()| {
        std::fs::File::open(temp)
            .and_then(|f| f.sync_all())
            .map_err(|e| failed(format!("flushing {}", temp.display()))(e.to_string()))
    });
    let renamed = synced.and_then(|()| {
        std::fs::rename(temp, dest).map_err(|e| failed(format!("moving the copy to {}", dest.display()))(e.to_string()))
    });
    if renamed.is_err() {
        let _ = std::fs::remove_file(temp);
    }
    renamed
}

fn sqlite_path(url: &DatabaseUrl) -> &str {
    url.sqlite_path().unwrap_or_default()
}

fn sqlite_backup(url: &DatabaseUrl, temp: &Path) -> BackupResult<()> {
    let path = sqlite_path(url);
    // Opening a missing file would create an empty database and back that up.
    if !Path::new(path).is_file() {
        return Err(BackupError::Refused(format!("no SQLite database at {path}")));
    }
    let mut conn = SqliteConnection::establish(path).map_err(|e| failed(format!("opening {path}"))(e.to_string()))?;
    conn.batch_execute("PRAGMA busy_timeout = 5000;").map_err(|e| failed("configuring SQLite")(e.to_string()))?;
    diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(temp.to_string_lossy().into_owned())
        .execute(&mut conn)
        .map_err(|e| failed("VACUUM INTO")(e.to_string()))?;
    Ok(())
}

fn sqlite_restore(url: &DatabaseUrl, source: &Path, force: bool) -> BackupResult<()> {
    let target = PathBuf::from(sqlite_path(url));
    check_sqlite_file(source)?;
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| failed(format!("creating {}", dir.display()))(e.to_string()))?;
    }
    // Held until the swap is done, so no server can start on the old file meanwhile.
    let _exclusive = if target.exists() {
        if !force {
            return Err(BackupError::Refused(format!(
                "{} already exists; pass --force to replace it with the backup",
                target.display()
            )));
        }
        Some(lock_exclusive(&target)?)
    } else {
        None
    };
    let temp = sibling_temp(&target);
    std::fs::copy(source, &temp).map_err(|e| failed(format!("copying {}", source.display()))(e.to_string()))?;
    // A write-ahead log left by the old file would be replayed into the new one.
    for suffix in ["-wal", "-shm"] {
        let stale = PathBuf::from(format!("{}{suffix}", target.display()));
        if stale.exists() {
            std::fs::remove_file(&stale).map_err(|e| failed(format!("removing {}", stale.display()))(e.to_string()))?;
        }
    }
    finish(Ok(()), &temp, &target)
}

/// Checks the backup is an intact SQLite database before it replaces anything.
fn check_sqlite_file(source: &Path) -> BackupResult<()> {
    #[derive(QueryableByName)]
    struct Check {
        #[diesel(sql_type = Text)]
        quick_check: String,
    }
    let shown = source.display();
    let mut header = [0u8; 16];
    let read = std::fs::File::open(source).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut header));
    if read.is_err() || &header != b"SQLite format 3\0" {
        return Err(BackupError::Refused(format!("{shown} is not an SQLite database")));
    }
    let mut conn = SqliteConnection::establish(&source.to_string_lossy())
        .map_err(|e| failed(format!("opening {shown}"))(e.to_string()))?;
    let checks: Vec<Check> = diesel::sql_query("PRAGMA quick_check")
        .load(&mut conn)
        .map_err(|e| failed(format!("checking {shown}"))(e.to_string()))?;
    match checks.first() {
        Some(c) if c.quick_check == "ok" => Ok(()),
        _ => Err(BackupError::Refused(format!("{shown} is damaged (PRAGMA quick_check failed)"))),
    }
}

/// Servers hold a shared lock on the SQLite file; taking it exclusively proves none runs.
#[cfg(unix)]
fn lock_exclusive(target: &Path) -> BackupResult<std::fs::File> {
    let file =
        std::fs::File::open(target).map_err(|e| failed(format!("opening {}", target.display()))(e.to_string()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(BackupError::Refused(format!(
            "{} is in use by a running newsdesk process; stop the server(s) first, then restore",
            target.display()
        ))),
        Err(std::fs::TryLockError::Error(e)) => Err(failed(format!("locking {}", target.display()))(e.to_string())),
    }
}

#[cfg(not(unix))]
fn lock_exclusive(target: &Path) -> BackupResult<std::fs::File> {
    std::fs::File::open(target).map_err(|e| failed(format!("opening {}", target.display()))(e.to_string()))
}

/// The URL without its password, and the password, for `PGPASSWORD`.
fn split_password(url: &DatabaseUrl) -> BackupResult<(String, Option<String>)> {
    let mut parsed = url::Url::parse(url.target())
        .map_err(|e| BackupError::Refused(format!("the PostgreSQL URL does not parse: {e}")))?;
    let password = parsed.password().map(|p| percent_encoding::percent_decode_str(p).decode_utf8_lossy().into_owned());
    let _ = parsed.set_password(None);
    Ok((parsed.to_string(), password))
}

const PG_RECIPE: &str = "install the PostgreSQL client tools of your server's major version \
    (Debian/Ubuntu: apt-get install postgresql-client), or run by hand: \
    pg_dump --format=custom --file=BACKUP \"$NEWSDESK_DATABASE_URL\" to back up and \
    pg_restore --clean --if-exists --no-owner --single-transaction --dbname=\"$NEWSDESK_DATABASE_URL\" BACKUP to restore";

fn run_pg_tool(url: &DatabaseUrl, tool: &str, args: &[&std::ffi::OsStr]) -> BackupResult<()> {
    let (url_without_password, password) = split_password(url)?;
    let mut command = Command::new(tool);
    command.args(args).arg(format!("--dbname={url_without_password}"));
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let output = command.output().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            BackupError::Failed(format!("{tool} is not installed or not on PATH; {PG_RECIPE}"))
        }
        _ => BackupError::Failed(format!("running {tool}: {e}")),
    })?;
    if output.status.success() {
        return Ok(());
    }
    Err(BackupError::Failed(format!(
        "{tool} failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr).trim()
    )))
}

fn pg_dump(url: &DatabaseUrl, temp: &Path) -> BackupResult<()> {
    let file = temp.as_os_str();
    run_pg_tool(url, "pg_dump", &["--format=custom".as_ref(), "--file".as_ref(), file])
}

fn pg_restore(url: &DatabaseUrl, source: &Path, force: bool) -> BackupResult<()> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let mut conn =
        PgConnection::establish(url.target()).map_err(|e| failed("connecting to PostgreSQL")(e.to_string()))?;
    let count = |conn: &mut PgConnection, sql: &str| -> BackupResult<i64> {
        let rows: Vec<Count> =
            diesel::sql_query(sql).load(conn).map_err(|e| failed("inspecting the database")(e.to_string()))?;
        Ok(rows.first().map_or(0, |c| c.n))
    };
    let others = count(
        &mut conn,
        "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )?;
    if others > 0 && !force {
        return Err(BackupError::Refused(format!(
            "{others} other connection(s) use this database; stop the server(s) first, or pass --force"
        )));
    }
    let tables = count(&mut conn, "SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'")?;
    if tables > 0 && !force {
        return Err(BackupError::Refused(
            "the database already holds tables; pass --force to replace its content with the backup".into(),
        ));
    }
    drop(conn);
    let args: [&std::ffi::OsStr; 5] = [
        "--clean".as_ref(),
        "--if-exists".as_ref(),
        "--no-owner".as_ref(),
        "--single-transaction".as_ref(),
        source.as_os_str(),
    ];
    run_pg_tool(url, "pg_restore", &args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url_for_pgpassword() {
        let url = DatabaseUrl::parse("postgres://news:p%40ss%2Bw0rd@db.example.org:5432/news?sslmode=require");
        let (bare, password) = split_password(&url).unwrap_or_default();
        assert_eq!(bare, "postgres://news@db.example.org:5432/news?sslmode=require");
        assert_eq!(password.as_deref(), Some("p@ss+w0rd"));
        let (_, none) = split_password(&DatabaseUrl::parse("postgres://news@db/news")).unwrap_or_default();
        assert_eq!(none, None);
    }
}

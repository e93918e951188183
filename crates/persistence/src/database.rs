//! The connection enum over both backends, the r2d2 pool, migrations and the one-writer rule.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::connection::{
    AnsiTransactionManager, Instrumentation, InstrumentationEvent, SimpleConnection, TransactionManager,
};
use diesel::query_dsl::methods::ExecuteDsl;
use diesel::r2d2::{ManageConnection, Pool, PooledConnection};
use diesel::{Connection, ConnectionError, PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::{StoreError, StoreResult};

pub(crate) const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// One connection to whichever backend the URL chose.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

/// The backend type diesel uses for queries built against [`DbConn`].
pub type Db = <DbConn as Connection>::Backend;

/// Runs `statement` on the backend's own connection, for what diesel's `MultiConnection`
/// cannot run itself: multi-row inserts and upserts. The statement is written once and
/// compiled for each backend.
pub(crate) fn execute_on_backend<S>(conn: &mut DbConn, statement: S) -> diesel::QueryResult<usize>
where
    S: ExecuteDsl<SqliteConnection> + ExecuteDsl<PgConnection>,
{
    match conn {
        DbConn::Sqlite(c) => ExecuteDsl::execute(statement, c),
        DbConn::Postgres(c) => ExecuteDsl::execute(statement, c),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where the data lives, decided by the URL's scheme: `postgres://` or `postgresql://` is
/// PostgreSQL; `sqlite://path` or a bare path is an SQLite file.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    backend: Backend,
    target: String,
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Self {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self { backend: Backend::Postgres, target: url.to_owned() }
        } else {
            let path = url.strip_prefix("sqlite://").unwrap_or(url);
            Self { backend: Backend::Sqlite, target: path.to_owned() }
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The PostgreSQL connection string, if this is PostgreSQL.
    pub fn postgres_url(&self) -> Option<&str> {
        (self.backend == Backend::Postgres).then_some(self.target.as_str())
    }

    /// The SQLite file path, if this is SQLite.
    pub fn sqlite_path(&self) -> Option<&str> {
        (self.backend == Backend::Sqlite).then_some(self.target.as_str())
    }

    /// The PostgreSQL URL or SQLite path as given.
    pub(crate) fn target(&self) -> &str {
        &self.target
    }

    fn connect(&self) -> Result<DbConn, ConnectionError> {
        match self.backend {
            Backend::Postgres => PgConnection::establish(&self.target).map(DbConn::Postgres),
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(&self.target)?;
                // WAL lets readers run beside the single writer; NORMAL is durable enough in WAL.
                // busy_timeout first: the others may need a lock another connection holds.
                // A 4 MiB page cache per connection (twice the default) and no memory map: a map
                // per pooled connection counts in the server's RSS many times over, and the OS
                // page cache holds the file anyway.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                     PRAGMA synchronous = NORMAL; PRAGMA cache_size = -4000;",
                )
                .map_err(ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConn::Sqlite(conn))
            }
        }
    }
}

/// Keeps passwords in PostgreSQL URLs out of logs.
impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.backend {
            Backend::Sqlite => write!(f, "sqlite://{}", self.target),
            // Only scheme, host, port and database: no user, password or query parameters.
            Backend::Postgres => match url::Url::parse(&self.target) {
                Ok(url) => write!(
                    f,
                    "postgres://{}{}{}",
                    url.host_str().unwrap_or("localhost"),
                    url.port().map(|p| format!(":{p}")).unwrap_or_default(),
                    url.path()
                ),
                Err(_) => f.write_str("postgres://<unparseable>"),
            },
        }
    }
}

/// Makes the pool's connections. On SQLite this pool is why the bundled library is built in
/// multi-thread mode (`SQLITE_THREADSAFE=2`, `.cargo/config.toml`) and not the default
/// serialized mode: the pool hands a connection, with the prepared statements it caches, to one
/// thread at a time, and diesel's `SqliteConnection` is `Send` but not `Sync`, so no two threads
/// can call into one connection at once. The mutex serialized mode takes on every call into a
/// connection (each step, each column of each row read) then guards nothing, and it was 9% of
/// the CPU of an uncached list page. Mode 2 keeps SQLite's global mutexes (its allocator, the
/// shared page cache), which several connections on several threads do need; mode 0 would not.
/// `sqlite_options` warns at start when the flag is missing, and its test fails.
pub struct Manager {
    url: DatabaseUrl,
    statements: Arc<AtomicU64>,
}

/// A pooled connection, with when it last answered and whether it was seen lost.
pub struct Checked {
    conn: DbConn,
    answered: Instant,
    lost: bool,
}

impl std::ops::Deref for Checked {
    type Target = DbConn;
    fn deref(&self) -> &DbConn {
        &self.conn
    }
}

impl std::ops::DerefMut for Checked {
    fn deref_mut(&mut self) -> &mut DbConn {
        &mut self.conn
    }
}

/// A connection back in the pool within this long of its last answer is handed out again
/// without a `SELECT 1`: under load that check was one statement in eight. Work that then finds
/// it closed by the database (a restart, a failover inside the window) runs again on another
/// connection, and the closed one is dropped (see `Database::read` and `Database::write`).
const RECENTLY_ANSWERED: Duration = Duration::from_secs(2);

impl ManageConnection for Manager {
    type Connection = Checked;
    type Error = ConnectionError;

    fn connect(&self) -> Result<Checked, ConnectionError> {
        let mut conn = self.url.connect()?;
        conn.set_instrumentation(StatementCounter(self.statements.clone()));
        Ok(Checked { conn, answered: Instant::now(), lost: false })
    }

    fn is_valid(&self, checked: &mut Checked) -> Result<(), ConnectionError> {
        if checked.answered.elapsed() < RECENTLY_ANSWERED {
            return Ok(());
        }
        checked.conn.batch_execute("SELECT 1").map_err(ConnectionError::CouldntSetupConfiguration)?;
        checked.answered = Instant::now();
        Ok(())
    }

    /// On its way back to the pool: a lost connection is closed, and so is one left inside a
    /// transaction (work that panicked, a failed rollback); a live one is dated.
    fn has_broken(&self, checked: &mut Checked) -> bool {
        checked.answered = Instant::now();
        checked.lost
            || std::thread::panicking()
            || <DbConn as Connection>::TransactionManager::is_broken_transaction_manager(&mut checked.conn)
    }
}

pub type PooledConn = PooledConnection<Manager>;

type Transactions = <DbConn as Connection>::TransactionManager;

/// Opens a write transaction. SQLite's is `BEGIN IMMEDIATE`: a deferred transaction that reads
/// first and then finds another process (the CLI, a restore) holding the write lock fails at
/// once with `SQLITE_BUSY`, without waiting out `busy_timeout`.
fn begin(conn: &mut DbConn) -> StoreResult<()> {
    match conn {
        DbConn::Sqlite(sqlite) => AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?,
        DbConn::Postgres(_) => Transactions::begin_transaction(conn)?,
    }
    Ok(())
}

/// Runs `work` in the open transaction, then commits it, or rolls it back on an error.
fn finish<T>(conn: &mut DbConn, work: impl FnOnce(&mut DbConn) -> StoreResult<T>) -> StoreResult<T> {
    match work(conn) {
        Ok(value) => {
            Transactions::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => match Transactions::rollback_transaction(conn) {
            Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(error),
            Err(rollback) => Err(rollback.into()),
        },
    }
}

/// Whether work failed because the database closed its connection (see `StoreError::from`).
fn is_lost<T>(result: &StoreResult<T>) -> bool {
    matches!(result, Err(StoreError::Unavailable(_)))
}

/// Counts the SQL statements pooled connections run, so tests can hold each endpoint to a
/// fixed query budget. One relaxed atomic add per statement.
struct StatementCounter(Arc<AtomicU64>);

impl Instrumentation for StatementCounter {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            self.0.fetch_add(1, Ordering::Relaxed);
            // `NEWSDESK_LOG=sql=trace` shows every statement (with its binds) for profiling.
            tracing::trace!(target: "sql", "{query}");
        }
    }
}

/// The shared handle to storage. Cheap to clone. All methods block: call them off the async
/// workers (the api crate uses `web::block`).
#[derive(Clone)]
pub struct Database {
    pool: Pool<Manager>,
    url: DatabaseUrl,
    /// SQLite has one writer; serialising writes here avoids lock-upgrade deadlocks.
    write_lock: Option<Arc<Mutex<()>>>,
    statements: Arc<AtomicU64>,
    /// On SQLite, a shared lock on the file while this handle lives, so `newsdesk restore`
    /// can tell that a server is using it.
    _in_use: Option<Arc<std::fs::File>>,
}

/// How many connections the pool holds, read when metrics are scraped.
#[derive(Debug, Clone, Copy)]
pub struct PoolState {
    pub connections: u32,
    pub idle: u32,
    pub max: u32,
}

impl Database {
    /// Opens the pool, failing fast with the real error, and runs pending migrations.
    /// `connect_timeout` bounds how long a request waits for a connection before a 503.
    pub fn open(url: &DatabaseUrl, max_connections: u32, connect_timeout: Duration) -> StoreResult<Self> {
        if let Some(path) = url.sqlite_path() {
            if let Some(dir) = std::path::Path::new(path).parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .map_err(|e| StoreError::Unavailable(format!("cannot create {}: {e}", dir.display())))?;
            }
        }
        // One direct connection first: r2d2 would only report a timeout.
        let mut first = url.connect().map_err(|e| StoreError::Unavailable(e.to_string()))?;
        run_migrations(&mut first)?;
        if let DbConn::Sqlite(sqlite) = &mut first {
            crate::sqlite_options::warn_when_missing(sqlite);
            // SQLite plans by statistics it only has once analyzed; cheap when nothing changed.
            sqlite.batch_execute("PRAGMA optimize=0x10002;")?;
        }
        drop(first);
        let statements = Arc::new(AtomicU64::new(0));
        // A SQLite connection is a file handle that cannot go stale; testing it on check-out
        // (a `SELECT 1`) only costs time. A PostgreSQL one can, after a restart: it is tested
        // unless it answered moments ago (`RECENTLY_ANSWERED`).
        let pool = Pool::builder()
            .test_on_check_out(url.backend() == Backend::Postgres)
            .max_size(max_connections.max(1))
            .connection_timeout(connect_timeout)
            .build(Manager { url: url.clone(), statements: statements.clone() })?;
        let write_lock = (url.backend() == Backend::Sqlite).then(|| Arc::new(Mutex::new(())));
        let _in_use = url.sqlite_path().and_then(lock_shared).map(Arc::new);
        Ok(Self { pool, url: url.clone(), write_lock, statements, _in_use })
    }

    pub fn backend(&self) -> Backend {
        self.url.backend()
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// SQL statements run on pooled connections since the pool opened.
    pub fn statements_run(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// Runs read-only work on a pooled connection. Work that finds its connection closed by the
    /// database (a restart, a failover) runs again on another: reading twice changes nothing.
    pub fn read<T>(&self, mut work: impl FnMut(&mut DbConn) -> StoreResult<T>) -> StoreResult<T> {
        let mut attempts = self.pool.max_size() + 1;
        loop {
            let mut conn = self.pool.get()?;
            let result = work(&mut conn);
            conn.lost = is_lost(&result);
            attempts -= 1;
            if !conn.lost || attempts == 0 {
                return result;
            }
        }
    }

    /// Runs a write in one transaction: all of it lands, or none of it. A connection the
    /// database has closed fails at `BEGIN`, before anything is written, and is replaced.
    pub fn write<T>(&self, work: impl FnOnce(&mut DbConn) -> StoreResult<T>) -> StoreResult<T> {
        let _guard =
            self.write_lock.as_ref().map(|lock| lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
        let mut attempts = self.pool.max_size() + 1;
        let mut conn = loop {
            let mut conn = self.pool.get()?;
            let begun = begin(&mut conn);
            conn.lost = is_lost(&begun);
            attempts -= 1;
            match begun {
                Ok(()) => break conn,
                Err(_) if conn.lost && attempts > 0 => continue,
                Err(error) => return Err(error),
            }
        };
        let result = finish(&mut conn, work);
        conn.lost = is_lost(&result);
        result
    }

    /// Whether writes take turns in this process (SQLite: one writer at a time).
    pub fn has_one_writer(&self) -> bool {
        self.write_lock.is_some()
    }

    /// How long a request may wait for a connection before it gives up.
    pub fn wait_limit(&self) -> Duration {
        self.pool.connection_timeout()
    }

    /// The pool's connections now: open, idle, and the most it may open.
    pub fn pool_state(&self) -> PoolState {
        let state = self.pool.state();
        PoolState { connections: state.connections, idle: state.idle_connections, max: self.pool.max_size() }
    }

    /// Tidies up after a bulk load. The query planner's statistics: `PRAGMA optimize` on SQLite
    /// (which analyzes only tables whose size changed a lot), `VACUUM ANALYZE` on PostgreSQL;
    /// without them SQLite may scan every article to find the few that share a tag. And on
    /// SQLite the full-text index is merged into one segment: a bulk load leaves dozens, and
    /// every search reads each of them (a page's snippets took 10 ms with 25 segments at a
    /// million articles, 3 ms with one; merging took 16 s).
    pub fn refresh_statistics(&self) -> StoreResult<()> {
        self.read(|conn| {
            // VACUUM also sets PostgreSQL's visibility map, which index-only scans (counts) need.
            let sql = match conn {
                DbConn::Sqlite(_) => {
                    "PRAGMA optimize=0x10002; INSERT INTO articles_fts (articles_fts) VALUES ('optimize');"
                }
                DbConn::Postgres(_) => "VACUUM ANALYZE;",
            };
            conn.batch_execute(sql).map_err(StoreError::from)
        })
    }

    /// Whether the database answers a trivial query.
    pub fn ping(&self) -> StoreResult<()> {
        self.read(|conn| conn.batch_execute("SELECT 1").map_err(StoreError::from))
    }
}

fn run_migrations(conn: &mut DbConn) -> StoreResult<()> {
    let outcome = match conn {
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()),
        DbConn::Postgres(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
    };
    outcome.map_err(|e| StoreError::Unavailable(format!("migrations failed: {e}")))
}

/// Now, truncated to microseconds so both backends store and return the same instant.
pub fn now() -> chrono::NaiveDateTime {
    use chrono::{DurationRound, TimeDelta};
    let now = chrono::Utc::now().naive_utc();
    now.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(now)
}

/// A fresh, time-ordered id.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The shared lock a server holds on its SQLite file for as long as it runs (a restore takes it exclusively, to prove no server runs).
/// Advisory (`flock`), so it never meets SQLite's own byte-range locks.
#[cfg(unix)]
fn lock_shared(path: &str) -> Option<std::fs::File> {
    let file = std::fs::File::open(path).ok()?;
    file.try_lock_shared().ok()?;
    Some(file)
}

#[cfg(not(unix))]
fn lock_shared(_path: &str) -> Option<std::fs::File> {
    None
}

/// A SQLite database in memory with foreign keys on, as the server opens one, migrated up to the
/// migration named `name` (left out): where a test writes rows as an older version left them.
#[cfg(test)]
pub(crate) fn sqlite_migrated_before(name: &str) -> Result<SqliteConnection, Box<dyn std::error::Error + Send + Sync>> {
    use diesel::connection::SimpleConnection;
    use diesel::migration::MigrationSource;
    let mut conn = SqliteConnection::establish(":memory:")?;
    conn.batch_execute("PRAGMA foreign_keys = ON;")?;
    let before = MigrationSource::<diesel::sqlite::Sqlite>::migrations(&SQLITE_MIGRATIONS)?
        .iter()
        .filter(|m| m.name().to_string().as_str() < name)
        .count();
    for _ in 0..before {
        conn.run_next_migration(SQLITE_MIGRATIONS)?;
    }
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_scheme_picks_the_backend() {
        assert_eq!(DatabaseUrl::parse("postgres://u@h/db").backend(), Backend::Postgres);
        assert_eq!(DatabaseUrl::parse("postgresql://u@h/db").backend(), Backend::Postgres);
        assert_eq!(DatabaseUrl::parse("sqlite://data/x.db").sqlite_path(), Some("data/x.db"));
        assert_eq!(DatabaseUrl::parse("./data/x.db").sqlite_path(), Some("./data/x.db"));
    }

    #[test]
    fn debug_hides_credentials() {
        for url in [
            "postgres://user:secret@host/db",
            "postgres://u:p@secret@host/db",
            "postgresql://host/db?user=u&password=secret",
        ] {
            let shown = format!("{:?}", DatabaseUrl::parse(url));
            assert!(!shown.contains("secret"), "{shown}");
            assert!(shown.contains("host"), "{shown}");
        }
    }
}

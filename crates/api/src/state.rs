//! What every handler shares: storage, token keys and settings.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;

use actix_web::web;

use newsdesk_persistence::{Database, DbConn, StoreResult};

use crate::auth::tokens::TokenKeys;
use crate::cache::changes;
use crate::error::{ApiError, ApiResult};

pub struct AppState {
    pub db: Database,
    pub tokens: TokenKeys,
    pub login_limits: crate::auth::limits::LoginLimits,
    /// Lifetime of draft preview links.
    pub preview_ttl_secs: i64,
    /// Absolute base URL for links in feeds and the sitemap.
    pub public_url: String,
    /// `Cache-Control` of public responses.
    pub public_cache_control: String,
    /// How many of the newest matches a search ranks or sorts.
    pub search_window: newsdesk_persistence::search::SearchWindow,
    /// Signs and checks pagination cursors.
    pub cursors: crate::cursor::CursorCodec,
    /// Buffered view counts from the beacon.
    pub views: std::sync::Arc<crate::views::ViewCounter>,
    /// Ready public responses; every write below voids what it changed.
    pub cache: std::sync::Arc<crate::cache::ResponseCache>,
    /// Webhook delivery settings.
    pub webhooks: crate::webhooks::Settings,
    /// This server's Prometheus metrics (see `crate::metrics` for what reports into them).
    pub metrics: std::sync::Arc<crate::metrics::Metrics>,
    /// On SQLite, the one writer's turn (see `write`).
    pub writer_turn: Option<Arc<tokio::sync::Semaphore>>,
}

impl AppState {
    /// Runs a read on the blocking pool, never on an async worker.
    pub async fn read<T, F>(&self, work: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnMut(&mut DbConn) -> StoreResult<T> + Send + 'static,
    {
        let db = self.db.clone();
        on_db_thread(self.db.wait_limit(), move || db.read(work).map_err(ApiError::from)).await
    }

    /// Runs a write in one transaction on the blocking pool. Once it has committed, and before
    /// the caller can acknowledge it, the cached responses it changed are voided (here, and in
    /// other processes through the notices sent in the transaction).
    pub async fn write<T, F>(&self, work: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> Result<T, WriteError> + Send + 'static,
    {
        // SQLite's writes take turns here, holding no database thread: a queue of writes (or
        // another process holding the lock) never leaves the reads without threads. The turn
        // passes on once this write holds the lock, so the next one is ready on a thread.
        let turn = match &self.writer_turn {
            Some(turn) => match tokio::time::timeout(self.db.wait_limit(), turn.clone().acquire_owned()).await {
                Ok(Ok(permit)) => Some(permit),
                _ => return Err(ApiError::Busy("no turn to write came in time".into())),
            },
            None => None,
        };
        let (db, cache) = (self.db.clone(), self.cache.clone());
        on_db_thread(self.db.wait_limit(), move || {
            changes::with_origin(&cache, || {
                let result = write_blocking(&db, move |conn| {
                    drop(turn);
                    work(conn)
                });
                // On this thread, right after the commit: a reader that already sees the write
                // (its article page, uncached) must not then get a list cached from before it,
                // as it could while this result travelled back to an async worker.
                if result.is_ok() {
                    cache.invalidate(&changes::take());
                }
                result
            })
        })
        .await
    }
}

/// Runs `work` on one of the worker's database threads (`db_threads`). A request still queued
/// for one after `wait_limit` answers 503, as one waiting that long for a connection does, and
/// its work is never started: under overload, late work only adds to it. Work that has started
/// is always awaited, so a write is never reported failed while it may still commit.
async fn on_db_thread<T: Send + 'static>(
    wait_limit: Duration,
    work: impl FnOnce() -> ApiResult<T> + Send + 'static,
) -> ApiResult<T> {
    const QUEUED: u8 = 0;
    const STARTED: u8 = 1;
    const ABANDONED: u8 = 2;
    let state = Arc::new(AtomicU8::new(QUEUED));
    let claimed = state.clone();
    let job = web::block(move || {
        // Exactly one of the thread (starting) and the waiter (giving up) wins this exchange.
        claimed.compare_exchange(QUEUED, STARTED, Ordering::AcqRel, Ordering::Acquire).is_ok().then(work)
    });
    let mut job = std::pin::pin!(job);
    let done = match actix_web::rt::time::timeout(wait_limit, &mut job).await {
        Ok(done) => done,
        Err(_) if state.compare_exchange(QUEUED, ABANDONED, Ordering::AcqRel, Ordering::Acquire).is_ok() => {
            let waited = wait_limit.as_millis();
            return Err(ApiError::Busy(format!("no database thread was free within {waited} ms")));
        }
        Err(_) => job.await,
    };
    match done.map_err(|e| ApiError::Internal(e.to_string()))? {
        Some(result) => result,
        // Only a waiter that gave up leaves its job unstarted, and it has returned already.
        None => Err(ApiError::Internal("database work was abandoned".into())),
    }
}

/// Runs `work` in one write transaction, blocking; a rule broken halfway (an [`ApiError`])
/// rolls the transaction back and is returned as it was. The CLI and start-up use it directly,
/// handlers through [`AppState::write`].
pub fn write_blocking<T>(db: &Database, work: impl FnOnce(&mut DbConn) -> Result<T, WriteError>) -> ApiResult<T> {
    changes::clear();
    let mut rejected = None;
    let result = db.write(|conn| {
        let _webhook_write = crate::webhooks::outbox::WriteScope::begin();
        work(conn).map_err(|e| match e {
            WriteError::Store(s) => s,
            WriteError::Api(api) => {
                rejected = Some(api);
                newsdesk_persistence::StoreError::Database(diesel_rollback())
            }
        })
    });
    match (result, rejected) {
        (_, Some(api)) => Err(api),
        (Ok(value), None) => Ok(value),
        (Err(store), None) => Err(ApiError::from(store)),
    }
}

/// A write can fail in storage or on a rule checked halfway (an unknown slug, say);
/// either way the transaction rolls back.
#[derive(Debug)]
pub enum WriteError {
    Store(newsdesk_persistence::StoreError),
    Api(ApiError),
}

impl From<newsdesk_persistence::StoreError> for WriteError {
    fn from(e: newsdesk_persistence::StoreError) -> Self {
        Self::Store(e)
    }
}

impl From<ApiError> for WriteError {
    fn from(e: ApiError) -> Self {
        Self::Api(e)
    }
}

impl From<Vec<newsdesk_domain::FieldError>> for WriteError {
    fn from(e: Vec<newsdesk_domain::FieldError>) -> Self {
        Self::Api(ApiError::Invalid(e))
    }
}

fn diesel_rollback() -> newsdesk_persistence::error::DieselError {
    newsdesk_persistence::error::DieselError::RollbackTransaction
}

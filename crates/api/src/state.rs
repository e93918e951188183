//! What every handler shares: storage, token keys and settings.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;

use actix_web::web;

use newsdesk_newsroom::cache_tag;
use newsdesk_newsroom::tx::{self, Recorded, Tx};
use newsdesk_persistence::{Database, DbConn, StoreResult};

use crate::error::{ApiError, ApiResult};
use crate::tokens::TokenKeys;

pub struct AppState {
    pub db: Database,
    pub tokens: TokenKeys,
    pub login_limits: crate::login_limits::LoginLimits,
    /// Lifetime of draft preview links.
    pub preview_ttl_secs: i64,
    /// How long an edit lock lasts without a heartbeat.
    pub edit_lock_ttl_secs: i64,
    /// Absolute base URL for links in feeds and the sitemap.
    pub public_url: String,
    /// The publication's name and language, for the news sitemap.
    pub publication: crate::publication::Publication,
    /// How many of the newest matches a search ranks or sorts.
    pub search_window: newsdesk_persistence::search::SearchWindow,
    /// Signs and checks pagination cursors.
    pub cursors: crate::cursor::CursorCodec,
    /// Which proxies may name the client's address.
    pub trusted_proxies: crate::client_address::TrustedProxies,
    /// Buffered view counts from the beacon.
    pub views: std::sync::Arc<crate::view_counter::ViewCounter>,
    /// Ready public responses; every write below voids what it changed.
    pub cache: std::sync::Arc<crate::cache::ResponseCache>,
    /// This process's live streams (Server-Sent Events).
    pub live: std::sync::Arc<crate::live::hub::LiveHub>,
    /// Webhook delivery settings.
    pub webhooks: crate::config::WebhookSettings,
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

    /// Runs a write in one transaction on the blocking pool. `work` returns what it recorded
    /// (see [`Tx::record`]). Once the transaction has committed, and before the caller can
    /// acknowledge it, the cached responses its changes voided are voided here (other processes
    /// hear of them through the notices sent in the transaction).
    pub async fn write<T, F>(&self, work: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Tx) -> Result<Recorded<T>, ApiError> + Send + 'static,
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
            let (value, voided) = tx::write(&db, cache.origin(), move |tx| {
                drop(turn);
                work(tx)
            })?;
            // On this thread, right after the commit: a reader that already sees the write
            // (its article page, uncached) must not then get a list cached from before it,
            // as it could while this result travelled back to an async worker.
            cache.invalidate(&voided);
            Ok(value)
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

/// Runs `work` in one write transaction, blocking, from a process with no response cache of
/// its own (the CLI, start-up); the servers hear of its changes through the notices.
pub fn write_blocking<T>(db: &Database, work: impl FnOnce(&mut Tx) -> Result<Recorded<T>, ApiError>) -> ApiResult<T> {
    tx::write(db, cache_tag::NO_ORIGIN, work).map(|(value, _)| value)
}

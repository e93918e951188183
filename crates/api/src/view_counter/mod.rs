//! Views counted in memory and written in batches: the view beacon touches a counter here, so a
//! burst of beacons never takes a write lock per view. A task flushes the counts every second,
//! and once more when the server stops.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::web;
use chrono::{NaiveDateTime, Utc};
use newsdesk_newsroom::cache_tag;
use newsdesk_persistence::{views, Database};

use crate::cache::{ResponseCache, Tag};
use crate::metrics::Metrics;

mod recent;
pub use recent::PER_GENERATION as READERS;
use recent::{Recent, RecentClients};

/// Repeated views of one article from one client within this window count once, and one
/// address adds at most `per_address` views to one article in it.
pub const REPEAT_WINDOW: Duration = Duration::from_secs(30 * 60);

/// The default of `NEWSDESK_VIEWS_PER_ADDRESS`: enough for an office or a carrier's shared
/// address, too few for one address to move the most-viewed list by rotating its User-Agent.
pub const VIEWS_PER_ADDRESS: u32 = 20;

/// Views waiting to be written, keyed by article and day.
type Pending = HashMap<(String, NaiveDateTime), i64>;

pub struct ViewCounter {
    pending: Mutex<Pending>,
    /// Clients that recently viewed an article (a hash of address, agent and article).
    recent: RecentClients,
    /// Views each address recently added to each article (a hash of address and article).
    by_address: Recent<u32>,
    per_address: u32,
}

impl Default for ViewCounter {
    fn default() -> Self {
        Self::new(VIEWS_PER_ADDRESS, READERS)
    }
}

/// Who sent a view: the client (address and agent) and the address alone, each hashed with
/// the article.
#[derive(Debug, Clone, Copy)]
pub struct Viewer {
    pub client: u64,
    pub address: u64,
}

impl ViewCounter {
    /// A counter that takes at most `per_address` views of one article from one address in
    /// the repeat window (0: no limit), and tells `readers` clients apart in it.
    pub fn new(per_address: u32, readers: usize) -> Self {
        Self {
            pending: Mutex::new(HashMap::new()),
            recent: RecentClients::with_limit(REPEAT_WINDOW, readers),
            // As many as the clients: most readers have an address of their own.
            by_address: Recent::with_limit(REPEAT_WINDOW, readers),
            per_address,
        }
    }

    /// Counts a view unless this client already viewed this article recently, or its address
    /// already added its share of views to it.
    pub fn count(&self, article_id: &str, viewer: Viewer) {
        let now = std::time::Instant::now();
        if self.recent.holds(viewer.client, now) {
            return;
        }
        // A refused view is not remembered: a flood from one address cannot fill the clients'
        // table and make every reader's repeat count again.
        if self.per_address > 0 && self.by_address.count(viewer.address, now) >= self.per_address {
            return;
        }
        self.recent.seen(viewer.client, now);
        let day = Utc::now().date_naive().and_hms_opt(0, 0, 0).unwrap_or_default();
        let mut pending = self.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *pending.entry((article_id.to_owned(), day)).or_insert(0) += 1;
    }

    fn take(&self) -> Vec<(String, NaiveDateTime, i64)> {
        let mut pending = self.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        std::mem::take(&mut *pending).into_iter().map(|((id, day), n)| (id, day, n)).collect()
    }

    /// Writes what is pending in one transaction. Blocking: call off the async workers.
    pub fn flush(&self, db: &Database, cache: &ResponseCache) -> usize {
        let batch = self.take();
        if batch.is_empty() {
            return 0;
        }
        // View counts are bookkeeping, not an editorial change: no audit entry, no webhook; only
        // the most-viewed answers go stale, here and in the other processes.
        let counted = db.write(|conn| {
            views::add(conn, &batch)?;
            cache_tag::send(conn, cache.origin(), &[Tag::Views])
        });
        match counted {
            Ok(()) => {
                cache.invalidate(&[Tag::Views]);
                batch.len()
            }
            Err(error) => {
                // Keep the counts for the next flush rather than lose them.
                tracing::warn!(%error, "could not write view counts; will retry");
                let mut pending = self.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                for (id, day, n) in batch {
                    *pending.entry((id, day)).or_insert(0) += n;
                }
                0
            }
        }
    }
}

/// Flushes once more when the flusher task is dropped, i.e. when the server stops.
struct FlushOnStop(Arc<ViewCounter>, Database, Arc<ResponseCache>, Arc<Metrics>);

impl FlushOnStop {
    fn flush(counter: &ViewCounter, db: &Database, cache: &ResponseCache, metrics: &Metrics) {
        let rows = counter.flush(db, cache);
        if rows > 0 {
            metrics.views_flushed(rows);
        }
    }
}

impl Drop for FlushOnStop {
    fn drop(&mut self) {
        Self::flush(&self.0, &self.1, &self.2, &self.3);
    }
}

/// Writes buffered views every second until the server stops.
pub async fn flusher(counter: Arc<ViewCounter>, db: Database, cache: Arc<ResponseCache>, metrics: Arc<Metrics>) {
    let guard = FlushOnStop(counter, db, cache, metrics);
    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    loop {
        ticker.tick().await;
        let (counter, db, cache, metrics) = (guard.0.clone(), guard.1.clone(), guard.2.clone(), guard.3.clone());
        let _ = web::block(move || FlushOnStop::flush(&counter, &db, &cache, &metrics)).await;
    }
}

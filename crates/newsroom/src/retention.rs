//! How long what grows is kept, and the pruning pass that enforces it.
//!
//! Pruning is bookkeeping, not an editorial change: it records no audit entry, sends no
//! webhook, and voids no cached answer (no public answer shows what it removes: a folded view
//! still counts in "all time", and the windows of a day, week and month never reach it).

use chrono::{Duration, NaiveDateTime};
use newsdesk_persistence::retention as store;
use newsdesk_persistence::{Database, StoreResult};

/// Batches one kind of row gets per pass, so one pass ends even while writes keep coming.
const BATCHES_PER_PASS: usize = 50;

/// What is kept. `None` keeps everything of that kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Revisions kept per article, the newest.
    pub revisions_per_article: Option<u32>,
    /// Days audit entries are kept.
    pub audit_days: Option<u32>,
    /// Days finished webhook deliveries (and events nothing refers to) are kept.
    pub delivery_days: Option<u32>,
    /// Days views are kept per day; older ones are added to the article's all-time count.
    pub daily_view_days: Option<u32>,
}

/// Refresh tokens are kept a day past their expiry (a replay then still meets a known token).
const EXPIRED_TOKEN_GRACE: Duration = Duration::days(1);

/// What one pass removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    pub revisions: usize,
    pub audit_entries: usize,
    pub deliveries: usize,
    pub events: usize,
    pub refresh_tokens: usize,
    pub daily_views: usize,
}

impl Pruned {
    /// Each kind with its count, for logs and metrics.
    pub fn by_kind(&self) -> [(&'static str, usize); 6] {
        [
            ("revisions", self.revisions),
            ("audit_entries", self.audit_entries),
            ("webhook_deliveries", self.deliveries),
            ("webhook_events", self.events),
            ("refresh_tokens", self.refresh_tokens),
            ("daily_views", self.daily_views),
        ]
    }
}

/// One pass: each kind in short transactions of its own, at most [`BATCHES_PER_PASS`] each.
pub fn prune(db: &Database, keep: &Retention, now: NaiveDateTime) -> StoreResult<Pruned> {
    let before = |days: u32| now - Duration::days(i64::from(days));
    let mut pruned = Pruned::default();
    if let Some(cap) = keep.revisions_per_article {
        pruned.revisions = trim_revisions(db, i64::from(cap))?;
    }
    if let Some(days) = keep.audit_days {
        pruned.audit_entries = in_batches(db, |conn| store::audit_before(conn, before(days)))?;
    }
    if let Some(days) = keep.delivery_days {
        pruned.deliveries = in_batches(db, |conn| store::deliveries_before(conn, before(days)))?;
        pruned.events = in_batches(db, |conn| store::events_before(conn, before(days)))?;
    }
    pruned.refresh_tokens = in_batches(db, |conn| store::refresh_tokens_before(conn, now - EXPIRED_TOKEN_GRACE))?;
    if let Some(days) = keep.daily_view_days {
        pruned.daily_views = db.write(|conn| store::fold_views_before(conn, before(days)))?;
    }
    Ok(pruned)
}

/// Runs `delete` until it removes less than a full batch, or the pass's budget is spent.
fn in_batches(
    db: &Database,
    mut delete: impl FnMut(&mut newsdesk_persistence::DbConn) -> StoreResult<usize>,
) -> StoreResult<usize> {
    let mut total = 0;
    for _ in 0..BATCHES_PER_PASS {
        let removed = db.write(&mut delete)?;
        total += removed;
        if i64::try_from(removed).is_ok_and(|n| n < store::BATCH) {
            break;
        }
    }
    Ok(total)
}

fn trim_revisions(db: &Database, keep: i64) -> StoreResult<usize> {
    let mut total = 0;
    for _ in 0..BATCHES_PER_PASS {
        let over = db.read(|conn| store::articles_over_revision_cap(conn, keep))?;
        for article_id in &over {
            total += db.write(|conn| store::trim_revisions(conn, article_id, keep))?;
        }
        if i64::try_from(over.len()).is_ok_and(|n| n < store::ARTICLES_PER_PASS) {
            break;
        }
    }
    Ok(total)
}

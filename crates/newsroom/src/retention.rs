//! How long what grows is kept, and the pruning pass that enforces it.
//!
//! Pruning is bookkeeping, not an editorial change: it records no audit entry, sends no
//! webhook, and voids no cached answer (no public answer shows what it removes: a folded view
//! still counts in "all time", and the windows of a day, week and month never reach it).

use chrono::{Duration, NaiveDateTime};
use newsdesk_persistence::retention as store;
use newsdesk_persistence::{Database, DbConn, StoreError, StoreResult};

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
    /// Entries of the public change log past its week (see `GET /v1/changes`).
    pub public_changes: usize,
}

impl Pruned {
    /// Each kind with its count, for logs and metrics.
    pub fn by_kind(&self) -> [(&'static str, usize); 7] {
        [
            ("revisions", self.revisions),
            ("audit_entries", self.audit_entries),
            ("webhook_deliveries", self.deliveries),
            ("webhook_events", self.events),
            ("refresh_tokens", self.refresh_tokens),
            ("daily_views", self.daily_views),
            ("public_changes", self.public_changes),
        ]
    }
}

/// What one pass did: what it removed, and each kind that failed (the others still ran).
#[derive(Debug, Default)]
pub struct Pass {
    pub pruned: Pruned,
    pub failed: Vec<(&'static str, StoreError)>,
}

/// One pass: each kind on its own, in short transactions, at most [`BATCHES_PER_PASS`] each;
/// a kind that fails leaves the others to run.
pub fn prune(db: &Database, keep: &Retention, now: NaiveDateTime) -> Pass {
    let before = |days: u32| now - Duration::days(i64::from(days));
    let mut pass = Pass::default();
    let mut note = |kind: &'static str, result: StoreResult<usize>, into: &mut usize| match result {
        Ok(n) => *into = n,
        Err(error) => pass.failed.push((kind, error)),
    };
    let mut pruned = Pruned::default();
    if let Some(cap) = keep.revisions_per_article {
        note("revisions", trim_revisions(db, i64::from(cap)), &mut pruned.revisions);
    }
    if let Some(days) = keep.audit_days {
        let result = in_batches(db, |conn| store::audit_before(conn, before(days)));
        note("audit_entries", result, &mut pruned.audit_entries);
    }
    if let Some(days) = keep.delivery_days {
        let result = in_batches(db, |conn| store::deliveries_before(conn, before(days)));
        note("webhook_deliveries", result, &mut pruned.deliveries);
        let result = in_batches(db, |conn| store::events_before(conn, before(days)));
        note("webhook_events", result, &mut pruned.events);
    }
    let result = in_batches(db, |conn| store::refresh_tokens_before(conn, now - EXPIRED_TOKEN_GRACE));
    note("refresh_tokens", result, &mut pruned.refresh_tokens);
    if let Some(days) = keep.daily_view_days {
        note("daily_views", fold_views(db, before(days)), &mut pruned.daily_views);
    }
    let cutoff = now - Duration::days(newsdesk_persistence::public_changes::KEEP_DAYS);
    let result = in_batches(db, |conn| newsdesk_persistence::public_changes::prune(conn, cutoff));
    note("public_changes", result, &mut pruned.public_changes);
    pass.pruned = pruned;
    pass
}

/// A pause after each batch, so writers waiting for SQLite's one writer get their turn (a
/// mutex lets the thread that just let go take it again first).
fn let_writers_in() {
    std::thread::sleep(std::time::Duration::from_millis(5));
}

/// Runs `delete` until it removes less than a full batch, or the pass's budget is spent.
fn in_batches(db: &Database, mut delete: impl FnMut(&mut DbConn) -> StoreResult<usize>) -> StoreResult<usize> {
    let mut total = 0;
    for _ in 0..BATCHES_PER_PASS {
        let removed = db.write(&mut delete)?;
        total += removed;
        if i64::try_from(removed).is_ok_and(|n| n < store::BATCH) {
            break;
        }
        let_writers_in();
    }
    Ok(total)
}

/// Trims every article over the cap, walking them in id order so each is looked at once.
fn trim_revisions(db: &Database, keep: i64) -> StoreResult<usize> {
    let (mut total, mut after) = (0, String::new());
    for _ in 0..BATCHES_PER_PASS {
        let over = db.read(|conn| store::articles_over_revision_cap(conn, &after, keep))?;
        for article_id in &over {
            total += db.write(|conn| store::trim_revisions(conn, article_id, keep))?;
            let_writers_in();
        }
        match over.last() {
            Some(last) if i64::try_from(over.len()).is_ok_and(|n| n == store::ARTICLES_PER_LOOK) => {
                after.clone_from(last)
            }
            _ => break,
        }
    }
    Ok(total)
}

/// Folds the days before `cutoff` into the all-time counts, one day a transaction.
fn fold_views(db: &Database, cutoff: NaiveDateTime) -> StoreResult<usize> {
    let mut total = 0;
    for _ in 0..BATCHES_PER_PASS {
        let Some(day) = db.read(|conn| store::oldest_daily_views_before(conn, cutoff))? else {
            break;
        };
        total += db.write(|conn| store::fold_views_of(conn, day))?;
        let_writers_in();
    }
    Ok(total)
}

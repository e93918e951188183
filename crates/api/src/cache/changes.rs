//! Which cached responses a write can change, collected while the write runs, and the notices
//! that carry them to other server processes.
//!
//! Every content write records an audit entry in its transaction (see [`crate::audit::record`]),
//! so that one point notes the tags here. The write runs on one blocking thread, so a
//! thread-local list collects them; the caller takes the list once the transaction committed.

use std::cell::RefCell;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use newsdesk_persistence::notify::{self, Heard, Listener};
use newsdesk_persistence::{DatabaseUrl, DbConn, StoreResult};

use super::{ResponseCache, Tag};

/// The PostgreSQL channel every server process listens on.
pub const CHANNEL: &str = "newsdesk_cache";

/// How often the listener looks for notices: well inside the promised second.
const POLL: Duration = Duration::from_millis(100);

/// How often a listener drops old SQLite notices.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

thread_local! {
    static PENDING: RefCell<Vec<Tag>> = const { RefCell::new(Vec::new()) };
}

/// Forgets tags left by an earlier write on this thread (one that failed, say).
pub fn clear() {
    PENDING.with(|p| p.borrow_mut().clear());
}

/// The tags noted since the last [`clear`] or `take`.
pub fn take() -> Vec<Tag> {
    PENDING.with(|p| std::mem::take(&mut *p.borrow_mut()))
}

/// What an audited action can change in public responses.
///
/// `public` says whether the target is, or just was, visible to the public; a draft edited in
/// private changes no list, feed or count.
pub fn tags_for(action: &str, target: Option<(&str, &str)>, public: bool) -> Vec<Tag> {
    let kind = action.split('.').next().unwrap_or_default();
    if !matches!(kind, "article" | "author" | "source" | "section" | "tag") || action.ends_with(".preview_link") {
        return Vec::new();
    }
    let mut tags = Vec::with_capacity(2);
    if let Some((_, id)) = target {
        tags.push(Tag::entity(id));
    }
    if public {
        tags.push(Tag::Lists);
    }
    tags
}

/// Notes `tags` for the write running on this thread and, on PostgreSQL, sends them to the
/// other processes in the same transaction (delivered only if it commits).
pub fn note(conn: &mut DbConn, tags: Vec<Tag>) -> StoreResult<()> {
    if tags.is_empty() {
        return Ok(());
    }
    // Other processes apply notices against their own caches; the origin only matters to the
    // sender's own listener, which skips them. A CLI process (import, say) has no cache but
    // still has to tell the servers.
    let notice = NOTICE_ORIGIN.with(|origin| super::notice_text(&origin.borrow(), &tags));
    notify::notify(conn, CHANNEL, &notice)?;
    PENDING.with(|p| p.borrow_mut().extend(tags));
    Ok(())
}

thread_local! {
    /// Set by a server's write helper to its cache's origin while a write runs; "-" otherwise.
    static NOTICE_ORIGIN: RefCell<String> = RefCell::new("-".to_owned());
}

/// Runs `work` with this process's notices marked as coming from `cache`.
pub fn with_origin<T>(cache: &ResponseCache, work: impl FnOnce() -> T) -> T {
    NOTICE_ORIGIN.with(|origin| origin.borrow_mut().clone_from(&cache.origin));
    let result = work();
    NOTICE_ORIGIN.with(|origin| *origin.borrow_mut() = "-".to_owned());
    result
}

/// Listens for other processes' notices until `cache` is dropped (the server stopped). A lost
/// connection or a gap voids the whole cache, since notices may have been missed.
pub fn spawn_listener(url: DatabaseUrl, cache: &Arc<ResponseCache>) -> std::io::Result<()> {
    if !cache.enabled() {
        return Ok(());
    }
    let cache: Weak<ResponseCache> = Arc::downgrade(cache);
    std::thread::Builder::new().name("cache-listener".into()).spawn(move || {
        let mut listener: Option<Listener> = None;
        let mut pruned = Instant::now();
        loop {
            let Some(cache) = cache.upgrade() else { return };
            if listener.is_none() {
                match Listener::connect(&url, CHANNEL) {
                    Ok(connected) => {
                        listener = Some(connected);
                        cache.invalidate_all();
                    }
                    Err(error) => tracing::warn!(%error, "cache listener cannot connect; retrying"),
                }
            }
            if let Some(active) = listener.as_mut() {
                match active.poll() {
                    Ok(Heard::Notices(notices)) => notices.iter().for_each(|n| cache.apply_notice(n)),
                    Ok(Heard::Gap) => cache.invalidate_all(),
                    Err(error) => {
                        tracing::warn!(%error, "cache listener lost its connection; voiding the cache");
                        cache.invalidate_all();
                        listener = None;
                    }
                }
                if pruned.elapsed() > PRUNE_EVERY {
                    pruned = Instant::now();
                    if let Some(Err(error)) = listener.as_mut().map(Listener::prune) {
                        tracing::debug!(%error, "could not prune change notices; will retry");
                    }
                }
            }
            drop(cache);
            std::thread::sleep(if listener.is_some() { POLL } else { Duration::from_secs(1) });
        }
    })?;
    Ok(())
}

//! Hearing every server process's writes: each write's transaction sends the cache tags its
//! changes voided (`newsdesk_newsroom::Tx::record`). This listener voids them in this
//! process's response cache (its own it voided already), and hands every notice, its own
//! included, to the live streams' hub, which pushes what changed to its readers.

use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use newsdesk_newsroom::cache_tag::CHANNEL;
use newsdesk_persistence::notify::{Heard, Listener};
use newsdesk_persistence::Database;

use super::ResponseCache;
use crate::live::hub::{LiveHub, Loader};

/// How often the listener looks for notices: well inside the promised second.
const POLL: Duration = Duration::from_millis(100);

/// How often a listener drops old SQLite notices.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

/// Listens for notices until the server stops (its cache and hub are dropped). A lost
/// connection or a gap voids the whole cache and has every live stream look again, since
/// notices may have been missed. `load` reads a live stream's new events.
pub fn spawn_listener(
    db: &Database,
    cache: &Arc<ResponseCache>,
    hub: &Arc<LiveHub>,
    load: Loader,
) -> std::io::Result<()> {
    let (cache, hub): (Weak<ResponseCache>, Weak<LiveHub>) = (Arc::downgrade(cache), Arc::downgrade(hub));
    let db = db.clone();
    std::thread::Builder::new().name("notice-listener".into()).spawn(move || {
        let mut listener: Option<Listener> = None;
        let mut pruned = Instant::now();
        loop {
            let (Some(cache), Some(hub)) = (cache.upgrade(), hub.upgrade()) else { return };
            if listener.is_none() {
                match Listener::connect(db.url(), CHANNEL) {
                    Ok(connected) => {
                        listener = Some(connected);
                        cache.invalidate_all();
                        hub.hear(&db, None, load);
                    }
                    Err(error) => tracing::warn!(%error, "notice listener cannot connect; retrying"),
                }
            }
            if let Some(active) = listener.as_mut() {
                match active.poll() {
                    Ok(Heard::Notices(notices)) if notices.is_empty() => hub.hear(&db, Some(&[]), load),
                    Ok(Heard::Notices(notices)) => {
                        notices.iter().for_each(|n| cache.apply_notice(n));
                        hub.hear(&db, Some(&notices), load);
                    }
                    Ok(Heard::Gap) => {
                        cache.invalidate_all();
                        hub.hear(&db, None, load);
                    }
                    Err(error) => {
                        tracing::warn!(%error, "notice listener lost its connection; voiding the cache");
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
            drop((cache, hub));
            std::thread::sleep(if listener.is_some() { POLL } else { Duration::from_secs(1) });
        }
    })?;
    Ok(())
}

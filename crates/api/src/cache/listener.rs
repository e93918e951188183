//! Hearing other server processes' writes: each write's transaction sends the cache tags its
//! changes voided (`newsdesk_newsroom::Tx::record`), and this listener voids them here.

use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use newsdesk_newsroom::cache_tag::CHANNEL;
use newsdesk_persistence::notify::{Heard, Listener};
use newsdesk_persistence::DatabaseUrl;

use super::ResponseCache;

/// How often the listener looks for notices: well inside the promised second.
const POLL: Duration = Duration::from_millis(100);

/// How often a listener drops old SQLite notices.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

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

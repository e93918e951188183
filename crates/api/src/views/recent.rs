//! Which clients viewed which article lately, so a reader who comes back counts once.
//!
//! A client is a 64-bit hash (of address, agent and article), kept in two generations: the
//! newer one takes every new client, and the older one is dropped when the newer one has been
//! filling for a whole window, or holds `PER_GENERATION` clients. A client is remembered for at
//! least one window (until the second turn after it came), and memory stays bounded: about 18
//! bytes a client. moka, which kept them before, took about 360 bytes an entry (88–93 MB for
//! 250,000 readers, measured), for expiry and eviction this set does not need.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Clients a generation takes before it turns early: with two generations, 500,000 readers in
/// a window are told apart (at most about 20 MB); past that a repeat may count twice.
const PER_GENERATION: usize = 500_000;

pub struct RecentClients {
    window: Duration,
    per_generation: usize,
    generations: Mutex<Generations>,
}

struct Generations {
    newer: HashSet<u64>,
    older: HashSet<u64>,
    newer_since: Instant,
}

impl RecentClients {
    pub fn new(window: Duration) -> Self {
        Self::with_limit(window, PER_GENERATION)
    }

    fn with_limit(window: Duration, per_generation: usize) -> Self {
        let generations = Generations { newer: HashSet::new(), older: HashSet::new(), newer_since: Instant::now() };
        Self { window, per_generation, generations: Mutex::new(generations) }
    }

    /// Notes `client` at `now`; true if it was already noted within the window.
    pub fn seen(&self, client: u64, now: Instant) -> bool {
        let mut g = self.generations.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if now.saturating_duration_since(g.newer_since) >= self.window || g.newer.len() >= self.per_generation {
            g.older = std::mem::take(&mut g.newer);
            g.newer_since = now;
        }
        g.older.contains(&client) || !g.newer.insert(client)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WINDOW: Duration = Duration::from_secs(30 * 60);

    #[test]
    fn a_client_is_remembered_for_a_whole_window_then_forgotten() {
        let recent = RecentClients::new(WINDOW);
        let start = Instant::now();
        assert!(!recent.seen(1, start), "a new client");
        assert!(recent.seen(1, start + Duration::from_secs(60)), "back a minute later");
        // Just before the window ends, and just after the generation turned.
        assert!(recent.seen(1, start + WINDOW - Duration::from_secs(1)));
        assert!(recent.seen(1, start + WINDOW + Duration::from_secs(1)));
        assert!(!recent.seen(2, start + WINDOW + Duration::from_secs(2)), "another client is new");
        // Two turns later the first client is forgotten, and counts again.
        assert!(!recent.seen(1, start + 2 * WINDOW + Duration::from_secs(2)));
    }

    #[test]
    fn a_full_generation_turns_early_so_memory_stays_bounded() {
        let recent = RecentClients::with_limit(WINDOW, 3);
        let now = Instant::now();
        for client in 1..=3 {
            assert!(!recent.seen(client, now));
        }
        // The fourth turns the generation: the first three are still remembered...
        assert!(!recent.seen(4, now));
        assert!(recent.seen(1, now) && recent.seen(3, now));
        // ...until the newer generation fills up again.
        for client in 5..=7 {
            assert!(!recent.seen(client, now));
        }
        assert!(!recent.seen(1, now), "forgotten after two full generations");
        let g = recent.generations.lock().expect("not poisoned");
        assert!(g.newer.len() + g.older.len() <= 6, "at most two generations are kept");
    }
}

//! Which clients viewed which article lately, so a reader who comes back counts once.
//!
//! A client is a 64-bit hash (of address, agent and article), kept in two generations: the
//! newer one takes every new client, and the older one is dropped when the newer one has been
//! filling for a whole window, or holds `PER_GENERATION` clients. A client is remembered for at
//! least one window (until the second turn after it came), and memory stays bounded: two tables
//! of about 9.4 MB, allocated once (the untouched part of a table takes no memory). moka, which
//! kept them before, took about 360 bytes an entry (88–93 MB for 250,000 readers, measured), for
//! expiry and eviction this set does not need.

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
    /// When the newer generation last took a client: once that is a window ago, every client
    /// held is, so both generations go (after a quiet night, say).
    newer_last: Instant,
}

impl RecentClients {
    pub fn new(window: Duration) -> Self {
        Self::with_limit(window, PER_GENERATION)
    }

    fn with_limit(window: Duration, per_generation: usize) -> Self {
        // Sized once, so a table never grows (a pause of milliseconds) with the lock held.
        let table = || HashSet::with_capacity(per_generation);
        let now = Instant::now();
        let generations = Generations { newer: table(), older: table(), newer_since: now, newer_last: now };
        Self { window, per_generation, generations: Mutex::new(generations) }
    }

    /// Notes `client` at `now`; true if it was already noted within the window.
    pub fn seen(&self, client: u64, now: Instant) -> bool {
        let mut g = self.generations.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if now.saturating_duration_since(g.newer_last) >= self.window {
            g.newer.clear();
            g.older.clear();
            g.newer_since = now;
        } else if now.saturating_duration_since(g.newer_since) >= self.window || g.newer.len() >= self.per_generation {
            let g = &mut *g;
            std::mem::swap(&mut g.newer, &mut g.older);
            g.newer.clear();
            g.newer_since = now;
        }
        if g.older.contains(&client) || g.newer.contains(&client) {
            return true;
        }
        g.newer.insert(client);
        g.newer_last = now;
        false
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
        let at = |secs: u64| start + Duration::from_secs(secs);
        let window = WINDOW.as_secs();
        assert!(!recent.seen(1, start), "a new client");
        assert!(recent.seen(1, at(60)), "back a minute later");
        assert!(!recent.seen(2, at(window - 1)), "a client late in the first generation");
        // The generation turns; both are still remembered.
        assert!(!recent.seen(3, at(window + 1)));
        assert!(recent.seen(1, at(window + 2)) && recent.seen(2, at(window + 3)));
        assert!(recent.seen(3, at(window + 4)), "the turn is not repeated on every call");
        // The late client is remembered a whole window after it came.
        assert!(recent.seen(2, at(2 * window - 2)));
        assert!(!recent.seen(5, at(2 * window - 1)), "a client late in the second generation");
        // The next turn forgets the first generation's clients and keeps the second's.
        assert!(!recent.seen(4, at(2 * window + 2)));
        assert!(!recent.seen(1, at(2 * window + 3)) && !recent.seen(2, at(2 * window + 4)));
        assert!(recent.seen(5, at(2 * window + 5)), "the second generation's client is kept");
    }

    #[test]
    fn after_a_quiet_window_every_client_is_new_again() {
        let recent = RecentClients::new(WINDOW);
        let start = Instant::now();
        assert!(!recent.seen(1, start));
        // Nobody else came; three windows later, the one turn must not keep the old client.
        assert!(!recent.seen(1, start + 3 * WINDOW));
        assert!(recent.seen(1, start + 3 * WINDOW + Duration::from_secs(1)));
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

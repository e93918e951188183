//! Which clients viewed which article lately, so a reader who comes back counts once, and how
//! many views each address added to each article, so one address cannot inflate a count.
//!
//! A key is a 64-bit hash (of address, agent and article; or of address and article), kept in
//! two generations: the newer one takes every new key, and the older one is dropped when the
//! newer one has been filling for a whole window, or holds `per_generation` keys. A key is
//! remembered for at least one window (until the second turn after it came), and memory stays
//! bounded: two tables allocated once and made resident at once (see `with_limit`). moka, which
//! kept them before, took about 360 bytes an entry (88–93 MB for 250,000 readers, measured),
//! for expiry and eviction this does not need.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Keys a generation takes before it turns early, by default (`NEWSDESK_VIEW_READERS`): with
/// two generations, 500,000 readers in a window are told apart; past that a repeat may count
/// twice.
pub const PER_GENERATION: usize = 500_000;

/// A key's value is what the caller keeps for it: `()` to know it was seen, a count to count.
pub struct Recent<V> {
    window: Duration,
    per_generation: usize,
    generations: Mutex<Generations<V>>,
}

/// Clients that viewed an article lately.
pub type RecentClients = Recent<()>;

struct Generations<V> {
    newer: HashMap<u64, V>,
    older: HashMap<u64, V>,
    newer_since: Instant,
    /// When the newer generation last took a key: once that is a window ago, every key held
    /// is, so both generations go (after a quiet night, say).
    newer_last: Instant,
}

impl<V: Copy + Default> Recent<V> {
    #[cfg(test)]
    pub fn new(window: Duration) -> Self {
        Self::with_limit(window, PER_GENERATION)
    }

    /// Two tables of `per_generation` keys, resident from the start. Sized once, so a table
    /// never grows (a pause of milliseconds) with the lock held; and filled once and emptied,
    /// so every page of it is touched now: an untouched table took memory only as readers came,
    /// and under `make soak` that crept up for six minutes (54 MiB at the default), which looks
    /// like a leak and hides one. The server's size is then known from its start.
    pub fn with_limit(window: Duration, per_generation: usize) -> Self {
        let table = || {
            let mut table = HashMap::with_capacity(per_generation);
            // Multiplying by an odd constant spreads the keys over the whole table.
            table.extend((0..per_generation as u64).map(|n| (n.wrapping_mul(0x9E37_79B9_7F4A_7C15), V::default())));
            table.clear();
            table
        };
        let (newer, older) = (table(), table());
        // After the fill (a second or more in a debug build): the first window starts now.
        let now = Instant::now();
        let generations = Generations { newer, older, newer_since: now, newer_last: now };
        Self { window, per_generation, generations: Mutex::new(generations) }
    }

    /// The generations, turned as `now` requires, locked.
    fn turned(&self, now: Instant) -> std::sync::MutexGuard<'_, Generations<V>> {
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
        g
    }

    /// Whether `key` was noted within the window, without noting it.
    pub fn holds(&self, key: u64, now: Instant) -> bool {
        let g = self.turned(now);
        g.newer.contains_key(&key) || g.older.contains_key(&key)
    }

    /// Notes `key` at `now`, replacing its value `v` with `update(v)` (a new key starts from
    /// the default); returns the value it held within the window, if it was noted there.
    pub fn note(&self, key: u64, now: Instant, update: impl FnOnce(V) -> V) -> Option<V> {
        let mut g = self.turned(now);
        let g = &mut *g;
        // A known key stays in its generation: it is remembered a window from when it came.
        if let Some(value) = g.newer.get_mut(&key).or_else(|| g.older.get_mut(&key)) {
            let before = *value;
            *value = update(before);
            return Some(before);
        }
        g.newer.insert(key, update(V::default()));
        g.newer_last = now;
        None
    }
}

impl Recent<()> {
    /// Notes `client` at `now`; true if it was already noted within the window.
    pub fn seen(&self, client: u64, now: Instant) -> bool {
        self.note(client, now, |()| ()).is_some()
    }
}

impl Recent<u32> {
    /// Counts one more for `key` at `now`; returns how many it had within the window before.
    pub fn count(&self, key: u64, now: Instant) -> u32 {
        self.note(key, now, |n| n.saturating_add(1)).unwrap_or(0)
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

    #[test]
    fn counts_grow_within_a_window_and_start_again_after_it() {
        let counts = Recent::<u32>::new(WINDOW);
        let start = Instant::now();
        assert_eq!(counts.count(9, start), 0, "a new key had nothing");
        assert_eq!(counts.count(9, start), 1);
        assert_eq!(counts.count(9, start + Duration::from_secs(60)), 2);
        assert_eq!(counts.count(8, start), 0, "keys count apart");
        // Kept through one turn, gone after the second (new keys keep the generations in use).
        assert_eq!(counts.count(5, start + WINDOW - Duration::from_secs(1)), 0);
        assert_eq!(counts.count(7, start + WINDOW + Duration::from_secs(1)), 0);
        assert_eq!(counts.count(9, start + WINDOW + Duration::from_secs(2)), 3);
        assert_eq!(counts.count(6, start + 2 * WINDOW), 0);
        assert_eq!(counts.count(7, start + 2 * WINDOW + Duration::from_secs(3)), 1);
        assert_eq!(counts.count(9, start + 2 * WINDOW + Duration::from_secs(4)), 0, "forgotten");
    }
}

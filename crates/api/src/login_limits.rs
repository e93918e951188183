//! Login throttling as OWASP's authentication cheat sheet asks: guessing is slowed down, but a
//! stranger's failures never lock the right password out.
//!
//! - Per client address, every attempt counts (governor: 60 at once, then one a second, and at
//!   most 600 more an hour), before any password is checked.
//! - Per account and address, only failures count. After 5, that address must wait before its
//!   next try at that account: 1 s, then 2, 4, 8, … up to 15 minutes, refused with `429` before
//!   the password is checked. Another address is not held up, so the owner still logs in while
//!   someone guesses elsewhere; a success clears the address's count.
//! - Per account, failures from every address count too: once an account has drawn 20 within
//!   the hour (guessing spread over many addresses), each address gets 1 free failure, not 5.
//! - Checking a password (argon2id: about 19 MiB and tens of milliseconds) happens on one
//!   thread per two cores at most, with up to 32 logins waiting for each; beyond that a login
//!   answers `503` at once, so a flood of logins cannot take the memory or every database
//!   thread (the checks run on the blocking pool the database work shares).

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tokio::sync::{Semaphore, SemaphorePermit};

/// Failures an address may make at one account before it has to wait.
const FREE_FAILURES: u32 = 5;
/// Failures at one account, from anywhere, that mean it is under a spread-out attack.
const ACCOUNT_ALARM: u32 = 20;
/// Free failures per address while the account is under attack.
const FREE_FAILURES_UNDER_ATTACK: u32 = 1;
/// The longest wait one address is given.
const LONGEST_WAIT: Duration = Duration::from_secs(15 * 60);
/// A count with no new failure for this long starts again from zero.
const FORGET_AFTER: Duration = Duration::from_secs(3600);
/// Counts kept before the stale ones are dropped.
const MAX_TRACKED: usize = 100_000;

pub struct LoginLimits {
    addresses: Vec<DefaultKeyedRateLimiter<String>>,
    failures: Mutex<Failures>,
    checks: Checks,
}

fn quota(burst: u32, one_every: Duration) -> Quota {
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(one_every).unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN)).allow_burst(burst)
}

impl Default for LoginLimits {
    /// The limits above, with one password check at a time per two cores.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self {
            addresses: vec![
                RateLimiter::keyed(quota(60, Duration::from_secs(1))),
                RateLimiter::keyed(quota(600, Duration::from_secs(6))),
            ],
            failures: Mutex::new(Failures::default()),
            checks: Checks::new((cores / 2).max(1), WAITING_PER_CHECK),
        }
    }
}

/// Whose failures a count is about. The account is kept as a hash: an e-mail is whatever a
/// client sends, and only its identity matters here.
type Account = u128;

fn account_key(email: &str) -> Account {
    xxhash_rust::xxh3::xxh3_128(email.as_bytes())
}

#[derive(Debug, Clone, Copy)]
struct Count {
    failures: u32,
    last: Instant,
    /// No attempt is taken before this.
    wait_until: Option<Instant>,
}

impl Count {
    fn new(now: Instant) -> Self {
        Self { failures: 0, last: now, wait_until: None }
    }

    /// One more failure at `now`, after forgetting an old streak.
    fn add(&mut self, now: Instant) {
        if now.saturating_duration_since(self.last) > FORGET_AFTER {
            self.failures = 0;
        }
        self.failures = self.failures.saturating_add(1);
        self.last = now;
    }

    fn stale(&self, now: Instant) -> bool {
        now.saturating_duration_since(self.last) > FORGET_AFTER && self.wait_until.is_none_or(|until| until <= now)
    }
}

#[derive(Default)]
struct Failures {
    by_address: HashMap<(Account, String), Count>,
    by_account: HashMap<Account, Count>,
    last_pruned: Option<Instant>,
}

impl Failures {
    /// Drops forgotten counts when there are too many, at most once a minute; if every count
    /// is fresh, keeps only the ones holding an address back.
    fn prune(&mut self, now: Instant) {
        let tracked = self.by_address.len().max(self.by_account.len());
        if tracked < MAX_TRACKED || self.last_pruned.is_some_and(|at| now.duration_since(at) < Duration::from_secs(60))
        {
            return;
        }
        self.last_pruned = Some(now);
        self.by_address.retain(|_, count| !count.stale(now));
        self.by_account.retain(|_, count| !count.stale(now));
        if self.by_address.len() >= MAX_TRACKED {
            self.by_address.retain(|_, count| count.wait_until.is_some_and(|until| until > now));
        }
        if self.by_account.len() >= MAX_TRACKED {
            self.by_account.retain(|_, count| count.failures >= ACCOUNT_ALARM);
        }
    }
}

/// Whole seconds until `until`, at least one.
fn seconds_until(until: Instant, now: Instant) -> u64 {
    let wait = until.saturating_duration_since(now);
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

impl LoginLimits {
    /// Counts one attempt from `address` at `email`; `Err(seconds)` says to wait and try again
    /// then, before any password is checked.
    pub fn admit(&self, email: &str, address: &str) -> Result<(), u64> {
        self.admit_at(account_key(email), address, Instant::now())
    }

    /// Records a failed login (wrong password, unknown account or a disabled one).
    pub fn failed(&self, email: &str, address: &str) {
        self.failed_at(account_key(email), address, Instant::now());
    }

    /// Records a login: the address's failures at that account are forgiven.
    pub fn succeeded(&self, email: &str, address: &str) {
        self.succeeded_at(account_key(email), address);
    }

    /// Waits for a turn to check a password; `None` when too many are waiting already.
    pub async fn check_turn(&self) -> Option<SemaphorePermit<'_>> {
        self.checks.turn().await
    }

    fn admit_at(&self, account: Account, address: &str, now: Instant) -> Result<(), u64> {
        let clock = DefaultClock::default();
        for limiter in &self.addresses {
            if limiter.len() > MAX_TRACKED {
                limiter.retain_recent();
            }
            if let Err(not_until) = limiter.check_key(&address.to_owned()) {
                let wait = not_until.wait_time_from(clock.now());
                return Err(wait.as_secs().max(1));
            }
        }
        let book = self.failures.lock().map_err(|_| 1u64)?;
        match book.by_address.get(&(account, address.to_owned())).and_then(|count| count.wait_until) {
            Some(until) if until > now => Err(seconds_until(until, now)),
            _ => Ok(()),
        }
    }

    fn succeeded_at(&self, account: Account, address: &str) {
        if let Ok(mut book) = self.failures.lock() {
            book.by_address.remove(&(account, address.to_owned()));
        }
    }

    fn failed_at(&self, account: Account, address: &str, now: Instant) {
        let Ok(mut guard) = self.failures.lock() else { return };
        let book = &mut *guard;
        book.prune(now);
        let on_account = book.by_account.entry(account).or_insert_with(|| Count::new(now));
        on_account.add(now);
        let free = if on_account.failures >= ACCOUNT_ALARM { FREE_FAILURES_UNDER_ATTACK } else { FREE_FAILURES };
        let here = book.by_address.entry((account, address.to_owned())).or_insert_with(|| Count::new(now));
        here.add(now);
        if here.failures >= free {
            // 1 s after the last free failure, doubling with each one after it.
            let doublings = (here.failures - free).min(20);
            let wait = Duration::from_secs(1u64 << doublings).min(LONGEST_WAIT);
            here.wait_until = Some(now + wait);
        }
    }
}

/// Logins that may wait for each password check running: at tens of milliseconds a check, the
/// last in a full queue waits about a second.
const WAITING_PER_CHECK: usize = 32;

/// Turns to check a password: `permits` at once, and up to `waiting_per_permit` times as many
/// waiting.
struct Checks {
    permits: Semaphore,
    waiting: AtomicUsize,
    max_waiting: usize,
}

impl Checks {
    fn new(permits: usize, waiting_per_permit: usize) -> Self {
        Self {
            permits: Semaphore::new(permits),
            waiting: AtomicUsize::new(0),
            max_waiting: permits * waiting_per_permit,
        }
    }

    async fn turn(&self) -> Option<SemaphorePermit<'_>> {
        if let Ok(permit) = self.permits.try_acquire() {
            return Some(permit);
        }
        // Counted out again however the wait ends, also when the client goes away meanwhile.
        let waiter = Waiter(&self.waiting);
        if self.waiting.fetch_add(1, Ordering::AcqRel) >= self.max_waiting {
            return None;
        }
        let permit = self.permits.acquire().await.ok();
        drop(waiter);
        permit
    }
}

/// One place in the queue for a turn; leaving it, by any path, frees the place.
struct Waiter<'a>(&'a AtomicUsize);

impl Drop for Waiter<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use futures_util::FutureExt;

    use super::*;

    const VICTIM: Account = 1;
    const ATTACKER: &str = "203.0.113.9";
    const OWNER: &str = "198.51.100.7";

    #[test]
    fn an_address_waits_longer_after_each_failure_past_five() {
        let limits = LoginLimits::default();
        let start = Instant::now();
        for _ in 0..4 {
            limits.failed_at(VICTIM, ATTACKER, start);
            assert!(limits.admit_at(VICTIM, ATTACKER, start).is_ok(), "the first failures are free");
        }
        limits.failed_at(VICTIM, ATTACKER, start);
        assert_eq!(limits.admit_at(VICTIM, ATTACKER, start), Err(1));
        let mut now = start;
        for expected in [2, 4, 8, 16] {
            now += Duration::from_secs(expected / 2);
            assert!(limits.admit_at(VICTIM, ATTACKER, now).is_ok(), "the wait is over");
            limits.failed_at(VICTIM, ATTACKER, now);
            assert_eq!(limits.admit_at(VICTIM, ATTACKER, now), Err(expected));
        }
        for _ in 0..30 {
            limits.failed_at(VICTIM, ATTACKER, now);
        }
        assert_eq!(limits.admit_at(VICTIM, ATTACKER, now), Err(LONGEST_WAIT.as_secs()), "the wait has a ceiling");
        // Meanwhile the owner, elsewhere, is never held up, and other accounts neither.
        assert!(limits.admit_at(VICTIM, OWNER, now).is_ok());
        assert!(limits.admit_at(2, ATTACKER, now).is_ok());
    }

    #[test]
    fn a_success_forgives_the_address() {
        let limits = LoginLimits::default();
        let now = Instant::now();
        for _ in 0..4 {
            limits.failed_at(VICTIM, OWNER, now);
        }
        limits.succeeded_at(VICTIM, OWNER);
        limits.failed_at(VICTIM, OWNER, now);
        assert!(limits.admit_at(VICTIM, OWNER, now).is_ok(), "the count started again");
    }

    #[test]
    fn an_account_guessed_at_from_many_addresses_gives_each_one_free_failure() {
        let limits = LoginLimits::default();
        let now = Instant::now();
        for i in 0..ACCOUNT_ALARM {
            let address = format!("192.0.2.{i}");
            limits.failed_at(VICTIM, &address, now);
        }
        limits.failed_at(VICTIM, "192.0.2.200", now);
        assert_eq!(limits.admit_at(VICTIM, "192.0.2.200", now), Err(1));
        assert!(limits.admit_at(VICTIM, OWNER, now).is_ok(), "an address that has not failed goes on");
    }

    #[test]
    fn old_failures_are_forgotten() {
        let limits = LoginLimits::default();
        let start = Instant::now();
        for _ in 0..4 {
            limits.failed_at(VICTIM, ATTACKER, start);
        }
        let later = start + FORGET_AFTER + Duration::from_secs(1);
        limits.failed_at(VICTIM, ATTACKER, later);
        assert!(limits.admit_at(VICTIM, ATTACKER, later).is_ok());
    }

    #[actix_web::test]
    async fn password_checks_take_turns_and_a_full_queue_is_refused_at_once() {
        let checks = Checks::new(1, 8);
        let first = checks.turn().await.expect("a free turn");
        let mut waiting: Vec<_> = (0..8).map(|_| Box::pin(checks.turn())).collect();
        for turn in &mut waiting {
            assert!(turn.as_mut().now_or_never().is_none(), "it waits its turn");
        }
        assert!(checks.turn().await.is_none(), "the ninth in the queue is turned away");
        // A waiter that gives up (its client went away) frees its place in the queue.
        drop(waiting.pop());
        let mut last = Box::pin(checks.turn());
        assert!(last.as_mut().now_or_never().is_none(), "the freed place is taken");
        drop(first);
        let next = waiting.remove(0).await;
        assert!(next.is_some(), "the first in the queue goes next");
    }
}

//! Login throttling with governor: per account and per client address, each with a short and a
//! long window, so repeated guessing meets a growing delay (429 with `Retry-After`).

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

pub struct LoginLimits {
    windows: Vec<(Scope, DefaultKeyedRateLimiter<String>)>,
}

#[derive(Clone, Copy)]
enum Scope {
    Account,
    Address,
}

fn quota(burst: u32, one_every: Duration) -> Quota {
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(one_every).unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN)).allow_burst(burst)
}

impl Default for LoginLimits {
    /// Per account: 5 attempts at once, then one every 12 s, and at most 20 more per hour.
    /// Per address: 60 at once, then one a second, and at most 600 more per hour.
    fn default() -> Self {
        Self {
            windows: vec![
                (Scope::Account, RateLimiter::keyed(quota(5, Duration::from_secs(12)))),
                (Scope::Account, RateLimiter::keyed(quota(20, Duration::from_secs(180)))),
                (Scope::Address, RateLimiter::keyed(quota(60, Duration::from_secs(1)))),
                (Scope::Address, RateLimiter::keyed(quota(600, Duration::from_secs(6)))),
            ],
        }
    }
}

impl LoginLimits {
    /// Counts one attempt; `Err(seconds)` says how long to wait before the next.
    pub fn attempt(&self, account: &str, address: &str) -> Result<(), u64> {
        let clock = DefaultClock::default();
        for (scope, limiter) in &self.windows {
            let key = match scope {
                Scope::Account => account,
                Scope::Address => address,
            };
            if limiter.len() > 100_000 {
                limiter.retain_recent();
            }
            if let Err(not_until) = limiter.check_key(&key.to_owned()) {
                let wait = not_until.wait_time_from(clock.now());
                return Err(wait.as_secs().max(1));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixth_quick_attempt_on_one_account_waits() {
        let limits = LoginLimits::default();
        for _ in 0..5 {
            assert!(limits.attempt("a@example.org", "127.0.0.1").is_ok());
        }
        let wait = limits.attempt("a@example.org", "127.0.0.1").unwrap_err();
        assert!((1..=12).contains(&wait), "{wait}");
        assert!(limits.attempt("b@example.org", "127.0.0.1").is_ok(), "other accounts are not held up");
    }
}

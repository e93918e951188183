//! Webhooks: endpoints and their rules, the signed request, and sending one delivery. Events
//! are queued by [`crate::outbox`] in the transaction of the change that causes them.

use std::time::Duration;

pub mod client;
pub mod deliveries;
pub mod delivery;
pub mod endpoints;
pub mod signature;

/// Delivery settings, from `NEWSDESK_WEBHOOK_*`.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The first retry waits about this long; each further one twice as long (capped), with jitter.
    pub retry_base: Duration,
    /// After this long since an event was queued, a delivery that still fails is marked failed.
    pub give_up_after: Duration,
    /// The overall timeout of one request (connecting takes at most a third of it).
    pub timeout: Duration,
    /// Whether endpoints may be on addresses that are not globally routable (loopback, private, …).
    pub allow_private: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            retry_base: Duration::from_secs(30),
            give_up_after: Duration::from_secs(24 * 3600),
            timeout: Duration::from_secs(10),
            allow_private: false,
        }
    }
}

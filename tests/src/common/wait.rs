//! Waiting for what happens on its own (the scheduler, an expiry, a process starting) by
//! checking for it, never by sleeping a fixed time.

/// How long [`wait_until`] waits before failing the test.
pub const WAIT_DEADLINE: std::time::Duration = std::time::Duration::from_secs(10);

/// Runs `probe` every 100 ms until it returns `Some`, and returns that; fails the test, naming
/// `what`, when [`WAIT_DEADLINE`] passes first. For outcomes that come on their own (the
/// scheduler, an expiry), so no test sleeps for a fixed time and hopes.
pub async fn wait_until<T, Fut>(what: &str, probe: impl FnMut() -> Fut) -> T
where
    Fut: std::future::Future<Output = Option<T>>,
{
    wait_until_within(WAIT_DEADLINE, what, probe).await
}

/// [`wait_until`] with another deadline, for what takes longer by nature (a process starting).
pub async fn wait_until_within<T, Fut>(deadline: std::time::Duration, what: &str, mut probe: impl FnMut() -> Fut) -> T
where
    Fut: std::future::Future<Output = Option<T>>,
{
    let started = std::time::Instant::now();
    loop {
        if let Some(found) = probe().await {
            return found;
        }
        assert!(started.elapsed() < deadline, "gave up after {deadline:?} waiting for {what}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

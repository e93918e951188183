//! Runs the scheduler (`newsdesk_newsroom::scheduler`) inside the server, so no cron is needed.

use std::time::Duration;

use actix_web::web;
use newsdesk_newsroom::scheduler;

use crate::error::ApiError;
use crate::state::AppState;

/// How often the scheduler looks for due articles; "within a second" of their time.
const TICK: Duration = Duration::from_millis(500);

/// Runs until the server stops.
pub async fn run(state: web::Data<AppState>) {
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        match publish_due(&state).await {
            Ok(0) => {}
            Ok(count) => tracing::info!(count, "published scheduled articles"),
            Err(error) => tracing::warn!(%error, "scheduler tick failed; retrying"),
        }
    }
}

/// Publishes what is due now, voiding what it changed in this server's cache.
pub async fn publish_due(state: &AppState) -> Result<usize, ApiError> {
    state.write(|tx| Ok(scheduler::publish_due(tx)?)).await
}

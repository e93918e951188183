//! Runs the retention pass (`newsdesk_newsroom::retention`) inside the server on a timer.
//! Several processes may prune at once: every delete is idempotent, and the view fold is one
//! statement on PostgreSQL and holds the write lock on SQLite, so nothing is counted twice.

use std::time::Duration;

use actix_web::web;
use newsdesk_newsroom::retention::{self, Retention};
use newsdesk_persistence::now;

use crate::state::AppState;

/// The first pass waits this long (or one interval, if shorter), so a start stays quick.
const FIRST_PASS_AFTER: Duration = Duration::from_secs(60);

/// Runs until the server stops.
pub async fn run(state: web::Data<AppState>, keep: Retention, interval: Duration) {
    tokio::time::sleep(FIRST_PASS_AFTER.min(interval)).await;
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let db = state.db.clone();
        match web::block(move || retention::prune(&db, &keep, now())).await {
            Ok(pass) => {
                for (kind, rows) in pass.pruned.by_kind() {
                    state.metrics.pruned(kind, rows);
                }
                if pass.pruned != retention::Pruned::default() {
                    tracing::info!(pruned = ?pass.pruned, "pruned what the retention settings no longer keep");
                }
                for (kind, error) in pass.failed {
                    tracing::warn!(kind, %error, "pruning failed; trying again next pass");
                }
            }
            Err(error) => tracing::warn!(%error, "pruning could not run; trying again next pass"),
        }
    }
}

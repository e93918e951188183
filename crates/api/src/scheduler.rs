//! Runs the scheduler (`newsdesk_newsroom::scheduler`) inside the server, so no cron is needed.

use std::collections::HashSet;
use std::time::Duration;

use actix_web::web;
use newsdesk_newsroom::scheduler::{self, Run};

use crate::error::ApiError;
use crate::state::AppState;

/// How often the scheduler looks for due articles; "within a second" of their time.
const TICK: Duration = Duration::from_millis(500);

/// Runs until the server stops.
pub async fn run(state: web::Data<AppState>) {
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Articles already reported as held back by an embargo: each is logged once, not every tick.
    let mut reported: HashSet<String> = HashSet::new();
    loop {
        ticker.tick().await;
        match publish_due(&state).await {
            Ok(Run { published, held_back }) => {
                if published > 0 {
                    tracing::info!(count = published, "published scheduled articles");
                }
                for (id, until) in &held_back {
                    if !reported.contains(id) {
                        let until = newsdesk_domain::embargo::rfc3339(*until);
                        tracing::warn!(article = %id, %until, "a due scheduled article is embargoed; left scheduled");
                    }
                }
                reported = held_back.into_iter().map(|(id, _)| id).collect();
            }
            Err(error) => tracing::warn!(%error, "scheduler tick failed; retrying"),
        }
    }
}

/// Publishes what is due now, voiding what it changed in this server's cache.
pub async fn publish_due(state: &AppState) -> Result<Run, ApiError> {
    state.write(|tx| Ok(scheduler::publish_due(tx)?)).await
}

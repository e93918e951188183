//! Publishes scheduled articles when they fall due: a task inside the server, so no cron is
//! needed. It also catches up on anything that fell due while the server was down.

use std::time::Duration;

use actix_web::web;
use newsdesk_persistence::articles as store;
use newsdesk_persistence::now;

use crate::articles::history::after_change;
use crate::audit::Actor;
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

/// Publishes what is due now. The claim is one `UPDATE … RETURNING`, so with several server
/// processes on one PostgreSQL each article is published exactly once.
pub async fn publish_due(state: &AppState) -> Result<usize, crate::error::ApiError> {
    state
        .write(|conn| {
            let due = store::publish_due(conn, now())?;
            let (actor, count) = (Actor::system("scheduler"), due.len());
            for row in due {
                after_change(conn, row, "publish_scheduled", &actor)?;
            }
            Ok(count)
        })
        .await
}

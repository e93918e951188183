//! The server's webhook worker: claims due deliveries with a lease (so several processes never
//! send the same one), sends them (`newsdesk_newsroom::webhooks::delivery`), and records each
//! attempt with its next step.

use std::time::Duration;

use actix_web::web;
use futures_util::future::join_all;
use newsdesk_newsroom::webhooks::delivery::{lease_hold, send, BATCH};
use newsdesk_newsroom::webhooks::{client, Settings};
use newsdesk_persistence::webhooks::deliveries as store;
use newsdesk_persistence::{new_id, now};

use crate::state::AppState;

/// How often an idle worker looks for due deliveries.
const POLL: Duration = Duration::from_millis(200);

/// Runs until the server stops.
pub async fn run(state: web::Data<AppState>) {
    let settings = state.webhooks.clone();
    let client = match client::build(&settings) {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(%error, "cannot build the webhook client; webhooks will not be delivered");
            return;
        }
    };
    let lease = new_id();
    loop {
        match round(&state, &client, &settings, &lease).await {
            // Claimed something: the next delivery of each stream (one resource's events, or
            // `site.changed`) may be due now. Sleeping here held every stream to five deliveries
            // a second, fewer than a busy newsroom writes, and the backlog grew without end.
            Ok(n) if n > 0 => continue,
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "webhook delivery round failed; retrying"),
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Claims a batch and sends it concurrently, recording each outcome as soon as it is known
/// (so a stop loses as little as possible); returns how many it claimed.
async fn round(
    state: &AppState,
    client: &reqwest::Client,
    settings: &Settings,
    lease: &str,
) -> Result<usize, crate::error::ApiError> {
    let hold = lease_hold(settings);
    if !state.read(|conn| store::any_due(conn, now())).await? {
        return Ok(0);
    }
    let owned = lease.to_owned();
    let claimed = state
        .write(move |tx| {
            let done = store::claim(tx.conn(), now(), now() + hold, &owned, BATCH)?;
            Ok(tx.nothing_to_record(done))
        })
        .await?;
    let count = claimed.len();
    let outcomes = join_all(claimed.into_iter().map(|c| async move {
        let (delivery_id, attempt, next) = send(client, settings, c).await;
        let owned = lease.to_owned();
        state
            .write(move |tx| {
                let done = store::finish(tx.conn(), &delivery_id, &owned, &attempt, next)?;
                Ok(tx.nothing_to_record(done))
            })
            .await
    }))
    .await;
    for outcome in outcomes {
        if !outcome? {
            tracing::warn!("a webhook delivery outlived its lease or its endpoint; its outcome was dropped");
        }
    }
    Ok(count)
}

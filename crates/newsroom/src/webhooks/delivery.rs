//! Sending one delivery: a signed POST, what came back, and when to try again. The server's
//! worker loop claims deliveries and records these outcomes.

use std::time::{Duration, Instant};

use chrono::TimeDelta;
use newsdesk_persistence::now;
use newsdesk_persistence::webhooks::deliveries::{Attempt, Claimed, Next};
use rand::Rng;

use super::{client, signature, Settings};

/// Deliveries claimed per round.
pub const BATCH: i64 = 16;
/// The longest wait between two tries, however many failed.
const MAX_BACKOFF: Duration = Duration::from_secs(3600);
/// How much of a response the delivery log keeps.
const EXCERPT_BYTES: usize = 1024;

/// How long a claim holds a delivery: long enough to send and record; a process that dies
/// holding a lease delays that delivery by at most this much.
pub fn lease_hold(settings: &Settings) -> TimeDelta {
    TimeDelta::from_std(settings.timeout * 2 + Duration::from_secs(1)).unwrap_or(TimeDelta::minutes(1))
}

/// Sends one delivery and decides what comes next.
pub async fn send(client: &reqwest::Client, settings: &Settings, claimed: Claimed) -> (String, Attempt, Next) {
    let started = Instant::now();
    let at = now();
    let outcome = post(client, settings, &claimed).await;
    let latency_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    let (status_code, response_excerpt, error) = match outcome {
        Ok((status, excerpt)) => {
            let error = (!(200..300).contains(&status)).then(|| format!("the endpoint answered {status}"));
            (Some(i32::from(status)), Some(excerpt), error)
        }
        Err(error) => (None, None, Some(error)),
    };
    let next = if error.is_none() { Next::Delivered } else { next_try(settings, &claimed, at) };
    let attempt = Attempt { at, status_code, latency_ms, response_excerpt, error };
    (claimed.delivery.id, attempt, next)
}

/// Exponential backoff with jitter until the give-up window has passed.
fn next_try(settings: &Settings, claimed: &Claimed, at: chrono::NaiveDateTime) -> Next {
    let deadline = claimed.delivery.created_at + TimeDelta::from_std(settings.give_up_after).unwrap_or(TimeDelta::MAX);
    if at >= deadline {
        return Next::Failed;
    }
    let exponent = u32::try_from(claimed.delivery.attempts).unwrap_or(0).min(20);
    let full = settings.retry_base.saturating_mul(1 << exponent).min(MAX_BACKOFF);
    // "Equal jitter": half the delay fixed, half random, so retries from many events spread out.
    let delay = full / 2 + full.mul_f64(rand::rng().random_range(0.0..0.5));
    let next = at + TimeDelta::from_std(delay).unwrap_or(TimeDelta::hours(1));
    Next::RetryAt(next.min(deadline))
}

/// POSTs the event; the status and the start of the body, or why it could not be sent.
async fn post(client: &reqwest::Client, settings: &Settings, claimed: &Claimed) -> Result<(u16, String), String> {
    if let Some(reason) = client::refuse_literal(&claimed.url, settings.allow_private) {
        return Err(format!("not sent: the URL {reason}"));
    }
    let timestamp = chrono::Utc::now().timestamp();
    let body = claimed.payload.clone().into_bytes();
    let event_id = &claimed.delivery.event_id;
    let response = client
        .post(&claimed.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(signature::SIGNATURE, signature::sign(&claimed.secret, timestamp, &body))
        .header(signature::TIMESTAMP, timestamp.to_string())
        .header(signature::EVENT_ID, event_id.as_str())
        .header(signature::EVENT, claimed.event.as_str())
        .header(signature::DELIVERY_ID, claimed.delivery.id.as_str())
        .body(body)
        .send()
        .await
        .map_err(describe)?;
    let status = response.status().as_u16();
    Ok((status, excerpt(response).await))
}

/// Reads at most [`EXCERPT_BYTES`] of the response.
async fn excerpt(mut response: reqwest::Response) -> String {
    let mut kept = Vec::new();
    while kept.len() < EXCERPT_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => kept.extend_from_slice(&chunk),
            _ => break,
        }
    }
    kept.truncate(EXCERPT_BYTES);
    String::from_utf8_lossy(&kept).into_owned()
}

/// A short reason for a failed request, with its cause (e.g. the refused address).
fn describe(error: reqwest::Error) -> String {
    use std::error::Error as _;
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    let mut causes = Vec::new();
    let mut source = error.source();
    while let Some(cause) = source {
        causes.push(cause.to_string());
        source = cause.source();
    }
    match causes.last() {
        Some(root) => format!("{kind}: {root}"),
        None => kind.to_owned(),
    }
}

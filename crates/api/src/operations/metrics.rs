//! `GET /metrics` and the middleware that records every request.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{web, HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::{ApiError, ApiResult, Problem};
use crate::state::AppState;

/// The OpenMetrics text format, which Prometheus reads natively.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Records each request's route, status and latency. On the metrics-only address every other
/// path is a 404.
pub async fn track(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    if let Some(state) = &state {
        if is_metrics_listener(req.request(), state) && req.path() != "/metrics" {
            let (req, _) = req.into_parts();
            let error = ApiError::NotFound("this address serves only /metrics".into());
            return Ok(ServiceResponse::from_err(error, req).map_into_right_body());
        }
    }
    let response = next.call(req).await?;
    if let Some(state) = state {
        state.metrics.observe_request(response.request(), response.status(), started.elapsed());
    }
    Ok(response.map_into_left_body())
}

fn is_metrics_listener(req: &HttpRequest, state: &AppState) -> bool {
    state.metrics.metrics_addr.is_some_and(|addr| req.app_config().local_addr() == addr)
}

/// Prometheus metrics.
///
/// Request counts and latencies by route pattern and status, database pool use, response-cache
/// hits and misses, scheduler and webhook queue depths, view-buffer flushes.
///
/// On the main address it needs `Authorization: Bearer <NEWSDESK_METRICS_TOKEN>` and answers
/// 404 when no token is configured; on `NEWSDESK_METRICS_BIND` it needs no token.
#[utoipa::path(get, path = "/metrics", operation_id = "metrics", tag = "operations",
    security(("metrics_token" = [])),
    responses(
        (status = 200, description = "The metrics, in the OpenMetrics text format Prometheus scrapes",
            body = String, content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8",
            example = json!("# HELP newsdesk_http_requests HTTP requests answered, by route pattern, method and status.\n# TYPE newsdesk_http_requests counter\nnewsdesk_http_requests_total{method=\"GET\",route=\"/v1/articles\",status=\"200\"} 12\n# EOF\n")),
        (status = 401, description = "Missing or wrong metrics token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No metrics token is configured, so the main address does not serve metrics", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn scrape(req: HttpRequest, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    authorize(&req, &state)?;
    let metrics = &state.metrics;
    // A scrape during an outage still answers, with the last known depths.
    let depths = state
        .read(|conn| {
            let scheduled = newsdesk_persistence::stats::scheduled_queue_depth(conn)?;
            Ok((scheduled, newsdesk_persistence::webhooks::deliveries::pending_count(conn)?))
        })
        .await;
    let depths = depths.map_err(|error| tracing::warn!(%error, "metrics: could not count the queues")).ok();
    let cache = state.cache.clone();
    let cache_size = web::block(move || cache.size()).await.unwrap_or_default();
    metrics.live_streams(state.live.open());
    let body = metrics
        .scrape(state.db.pool_state(), state.cache.hits_and_misses(), cache_size, depths)
        .map_err(|e| ApiError::Internal(format!("encoding metrics: {e}")))?;
    Ok(HttpResponse::Ok().content_type(CONTENT_TYPE).insert_header((header::CACHE_CONTROL, "no-store")).body(body))
}

fn authorize(req: &HttpRequest, state: &AppState) -> ApiResult<()> {
    if is_metrics_listener(req, state) {
        return Ok(());
    }
    let Some(expected) = &state.metrics.token_digest else {
        return Err(ApiError::NotFound("metrics are not served on this address".into()));
    };
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| ApiError::Unauthorized("send `Authorization: Bearer <metrics token>`".into()))?;
    // Digests have one length, so the comparison's time says nothing about the token.
    let digest: [u8; 32] = Sha256::digest(given.trim().as_bytes()).into();
    if bool::from(digest.ct_eq(expected)) {
        Ok(())
    } else {
        Err(ApiError::Unauthorized("the metrics token is wrong".into()))
    }
}

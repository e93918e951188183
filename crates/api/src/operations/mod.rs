//! Operational endpoints: liveness, readiness and Prometheus metrics, and the middleware that
//! counts every request.

pub mod health;
pub mod metrics;

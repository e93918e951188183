//! Prometheus metrics, one registry per server (no global state, so servers in one process
//! never mix their numbers).
//!
//! Request counts and latencies are recorded by [`endpoint::track`], view-buffer flushes by the
//! flusher ([`Metrics::views_flushed`]). Everything else is read when `/metrics` is scraped:
//! the pool's state, the response cache's own hit and miss counts, and the scheduler's and the
//! webhook worker's queues (counted in the database, so every process reports the cluster's).

use std::borrow::Cow;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::Duration;

use actix_web::http::{Method, StatusCode};
use actix_web::{HttpMessage, HttpRequest};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use sha2::{Digest, Sha256};

/// The shortest metrics token accepted.
pub const MIN_TOKEN_BYTES: usize = 16;

/// The label of requests no route matched, so probes of random paths add no series.
pub const UNMATCHED_ROUTE: &str = "unmatched";

/// The route pattern a response stands for, put on the request by whatever answered without
/// routing (a response cache hit).
#[derive(Debug, Clone)]
pub struct RoutePattern(pub std::sync::Arc<str>);

/// Labels of the request metrics: the route's pattern (never the raw path), method and status.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: &'static str,
    pub route: Cow<'static, str>,
    pub status: u16,
}

/// Label of the pruner's counter: which kind of row went.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PrunedLabels {
    pub kind: &'static str,
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RequestLabels, Histogram, fn() -> Histogram>,
    cache_hits: Counter,
    cache_misses: Counter,
    view_flushes: Counter,
    views_flushed: Counter,
    pruned: Family<PrunedLabels, Counter>,
    log_lines_dropped: Counter,
    pool_connections: Gauge,
    pool_idle: Gauge,
    pool_max: Gauge,
    scheduler_queue: Gauge,
    webhook_queue: Gauge,
    cache_entries: Gauge,
    cache_bytes: Gauge,
    memory_allocated: Gauge,
    memory_resident: Gauge,
    live_streams: Gauge,
    /// SHA-256 of the token that guards `/metrics` on the main address.
    pub token_digest: Option<[u8; 32]>,
    /// The address that serves `/metrics` without a token, if any.
    pub metrics_addr: Option<SocketAddr>,
    /// One scrape at a time, so catching the cache counters up never counts twice.
    scraping: Mutex<()>,
}

fn latency_histogram() -> Histogram {
    // 1 ms to about 16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

impl Metrics {
    pub fn new(token: Option<&str>, metrics_addr: Option<SocketAddr>) -> Self {
        let mut registry = Registry::with_prefix("newsdesk");
        let requests = Family::<RequestLabels, Counter>::default();
        let pruned = Family::<PrunedLabels, Counter>::default();
        let latency = Family::<RequestLabels, Histogram, fn() -> Histogram>::new_with_constructor(latency_histogram);
        let (cache_hits, cache_misses, view_flushes, views_flushed, log_lines_dropped) = Default::default();
        let (pool_connections, pool_idle, pool_max, scheduler_queue, webhook_queue) = Default::default();
        let (cache_entries, cache_bytes, memory_allocated, memory_resident) = Default::default();
        let live_streams = Gauge::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route pattern, method and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer HTTP requests, by route pattern, method and status",
            latency.clone(),
        );
        registry.register(
            "pruned_rows",
            "Rows the retention settings no longer keep, removed by the pruner, by kind",
            pruned.clone(),
        );
        let counters = [
            ("cache_hits", "Responses served from the response cache", &cache_hits),
            ("cache_misses", "Responses the response cache did not hold", &cache_misses),
            ("view_flushes", "Batches of buffered views written", &view_flushes),
            ("view_flush_articles", "Article-day view counts written by those batches", &views_flushed),
            ("log_lines_dropped", "Log lines dropped because stdout fell too far behind", &log_lines_dropped),
        ];
        for (name, help, counter) in counters {
            registry.register(name, help, Counter::clone(counter));
        }
        let gauges = [
            ("db_pool_connections", "Open database connections", &pool_connections),
            ("db_pool_idle", "Idle database connections", &pool_idle),
            ("db_pool_max", "Most database connections the pool opens", &pool_max),
            ("scheduler_queue_depth", "Scheduled articles not yet published", &scheduler_queue),
            ("webhook_queue_depth", "Webhook deliveries waiting to be sent or retried", &webhook_queue),
            ("response_cache_entries", "Responses the response cache holds, voided ones included", &cache_entries),
            (
                "response_cache_bytes",
                "Weight of the response cache's entries (response_cache_mb bounds it)",
                &cache_bytes,
            ),
            ("memory_allocated_bytes", "Memory the server has allocated (jemalloc's count)", &memory_allocated),
            ("memory_resident_bytes", "Memory the allocator holds resident for the server", &memory_resident),
            ("live_streams", "Live streams (Server-Sent Events) open in this process", &live_streams),
        ];
        for (name, help, gauge) in gauges {
            registry.register(name, help, Gauge::clone(gauge));
        }
        Self {
            registry,
            requests,
            latency,
            cache_hits,
            cache_misses,
            view_flushes,
            views_flushed,
            pruned,
            log_lines_dropped,
            pool_connections,
            pool_idle,
            pool_max,
            scheduler_queue,
            webhook_queue,
            cache_entries,
            cache_bytes,
            memory_allocated,
            memory_resident,
            live_streams,
            token_digest: token.map(|t| Sha256::digest(t.as_bytes()).into()),
            metrics_addr,
            scraping: Mutex::new(()),
        }
    }

    /// Counts one written batch of buffered views holding `rows` article-day counts.
    pub fn views_flushed(&self, rows: usize) {
        self.view_flushes.inc();
        self.views_flushed.inc_by(rows as u64);
    }

    /// The live streams open now, read at each scrape.
    pub fn live_streams(&self, open: usize) {
        self.live_streams.set(i64::try_from(open).unwrap_or(i64::MAX));
    }

    /// Counts `rows` of one kind removed by a pruning pass.
    pub fn pruned(&self, kind: &'static str, rows: usize) {
        self.pruned.get_or_create(&PrunedLabels { kind }).inc_by(rows as u64);
    }

    /// Records one answered request. Cheap: atomics, plus a short per-series lock inside the
    /// histogram; the label set is only cloned the first time a series appears.
    pub fn observe_request(&self, req: &HttpRequest, status: StatusCode, elapsed: Duration) {
        // A cache hit says which route it stands for: finding the pattern again walks the route
        // table's regexes, a seventh of a cached answer.
        let known = req.extensions().get::<RoutePattern>().map(|r| r.0.clone());
        let route = match known {
            Some(route) => Cow::Owned(route.to_string()),
            None => req.match_pattern().map_or(Cow::Borrowed(UNMATCHED_ROUTE), Cow::Owned),
        };
        let labels = RequestLabels { method: method_label(req.method()), route, status: status.as_u16() };
        self.requests.get_or_create(&labels).inc();
        self.latency.get_or_create(&labels).observe(elapsed.as_secs_f64());
    }

    fn set_pool(&self, pool: newsdesk_persistence::PoolState) {
        self.pool_connections.set(i64::from(pool.connections));
        self.pool_idle.set(i64::from(pool.idle));
        self.pool_max.set(i64::from(pool.max));
    }

    fn set_queue_depths(&self, scheduled: i64, webhooks: i64) {
        self.scheduler_queue.set(scheduled);
        self.webhook_queue.set(webhooks);
    }

    /// Brings the cache counters up to the cache's own totals (it counts on its hot path).
    fn catch_up_cache(&self, hits: u64, misses: u64) {
        for (counter, total) in [(&self.cache_hits, hits), (&self.cache_misses, misses)] {
            counter.inc_by(total.saturating_sub(counter.get()));
        }
    }

    /// A scrape: the gauges brought up to date with what the caller read, then the registry in
    /// the OpenMetrics text format. One at a time, so two scrapes never interleave their sets.
    pub fn scrape(
        &self,
        pool: newsdesk_persistence::PoolState,
        (hits, misses): (u64, u64),
        (entries, bytes): (u64, u64),
        queue_depths: Option<(i64, i64)>,
    ) -> Result<String, std::fmt::Error> {
        let _one_at_a_time = self.scraping.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        self.set_pool(pool);
        self.catch_up_cache(hits, misses);
        self.cache_entries.set(i64::try_from(entries).unwrap_or(i64::MAX));
        self.cache_bytes.set(i64::try_from(bytes).unwrap_or(i64::MAX));
        if let Some((allocated, resident)) = crate::allocator::usage() {
            self.memory_allocated.set(i64::try_from(allocated).unwrap_or(i64::MAX));
            self.memory_resident.set(i64::try_from(resident).unwrap_or(i64::MAX));
        }
        let dropped = crate::log_writer::dropped_lines();
        self.log_lines_dropped.inc_by(dropped.saturating_sub(self.log_lines_dropped.get()));
        if let Some((scheduled, webhooks)) = queue_depths {
            self.set_queue_depths(scheduled, webhooks);
        }
        self.encode()
    }

    /// The registry in the OpenMetrics text format.
    fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut body = String::with_capacity(8 * 1024);
        prometheus_client::encoding::text::encode(&mut body, &self.registry)?;
        Ok(body)
    }
}

/// A fixed set of method labels, so odd methods cannot add series.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

#[cfg(test)]
mod tests {

    use actix_web::dev::Service;
    use actix_web::{test, App};

    use super::*;

    /// Labels a routed request by its route pattern, so slugs and ids never become series.
    #[actix_web::test]
    async fn a_request_is_labelled_by_its_route_pattern() {
        let metrics = std::sync::Arc::new(Metrics::new(None, None));
        let m = metrics.clone();
        let app = test::init_service(App::new().configure(crate::router::routes).wrap_fn(move |req, srv| {
            let (m, call) = (m.clone(), srv.call(req));
            async move {
                let res = call.await?;
                m.observe_request(res.request(), StatusCode::OK, Duration::from_micros(300));
                Ok(res)
            }
        }))
        .await;
        test::call_service(&app, test::TestRequest::get().uri("/v1/admin/users/abc").to_request()).await;
        let text = metrics.encode().unwrap_or_default();
        assert!(text.contains("route=\"/v1/admin/users/{id}\""), "{text}");
        assert!(!text.contains("abc"), "{text}");
    }

    /// A request answered without routing (a cache hit) is labelled by the pattern it carries.
    #[actix_web::test]
    async fn an_unrouted_request_is_labelled_by_the_pattern_it_carries() {
        let metrics = Metrics::new(None, None);
        let req = test::TestRequest::get().uri("/v1/articles/a-story").to_http_request();
        req.extensions_mut().insert(RoutePattern("/v1/articles/{slug}".into()));
        metrics.observe_request(&req, StatusCode::OK, Duration::from_micros(300));
        let text = metrics.encode().unwrap_or_default();
        assert!(text.contains("route=\"/v1/articles/{slug}\""), "{text}");
        assert!(!text.contains("a-story"), "{text}");
    }
}

//! Builds the actix-web application and server from a [`Config`].

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::middleware::{from_fn, Compress, ErrorHandlers};
use actix_web::{web, App, HttpResponse, HttpServer};
use anyhow::Context;
use newsdesk_persistence::{Database, DatabaseUrl};
use utoipa_swagger_ui::SwaggerUi;

use crate::cache::ResponseCache;
use crate::config::Config;
use crate::extract::MAX_BODY_BYTES;
use crate::state::AppState;
use crate::tokens::TokenKeys;
use crate::{bootstrap, metrics, middleware, operations, pruner, scheduler, webhooks};

/// Opens storage, prepares the first admin and demo content, and binds the server.
/// Returns the server (not yet awaited) and the port it listens on.
pub async fn build(config: Config, demo: bool) -> anyhow::Result<(Server, u16)> {
    let (server, port, _) = build_with_state(config, demo).await?;
    Ok((server, port))
}

/// [`build`], also handing back the shared state (tests read its statement counter).
pub async fn build_with_state(config: Config, demo: bool) -> anyhow::Result<(Server, u16, web::Data<AppState>)> {
    newsdesk_newsroom::password::set_hashers(usize::from(config.password_hashers));
    let secret = config.resolve_jwt_secret()?;
    config.retention.check()?;
    let tokens = TokenKeys::new(&secret, config.access_token_ttl).map_err(anyhow::Error::msg)?;
    let url = DatabaseUrl::parse(&config.database_url);
    let (pool_size, timeout) = (config.db_pool_size, std::time::Duration::from_secs(config.db_timeout.max(1)));
    let db = web::block(move || Database::open(&url, pool_size, timeout))
        .await?
        .with_context(|| format!("opening the database {:?}", DatabaseUrl::parse(&config.database_url)))?;
    bootstrap::first_admin(&db, &config).await?;
    if demo {
        bootstrap::demo_content(&db).await?;
    }
    let publication = crate::publication::Publication::new(
        &config.publication_name,
        &config.publication_language,
        config.publication_logo_url.as_deref(),
    )?;
    let metrics_listener = match &config.metrics_bind {
        Some(address) => Some(TcpListener::bind(address).with_context(|| format!("binding {address} (metrics)"))?),
        None => None,
    };
    let metrics_addr = metrics_listener.as_ref().map(TcpListener::local_addr).transpose()?;
    let metrics = std::sync::Arc::new(metrics::Metrics::new(config.metrics_token.as_deref(), metrics_addr));
    let public_url = config.resolve_public_url()?;
    let cache_bytes = if config.no_cache { 0 } else { config.response_cache_mb.saturating_mul(1024 * 1024) };
    let cache_ttl = std::time::Duration::from_secs(config.response_cache_ttl);
    let cache = std::sync::Arc::new(ResponseCache::new(cache_bytes, cache_ttl));
    let live = std::sync::Arc::new(crate::live::hub::LiveHub::new(
        usize::try_from(config.live_max_streams).unwrap_or(usize::MAX),
        std::time::Duration::from_secs(config.live_heartbeat),
        public_url.clone(),
    ));
    crate::cache::listener::spawn_listener(&db, &cache, &live, crate::streams::load)
        .context("starting the notice listener")?;
    let one_writer = db.has_one_writer();
    let state = web::Data::new(AppState {
        cache,
        live,
        public_url,
        publication,
        db,
        tokens,
        login_limits: crate::login_limits::LoginLimits::default(),
        preview_ttl_secs: config.preview_ttl,
        edit_lock_ttl_secs: config.edit_lock_ttl,
        search_window: newsdesk_persistence::search::SearchWindow(config.search_window),
        trusted_proxies: crate::client_address::TrustedProxies::new(config.trusted_proxies.clone()),
        views: std::sync::Arc::new(crate::view_counter::ViewCounter::new(
            config.views_per_address,
            config.view_readers,
        )),
        metrics: metrics.clone(),
        writer_turn: one_writer.then(|| std::sync::Arc::new(tokio::sync::Semaphore::new(1))),
        webhooks: config.webhook_settings(),
        cursors: crate::cursor::CursorCodec::new(&secret),
    });
    actix_web::rt::spawn(scheduler::run(state.clone()));
    actix_web::rt::spawn(crate::view_counter::flusher(
        state.views.clone(),
        state.db.clone(),
        state.cache.clone(),
        metrics,
    ));
    actix_web::rt::spawn(webhooks::worker::run(state.clone()));
    actix_web::rt::spawn(pruner::run(state.clone(), config.retention.retention(), config.retention.interval()));
    let listener = TcpListener::bind(&config.bind).with_context(|| format!("binding {}", config.bind))?;
    let port = listener.local_addr()?.port();
    let public_cache_control = web::Data::new(crate::respond::PublicCacheControl(format!(
        "public, max-age={}, stale-while-revalidate={}",
        config.cache_max_age, config.cache_stale_while_revalidate
    )));
    let response_cache = web::Data::from(state.cache.clone());
    let openapi = crate::openapi::document();
    let shared = state.clone();
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(public_cache_control.clone())
            .app_data(response_cache.clone())
            .app_data(web::PayloadConfig::new(MAX_BODY_BYTES))
            .wrap(ErrorHandlers::new().default_handler(middleware::problem_body))
            // Inside compression: entries are kept once, uncompressed.
            .wrap(from_fn(crate::cache::middleware::response_cache))
            // Compresses what the cache did not; `Compress` is left what neither does.
            .wrap(from_fn(crate::compression::compress_answers))
            .wrap(Compress::default())
            .wrap(from_fn(crate::live::uncompressed_streams))
            .wrap(from_fn(middleware::request_context))
            .wrap(from_fn(operations::metrics::track))
            .wrap(from_fn(docs_answer_head))
            .configure(crate::router::routes)
            .service(web::resource("/docs").route(web::get().to(to_docs)).route(web::head().to(to_docs)))
            .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", openapi.clone()))
    })
    .shutdown_timeout(10)
    .listen(listener)?;
    if let Some(listener) = metrics_listener {
        tracing::info!(address = %listener.local_addr()?, "serving /metrics");
        server = server.listen(listener)?;
    }
    let (workers, db_threads_each) = config.threads();
    server = server.workers(workers).worker_max_blocking_threads(db_threads_each);
    tracing::info!(port, "listening");
    Ok((server.run(), port, shared))
}

/// `/docs` is the Swagger UI at `/docs/`.
async fn to_docs() -> HttpResponse {
    HttpResponse::PermanentRedirect().insert_header(("location", "/docs/")).finish()
}

/// Swagger UI routes `/openapi.json` and `/docs/…` for GET only; HEAD is routed to them as GET,
/// and actix-http still leaves the body out because the request on the wire was a HEAD. (The
/// route table adds HEAD to every other GET itself: see [`crate::routes`].)
async fn docs_answer_head(
    mut req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let path = req.path();
    if req.method() == actix_web::http::Method::HEAD && (path == "/openapi.json" || path.starts_with("/docs/")) {
        req.head_mut().method = actix_web::http::Method::GET;
    }
    next.call(req).await
}

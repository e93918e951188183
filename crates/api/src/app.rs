//! Builds the actix-web application and server from a [`Config`].

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::middleware::{from_fn, Compress, ErrorHandlers};
use actix_web::{web, App, HttpResponse, HttpServer};
use anyhow::Context;
use newsdesk_persistence::{Database, DatabaseUrl};
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::tokens::TokenKeys;
use crate::cache::ResponseCache;
use crate::config::Config;
use crate::extract::MAX_BODY_BYTES;
use crate::routes;
use crate::routes::{RouteEntry, Routes};
use crate::state::AppState;
use crate::{
    api_keys, articles, audit, auth, bootstrap, feeds, health, metrics, middleware, reader, scheduler, terms, users,
    views, webhooks,
};

/// Every route, in the order actix matches them. Registering a handler here also documents it
/// (see [`crate::routes`]); only the reader's pages are left out of the API document.
pub fn declare(api: &mut Routes) {
    api.page("/", reader::page)
        .page("/articles/{slug}", reader::page)
        .page("/reader.js", reader::script)
        .page("/reader.css", reader::style)
        .add(routes!(health::healthz))
        .add(routes!(health::readyz))
        .add(routes!(metrics::endpoint::scrape))
        .add(routes!(articles::public::list))
        // Before `{slug}`, which would otherwise match "most-viewed".
        .add(routes!(views::most_viewed))
        .add(routes!(articles::public::get))
        .add(routes!(articles::related::related))
        .add(routes!(views::beacon))
        .add(routes!(feeds::rss_feed))
        .add(routes!(feeds::atom_feed))
        .add(routes!(feeds::json_feed))
        .add(routes!(feeds::sitemap))
        .add(routes!(auth::handlers::login))
        .add(routes!(auth::handlers::refresh))
        .add(routes!(auth::handlers::logout))
        .add(routes!(auth::handlers::me))
        .add(routes!(articles::admin::list, articles::admin::create))
        // Before `{id}`, which would otherwise match "bulk".
        .add(routes!(articles::bulk::bulk))
        .add(routes!(articles::admin::get, articles::admin::update, articles::admin::delete))
        .add(routes!(articles::workflow::publish))
        .add(routes!(articles::workflow::unpublish))
        .add(routes!(articles::workflow::schedule))
        .add(routes!(articles::workflow::unschedule))
        .add(routes!(articles::workflow::restore))
        .add(routes!(articles::preview::create))
        .add(routes!(articles::revisions::list))
        .add(routes!(articles::revisions::get))
        .add(routes!(articles::revisions::restore))
        .add(routes!(articles::workflow::trash_list))
        .add(routes!(articles::workflow::purge))
        .add(routes!(articles::preview::show))
        .add(routes!(api_keys::list, api_keys::create))
        .add(routes!(api_keys::revoke))
        .add(routes!(audit::list))
        .add(routes!(users::list, users::create))
        .add(routes!(users::get, users::update));
    terms::routes::<terms::authors::Authors>(api);
    terms::routes::<terms::sources::Sources>(api);
    terms::routes::<terms::sections::Sections>(api);
    terms::routes::<terms::tags::Tags>(api);
    webhooks::routes(api);
}

/// Routes every [`declare`]d route into an app.
pub fn routes(app: &mut web::ServiceConfig) {
    declare(&mut Routes::serving(app));
}

/// Every routed path and method, for the test that holds them against the document.
pub fn route_table() -> Vec<RouteEntry> {
    let mut api = Routes::listing();
    declare(&mut api);
    api.into_table()
}

/// Opens storage, prepares the first admin and demo content, and binds the server.
/// Returns the server (not yet awaited) and the port it listens on.
pub async fn build(config: Config, demo: bool) -> anyhow::Result<(Server, u16)> {
    let (server, port, _) = build_with_state(config, demo).await?;
    Ok((server, port))
}

/// [`build`], also handing back the shared state (tests read its statement counter).
pub async fn build_with_state(config: Config, demo: bool) -> anyhow::Result<(Server, u16, web::Data<AppState>)> {
    let secret = config.resolve_jwt_secret()?;
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
    let public_url = config.resolve_public_url()?;
    let metrics_listener = match &config.metrics_bind {
        Some(address) => Some(TcpListener::bind(address).with_context(|| format!("binding {address} (metrics)"))?),
        None => None,
    };
    let metrics_addr = metrics_listener.as_ref().map(TcpListener::local_addr).transpose()?;
    let metrics = std::sync::Arc::new(metrics::Metrics::new(config.metrics_token.as_deref(), metrics_addr));
    let cache_bytes = if config.no_cache { 0 } else { config.response_cache_mb.saturating_mul(1024 * 1024) };
    let cache = std::sync::Arc::new(ResponseCache::new(cache_bytes));
    crate::cache::listener::spawn_listener(db.url().clone(), &cache).context("starting the cache listener")?;
    let one_writer = db.has_one_writer();
    let state = web::Data::new(AppState {
        cache,
        public_url,
        db,
        tokens,
        login_limits: crate::auth::limits::LoginLimits::default(),
        preview_ttl_secs: config.preview_ttl,
        search_window: newsdesk_persistence::search::SearchWindow(config.search_window),
        views: Default::default(),
        metrics: metrics.clone(),
        writer_turn: one_writer.then(|| std::sync::Arc::new(tokio::sync::Semaphore::new(1))),
        webhooks: config.webhook_settings(),
        cursors: crate::cursor::CursorCodec::new(&secret),
        public_cache_control: format!(
            "public, max-age={}, stale-while-revalidate={}",
            config.cache_max_age, config.cache_stale_while_revalidate
        ),
    });
    actix_web::rt::spawn(scheduler::run(state.clone()));
    actix_web::rt::spawn(views::flusher(state.views.clone(), state.db.clone(), state.cache.clone(), metrics));
    actix_web::rt::spawn(webhooks::worker::run(state.clone()));
    let listener = TcpListener::bind(&config.bind).with_context(|| format!("binding {}", config.bind))?;
    let port = listener.local_addr()?.port();
    let openapi = crate::openapi::document();
    let shared = state.clone();
    let mut server =
        HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(web::PayloadConfig::new(MAX_BODY_BYTES))
                .wrap(ErrorHandlers::new().default_handler(middleware::problem_body))
                // Inside compression: entries are kept once, uncompressed.
                .wrap(from_fn(crate::cache::middleware::response_cache))
                // Compresses what the cache did not; `Compress` is left what neither does.
                .wrap(from_fn(crate::compression::compress_answers))
                .wrap(Compress::default())
                .wrap(from_fn(middleware::request_context))
                .wrap(from_fn(metrics::track))
                .configure(routes)
                .service(web::resource("/docs").route(
                    web::get().to(|| async {
                        HttpResponse::PermanentRedirect().insert_header(("location", "/docs/")).finish()
                    }),
                ))
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

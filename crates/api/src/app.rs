//! Builds the actix-web application and server from a [`Config`].

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::middleware::{from_fn, Compress, ErrorHandlers};
use actix_web::{web, App, HttpResponse, HttpServer};
use anyhow::Context;
use newsdesk_persistence::{Database, DatabaseUrl};
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::tokens::TokenKeys;
use crate::cache::ResponseCache;
use crate::config::Config;
use crate::extract::MAX_BODY_BYTES;
use crate::openapi::ApiDoc;
use crate::state::AppState;
use crate::{
    api_keys, articles, audit, auth, bootstrap, feeds, health, metrics, middleware, reader, scheduler, terms, users,
    views, webhooks,
};

/// Every route. Kept in one place so it can be read against the OpenAPI document.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/").route(web::get().to(reader::page)))
        .service(web::resource("/articles/{slug}").route(web::get().to(reader::page)))
        .service(web::resource("/reader.js").route(web::get().to(reader::script)))
        .service(web::resource("/reader.css").route(web::get().to(reader::style)))
        .service(web::resource("/healthz").route(web::get().to(health::healthz)))
        .service(web::resource("/readyz").route(web::get().to(health::readyz)))
        .service(web::resource("/metrics").route(web::get().to(metrics::scrape)))
        .service(web::resource("/v1/articles").route(web::get().to(articles::public::list)))
        // Before `{slug}`, which would otherwise match "most-viewed".
        .service(web::resource("/v1/articles/most-viewed").route(web::get().to(views::most_viewed)))
        .service(web::resource("/v1/articles/{slug}").route(web::get().to(articles::public::get)))
        .service(web::resource("/v1/articles/{slug}/related").route(web::get().to(articles::related::related)))
        .service(web::resource("/v1/articles/{slug}/views").route(web::post().to(views::beacon)))
        .service(web::resource("/v1/feed.rss").route(web::get().to(feeds::rss_feed)))
        .service(web::resource("/v1/feed.atom").route(web::get().to(feeds::atom_feed)))
        .service(web::resource("/v1/feed.json").route(web::get().to(feeds::json_feed)))
        .service(web::resource("/sitemap.xml").route(web::get().to(feeds::sitemap)))
        .service(web::resource("/v1/auth/login").route(web::post().to(auth::handlers::login)))
        .service(web::resource("/v1/auth/refresh").route(web::post().to(auth::handlers::refresh)))
        .service(web::resource("/v1/auth/logout").route(web::post().to(auth::handlers::logout)))
        .service(web::resource("/v1/me").route(web::get().to(auth::handlers::me)))
        .service(
            web::resource("/v1/admin/articles")
                .route(web::get().to(articles::admin::list))
                .route(web::post().to(articles::admin::create)),
        )
        // Before `{id}`, which would otherwise match "bulk".
        .service(web::resource("/v1/admin/articles/bulk").route(web::post().to(articles::bulk::bulk)))
        .service(
            web::resource("/v1/admin/articles/{id}")
                .route(web::get().to(articles::admin::get))
                .route(web::patch().to(articles::admin::update))
                .route(web::delete().to(articles::admin::delete)),
        )
        .service(web::resource("/v1/admin/articles/{id}/publish").route(web::post().to(articles::workflow::publish)))
        .service(
            web::resource("/v1/admin/articles/{id}/unpublish").route(web::post().to(articles::workflow::unpublish)),
        )
        .service(web::resource("/v1/admin/articles/{id}/schedule").route(web::post().to(articles::workflow::schedule)))
        .service(
            web::resource("/v1/admin/articles/{id}/unschedule").route(web::post().to(articles::workflow::unschedule)),
        )
        .service(web::resource("/v1/admin/articles/{id}/restore").route(web::post().to(articles::workflow::restore)))
        .service(web::resource("/v1/admin/articles/{id}/preview").route(web::post().to(articles::preview::create)))
        .service(web::resource("/v1/admin/articles/{id}/revisions").route(web::get().to(articles::revisions::list)))
        .service(
            web::resource("/v1/admin/articles/{id}/revisions/{rev}").route(web::get().to(articles::revisions::get)),
        )
        .service(
            web::resource("/v1/admin/articles/{id}/revisions/{rev}/restore")
                .route(web::post().to(articles::revisions::restore)),
        )
        .service(web::resource("/v1/admin/trash").route(web::get().to(articles::workflow::trash_list)))
        .service(web::resource("/v1/admin/trash/{id}").route(web::delete().to(articles::workflow::purge)))
        .service(web::resource("/v1/preview/{token}").route(web::get().to(articles::preview::show)))
        .service(
            web::resource("/v1/admin/api-keys")
                .route(web::get().to(api_keys::list))
                .route(web::post().to(api_keys::create)),
        )
        .service(web::resource("/v1/admin/api-keys/{id}").route(web::delete().to(api_keys::revoke)))
        .service(web::resource("/v1/admin/audit-log").route(web::get().to(audit::list)))
        .service(
            web::resource("/v1/admin/users").route(web::get().to(users::list)).route(web::post().to(users::create)),
        )
        .service(
            web::resource("/v1/admin/users/{id}")
                .route(web::get().to(users::get))
                .route(web::patch().to(users::update)),
        )
        .configure(terms::authors::configure)
        .configure(terms::sources::configure)
        .configure(terms::sections::configure)
        .configure(terms::tags::configure)
        .configure(webhooks::configure);
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
    let openapi = ApiDoc::openapi();
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

//! Newsdesk's HTTP API: routes, authentication, errors and the OpenAPI document.

pub mod api_keys;
pub mod app;
pub mod articles;
pub mod audit;
pub mod auth;
pub mod bootstrap;
pub mod cache;
pub mod compression;
pub mod config;
pub mod config_file;
pub mod cursor;
pub mod error;
pub mod extract;
pub mod feeds;
pub mod login_limits;
pub mod metrics;
pub mod middleware;
pub mod openapi;
pub mod operations;
pub mod reader;
pub mod respond;
pub mod responses;
pub mod router;
pub mod routes;
pub mod scheduler;
pub mod state;
pub mod terms;
pub mod time;
pub mod tokens;
pub mod users;
pub mod view_counter;
pub mod views;
pub mod webhooks;

pub use app::build;
pub use config::Config;

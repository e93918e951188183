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
pub mod exchange;
pub mod extract;
pub mod feeds;
pub mod health;
pub mod importers;
pub mod metrics;
pub mod middleware;
pub mod openapi;
pub mod reader;
pub mod respond;
pub mod responses;
pub mod routes;
pub mod scheduler;
pub mod state;
pub mod terms;
pub mod time;
pub mod users;
pub mod views;
pub mod webhooks;

pub use app::build;
pub use config::Config;

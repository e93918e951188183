//! Black-box tests of the whole server over HTTP, each run on SQLite and on PostgreSQL.
//!
//! They live in one test binary (modules below) so the suite links once. PostgreSQL tests
//! need `NEWSDESK_TEST_POSTGRES_URL`; `make test` sets it, and they fail without it. The tests
//! that run the `newsdesk` binary itself are in tests/cli/, built with the newsdesk-api package.

#[cfg(test)]
mod common;

#[cfg(test)]
mod api_keys;
#[cfg(test)]
mod articles;
#[cfg(test)]
mod audit;
#[cfg(test)]
mod auth;
#[cfg(test)]
mod bad_input;
#[cfg(test)]
mod drafts;
#[cfg(test)]
mod head_requests;
#[cfg(test)]
mod import_export;
#[cfg(test)]
mod live_blog;
#[cfg(test)]
mod login_throttle;
#[cfg(test)]
mod metrics;
#[cfg(test)]
mod openapi;
#[cfg(test)]
mod operations;
#[cfg(test)]
mod paging_and_feeds;
#[cfg(test)]
mod previews;
#[cfg(test)]
mod query_budget;
#[cfg(test)]
mod reader;
#[cfg(test)]
mod reader_page;
#[cfg(test)]
mod response_cache;
#[cfg(test)]
mod retention;
#[cfg(test)]
mod roles;
#[cfg(test)]
mod scheduling;
#[cfg(test)]
mod sessions;
#[cfg(test)]
mod slug_privacy;
#[cfg(test)]
mod structured_data;
#[cfg(test)]
mod syndication;
#[cfg(test)]
mod taxonomy;
#[cfg(test)]
mod typescript_client;
#[cfg(test)]
mod webhook_addresses;
#[cfg(test)]
mod webhooks;
#[cfg(test)]
mod workflow;

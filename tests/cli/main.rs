//! Tests that run the real `newsdesk` binary as an operator does: serve (and SIGKILL it under
//! load), migrate, import and export, back up and restore, `config check` and `user create`, on
//! SQLite and on PostgreSQL.
//!
//! This is the `cli` integration test of the newsdesk-api package (see its Cargo.toml), the
//! one package for which cargo sets `CARGO_BIN_EXE_newsdesk` and builds the binary first. It
//! shares the HTTP suite's harness, so a test can check over HTTP what a command did. Being
//! built by crates/api, it finds the workspace's files at `CARGO_MANIFEST_DIR/../..`.

// All of this crate is test code; clippy only knows `#[test]` functions and `cfg(test)` modules
// as such, and the harness's helpers fail loudly on purpose.
#![allow(clippy::expect_used, clippy::unwrap_used)]

// Each test binary uses part of the shared harness.
#[allow(dead_code)]
#[path = "../src/common/mod.rs"]
mod common;
mod process;
mod server;

mod backup;
mod configuration;
mod crash_safety;
mod import_export;
mod importers;
mod memory;
mod request_log;
mod users;

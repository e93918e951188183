//! The compile options Newsdesk relies on in the bundled SQLite, and what each one's absence
//! costs. They come from `LIBSQLITE3_FLAGS` in `.cargo/config.toml`, which cargo reads only when
//! it runs inside the workspace (it looks for config from the current directory upwards, not
//! from the manifest's): `cargo build --manifest-path …` from elsewhere builds SQLite without
//! them, silently. So the server warns at start ([`warn_when_missing`]) and a test fails.

use diesel::sql_types::Text;
use diesel::{QueryResult, QueryableByName, RunQueryDsl, SqliteConnection};

/// A compile option, spelled as `PRAGMA compile_options` lists it, and its cost when missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Required {
    pub option: &'static str,
    pub cost: &'static str,
}

/// What `.cargo/config.toml` builds SQLite with. `THREADSAFE=2` is explained beside the pool
/// (`database.rs`, above `Manager`).
pub const REQUIRED: [Required; 2] = [
    Required {
        option: "ENABLE_QPSG",
        cost: "statements with a bound LIMIT (every `.first()` and page query) are compiled twice \
               per execution: about a fifth of the instructions of an uncached article read",
    },
    Required {
        option: "THREADSAFE=2",
        cost: "SQLite locks a per-connection mutex on every call, each column of each row read \
               included: about 9% of the CPU of an uncached list page",
    },
];

#[derive(QueryableByName)]
struct CompileOption {
    #[diesel(sql_type = Text)]
    compile_options: String,
}

/// The options this SQLite was built with, as `PRAGMA compile_options` lists them.
pub fn compile_options(conn: &mut SqliteConnection) -> QueryResult<Vec<String>> {
    let rows = diesel::sql_query("PRAGMA compile_options").load::<CompileOption>(conn)?;
    Ok(rows.into_iter().map(|row| row.compile_options).collect())
}

/// The required options absent from `built_with`.
pub fn missing(built_with: &[String]) -> Vec<Required> {
    REQUIRED.into_iter().filter(|required| !built_with.iter().any(|option| option == required.option)).collect()
}

/// Logs a warning for each required option this SQLite lacks, naming what it costs.
pub fn warn_when_missing(conn: &mut SqliteConnection) {
    match compile_options(conn) {
        Ok(built_with) => {
            for required in missing(&built_with) {
                tracing::warn!(
                    option = required.option,
                    "the bundled SQLite was built without SQLITE_{}, so {}. Build from the workspace \
                     directory, where cargo reads `.cargo/config.toml` and its LIBSQLITE3_FLAGS",
                    required.option,
                    required.cost
                );
            }
        }
        Err(error) => tracing::warn!(%error, "could not read SQLite's compile options"),
    }
}

#[cfg(test)]
mod tests {
    use diesel::Connection;

    use super::*;

    /// Fails when the build lost `.cargo/config.toml`'s `LIBSQLITE3_FLAGS`, e.g. because cargo
    /// ran outside the workspace directory with `--manifest-path`.
    #[test]
    fn the_linked_sqlite_has_the_options_we_rely_on() {
        let mut conn = SqliteConnection::establish(":memory:").expect("in-memory SQLite");
        let built_with = compile_options(&mut conn).expect("PRAGMA compile_options");
        let missing: Vec<_> = missing(&built_with).into_iter().map(|r| r.option).collect();
        assert!(
            missing.is_empty(),
            "SQLite was built without {missing:?}; run cargo from the workspace directory so that \
             .cargo/config.toml sets LIBSQLITE3_FLAGS (built with: {built_with:?})"
        );
    }

    #[test]
    fn a_build_without_the_flags_names_each_missing_option() {
        let default_build = ["COMPILER=gcc-12".to_owned(), "THREADSAFE=1".to_owned()];
        let names: Vec<_> = missing(&default_build).into_iter().map(|r| r.option).collect();
        assert_eq!(names, ["ENABLE_QPSG", "THREADSAFE=2"]);
        let ours = ["ENABLE_QPSG".to_owned(), "THREADSAFE=2".to_owned()];
        assert!(missing(&ours).is_empty());
    }
}

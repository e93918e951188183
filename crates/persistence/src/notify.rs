//! Change notices between server processes sharing one database, sent inside the write's
//! transaction so only changes that landed are announced. PostgreSQL uses LISTEN/NOTIFY;
//! SQLite, which has no such thing, a short-lived `change_notices` table that listeners poll.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel::{PgConnection, SqliteConnection};

use crate::{DatabaseUrl, DbConn, StoreError, StoreResult};

/// How long SQLite keeps a notice; a listener that falls further behind voids everything.
const SQLITE_KEEP_SECONDS: i64 = 600;

// Written with diesel's DSL rather than `sql_query`, because diesel prepares raw SQL again on
// every execution (on PostgreSQL, an extra round trip), and every write sends a notice.
diesel::table! {
    /// SQLite's notice table (PostgreSQL has none, so it is not in the shared schema).
    change_notices (seq) {
        seq -> BigInt,
        payload -> Text,
    }
}

diesel::define_sql_function! {
    /// PostgreSQL's `pg_notify`; it returns `void`, which nothing reads (`Text` stands in).
    fn pg_notify(channel: Text, payload: Text) -> Text;
}

/// Sends `payload` on `channel` from inside the caller's transaction.
pub fn notify(conn: &mut DbConn, channel: &str, payload: &str) -> StoreResult<()> {
    match conn {
        DbConn::Postgres(pg) => {
            diesel::select(pg_notify(channel, payload)).execute(pg)?;
        }
        DbConn::Sqlite(lite) => {
            diesel::insert_into(change_notices::table).values(change_notices::payload.eq(payload)).execute(lite)?;
        }
    }
    Ok(())
}

#[derive(QueryableByName)]
struct Notice {
    #[diesel(sql_type = BigInt)]
    seq: i64,
    #[diesel(sql_type = Text)]
    payload: String,
}

#[derive(QueryableByName)]
struct Latest {
    #[diesel(sql_type = BigInt)]
    seq: i64,
}

/// A dedicated connection that hears the notices of every process (its own included). Not
/// pooled: a pooled PostgreSQL connection would lose its LISTEN when handed to someone else.
pub enum Listener {
    Postgres(PgConnection),
    Sqlite { conn: SqliteConnection, last: i64 },
}

/// What a poll found.
pub enum Heard {
    Notices(Vec<String>),
    /// Notices were dropped before this listener read them: assume anything changed.
    Gap,
}

impl Listener {
    pub fn connect(url: &DatabaseUrl, channel: &str) -> StoreResult<Self> {
        let unavailable = |e: diesel::ConnectionError| StoreError::Unavailable(e.to_string());
        if let Some(target) = url.postgres_url() {
            let mut conn = PgConnection::establish(target).map_err(unavailable)?;
            // The channel is ours, never user input; quoted as an identifier all the same.
            conn.batch_execute(&format!("LISTEN \"{}\"", channel.replace('"', "\"\"")))?;
            return Ok(Self::Postgres(conn));
        }
        let mut conn = SqliteConnection::establish(url.sqlite_path().unwrap_or_default()).map_err(unavailable)?;
        conn.batch_execute("PRAGMA busy_timeout = 5000;")?;
        let last = diesel::sql_query("SELECT COALESCE(MAX(seq), 0) AS seq FROM change_notices")
            .get_result::<Latest>(&mut conn)?
            .seq;
        Ok(Self::Sqlite { conn, last })
    }

    /// The notices that arrived since the last call, without waiting. An error means the
    /// connection is gone and notices may have been missed.
    pub fn poll(&mut self) -> StoreResult<Heard> {
        match self {
            Self::Postgres(conn) => {
                let mut payloads = Vec::new();
                for notice in conn.notifications_iter() {
                    payloads.push(notice?.payload);
                }
                Ok(Heard::Notices(payloads))
            }
            Self::Sqlite { conn, last } => {
                let notices: Vec<Notice> =
                    diesel::sql_query("SELECT seq, payload FROM change_notices WHERE seq > ? ORDER BY seq")
                        .bind::<BigInt, _>(*last)
                        .load(conn)?;
                let Some(newest) = notices.last().map(|n| n.seq) else { return Ok(Heard::Notices(Vec::new())) };
                // Sequence numbers have no holes (AUTOINCREMENT, and a rollback takes its
                // number back), so a hole means pruned notices this listener never read.
                let gap = notices.first().is_some_and(|n| n.seq != *last + 1);
                *last = newest;
                if gap {
                    return Ok(Heard::Gap);
                }
                Ok(Heard::Notices(notices.into_iter().map(|n| n.payload).collect()))
            }
        }
    }

    /// Drops old SQLite notices; a no-op on PostgreSQL, which keeps none.
    pub fn prune(&mut self) -> StoreResult<()> {
        if let Self::Sqlite { conn, .. } = self {
            diesel::sql_query(format!(
                "DELETE FROM change_notices WHERE created_at < datetime('now', '-{SQLITE_KEEP_SECONDS} seconds')"
            ))
            .execute(conn)?;
        }
        Ok(())
    }
}

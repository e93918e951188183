//! The live streams (Server-Sent Events, see [`crate::live`]): `GET /v1/changes`, the site's
//! public changes, and `GET /v1/articles/{slug}/live`, a live blog's entries.

pub mod changes;
pub mod entries;

use newsdesk_persistence::{DbConn, StoreResult};

use crate::live::hub::{LiveHub, Subscription, Topic};
use crate::live::Event;

/// At most this many missed events are sent again; a reader further behind is told to start over.
const MAX_MISSED: i64 = 1_000;

/// Reads every topic's events after a sequence number (the hub's loader).
pub fn load(conn: &mut DbConn, topic: &Topic, after: i64, public_url: &str) -> StoreResult<Vec<Event>> {
    match topic {
        Topic::Changes => changes::load(conn, after, MAX_MISSED, public_url),
        Topic::Entries(article_id) => entries::load(conn, article_id, after, MAX_MISSED),
    }
}

/// Where a stream stands when a reader joins: the oldest and newest sequence numbers it can
/// send again from (`None` when it has none).
pub struct Bounds {
    pub oldest: Option<i64>,
    pub newest: i64,
}

/// Joins `topic` for a reader that saw `seen` last (`None`: a new reader), from a database
/// thread: subscribes first, then reads what the reader missed, so nothing committed in
/// between is lost (an event sent both ways goes out once). `None` when the process serves
/// as many streams as it may.
fn join(
    conn: &mut DbConn,
    hub: &LiveHub,
    topic: Topic,
    bounds: Bounds,
    seen: Option<i64>,
) -> StoreResult<Option<(Vec<Event>, i64, Subscription)>> {
    let Bounds { oldest, newest } = bounds;
    let Some(subscription) = hub.subscribe(topic.clone(), newest) else { return Ok(None) };
    let mut reset = match seen {
        None => None,
        Some(seen) if seen > newest => Some("the stream never reached that event id"),
        // Events after `seen` were pruned: some are gone.
        Some(seen) if oldest.is_some_and(|oldest| oldest > seen + 1) => Some("events since that id are no longer kept"),
        Some(_) => None,
    };
    let start = seen.filter(|_| reset.is_none()).unwrap_or(newest);
    let mut missed = load(conn, &topic, start, &hub.public_url)?;
    if i64::try_from(missed.len()).unwrap_or(i64::MAX) >= MAX_MISSED {
        reset = Some("more events were missed than are sent again");
        missed = load(conn, &topic, newest, &hub.public_url)?;
    }
    if let Some(reason) = reset {
        missed.insert(0, Event::reset(newest, reason));
    }
    let sent = missed.last().map_or(start, |event| event.seq);
    Ok(Some((missed, sent, subscription)))
}

//! The live streams (Server-Sent Events, see [`crate::live`]): `GET /v1/changes`, the site's
//! public changes, and `GET /v1/articles/{slug}/live`, a live blog's entries.

pub mod changes;
pub mod entries;

use newsdesk_persistence::{DbConn, StoreResult};

use crate::live::hub::{LiveHub, Subscription, Topic};
use crate::live::Event;

/// At most this many missed events, and this many bytes of them, are sent again; a reader
/// further behind is told to start over. Each reader holds what it missed until it is sent, so
/// the bytes bound what one connection costs (a live blog's entry can be 80 KB of JSON).
const MAX_MISSED: usize = 1_000;
const MAX_MISSED_BYTES: usize = 1 << 20;

/// Events one read returns at most (the hub reads on until a read comes back short).
const PAGE: i64 = 100;

/// Reads a page of a topic's events after a sequence number (the hub's loader).
pub fn load(conn: &mut DbConn, topic: &Topic, after: i64, public_url: &str) -> StoreResult<Vec<Event>> {
    match topic {
        Topic::Changes => changes::load(conn, after, PAGE, public_url),
        Topic::Entries(article_id) => entries::load(conn, article_id, after, PAGE),
    }
}

/// Every event after `after`, or `None` once they pass [`MAX_MISSED`] or [`MAX_MISSED_BYTES`].
fn missed_since(conn: &mut DbConn, topic: &Topic, after: i64, public_url: &str) -> StoreResult<Option<Vec<Event>>> {
    let (mut missed, mut bytes, mut after) = (Vec::new(), 0, after);
    loop {
        let page = load(conn, topic, after, public_url)?;
        let last_page = i64::try_from(page.len()).unwrap_or(PAGE) < PAGE;
        for event in page {
            bytes += event.data.len();
            after = event.seq;
            missed.push(event);
        }
        if missed.len() > MAX_MISSED || bytes > MAX_MISSED_BYTES {
            return Ok(None);
        }
        if last_page {
            return Ok(Some(missed));
        }
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
    let mut missed = match missed_since(conn, &topic, start, &hub.public_url)? {
        Some(missed) => missed,
        None => {
            reset = Some("more events were missed than are sent again");
            // Only what came since the stream's newest was read: a page at most.
            load(conn, &topic, newest, &hub.public_url)?
        }
    };
    if let Some(reason) = reset {
        missed.insert(0, Event::reset(newest, reason));
    }
    let sent = missed.last().map_or(start, |event| event.seq);
    Ok(Some((missed, sent, subscription)))
}

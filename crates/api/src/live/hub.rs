//! One process's live streams: who listens to what, and the broadcast that reaches them.
//!
//! Every write sends a notice (see `newsdesk_newsroom::cache_tag`), and every process hears
//! every notice, its own included, on the listener thread (`cache::listener`). The hub then
//! reads what changed once per stream, not once per reader, and broadcasts it. Each stream
//! keeps the last sequence number it sent, so a notice that arrives twice, late or never
//! (a lost connection is a gap: every stream looks again) sends nothing twice and loses nothing.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use newsdesk_newsroom::cache_tag::{self, CacheTag};
use newsdesk_persistence::{Database, StoreResult};
use tokio::sync::broadcast;

use super::Event;

/// Events a reader may fall behind by before it is let go (it then resumes with
/// `Last-Event-ID`, from the database): each reader's memory stays bounded.
const BACKLOG: usize = 256;

/// A stream readers can follow.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Topic {
    /// The site's public changes (`GET /v1/changes`).
    Changes,
    /// One live blog's entries, by article id (`GET /v1/articles/{slug}/live`).
    Entries(Box<str>),
}

/// What a topic's events are read with: everything after a sequence number, in order.
pub type Loader = fn(&mut newsdesk_persistence::DbConn, &Topic, i64, &str) -> StoreResult<Vec<Event>>;

struct Channel {
    sender: broadcast::Sender<Arc<Event>>,
    /// The newest sequence number broadcast, or known when the channel opened.
    last: i64,
}

/// The live streams of one server process.
pub struct LiveHub {
    channels: Mutex<HashMap<Topic, Channel>>,
    open: Arc<AtomicUsize>,
    limit: usize,
    /// A read failed: the next poll has every stream look again.
    retry: AtomicBool,
    pub heartbeat: std::time::Duration,
    /// Absolute base URL, for the links events carry.
    pub public_url: String,
}

/// A reader's place in one topic; dropping it lets the connection's slot go.
pub struct Subscription {
    pub receiver: broadcast::Receiver<Arc<Event>>,
    _slot: Slot,
}

struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl LiveHub {
    pub fn new(limit: usize, heartbeat: std::time::Duration, public_url: String) -> Self {
        Self {
            channels: Mutex::default(),
            open: Arc::default(),
            limit,
            retry: AtomicBool::new(false),
            heartbeat,
            public_url,
        }
    }

    /// Open streams in this process.
    pub fn open(&self) -> usize {
        self.open.load(Ordering::Acquire)
    }

    /// Joins `topic`, whose newest sequence number the caller read as `newest`. `None` when
    /// this process already serves as many streams as it may.
    pub fn subscribe(&self, topic: Topic, newest: i64) -> Option<Subscription> {
        if self.open.fetch_add(1, Ordering::AcqRel) >= self.limit {
            self.open.fetch_sub(1, Ordering::AcqRel);
            return None;
        }
        let slot = Slot(self.open.clone());
        let mut channels = self.channels.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let channel =
            channels.entry(topic).or_insert_with(|| Channel { sender: broadcast::channel(BACKLOG).0, last: newest });
        Some(Subscription { receiver: channel.sender.subscribe(), _slot: slot })
    }

    /// Hears one listener poll's notices (`None`: notices may have been missed), and sends
    /// each stream that may have changed what it has not sent yet. A read that failed last
    /// time has every stream look again.
    pub fn hear(&self, db: &Database, notices: Option<&[String]>, load: Loader) {
        let notices = if self.retry.swap(false, Ordering::AcqRel) { None } else { notices };
        let due = self.due(notices);
        for (topic, after) in due {
            let mut after = after;
            // A burst (a bulk publish) can hold more than one read returns.
            loop {
                let mut events = Vec::new();
                let read = db.read(|conn| {
                    events = load(conn, &topic, after, &self.public_url)?;
                    Ok(())
                });
                if let Err(error) = read {
                    // The listener's next poll looks again from the same place.
                    tracing::warn!(%error, ?topic, "could not read a live stream's new events; will retry");
                    self.retry.store(true, Ordering::Release);
                    break;
                }
                let Some(newest) = events.last().map(|event| event.seq) else { break };
                self.send(&topic, events);
                after = newest;
            }
        }
    }

    /// The topics with readers that `notices` may concern, with the last number each sent.
    /// Topics nobody reads any more are dropped.
    fn due(&self, notices: Option<&[String]>) -> Vec<(Topic, i64)> {
        let mut channels = self.channels.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        channels.retain(|_, channel| channel.sender.receiver_count() > 0);
        if channels.is_empty() {
            return Vec::new();
        }
        let tags: Option<Vec<CacheTag>> = match notices {
            None => None,
            Some(notices) => {
                let mut all = Vec::new();
                for notice in notices {
                    match cache_tag::tags_of(notice) {
                        Some(tags) => all.extend(tags),
                        None => return channels.iter().map(|(t, c)| (t.clone(), c.last)).collect(),
                    }
                }
                Some(all)
            }
        };
        channels
            .iter()
            .filter(|(topic, _)| match (&tags, topic) {
                (None, _) => true,
                // Public changes void the lists; checking costs one indexed read.
                (Some(tags), Topic::Changes) => tags.contains(&CacheTag::Lists),
                // Every entry write voids its article's tag.
                (Some(tags), Topic::Entries(id)) => tags.iter().any(|t| matches!(t, CacheTag::Entity(e) if e == id)),
            })
            .map(|(topic, channel)| (topic.clone(), channel.last))
            .collect()
    }

    fn send(&self, topic: &Topic, events: Vec<Event>) {
        let mut channels = self.channels.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some(channel) = channels.get_mut(topic) else { return };
        for event in events {
            if event.seq > channel.last {
                channel.last = event.seq;
                // No receiver left is not an error: the channel goes at the next look.
                let _ = channel.sender.send(Arc::new(event));
            }
        }
    }
}

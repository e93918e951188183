//! The in-process response cache: public responses kept as ready bytes with their headers.
//!
//! Invalidation is exact and cheap. Every entry carries the tags of what it shows (an article,
//! the authors and tags on it, or "the lists"); a write bumps the tags it can change. An entry
//! is served only if none of its tags was bumped after the entry's data was read, so a write
//! that has been acknowledged is never followed by a stale answer, and unrelated entries stay.

mod encoded;
pub mod listener;
pub mod middleware;

use crate::compression::{compress, Coding, Effort};

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpMessage, HttpRequest};

use newsdesk_newsroom::cache_tag::{notice_text, read_notice, Notice};
/// What a cached response shows, and so what a write must invalidate (the use cases derive
/// the tags a change voids; see `newsdesk_newsroom::change`).
pub use newsdesk_newsroom::CacheTag as Tag;

/// The tags a handler attaches to its response; only tagged 200 responses are cached.
#[derive(Debug, Clone)]
pub struct CacheTags {
    pub tags: Vec<Tag>,
    /// For responses that change with the clock as well as with writes.
    pub expires: Option<Instant>,
}

/// Marks the response to `req` as cacheable under `tags`.
pub fn tag(req: &HttpRequest, tags: Vec<Tag>) {
    req.extensions_mut().insert(CacheTags { tags, expires: None });
}

/// Like [`tag`], for a response that also goes out of date at `expires`.
pub fn tag_until(req: &HttpRequest, tags: Vec<Tag>, expires: Instant) {
    req.extensions_mut().insert(CacheTags { tags, expires: Some(expires) });
}

/// A ready response.
pub struct Entry {
    /// The epoch when its data was about to be read.
    filled: u64,
    tags: Box<[Tag]>,
    expires: Option<Instant>,
    pub headers: Box<[(HeaderName, HeaderValue)]>,
    pub body: Bytes,
    /// `body` compressed, for clients that accept it.
    encodings: encoded::Encodings,
    /// The route pattern that answered, for the metrics of a hit (which skips routing).
    pub route: Option<Arc<str>>,
}

impl Entry {
    pub fn header(&self, name: &HeaderName) -> Option<&HeaderValue> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// The body in `coding`. A form not made yet is compressed on the blocking pool (a sitemap
    /// can be megabytes), so no async worker waits on it.
    pub async fn body_in(&self, coding: Coding) -> Result<Bytes, actix_web::error::BlockingError> {
        if let Some(ready) = self.encodings.ready(&self.body, coding) {
            return Ok(ready);
        }
        let body = self.body.clone();
        let made = actix_web::web::block(move || compress(&body, coding, Effort::Kept)).await?;
        Ok(self.encodings.keep(coding, made))
    }
}

pub struct ResponseCache {
    /// `None` with `--no-cache`.
    entries: Option<moka::sync::Cache<String, Arc<Entry>>>,
    /// Entries older than this are dropped, which also bounds how long invalidation stamps are
    /// kept.
    ttl: Duration,
    epoch: AtomicU64,
    /// The epoch (and time) each tag was last invalidated at.
    stamps: RwLock<Stamps>,
    /// Tells this process's own notices apart from other processes'.
    origin: String,
    hits: AtomicU64,
    misses: AtomicU64,
}

#[derive(Default)]
struct Stamps {
    by_tag: HashMap<Tag, (u64, Instant)>,
    /// Everything filled before this epoch is void (after a missed notice, say).
    all: u64,
    pruned: Option<Instant>,
}

impl ResponseCache {
    /// A cache holding at most `max_bytes` of responses, or none at all when `max_bytes` is 0.
    pub fn new(max_bytes: u64, ttl: Duration) -> Self {
        let entries = (max_bytes > 0).then(|| {
            moka::sync::Cache::builder()
                .max_capacity(max_bytes)
                // Half the body again for its compressed forms, made later at their exact size,
                // which JSON and XML shrink to well under that.
                .weigher(|key: &String, entry: &Arc<Entry>| {
                    u32::try_from(key.len() + entry.body.len() * 3 / 2 + 256).unwrap_or(u32::MAX)
                })
                .time_to_live(ttl)
                .build()
        });
        let origin = format!("{:016x}", rand::random::<u64>());
        Self {
            entries,
            ttl,
            epoch: AtomicU64::new(1),
            stamps: RwLock::default(),
            origin,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    pub fn enabled(&self) -> bool {
        self.entries.is_some()
    }

    /// Taken before reading the data for a new entry.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    /// A valid entry for `key`, if there is one; counted as a hit or a miss.
    pub fn get(&self, key: &str) -> Option<Arc<Entry>> {
        let found = self.entries.as_ref()?.get(key).filter(|entry| self.is_fresh(entry));
        let counter = if found.is_some() { &self.hits } else { &self.misses };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    fn is_fresh(&self, entry: &Entry) -> bool {
        if entry.expires.is_some_and(|at| at <= Instant::now()) {
            return false;
        }
        let stamps = self.stamps.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        entry.filled >= stamps.all
            && entry.tags.iter().all(|tag| stamps.by_tag.get(tag).is_none_or(|(at, _)| *at <= entry.filled))
    }

    /// Lookups answered from the cache and not, since start (for metrics).
    pub fn hits_and_misses(&self) -> (u64, u64) {
        (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed))
    }

    /// How many entries the cache holds and their weight in bytes (for metrics). Entries voided
    /// by a change stay counted until they expire or are evicted. Runs the cache's pending
    /// housekeeping first, so call it on a blocking thread.
    pub fn size(&self) -> (u64, u64) {
        self.entries.as_ref().map_or((0, 0), |entries| {
            entries.run_pending_tasks();
            (entries.entry_count(), entries.weighted_size())
        })
    }

    /// Stores a response (when the cache is on); returns the entry, to answer the request that
    /// filled it.
    pub fn insert(
        &self,
        key: &str,
        filled: u64,
        tags: CacheTags,
        headers: Vec<(HeaderName, HeaderValue)>,
        body: Bytes,
        route: Option<Arc<str>>,
    ) -> Arc<Entry> {
        let CacheTags { tags, expires } = tags;
        let entry = Arc::new(Entry {
            filled,
            tags: tags.into(),
            expires,
            headers: headers.into(),
            body,
            encodings: Default::default(),
            route,
        });
        if let Some(entries) = &self.entries {
            entries.insert(key.to_owned(), entry.clone());
        }
        entry
    }

    /// Voids every entry that shows any of `tags`. Called after the write committed and before
    /// it is acknowledged.
    pub fn invalidate(&self, tags: &[Tag]) {
        if tags.is_empty() || !self.enabled() {
            return;
        }
        let mut stamps = self.stamps.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        let epoch = self.epoch.fetch_add(1, Ordering::AcqRel) + 1;
        let now = Instant::now();
        for tag in tags {
            stamps.by_tag.insert(tag.clone(), (epoch, now));
        }
        // Stamps older than any live entry can go; checked at most once a minute.
        if stamps.pruned.is_none_or(|at| at.elapsed() > Duration::from_secs(60)) {
            stamps.by_tag.retain(|_, (_, at)| at.elapsed() < self.ttl);
            stamps.pruned = Some(now);
        }
    }

    /// Voids everything, e.g. when notices from other processes may have been missed.
    pub fn invalidate_all(&self) {
        let mut stamps = self.stamps.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        stamps.all = self.epoch.fetch_add(1, Ordering::AcqRel) + 1;
    }

    /// The notice other processes get for `tags`.
    pub fn notice(&self, tags: &[Tag]) -> String {
        notice_text(&self.origin, tags)
    }

    /// Applies a notice from any process; this process's own are already applied.
    pub fn apply_notice(&self, notice: &str) {
        match read_notice(notice, &self.origin) {
            Notice::Own => {}
            Notice::All => self.invalidate_all(),
            Notice::Tags(tags) => self.invalidate(&tags),
        }
    }

    /// Marks the notices this process sends, so its own listener skips them.
    pub fn origin(&self) -> &str {
        &self.origin
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache_with(key: &str, tags: Vec<Tag>) -> ResponseCache {
        let cache = ResponseCache::new(1 << 20, Duration::from_secs(600));
        let filled = cache.epoch();
        cache.insert(key, filled, CacheTags { tags, expires: None }, Vec::new(), Bytes::from_static(b"{}"), None);
        cache
    }

    #[test]
    fn a_write_voids_exactly_the_entries_that_show_it() {
        let cache = cache_with("/a", vec![Tag::entity("a1"), Tag::entity("t1")]);
        cache.insert(
            "/b",
            cache.epoch(),
            CacheTags { tags: vec![Tag::entity("b1")], expires: None },
            Vec::new(),
            Bytes::new(),
            None,
        );
        cache.insert(
            "/list",
            cache.epoch(),
            CacheTags { tags: vec![Tag::Lists], expires: None },
            Vec::new(),
            Bytes::new(),
            None,
        );
        cache.invalidate(&[Tag::entity("t1")]);
        assert!(cache.get("/a").is_none());
        assert!(cache.get("/b").is_some());
        assert!(cache.get("/list").is_some());
        cache.invalidate(&[Tag::Lists]);
        assert!(cache.get("/list").is_none());
        assert!(cache.get("/b").is_some());
    }

    #[test]
    fn data_read_before_a_write_is_never_served_after_it() {
        let cache = ResponseCache::new(1 << 20, Duration::from_secs(600));
        let filled = cache.epoch(); // a reader starts
        cache.invalidate(&[Tag::entity("a1")]); // a write lands meanwhile
        cache.insert(
            "/a",
            filled,
            CacheTags { tags: vec![Tag::entity("a1")], expires: None },
            Vec::new(),
            Bytes::new(),
            None,
        );
        assert!(cache.get("/a").is_none());
        cache.insert(
            "/a",
            cache.epoch(),
            CacheTags { tags: vec![Tag::entity("a1")], expires: None },
            Vec::new(),
            Bytes::new(),
            None,
        );
        assert!(cache.get("/a").is_some());
    }

    #[test]
    fn notices_round_trip_and_skip_their_own_origin() {
        let here = cache_with("/a", vec![Tag::entity("a1")]);
        let there = ResponseCache::new(1 << 20, Duration::from_secs(600));
        here.apply_notice(&here.notice(&[Tag::entity("a1")]));
        assert!(here.get("/a").is_some(), "own notices are applied locally already");
        here.apply_notice(&there.notice(&[Tag::Lists, Tag::entity("a1")]));
        assert!(here.get("/a").is_none());
        let big: Vec<Tag> = (0..1000).map(|i| Tag::entity(&format!("{i:036}"))).collect();
        assert!(there.notice(&big).ends_with("|*"));
    }

    #[test]
    fn clock_bound_entries_expire() {
        let cache = ResponseCache::new(1 << 20, Duration::from_secs(600));
        let gone = CacheTags { tags: vec![Tag::Views], expires: Some(Instant::now()) };
        cache.insert("/most-viewed", cache.epoch(), gone, Vec::new(), Bytes::new(), None);
        assert!(cache.get("/most-viewed").is_none());
    }

    #[test]
    fn a_disabled_cache_stores_nothing() {
        let cache = ResponseCache::new(0, Duration::from_secs(600));
        cache.insert(
            "/a",
            cache.epoch(),
            CacheTags { tags: vec![Tag::Lists], expires: None },
            Vec::new(),
            Bytes::new(),
            None,
        );
        assert!(cache.get("/a").is_none());
    }
}

//! The mixed load: readers of the public API (half of them asking for compressed answers, as
//! browsers do), view beacons from ever new readers, editors creating, publishing and editing
//! articles with an API key, and people logging in. Each is a loop that runs to the deadline.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use rand::Rng;
use reqwest::{Client, RequestBuilder};
use serde_json::{json, Value};

use crate::stats::{Kind, Stats};

/// Words every body is written from, as common words are.
const COMMON: [&str; 16] = [
    "the", "council", "said", "on", "year", "new", "people", "after", "city", "will", "report", "local", "today",
    "week", "plan", "more",
];
/// Each article is about one of these, and readers search for them: a search matches a few
/// dozen articles in a thousand, as a search for a name or a place does.
const TOPICS: [&str; 48] = [
    "harbour",
    "ferry",
    "budget",
    "election",
    "weather",
    "fisheries",
    "transport",
    "tram",
    "hospital",
    "school",
    "bridge",
    "library",
    "stadium",
    "airport",
    "railway",
    "drought",
    "flood",
    "wildfire",
    "vaccine",
    "strike",
    "pension",
    "housing",
    "tariff",
    "inflation",
    "museum",
    "festival",
    "orchestra",
    "marathon",
    "cyclone",
    "glacier",
    "volcano",
    "earthquake",
    "satellite",
    "telescope",
    "reactor",
    "pipeline",
    "refinery",
    "vineyard",
    "orchard",
    "lighthouse",
    "canal",
    "reservoir",
    "tunnel",
    "ferries",
    "customs",
    "parliament",
    "senate",
    "tribunal",
];
pub const AUTHORS: usize = 4;
pub const TAGS: usize = 8;
pub const SECTIONS: usize = 3;

/// What every task shares (they all run on one thread).
pub struct Load {
    pub base: String,
    pub stats: Stats,
    pub deadline: Instant,
    /// Slugs of the published articles, seeded and written during the run.
    pub published: RefCell<Vec<String>>,
    /// Ids of the articles whose publish was acknowledged (each owes a webhook).
    pub published_ids: RefCell<Vec<String>>,
    /// The published articles readers may ask for, oldest first: slug, id and version.
    pub live: RefCell<VecDeque<Live>>,
    /// Articles taken from the readers, oldest first, to be trashed once no read of them can
    /// still be on its way.
    pub retiring: RefCell<VecDeque<(Instant, Live)>>,
    /// The most published articles the run keeps (0: the archive grows all along).
    pub archive: usize,
    /// Create-publish-edit cycles completed.
    pub cycles: Cell<u64>,
}

/// A published article the run may retire: its slug, id and version.
#[derive(Clone)]
pub struct Live {
    slug: String,
    id: String,
    version: i64,
}

/// A retired article is trashed this long after readers stop asking for it: longer than a
/// request may take (the client's timeout is 10 s), so no read meets a 404.
const RETIRE_AFTER: Duration = Duration::from_secs(15);

impl Load {
    fn running(&self) -> bool {
        Instant::now() < self.deadline
    }

    fn random_slug(&self) -> Option<String> {
        let published = self.published.borrow();
        (!published.is_empty()).then(|| published[rand::rng().random_range(0..published.len())].clone())
    }
}

/// Sends `request`, counts its latency under `kind`, and returns the body when the status is
/// `expected`; counts anything else (a 5xx, another status, no answer) as an error.
pub async fn send(load: &Load, kind: Kind, what: &str, request: RequestBuilder, expected: u16) -> Option<Value> {
    let started = Instant::now();
    let response = match request.send().await {
        Ok(response) => response,
        Err(error) => {
            load.stats.socket_error(what, &error);
            return None;
        }
    };
    let status = response.status().as_u16();
    let body = match response.bytes().await {
        Ok(body) => body,
        Err(error) => {
            load.stats.socket_error(what, &error);
            return None;
        }
    };
    load.stats.answered(kind, started.elapsed());
    if status != expected {
        load.stats.unexpected(what, status, &String::from_utf8_lossy(&body));
        return None;
    }
    Some(serde_json::from_slice(&body).unwrap_or(Value::Null))
}

/// A public path a reader asks for, by how often a frontend does.
fn read_path(load: &Load) -> Option<String> {
    let mut rng = rand::rng();
    let slug = load.random_slug()?;
    let word = TOPICS[rng.random_range(0..TOPICS.len())];
    let path = match rng.random_range(0..100) {
        0..20 => "/v1/articles?include=authors,tags,source,section".to_owned(),
        20..25 => format!("/v1/articles?limit=20&page={}", rng.random_range(1..=5)),
        25..50 => format!("/v1/articles/{slug}"),
        50..58 => format!("/v1/articles/{slug}?formats=html,text"),
        58..66 => format!("/v1/articles/{slug}/related"),
        66..73 => format!("/v1/articles/most-viewed?window={}", ["day", "week"][rng.random_range(0..2)]),
        73..77 => format!("/v1/articles?q={word}"),
        77..83 => format!("/v1/articles?tag=tag-{}&include=authors", rng.random_range(0..TAGS)),
        83..86 => ["/v1/feed.rss", "/v1/feed.atom", "/v1/feed.json"][rng.random_range(0..3)].to_owned(),
        86..87 => "/sitemap.xml".to_owned(),
        87..92 => ["/v1/tags", "/v1/authors", "/v1/sections"][rng.random_range(0..3)].to_owned(),
        92..96 => format!("/v1/authors/author-{}", rng.random_range(0..AUTHORS)),
        _ => "/".to_owned(),
    };
    Some(path)
}

/// A reader: public GETs, one after another.
pub async fn reader(load: &Load, client: Client) {
    while load.running() {
        let Some(path) = read_path(load) else { return };
        let mut request = client.get(format!("{}{path}", load.base));
        if rand::random::<bool>() {
            request = request.header("accept-encoding", "br, gzip");
        }
        send(load, Kind::Read, &format!("GET {path}"), request, 200).await;
    }
}

/// Loopback addresses the beacon senders share out, one reader machine each.
const BEACON_ADDRESSES: std::ops::RangeInclusive<u8> = 2..=254;

/// View beacons, each from a reader not seen before (its own User-Agent), from the addresses
/// that fall to this `task` in turn: the server counts at most `views_per_address` views of an
/// article from one address, as real readers come from many.
pub async fn beacons(load: &Load, tasks: usize, task: usize) -> anyhow::Result<()> {
    let clients: Vec<Client> = BEACON_ADDRESSES
        .filter(|last| usize::from(*last) % tasks.max(1) == task)
        .map(|last| Client::builder().local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, last))).build())
        .collect::<Result<_, _>>()?;
    let mut sent = 0u64;
    while load.running() {
        let Some(slug) = load.random_slug() else { break };
        let Some(client) = clients.get(sent as usize % clients.len().max(1)) else { break };
        sent += 1;
        let request = client
            .post(format!("{}/v1/articles/{slug}/views", load.base))
            .header("user-agent", format!("soak/{task}.{sent}"));
        send(load, Kind::Beacon, "POST /v1/articles/{slug}/views", request, 202).await;
    }
    Ok(())
}

/// A new article's content: byline, tags, section and a related link, as an editor writes it.
fn article(writer: usize, n: u64) -> Value {
    let mut rng = rand::rng();
    let topic = TOPICS[rng.random_range(0..TOPICS.len())];
    let paragraphs: Vec<String> = (0..rng.random_range(3..9))
        .map(|_| {
            let words: Vec<&str> = (0..rng.random_range(30..90))
                .map(|_| if rng.random_range(0..20) == 0 { topic } else { COMMON[rng.random_range(0..COMMON.len())] })
                .collect();
            words.join(" ")
        })
        .collect();
    let first_tag = rng.random_range(0..TAGS);
    json!({
        "title": format!("Soak story {writer}-{n} on the {topic}"),
        "summary": format!("What the {topic} means for the city."),
        "body": paragraphs.join("\n\n"),
        "section": format!("section-{}", rng.random_range(0..SECTIONS)),
        "authors": [format!("author-{}", rng.random_range(0..AUTHORS))],
        "tags": [format!("tag-{first_tag}"), format!("tag-{}", (first_tag + 1) % TAGS)],
        "related": [{"url": format!("https://example.org/background/{writer}-{n}"), "title": "Background"}],
    })
}

/// One create-publish-edit cycle; true if every step was acknowledged.
pub async fn cycle(load: &Load, client: &Client, key: &str, writer: usize, n: u64) -> bool {
    let base = &load.base;
    let create = client.post(format!("{base}/v1/admin/articles")).bearer_auth(key).json(&article(writer, n));
    let Some(draft) = send(load, Kind::Write, "POST /v1/admin/articles", create, 201).await else { return false };
    let (Some(id), Some(slug)) = (draft["id"].as_str(), draft["slug"].as_str()) else { return false };
    let publish = client.post(format!("{base}/v1/admin/articles/{id}/publish")).bearer_auth(key);
    let what = "POST /v1/admin/articles/{id}/publish";
    let Some(published) = send(load, Kind::Write, what, publish, 200).await else { return false };
    load.published.borrow_mut().push(slug.to_owned());
    load.published_ids.borrow_mut().push(id.to_owned());
    let version = published["version"].as_i64().unwrap_or_default();
    let edit = client
        .patch(format!("{base}/v1/admin/articles/{id}"))
        .bearer_auth(key)
        .header("if-match", format!("\"{version}\""))
        .json(&json!({"summary": format!("Updated: story {writer}-{n}, with what came after."), "tags": ["tag-0"]}));
    let Some(edited) = send(load, Kind::Write, "PATCH /v1/admin/articles/{id}", edit, 200).await else { return false };
    let version = edited["version"].as_i64().unwrap_or_default();
    load.live.borrow_mut().push_back(Live { slug: slug.to_owned(), id: id.to_owned(), version });
    true
}

/// Holds the public archive at `load.archive` articles, as a site in its steady state: the
/// oldest article leaves the readers' choice, and is trashed once no read of it is under way.
/// A run whose archive grew tenfold measured the caches filling with it, not the server.
async fn retire(load: &Load, client: &Client, key: &str) {
    if load.archive > 0 && load.live.borrow().len() > load.archive {
        if let Some(oldest) = load.live.borrow_mut().pop_front() {
            load.published.borrow_mut().retain(|slug| *slug != oldest.slug);
            load.retiring.borrow_mut().push_back((Instant::now(), oldest));
        }
    }
    let due = {
        let mut retiring = load.retiring.borrow_mut();
        match retiring.front() {
            Some((since, _)) if since.elapsed() >= RETIRE_AFTER => retiring.pop_front().map(|(_, live)| live),
            _ => None,
        }
    };
    if let Some(Live { id, version, .. }) = due {
        let trash = client
            .delete(format!("{}/v1/admin/articles/{id}", load.base))
            .bearer_auth(key)
            .header("if-match", format!("\"{version}\""));
        send(load, Kind::Write, "DELETE /v1/admin/articles/{id}", trash, 204).await;
    }
}

/// An editor: create, publish, edit, again and again.
pub async fn writer(load: &Load, client: Client, key: String, writer: usize) {
    let mut n = 0;
    while load.running() {
        n += 1;
        if cycle(load, &client, &key, writer, n).await {
            load.cycles.set(load.cycles.get() + 1);
        }
        retire(load, &client, &key).await;
    }
}

pub fn user_email(n: usize) -> String {
    format!("reader-{n}@soak.newsdesk.local")
}

pub const USER_PASSWORD: &str = "soak user passphrase lantern 4417";

/// People logging in, one every `every`, in turn among `users` accounts and from ever other
/// loopback addresses (as people do from their own machines): each logs in, reads `/v1/me`
/// and refreshes its token. One account or one address alone would soon meet the login limits.
pub async fn logins(load: &Load, users: usize, every: Duration) -> anyhow::Result<()> {
    let addresses: Vec<Client> = (2..=254u8)
        .map(|last| Client::builder().local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, last))).build())
        .collect::<Result<_, _>>()?;
    let mut ticker = tokio::time::interval(every);
    let deadline = tokio::time::Instant::from_std(load.deadline);
    for n in 0.. {
        if tokio::time::timeout_at(deadline, ticker.tick()).await.is_err() || !load.running() {
            break;
        }
        let client = &addresses[n % addresses.len()];
        let body = json!({"email": user_email(n % users), "password": USER_PASSWORD});
        let login = client.post(format!("{}/v1/auth/login", load.base)).json(&body);
        let Some(tokens) = send(load, Kind::Login, "POST /v1/auth/login", login, 200).await else { continue };
        let (Some(access), Some(refresh)) = (tokens["access_token"].as_str(), tokens["refresh_token"].as_str()) else {
            continue;
        };
        let me = client.get(format!("{}/v1/me", load.base)).bearer_auth(access);
        send(load, Kind::Login, "GET /v1/me", me, 200).await;
        let refresh = client.post(format!("{}/v1/auth/refresh", load.base)).json(&json!({"refresh_token": refresh}));
        send(load, Kind::Login, "POST /v1/auth/refresh", refresh, 200).await;
    }
    Ok(())
}

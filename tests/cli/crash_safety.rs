//! Crash safety, on the real binary: a server under a write load is killed with SIGKILL, six
//! times, in the middle of its writes, and started again on the same database. Writers create,
//! publish and edit articles with their byline, tags, section and related links, sending a view
//! beacon after each answer. After every restart:
//!
//! - every write the server acknowledged (2xx) is there, and the one write per writer whose
//!   answer the crash swallowed is there whole or not at all: an article's title, summary, body,
//!   authors, tags and related links all come from one write, and its version, its revisions and
//!   its audit entries all count the same writes;
//! - the public API shows exactly the published articles: in the list, by slug, and in search;
//! - on SQLite, `PRAGMA integrity_check` is `ok`, no foreign key dangles, and the full-text
//!   index passes its own check;
//! - views are lost only within the flush window: the beacons acknowledged before a view flush
//!   that started after them (docs/api.md: "written in batches every second") are counted, and
//!   no beacon is counted twice.
//!
//! After the last restart every published article's `article.published` webhook arrives.

use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{web, App, HttpResponse, HttpServer};
use diesel::connection::SimpleConnection;
use diesel::sql_types::{BigInt, Text};
use diesel::{Connection, QueryableByName, RunQueryDsl, SqliteConnection};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::database::TestDatabase;
use crate::common::wait::wait_until_within;
use crate::common::{on_both_backends, wait_until, Backend};
use crate::server::Server;

/// Kills, each followed by a restart and a check.
const ROUNDS: usize = 6;
/// Writers sending one request after another, each its own stories.
const WRITERS: usize = 3;
/// Writes acknowledged in a round before the kill is set in motion; the writers go on meanwhile.
const WRITES_PER_ROUND: usize = 15;
/// The steps of a story: create (content 0), publish, edit (content 1), edit (content 2).
const STEPS: usize = 4;
/// Published articles the beacons go to.
const VIEWED: usize = 30;
/// Beacons come from 127.0.0.2 up to this address, one per address and article, so neither the
/// per-client dedupe nor a per-address cap can hide one.
const LAST_ADDRESS: usize = 254;

const ADMIN_EMAIL: &str = "crash@example.org";
const ADMIN_PASSWORD: &str = "a long crash test passphrase";
const METRICS_TOKEN: &str = "crash-test-metrics-token";

/// One story a writer tells: its steps acknowledged, and whether one more was sent and its
/// answer lost in the crash (so it may or may not have been applied).
struct Story {
    word: String,
    acknowledged: usize,
    unanswered: bool,
}

impl Story {
    fn slug(&self) -> String {
        format!("story-{}", self.word)
    }
}

/// What the clients know: every story and every beacon.
#[derive(Default)]
struct Ledger {
    stories: Vec<Story>,
    /// Per viewed article: beacons sent, acknowledged, and acknowledged before a flush that
    /// started after them (sure to be counted).
    sent: Vec<usize>,
    acknowledged: Vec<usize>,
    flushed: Vec<usize>,
    /// `acknowledged` when this round's server started.
    round_start: Vec<usize>,
    /// The next (address, article) pair, numbered.
    next_pair: usize,
}

/// The content of a story at `generation`: every field and relation says which write it came from.
fn content(word: &str, generation: usize) -> Value {
    let authors = if generation.is_multiple_of(2) { ["ada", "ben"] } else { ["ben", "ada"] };
    json!({
        "title": format!("Crash {word} gen {generation}"),
        "summary": format!("Summary of {word}, gen {generation}."),
        "body": format!("Body of {word}, gen {generation}.\n\nA second paragraph, gen {generation}."),
        "authors": authors,
        "tags": [format!("t{}", generation % 3), format!("t{}", (generation + 1) % 3)],
        "related": [{"url": format!("https://example.org/{word}/{generation}"), "title": format!("gen {generation}")}],
    })
}

/// The admin's client for one server process.
struct Api {
    base: String,
    client: reqwest::Client,
    token: String,
}

impl Api {
    /// The JSON answer to a request the server acknowledged, or `None` when no whole answer came
    /// (the server died). Any other answer fails the test: nothing here may be refused.
    async fn call(&self, method: Method, path: &str, body: Option<Value>, if_match: Option<i64>) -> Option<Value> {
        let mut request = self.client.request(method.clone(), format!("{}{path}", self.base)).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        if let Some(version) = if_match {
            request = request.header("if-match", format!("\"{version}\""));
        }
        let response = request.send().await.ok()?;
        let status = response.status();
        let text = response.text().await.ok()?;
        assert!(status.is_success(), "{method} {path} answered {status}: {text}");
        Some(serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str) -> Value {
        self.call(Method::GET, path, None, None).await.unwrap_or_else(|| panic!("GET {path} is answered"))
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        self.call(Method::POST, path, Some(body), None).await.unwrap_or_else(|| panic!("POST {path} is answered"))
    }

    /// `newsdesk_view_flushes_total`: batches of views this process has written.
    async fn view_flushes(&self) -> u64 {
        let answer = self.client.get(format!("{}/metrics", self.base)).bearer_auth(METRICS_TOKEN).send().await;
        let text = answer.expect("metrics are answered").text().await.expect("metrics are read");
        let line = text.lines().find(|l| l.starts_with("newsdesk_view_flushes_total ")).expect("the flush counter");
        line.rsplit(' ').next().and_then(|n| n.parse::<f64>().ok()).expect("a number") as u64
    }
}

/// A story told step by step until the server stops answering; then the next story.
async fn write(api: &Api, round: usize, writer: usize, ledger: &Mutex<Ledger>, acknowledged: &AtomicUsize) {
    for n in 0.. {
        let word = format!("crashr{round}w{writer}n{n}");
        let index = {
            let mut ledger = ledger.lock().expect("ledger");
            ledger.stories.push(Story { word: word.clone(), acknowledged: 0, unanswered: false });
            ledger.stories.len() - 1
        };
        let (mut id, mut version) = (String::new(), 0);
        for step in 0..STEPS {
            let answer = match step {
                0 => {
                    let mut body = content(&word, 0);
                    body["slug"] = json!(format!("story-{word}"));
                    body["section"] = json!("news");
                    api.call(Method::POST, "/v1/admin/articles", Some(body), None).await
                }
                1 => api.call(Method::POST, &format!("/v1/admin/articles/{id}/publish"), None, None).await,
                _ => {
                    let path = format!("/v1/admin/articles/{id}");
                    api.call(Method::PATCH, &path, Some(content(&word, step - 1)), Some(version)).await
                }
            };
            let Some(answer) = answer else {
                ledger.lock().expect("ledger").stories[index].unanswered = true;
                return;
            };
            id = answer["id"].as_str().expect("the article's id").to_owned();
            version = answer["version"].as_i64().expect("the article's version");
            ledger.lock().expect("ledger").stories[index].acknowledged += 1;
            acknowledged.fetch_add(1, Ordering::SeqCst);
            if !beacon(api, ledger).await {
                return;
            }
        }
    }
}

/// Sends one view beacon from a client address and to an article that no earlier beacon used
/// together; false once the server is gone.
async fn beacon(api: &Api, ledger: &Mutex<Ledger>) -> bool {
    let (pair, article) = {
        let mut ledger = ledger.lock().expect("ledger");
        let pair = ledger.next_pair;
        ledger.next_pair += 1;
        ledger.sent[pair % VIEWED] += 1;
        (pair, pair % VIEWED)
    };
    let address = 2 + pair / VIEWED;
    assert!(address <= LAST_ADDRESS, "the test ran out of client addresses; send fewer beacons");
    let from = IpAddr::V4(Ipv4Addr::new(127, 0, 0, u8::try_from(address).expect("an address")));
    let client = reqwest::Client::builder().local_address(from).build().expect("a client");
    let url = format!("{}/v1/articles/viewed-{article}/views", api.base);
    let Ok(answer) = client.post(url).send().await else { return false };
    assert_eq!(answer.status().as_u16(), 202, "the beacon is accepted");
    ledger.lock().expect("ledger").acknowledged[article] += 1;
    true
}

/// Waits for the round's writes, then for two view flushes after the beacons this server has
/// acknowledged so far (the second one began after the first had finished, so after they were
/// all acknowledged), then kills the server while the writers carry on.
async fn kill_mid_write(server: &mut Server, api: &Api, ledger: &Mutex<Ledger>, acknowledged: &AtomicUsize) {
    wait_until_within(Duration::from_secs(60), "the round's writes", || async {
        (acknowledged.load(Ordering::SeqCst) >= WRITES_PER_ROUND).then_some(())
    })
    .await;
    let beacons = ledger.lock().expect("ledger").acknowledged.clone();
    let round_start = ledger.lock().expect("ledger").round_start.clone();
    let flushes = api.view_flushes().await;
    wait_until("two more view flushes", || async { (api.view_flushes().await >= flushes + 2).then_some(()) }).await;
    let mut ledger = ledger.lock().expect("ledger");
    // Beacons acknowledged in earlier rounds after their flushes may have died with that server.
    for (article, acknowledged) in beacons.into_iter().enumerate() {
        ledger.flushed[article] += acknowledged - round_start[article];
    }
    drop(ledger);
    server.kill();
}

/// Every article the admin sees, with its relations, by slug.
async fn articles_by_slug(api: &Api) -> BTreeMap<String, Value> {
    let mut all = BTreeMap::new();
    for page in 1.. {
        let path = format!("/v1/admin/articles?limit=100&page={page}&include=authors,tags,related&formats=markdown");
        let answer = api.get(&path).await;
        let items = answer["data"].as_array().expect("a list").clone();
        let done = items.len() < 100;
        all.extend(items.into_iter().map(|a| (a["slug"].as_str().expect("a slug").to_owned(), a)));
        if done {
            return all;
        }
    }
    unreachable!()
}

fn slugs(list: &Value) -> Vec<&str> {
    list.as_array().expect("a list").iter().map(|x| x["slug"].as_str().expect("a slug")).collect()
}

/// How many of its steps an article shows applied, after checking that everything in it comes
/// from one write.
fn steps_applied(article: &Value, word: &str) -> usize {
    let title = article["title"].as_str().expect("a title");
    let generation: usize =
        title.rsplit("gen ").next().and_then(|g| g.parse().ok()).unwrap_or_else(|| panic!("a generation in {title}"));
    let expected = content(word, generation);
    assert_eq!(article["summary"], expected["summary"], "summary and title come from one write: {article}");
    assert_eq!(article["body"]["markdown"], expected["body"], "body and title come from one write: {article}");
    let names = |list: &Value| -> Vec<String> {
        list.as_array().expect("a list").iter().map(|s| s.as_str().expect("a slug").to_owned()).collect()
    };
    assert_eq!(
        slugs(&article["authors"]),
        names(&expected["authors"]),
        "the byline comes from the same write: {article}"
    );
    assert_eq!(slugs(&article["tags"]), names(&expected["tags"]), "the tags come from the same write: {article}");
    let related: Vec<(&Value, &Value)> =
        article["related"].as_array().expect("related").iter().map(|r| (&r["url"], &r["title"])).collect();
    let link = &expected["related"][0];
    assert_eq!(related, [(&link["url"], &link["title"])], "the related links come from the same write: {article}");
    let published = article["status"] == "published";
    assert!(published || generation == 0, "an edit came only after the publish was acknowledged: {article}");
    let applied = 1 + usize::from(published) + generation;
    assert_eq!(article["version"], json!(applied), "the version counts the writes: {article}");
    applied
}

/// What the server shows after a restart, against what the clients know.
async fn check(api: &Api, ledger: &Ledger) {
    let articles = articles_by_slug(api).await;
    let mut published: BTreeSet<String> = (0..VIEWED).map(|i| format!("viewed-{i}")).collect();
    for story in &ledger.stories {
        let slug = story.slug();
        let applied = articles.get(&slug).map_or(0, |article| steps_applied(article, &story.word));
        let at_most = story.acknowledged + usize::from(story.unanswered);
        assert!(
            (story.acknowledged..=at_most).contains(&applied),
            "{slug}: {applied} steps applied, {} acknowledged{}",
            story.acknowledged,
            if story.unanswered { " and one unanswered" } else { "" }
        );
        let Some(article) = articles.get(&slug) else { continue };
        let id = article["id"].as_str().expect("an id");
        let revisions = api.get(&format!("/v1/admin/articles/{id}/revisions?limit=100")).await;
        assert_eq!(revisions["meta"]["pagination"]["total"], json!(applied), "{slug}: a revision per write");
        let audit = api.get(&format!("/v1/admin/audit-log?target={id}&limit=100")).await;
        assert_eq!(audit["meta"]["pagination"]["total"], json!(applied), "{slug}: an audit entry per write");
        if applied >= 2 {
            published.insert(slug.clone());
            let page = api.get(&format!("/v1/articles/{slug}")).await;
            assert_eq!(page["title"], article["title"], "the public page shows the last write");
            let found = api.get(&format!("/v1/articles?q={}&fields=slug", story.word)).await;
            assert_eq!(slugs(&found["data"]), [slug.as_str()], "search finds the published article");
        }
    }
    let mut public = BTreeSet::new();
    for page in 1.. {
        let answer = api.get(&format!("/v1/articles?limit=100&page={page}&fields=slug")).await;
        let items = slugs(&answer["data"]).into_iter().map(str::to_owned).collect::<Vec<_>>();
        let done = items.len() < 100;
        public.extend(items);
        if done {
            break;
        }
    }
    assert_eq!(public, published, "the public list shows exactly the published articles");

    let ranked = api.get(&format!("/v1/articles/most-viewed?window=all&limit={VIEWED}")).await;
    let counted: BTreeMap<&str, i64> = ranked["data"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|item| (item["article"]["slug"].as_str().expect("a slug"), item["views"].as_i64().expect("views")))
        .collect();
    for article in 0..VIEWED {
        let views =
            usize::try_from(counted.get(format!("viewed-{article}").as_str()).copied().unwrap_or(0)).expect("a count");
        let (flushed, sent) = (ledger.flushed[article], ledger.sent[article]);
        assert!(
            flushed <= views,
            "viewed-{article}: {views} views counted, {flushed} beacons were acknowledged before a flush"
        );
        assert!(views <= sent, "viewed-{article}: {views} views counted, only {sent} beacons sent");
    }
}

#[derive(QueryableByName)]
struct Integrity {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// SQLite's own checks of the file the killed server left: pages and indexes, foreign keys,
/// and the full-text index.
fn assert_sound(path: &str) {
    let mut conn = SqliteConnection::establish(path).expect("the database opens");
    let checks = diesel::sql_query("SELECT integrity_check FROM pragma_integrity_check()")
        .load::<Integrity>(&mut conn)
        .expect("integrity_check runs");
    let checks: Vec<_> = checks.into_iter().map(|c| c.integrity_check).collect();
    assert_eq!(checks, ["ok"], "PRAGMA integrity_check");
    let dangling = diesel::sql_query("SELECT count(*) AS n FROM pragma_foreign_key_check()")
        .get_result::<Count>(&mut conn)
        .expect("foreign_key_check runs");
    assert_eq!(dangling.n, 0, "no foreign key dangles");
    conn.batch_execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
        .expect("the full-text index passes its integrity check");
}

/// A webhook receiver on loopback that notes the article of each `article.published` event.
async fn receiver() -> (String, Arc<Mutex<BTreeSet<String>>>, actix_web::dev::ServerHandle) {
    let published = Arc::new(Mutex::new(BTreeSet::new()));
    let noted = web::Data::from(Arc::clone(&published));
    let server = HttpServer::new(move || {
        App::new().app_data(noted.clone()).route(
            "/hook",
            web::post().to(|body: web::Json<Value>, noted: web::Data<Mutex<BTreeSet<String>>>| async move {
                if body["event"] == "article.published" {
                    let id = body["data"]["id"].as_str().unwrap_or_default().to_owned();
                    noted.lock().expect("noted").insert(id);
                }
                HttpResponse::Ok().finish()
            }),
        )
    })
    .workers(1)
    .disable_signals()
    .bind(("127.0.0.1", 0))
    .expect("the receiver binds");
    let url = format!("http://127.0.0.1:{}/hook", server.addrs()[0].port());
    let server = server.run();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    (url, published, handle)
}

/// Authors, tags, a section, a webhook, and the articles the beacons go to.
async fn prepare(api: &Api, hook: &str) {
    api.post("/v1/admin/webhooks", json!({"url": hook, "events": ["article.published"]})).await;
    api.post("/v1/admin/authors", json!({"slug": "ada", "name": "Ada"})).await;
    api.post("/v1/admin/authors", json!({"slug": "ben", "name": "Ben"})).await;
    api.post("/v1/admin/sections", json!({"slug": "news", "name": "News"})).await;
    for tag in 0..3 {
        api.post("/v1/admin/tags", json!({"slug": format!("t{tag}"), "name": format!("T{tag}")})).await;
    }
    for article in 0..VIEWED {
        let draft =
            api.post("/v1/admin/articles", json!({"slug": format!("viewed-{article}"), "title": "Viewed"})).await;
        let id = draft["id"].as_str().expect("an id");
        api.post(&format!("/v1/admin/articles/{id}/publish"), json!({})).await;
    }
}

async fn acknowledged_writes_survive_sigkill(backend: Backend) {
    let database = TestDatabase::create(backend);
    let sqlite_path = database.url.strip_prefix("sqlite://").map(str::to_owned);
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = [
        ("NEWSDESK_DATABASE_URL", database.url.as_str()),
        ("NEWSDESK_JWT_SECRET", "crash-test-secret-crash-test-secret-0123"),
        ("NEWSDESK_ADMIN_EMAIL", ADMIN_EMAIL),
        ("NEWSDESK_ADMIN_PASSWORD", ADMIN_PASSWORD),
        ("NEWSDESK_METRICS_TOKEN", METRICS_TOKEN),
        ("NEWSDESK_WEBHOOK_ALLOW_PRIVATE", "true"),
        // A delivery leased by a killed process waits out the lease (twice the timeout and a
        // second) before another process takes it; retries come fast.
        ("NEWSDESK_WEBHOOK_TIMEOUT_SECS", "1"),
        ("NEWSDESK_WEBHOOK_RETRY_BASE_MS", "100"),
        ("NEWSDESK_LOG", "warn"),
    ];
    let (hook, hooked, receiver_handle) = receiver().await;
    let ledger = Mutex::new(Ledger {
        sent: vec![0; VIEWED],
        acknowledged: vec![0; VIEWED],
        flushed: vec![0; VIEWED],
        ..Ledger::default()
    });
    let client = reqwest::Client::new();
    let mut token = String::new();
    for round in 0..=ROUNDS {
        if let Some(path) = sqlite_path.as_ref().filter(|_| round > 0) {
            assert_sound(path);
        }
        let mut server = Server::start(dir.path(), &format!("server-{round}.log"), &settings).await;
        if round == 0 {
            let login = json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD});
            let answer = client.post(format!("{}/v1/auth/login", server.base)).json(&login).send().await;
            let answer: Value = answer.expect("login").json().await.expect("a token");
            // Tokens outlive a crash: the same one serves every restart.
            token = answer["access_token"].as_str().expect("an access token").to_owned();
        }
        let api = Api { base: server.base.clone(), client: client.clone(), token: token.clone() };
        if round == 0 {
            prepare(&api, &hook).await;
        } else {
            // Nothing else runs now: the ledger is lent out for the check, then put back.
            let known = std::mem::take(&mut *ledger.lock().expect("ledger"));
            check(&api, &known).await;
            *ledger.lock().expect("ledger") = known;
        }
        if round == ROUNDS {
            let expected: BTreeSet<String> = articles_by_slug(&api)
                .await
                .into_values()
                .filter(|a| a["status"] == "published")
                .map(|a| a["id"].as_str().expect("an id").to_owned())
                .collect();
            wait_until_within(Duration::from_secs(30), "a webhook for every published article", || async {
                (*hooked.lock().expect("noted") == expected).then_some(())
            })
            .await;
            break;
        }
        let acknowledged = AtomicUsize::new(0);
        {
            let mut ledger = ledger.lock().expect("ledger");
            ledger.round_start = ledger.acknowledged.clone();
        }
        let writers = (0..WRITERS).map(|writer| write(&api, round, writer, &ledger, &acknowledged));
        let kill = kill_mid_write(&mut server, &api, &ledger, &acknowledged);
        tokio::join!(futures::future::join_all(writers), kill);
        let log = server.log();
        assert!(!log.contains("panicked"), "the server panicked in round {round}: {log}");
    }
    receiver_handle.stop(false).await;
}

on_both_backends!(backend; acknowledged_writes_survive_sigkill);

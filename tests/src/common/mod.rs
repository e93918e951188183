//! The test harness: a real server on a free port against a fresh database per test.
//!
//! Shared by the HTTP suite (tests/src/) and the tests that run the binary (tests/cli/).

pub mod database;
mod reply;
pub mod values;
pub mod wait;

use reqwest::Method;
use serde_json::{json, Value};

pub use database::Backend;
pub use reply::Reply;
pub use wait::wait_until;

pub const ADMIN_EMAIL: &str = "admin@example.org";
pub const ADMIN_PASSWORD: &str = "admin password for tests";
pub const JWT_SECRET: &str = "test-secret-that-is-at-least-32-bytes-long";
/// Password given to every user a test creates.
pub const USER_PASSWORD: &str = "a long enough passphrase";

/// Generates a `sqlite` and a `postgres` test from one `async fn(TestApp)` story, on servers
/// with the default settings or, after `settings = f;`, with `f` applied to them. After
/// `backend;`, each story is an `async fn(Backend)` that starts what it needs itself.
macro_rules! on_both_backends {
    (backend; $($story:ident),* $(,)?) => {
        $(
            mod $story {
                #[actix_web::test]
                async fn sqlite() {
                    super::$story($crate::common::Backend::Sqlite).await
                }
                #[actix_web::test]
                async fn postgres() {
                    super::$story($crate::common::Backend::Postgres).await
                }
            }
        )*
    };
    // `settings = f;` first: each server starts with `f` applied to its configuration.
    (settings = $settings:ident; $($story:ident),* $(,)?) => {
        $(
            mod $story {
                #[actix_web::test]
                async fn sqlite() {
                    let app = $crate::common::TestApp::spawn_with($crate::common::Backend::Sqlite, super::$settings);
                    super::$story(app.await).await
                }
                #[actix_web::test]
                async fn postgres() {
                    let app = $crate::common::TestApp::spawn_with($crate::common::Backend::Postgres, super::$settings);
                    super::$story(app.await).await
                }
            }
        )*
    };
    ($($story:ident),* $(,)?) => {
        $(
            mod $story {
                #[actix_web::test]
                async fn sqlite() {
                    super::$story($crate::common::TestApp::spawn($crate::common::Backend::Sqlite).await).await
                }
                #[actix_web::test]
                async fn postgres() {
                    super::$story($crate::common::TestApp::spawn($crate::common::Backend::Postgres).await).await
                }
            }
        )*
    };
}
pub(crate) use on_both_backends;

/// A running server and a client for it. The database goes when this app and every sibling
/// started from it ([`TestApp::spawn_sibling`]) have gone.
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    /// An access token of the first admin.
    pub admin: String,
    handle: actix_web::dev::ServerHandle,
    /// The server's storage handle, for counting the SQL statements it runs.
    pub db: newsdesk_persistence::Database,
    /// The server's response cache, for counting hits.
    pub cache: std::sync::Arc<newsdesk_api::cache::ResponseCache>,
    /// The server's live streams, for counting open ones.
    pub live: std::sync::Arc<newsdesk_api::live::hub::LiveHub>,
    server_thread: Option<std::thread::JoinHandle<()>>,
    _database: std::sync::Arc<database::TestDatabase>,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Like [`TestApp::spawn`], with settings changed by `tweak` (e.g. `--no-cache`).
    pub async fn spawn_with(backend: Backend, tweak: impl FnOnce(&mut newsdesk_api::Config)) -> Self {
        Self::start_with(std::sync::Arc::new(database::TestDatabase::create(backend)), tweak).await
    }

    /// Starts a server on a database the test made (e.g. one it restored a backup into).
    #[allow(dead_code)] // Only tests/cli/ restores backups.
    pub async fn spawn_on(database: std::sync::Arc<database::TestDatabase>) -> Self {
        Self::start(database).await
    }

    /// The database URL this server uses.
    pub fn database_url(&self) -> &str {
        &self._database.url
    }

    /// Starts a second server process (own thread, actix system, pool and scheduler) against
    /// this app's database, as a second replica behind a load balancer would run. The database
    /// is dropped only when both apps have gone. Its `admin` token is its own login.
    pub async fn spawn_sibling(&self) -> TestApp {
        Self::start(std::sync::Arc::clone(&self._database)).await
    }

    /// [`TestApp::spawn_sibling`] with settings changed by `tweak` (a short edit lock, say).
    #[allow(dead_code)] // Only the HTTP suite starts siblings with other settings.
    pub async fn spawn_sibling_with(&self, tweak: impl FnOnce(&mut newsdesk_api::Config)) -> TestApp {
        Self::start_with(std::sync::Arc::clone(&self._database), tweak).await
    }

    async fn start(database: std::sync::Arc<database::TestDatabase>) -> Self {
        Self::start_with(database, |_| {}).await
    }

    async fn start_with(
        database: std::sync::Arc<database::TestDatabase>,
        tweak: impl FnOnce(&mut newsdesk_api::Config),
    ) -> Self {
        let mut config = newsdesk_api::Config {
            database_url: database.url.clone(),
            bind: "127.0.0.1:0".into(),
            jwt_secret: Some(JWT_SECRET.into()),
            dev: false,
            admin_email: Some(ADMIN_EMAIL.into()),
            admin_password: Some(ADMIN_PASSWORD.into()),
            access_token_ttl: 900,
            workers: Some(1),
            db_threads: None,
            db_pool_size: 4,
            db_timeout: 1,
            preview_ttl: 86_400,
            edit_lock_ttl: 300,
            live_max_streams: 10_000,
            live_heartbeat: 15,
            public_url: Some("https://news.example.org".into()),
            cache_max_age: 60,
            cache_stale_while_revalidate: 300,
            no_cache: false,
            response_cache_mb: 16,
            response_cache_ttl: 120,
            password_hashers: 2,
            search_window: 1000,
            // Webhook retries come fast in tests, and receivers run on loopback.
            webhook_retry_base_ms: 100,
            webhook_give_up_secs: 3600,
            webhook_timeout_secs: 2,
            webhook_allow_private: true,
            metrics_token: None,
            metrics_bind: None,
            trusted_proxies: Vec::new(),
            views_per_address: newsdesk_api::view_counter::VIEWS_PER_ADDRESS,
            // Each test server reserves its view tables at start; a small one will do.
            view_readers: 10_000,
            publication_name: "The Example Courier".into(),
            publication_language: "en".into(),
            publication_logo_url: Some("https://courier.example/logo.png".into()),
            retention: Default::default(),
        };
        tweak(&mut config);
        // The server runs on its own thread and actix system, so a test can stop it and wait
        // for it: nothing of it is left running when the process exits.
        let (started, ready) = std::sync::mpsc::channel();
        let server_thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let (server, port, state) =
                    newsdesk_api::app::build_with_state(config, false).await.expect("server starts");
                let shared = (state.db.clone(), state.cache.clone(), state.live.clone());
                let _ = started.send((server.handle(), port, shared));
                let _ = server.await;
            })
        });
        let (handle, port, (db, cache, live)) = ready.recv().expect("server starts (see the panic above)");
        let mut app = TestApp {
            base: format!("http://127.0.0.1:{port}"),
            client: reqwest::Client::new(),
            admin: String::new(),
            handle,
            db,
            cache,
            live,
            server_thread: Some(server_thread),
            _database: database,
        };
        app.admin = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        app
    }

    /// Sends a request with an optional bearer token and JSON body.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("request is sent");
        Reply::read(response).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, None, None, &[]).await
    }

    pub async fn admin_get(&self, path: &str, token: &str) -> Reply {
        self.send(Method::GET, path, Some(token), None, &[]).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Reply {
        self.send(Method::POST, path, Some(token), Some(body), &[]).await
    }

    /// PATCH with `If-Match` set to the version the caller can read now (`*` when it cannot
    /// read it), as a careful client would. Tests of the precondition itself use
    /// [`TestApp::patch_if_match`].
    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Reply {
        let tag = self.current_etag(path, token).await;
        self.patch_if_match(path, token, body, &tag).await
    }

    /// PATCH with `If-Match: if_match`, whatever it is.
    pub async fn patch_if_match(&self, path: &str, token: &str, body: Value, if_match: &str) -> Reply {
        self.send(Method::PATCH, path, Some(token), Some(body), &[("if-match", if_match)]).await
    }

    /// DELETE with `If-Match`, like [`TestApp::patch`].
    pub async fn delete(&self, path: &str, token: &str) -> Reply {
        let tag = self.current_etag(path, token).await;
        self.send(Method::DELETE, path, Some(token), None, &[("if-match", &tag)]).await
    }

    async fn current_etag(&self, path: &str, token: &str) -> String {
        let read = self.send(Method::GET, path, Some(token), None, &[]).await;
        match read.header("etag") {
            Some(tag) if read.status.is_success() => tag.to_owned(),
            _ => "*".to_owned(),
        }
    }

    /// Sends raw bytes with a content type (for malformed and oversized bodies).
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> Reply {
        let mut request =
            self.client.request(method, format!("{}{path}", self.base)).header("content-type", content_type).body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        Reply::read(request.send().await.expect("request is sent")).await
    }

    /// Logs in and returns the access token.
    pub async fn login(&self, email: &str, password: &str) -> String {
        let reply = self
            .send(Method::POST, "/v1/auth/login", None, Some(json!({"email": email, "password": password})), &[])
            .await
            .expect(200);
        reply.body["access_token"].as_str().expect("access token").to_owned()
    }

    /// Creates a user with `role` and returns `(user id, access token)`.
    pub async fn user_with_role(&self, role: &str) -> (String, String) {
        let email = format!("{role}-{}@example.org", uuid::Uuid::new_v4().simple());
        let created = self
            .post(
                "/v1/admin/users",
                &self.admin,
                json!({"email": email, "name": role, "role": role, "password": USER_PASSWORD}),
            )
            .await
            .expect(201);
        let id = created.body["id"].as_str().expect("user id").to_owned();
        (id, self.login(&email, USER_PASSWORD).await)
    }

    /// Creates an author, a source, a section and two tags with known slugs.
    pub async fn seed_taxonomy(&self) {
        let t = &self.admin;
        self.post(
            "/v1/admin/authors",
            t,
            json!({"slug": "ada-byline", "name": "Ada Byline", "email": "ada@example.org"}),
        )
        .await
        .expect(201);
        self.post("/v1/admin/authors", t, json!({"slug": "ben-byline", "name": "Ben Byline"})).await.expect(201);
        self.post("/v1/admin/sources", t, json!({"slug": "wire", "name": "Test Wire", "short_name": "TW", "homepage_url": "https://example.org/wire"}))
            .await
            .expect(201);
        self.post("/v1/admin/sections", t, json!({"slug": "news", "name": "News"})).await.expect(201);
        self.post("/v1/admin/tags", t, json!({"slug": "water", "name": "Water"})).await.expect(201);
        self.post("/v1/admin/tags", t, json!({"slug": "coast", "name": "Coast"})).await.expect(201);
    }

    /// Creates a draft as `token` and returns its JSON.
    pub async fn draft(&self, token: &str, body: Value) -> Value {
        self.post("/v1/admin/articles", token, body).await.expect(201).body
    }

    /// Creates and publishes an article as the admin; returns its JSON after publishing.
    pub async fn published(&self, body: Value) -> Value {
        let draft = self.draft(&self.admin, body).await;
        let id = draft["id"].as_str().expect("id");
        self.act(&self.admin, id, "publish").await.expect(200).body
    }

    /// POSTs one of an article's actions (`publish`, `unpublish`, `restore`, …) as `token`,
    /// with no `If-Match`.
    pub async fn act(&self, token: &str, id: &str, action: &str) -> Reply {
        self.send(Method::POST, &format!("/v1/admin/articles/{id}/{action}"), Some(token), None, &[]).await
    }

    /// Creates a user with a known e-mail and `role` as the admin; returns its id.
    pub async fn create_user(&self, email: &str, role: &str) -> String {
        let created = self
            .post(
                "/v1/admin/users",
                &self.admin,
                json!({"email": email, "name": "Pat Example", "role": role, "password": USER_PASSWORD}),
            )
            .await
            .expect(201);
        values::id_of(&created.body)
    }
}

impl TestApp {
    /// PostgreSQL ends this server's sessions, as a failover or a restart does.
    pub fn cut_connections(&self) {
        self._database.cut_connections();
    }

    /// Drops the PostgreSQL database under the running server, as an outage would.
    pub fn lose_database(&self) {
        self._database.drop_now();
    }

    /// Stops this server and waits for it, keeping the database (and any sibling) for a later
    /// [`Stopped::start`]: a deploy, or a crash and restart.
    pub fn stop(self) -> Stopped {
        Stopped(std::sync::Arc::clone(&self._database))
    }

    /// The admin's view of the audit log with a `query` such as `action=auth.login`, newest
    /// first (one page of up to 100 entries; fails if there are more).
    pub async fn audit_log(&self, query: &str) -> Vec<Value> {
        let reply = self.admin_get(&format!("/v1/admin/audit-log?limit=100&{query}"), &self.admin).await.expect(200);
        let total = reply.body["meta"]["pagination"]["total"].as_u64().expect("a total");
        assert!(total <= 100, "the audit log holds {total} entries for `{query}`; this helper reads one page");
        reply.body["data"].as_array().expect("a list of entries").clone()
    }
}

/// A stopped server's database, kept for a restart.
pub struct Stopped(std::sync::Arc<database::TestDatabase>);

impl Stopped {
    /// Starts a fresh server (new process state, scheduler and login) on the kept database.
    pub async fn start(self) -> TestApp {
        TestApp::start(self.0).await
    }

    /// Like [`Stopped::start`], with settings changed by `tweak`.
    #[allow(dead_code)] // Not every test binary restarts with other settings.
    pub async fn start_with(self, tweak: impl FnOnce(&mut newsdesk_api::Config)) -> TestApp {
        TestApp::start_with(self.0, tweak).await
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Stop the server and wait for its thread; the database guard then drops the database
        // (once no sibling or `Stopped` holds it any more).
        futures::executor::block_on(self.handle.stop(false));
        if let Some(thread) = self.server_thread.take() {
            let _ = thread.join();
        }
    }
}

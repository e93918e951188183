//! The webhook receiver the soak registers: a loopback HTTP server that answers 200 and notes
//! what it got.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use actix_web::{web, App, HttpResponse, HttpServer};
use serde_json::Value;

#[derive(Default)]
pub struct Seen {
    pub deliveries: u64,
    /// Articles an `article.published` event came for.
    pub published: HashSet<String>,
}

pub struct Receiver {
    pub url: String,
    seen: Arc<Mutex<Seen>>,
    handle: actix_web::dev::ServerHandle,
}

async fn hook(body: web::Json<Value>, seen: web::Data<Mutex<Seen>>) -> HttpResponse {
    let mut seen = seen.lock().unwrap_or_else(PoisonError::into_inner);
    seen.deliveries += 1;
    if body["event"] == "article.published" {
        if let Some(id) = body["data"]["id"].as_str() {
            seen.published.insert(id.to_owned());
        }
    }
    HttpResponse::Ok().finish()
}

impl Receiver {
    pub fn start() -> anyhow::Result<Self> {
        let seen = Arc::new(Mutex::new(Seen::default()));
        let data = web::Data::from(Arc::clone(&seen));
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .app_data(web::JsonConfig::default().limit(4 << 20))
                .route("/hook", web::post().to(hook))
        })
        .workers(1)
        .disable_signals()
        .bind(("127.0.0.1", 0))?;
        let url = format!("http://127.0.0.1:{}/hook", server.addrs()[0].port());
        let server = server.run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        Ok(Self { url, seen, handle })
    }

    /// Deliveries so far, and how many of `ids` have had their `article.published` event.
    pub fn count(&self, ids: &[String]) -> (u64, usize) {
        let seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        (seen.deliveries, ids.iter().filter(|id| seen.published.contains(*id)).count())
    }

    pub async fn stop(self) {
        self.handle.stop(true).await;
    }
}

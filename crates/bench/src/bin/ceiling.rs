//! The ceiling for `make bench`: actix-web answering every GET with one fixed JSON body.
//!
//! No routing, database or serialization, so its requests/s is the most any actix-web endpoint
//! can reach on this machine. Every Newsdesk figure is divided by it, measured in the same run.

use actix_web::{http::header::ContentType, web, App, HttpResponse, HttpServer};
use clap::Parser;

#[derive(Parser)]
#[command(name = "newsdesk-ceiling", about = "Answers every GET with a fixed JSON body of N bytes")]
struct Args {
    /// Size of the response body in bytes (at least 12, the smallest body this pads).
    #[arg(long, default_value_t = 18_000)]
    body_bytes: usize,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:18081")]
    bind: String,
    /// HTTP worker threads; like `newsdesk serve`, the default is one per core.
    #[arg(long)]
    workers: Option<usize>,
}

/// A valid JSON object of exactly `len` bytes: `{"data":"xxx…"}`.
fn body_of(len: usize) -> anyhow::Result<web::Bytes> {
    const FRAME: usize = r#"{"data":""}"#.len();
    anyhow::ensure!(len > FRAME, "--body-bytes must be more than {FRAME}");
    Ok(web::Bytes::from(format!(r#"{{"data":"{}"}}"#, "x".repeat(len - FRAME))))
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let body = body_of(args.body_bytes)?;
    // Keep-alive, backlog and the rest stay at actix-web's defaults, as in `newsdesk serve`.
    let mut server = HttpServer::new(move || {
        let body = body.clone();
        App::new().default_service(web::get().to(move || {
            let body = body.clone();
            async move { HttpResponse::Ok().content_type(ContentType::json()).body(body) }
        }))
    })
    .bind(&args.bind)?;
    if let Some(workers) = args.workers {
        server = server.workers(workers);
    }
    server.run().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::body_of;

    #[test]
    fn body_has_the_exact_size_and_is_json() -> anyhow::Result<()> {
        let body = body_of(18_000)?;
        assert_eq!(body.len(), 18_000);
        assert!(body.starts_with(br#"{"data":"x"#) && body.ends_with(br#"x"}"#));
        assert!(body_of(11).is_err());
        Ok(())
    }
}

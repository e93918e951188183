//! What a fresh database gets on start: a first admin, and optionally the demo content.

use actix_web::web;
use anyhow::{anyhow, Context};
use chrono::{DateTime, Utc};
use newsdesk_domain::ArticleStatus;
use newsdesk_persistence::articles::relations::{self, LinkTarget};
use newsdesk_persistence::{articles, users, Database};
use serde::Deserialize;

use newsdesk_newsroom::articles::input::{ArticleCreate, RelatedIn};
use newsdesk_newsroom::articles::write;
use newsdesk_newsroom::{Actor, Recorded, Tx};

use crate::config::Config;
use crate::error::ApiError;
use crate::state::write_blocking;
use crate::terms::{authors::Authors, labels::LabelCreate, labels::Sections, labels::Tags, sources::Sources, Term};
use crate::users::UserCreate;

/// Creates the first admin when there are no users: from the environment, or in dev mode a
/// generated one whose password is printed once.
pub async fn first_admin(db: &Database, config: &Config) -> anyhow::Result<()> {
    let (email, password, generated) = match (&config.admin_email, &config.admin_password) {
        (Some(email), Some(password)) => (email.clone(), password.clone(), false),
        _ if config.dev => ("admin@newsdesk.local".to_owned(), crate::tokens::new_refresh_token(), true),
        _ => (String::new(), String::new(), false),
    };
    let db = db.clone();
    let input = UserCreate {
        email: email.clone(),
        name: "Administrator".into(),
        role: newsdesk_domain::Role::Admin,
        password: password.clone(),
        author: None,
    };
    let created = web::block(move || {
        write_blocking(&db, |tx| {
            if users::count(tx.conn())? > 0 || input.email.is_empty() {
                return Ok(tx.nothing_to_record(false));
            }
            Ok(newsdesk_newsroom::users::create(tx, &Actor::system("start-up"), &input)?.map(|_| true))
        })
    })
    .await?
    .map_err(|e| anyhow!("creating the first admin: {}", e.explain()))?;
    if created && generated {
        println!("Created the first admin: e-mail {email}, password {password} (shown only once)");
    } else if created {
        tracing::info!(%email, "created the first admin");
    }
    Ok(())
}

#[derive(Deserialize)]
struct DemoContent {
    authors: Vec<crate::terms::authors::AuthorCreate>,
    sources: Vec<crate::terms::sources::SourceCreate>,
    sections: Vec<LabelCreate>,
    tags: Vec<LabelCreate>,
    articles: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct DemoArticle {
    status: ArticleStatus,
    published_at: Option<DateTime<Utc>>,
}

/// Loads the project's demo content into a database with no articles; leaves others alone.
pub async fn demo_content(db: &Database) -> anyhow::Result<()> {
    let content: DemoContent =
        serde_json::from_str(include_str!("demo/content.json")).context("parsing demo content")?;
    let db = db.clone();
    let loaded = web::block(move || write_blocking(&db, |tx| load(tx, content)))
        .await?
        .map_err(|e| anyhow!("demo content rejected: {}", e.explain()))?;
    if loaded {
        tracing::info!("loaded the demo content");
    }
    Ok(())
}

/// Seeds the terms as data, and creates each article as an editor would, so every article has
/// its revision and its recorded change.
fn load(tx: &mut Tx, content: DemoContent) -> Result<Recorded<bool>, ApiError> {
    let conn = tx.conn();
    let any = articles::list(
        conn,
        &Default::default(),
        Default::default(),
        newsdesk_persistence::PageRequest { limit: 1, offset: 0 },
    )?;
    if any.total > 0 {
        return Ok(tx.nothing_to_record(false));
    }
    for author in content.authors {
        Authors::insert(conn, &Authors::validate_create(author)?)?;
    }
    for source in content.sources {
        Sources::insert(conn, &Sources::validate_create(source)?)?;
    }
    for section in content.sections {
        Sections::insert(conn, &Sections::validate_create(section)?)?;
    }
    for tag in content.tags {
        Tags::insert(conn, &Tags::validate_create(tag)?)?;
    }
    // Related links may point forward, so they are set once every article exists.
    let mut pending: Vec<(Recorded<String>, Vec<RelatedIn>)> = Vec::new();
    for value in content.articles {
        let meta: DemoArticle =
            serde_json::from_value(value.clone()).map_err(|e| ApiError::BadRequest(e.to_string()))?;
        let mut fields = value;
        if let Some(map) = fields.as_object_mut() {
            map.remove("status");
            map.remove("published_at");
        }
        let mut input: ArticleCreate =
            serde_json::from_value(fields).map_err(|e| ApiError::BadRequest(e.to_string()))?;
        let related = input.related.take().unwrap_or_default();
        let actor = Actor::system("demo content");
        let saved = write::create(tx, input, None, meta.status, meta.published_at.map(crate::time::naive), &actor)?;
        pending.push((saved.map(|saved| saved.row.id), related));
    }
    let conn = tx.conn();
    for (recorded, related) in pending {
        let id = recorded.into_inner();
        let slugs: Vec<String> = related.iter().filter_map(|r| r.article.clone()).collect();
        let ids = articles::ids_by_slug(conn, &slugs, None)?;
        let links: Vec<LinkTarget> = related
            .into_iter()
            .filter_map(|r| match (r.article, r.url) {
                (Some(slug), _) => ids.get(&slug).map(|id| LinkTarget::Article { id: id.clone() }),
                (None, Some(url)) => Some(LinkTarget::External { url, title: r.title, source_name: r.source_name }),
                (None, None) => None,
            })
            .collect();
        relations::set_links(conn, &id, &links)?;
    }
    // Each article was recorded as it was created; the links only complete them.
    Ok(tx.nothing_to_record(true))
}

//! An article's byline, tags and related links: written whole, loaded for many articles at once.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use newsdesk_domain::ArticleStatus;

use crate::any_of::one_or_any_of;
use crate::schema::{article_authors, article_links, article_tags, articles, authors, tags};
use crate::{DbConn, StoreResult};

/// One editor-chosen related link as stored: another article, or an external URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    Article { id: String },
    External { url: String, title: Option<String>, source_name: Option<String> },
}

/// The few columns a card of another article needs.
#[derive(Debug, Clone, Queryable)]
pub struct ArticleCardRow {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
    #[diesel(deserialize_as = crate::stored_status::StoredStatus)]
    pub status: ArticleStatus,
    #[diesel(deserialize_as = crate::stored_time::MaybeStoredTime)]
    pub published_at: Option<NaiveDateTime>,
    pub featured_image_url: Option<String>,
}

/// An author as an article's byline (and its export) shows them. Only these columns are read:
/// parsing every author's timestamps was a sixth of an uncached list page.
#[derive(Debug, Clone, Queryable)]
pub struct BylineAuthor {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub bio: Option<String>,
    pub avatar_url: Option<String>,
}

/// A tag as an article shows it.
#[derive(Debug, Clone, Queryable)]
pub struct TagLabel {
    pub id: String,
    pub slug: String,
    pub name: String,
}

/// A related link as loaded. `Article` carries the card when the target may be shown.
#[derive(Debug, Clone)]
pub enum LoadedLink {
    Article(ArticleCardRow),
    External { url: String, title: Option<String>, source_name: Option<String> },
}

/// Relations of a batch of articles, keyed by article id.
#[derive(Debug, Default)]
pub struct Relations {
    pub authors: HashMap<String, Vec<BylineAuthor>>,
    pub tags: HashMap<String, Vec<TagLabel>>,
    pub links: HashMap<String, Vec<LoadedLink>>,
}

impl Relations {
    /// Drops related links to articles that are not published, as the public view shows them.
    pub fn keep_published_links(&mut self) {
        for links in self.links.values_mut() {
            links.retain(|link| !matches!(link, LoadedLink::Article(card) if !card.is_published()));
        }
    }
}

impl ArticleCardRow {
    /// Whether the public view shows a link to this article.
    pub fn is_published(&self) -> bool {
        self.status == ArticleStatus::Published
    }
}

/// Replaces the byline with `author_ids`, in order.
pub fn set_authors(conn: &mut DbConn, article_id: &str, author_ids: &[String]) -> StoreResult<()> {
    diesel::delete(article_authors::table.filter(article_authors::article_id.eq(article_id))).execute(conn)?;
    add_authors(conn, article_id, author_ids)
}

/// Writes the byline of an article that has none yet (a new one).
pub fn add_authors(conn: &mut DbConn, article_id: &str, author_ids: &[String]) -> StoreResult<()> {
    for (author_id, position) in author_ids.iter().zip(0..) {
        let position: i32 = position;
        diesel::insert_into(article_authors::table)
            .values((
                article_authors::article_id.eq(article_id),
                article_authors::author_id.eq(author_id),
                article_authors::position.eq(position),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Replaces the tags with `tag_ids`, in order.
pub fn set_tags(conn: &mut DbConn, article_id: &str, tag_ids: &[String]) -> StoreResult<()> {
    diesel::delete(article_tags::table.filter(article_tags::article_id.eq(article_id))).execute(conn)?;
    add_tags(conn, article_id, tag_ids)
}

/// Writes the tags of an article that has none yet (a new one).
pub fn add_tags(conn: &mut DbConn, article_id: &str, tag_ids: &[String]) -> StoreResult<()> {
    for (tag_id, position) in tag_ids.iter().zip(0..) {
        let position: i32 = position;
        diesel::insert_into(article_tags::table)
            .values((
                article_tags::article_id.eq(article_id),
                article_tags::tag_id.eq(tag_id),
                article_tags::position.eq(position),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Replaces the related links with `links`, in order.
pub fn set_links(conn: &mut DbConn, article_id: &str, links: &[LinkTarget]) -> StoreResult<()> {
    diesel::delete(article_links::table.filter(article_links::article_id.eq(article_id))).execute(conn)?;
    add_links(conn, article_id, links)
}

/// Writes the related links of an article that has none yet (a new one).
pub fn add_links(conn: &mut DbConn, article_id: &str, links: &[LinkTarget]) -> StoreResult<()> {
    for (link, position) in links.iter().zip(0..) {
        let position: i32 = position;
        let (target, url, title, source_name) = match link {
            LinkTarget::Article { id } => (Some(id.as_str()), None, None, None),
            LinkTarget::External { url, title, source_name } => {
                (None, Some(url.as_str()), title.as_deref(), source_name.as_deref())
            }
        };
        diesel::insert_into(article_links::table)
            .values((
                article_links::article_id.eq(article_id),
                article_links::position.eq(position),
                article_links::target_article_id.eq(target),
                article_links::url.eq(url),
                article_links::title.eq(title),
                article_links::source_name.eq(source_name),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Which relations to load.
#[derive(Debug, Clone, Copy, Default)]
pub struct Include {
    pub authors: bool,
    pub tags: bool,
    pub links: bool,
    /// Keep only published articles among related links (the public view).
    pub published_links_only: bool,
}

/// Loads the chosen relations of `article_ids` in at most three statements, whatever their number.
pub fn load(conn: &mut DbConn, article_ids: &[String], include: Include) -> StoreResult<Relations> {
    let mut relations = Relations::default();
    if article_ids.is_empty() {
        return Ok(relations);
    }
    if include.authors {
        let rows = one_or_any_of!(article_authors::article_id, article_ids, |by_article| {
            article_authors::table
                .inner_join(authors::table)
                .filter(by_article)
                .order((article_authors::article_id, article_authors::position))
                .select((
                    article_authors::article_id,
                    (authors::id, authors::slug, authors::name, authors::bio, authors::avatar_url),
                ))
                .load::<(String, BylineAuthor)>(conn)?
        });
        for (article_id, author) in rows {
            relations.authors.entry(article_id).or_default().push(author);
        }
    }
    if include.tags {
        let rows = one_or_any_of!(article_tags::article_id, article_ids, |by_article| {
            article_tags::table
                .inner_join(tags::table)
                .filter(by_article)
                .order((article_tags::article_id, article_tags::position))
                .select((article_tags::article_id, (tags::id, tags::slug, tags::name)))
                .load::<(String, TagLabel)>(conn)?
        });
        for (article_id, tag) in rows {
            relations.tags.entry(article_id).or_default().push(tag);
        }
    }
    if include.links {
        relations.links = load_links(conn, article_ids)?;
        if include.published_links_only {
            relations.keep_published_links();
        }
    }
    Ok(relations)
}

type LinkColumns = (String, Option<String>, Option<String>, Option<String>, Option<String>, Option<ArticleCardRow>);

/// The links of `article_ids` with the card of each linked article, in one statement.
fn load_links(conn: &mut DbConn, article_ids: &[String]) -> StoreResult<HashMap<String, Vec<LoadedLink>>> {
    let rows = one_or_any_of!(article_links::article_id, article_ids, |by_article| {
        article_links::table
            .left_join(articles::table.on(article_links::target_article_id.eq(articles::id.nullable())))
            .filter(by_article)
            .order((article_links::article_id, article_links::position))
            .select((
                article_links::article_id,
                article_links::target_article_id,
                article_links::url,
                article_links::title,
                article_links::source_name,
                (
                    articles::id,
                    articles::slug,
                    articles::title,
                    articles::summary,
                    articles::status,
                    articles::published_at,
                    articles::featured_image_url,
                )
                    .nullable(),
            ))
            .load::<LinkColumns>(conn)?
    });
    let mut links: HashMap<String, Vec<LoadedLink>> = HashMap::new();
    for (article_id, target, url, title, source_name, card) in rows {
        let loaded = match (target, card, url) {
            (Some(_), Some(card), _) => LoadedLink::Article(card),
            (Some(_), _, _) => continue,
            (None, _, Some(url)) => LoadedLink::External { url, title, source_name },
            (None, _, None) => continue,
        };
        links.entry(article_id).or_default().push(loaded);
    }
    Ok(links)
}

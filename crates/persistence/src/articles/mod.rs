//! Articles: rows, writes, and the filtered list both APIs page through.

use chrono::NaiveDateTime;
use diesel::prelude::*;
pub use newsdesk_domain::article::Lifecycle;
use newsdesk_domain::{ArticleFields, ArticleStatus};

use crate::schema::articles;
use crate::stored_status::StoredStatus;
use crate::stored_time::{MaybeStoredTime, StoredTime};

pub mod assignments;
pub mod corrections;
pub mod embargoes;
mod keyset;
mod listing;
pub mod locks;
mod lookup;
pub mod notes;
mod related;
pub mod relations;
pub mod retractions;
pub mod revisions;
pub mod sitemap;
pub mod slugs;
mod write;

pub(crate) use listing::cards_by_id;
pub use listing::{list, list_keyset, ArticleFilter, ArticleSort, AssigneeFilter, Keyset, SortKey};
pub use lookup::*;
pub use related::related_by_tags;
pub use write::*;

#[derive(Debug, Clone, Queryable)]
pub struct ArticleRow {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
    pub body_markdown: String,
    pub body_html: String,
    pub body_text: String,
    #[diesel(deserialize_as = StoredStatus)]
    pub status: ArticleStatus,
    pub section_id: Option<String>,
    pub source_id: Option<String>,
    pub source_url: Option<String>,
    pub language: String,
    pub featured_image_url: Option<String>,
    pub featured_image_alt: Option<String>,
    pub featured_image_caption: Option<String>,
    pub featured_image_credit: Option<String>,
    pub word_count: i32,
    pub reading_time_minutes: i32,
    pub created_by: Option<String>,
    #[diesel(deserialize_as = MaybeStoredTime)]
    pub published_at: Option<NaiveDateTime>,
    pub version: i64,
    #[diesel(deserialize_as = StoredTime)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = StoredTime)]
    pub updated_at: NaiveDateTime,
    /// Set while the article is in the trash.
    #[diesel(deserialize_as = MaybeStoredTime)]
    pub trashed_at: Option<NaiveDateTime>,
    /// Before this time the article may not be published (see `newsdesk_domain::embargo`).
    #[diesel(deserialize_as = MaybeStoredTime)]
    pub embargo_until: Option<NaiveDateTime>,
    /// Search and social overrides (see `newsdesk_domain::SeoFields`).
    pub meta_title: Option<String>,
    pub meta_description: Option<String>,
    pub social_image_url: Option<String>,
    pub canonical_url: Option<String>,
}

/// A new article with every column given (nullable ones as explicit NULLs), so the import can
/// insert many in one statement on SQLite too.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = articles, treat_none_as_default_value = false)]
pub struct NewArticle {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
    pub body_markdown: String,
    pub body_html: String,
    pub body_text: String,
    pub status: String,
    pub section_id: Option<String>,
    pub source_id: Option<String>,
    pub source_url: Option<String>,
    pub language: String,
    pub featured_image_url: Option<String>,
    pub featured_image_alt: Option<String>,
    pub featured_image_caption: Option<String>,
    pub featured_image_credit: Option<String>,
    pub word_count: i32,
    pub reading_time_minutes: i32,
    pub created_by: Option<String>,
    pub published_at: Option<NaiveDateTime>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub embargo_until: Option<NaiveDateTime>,
    pub meta_title: Option<String>,
    pub meta_description: Option<String>,
    pub social_image_url: Option<String>,
    pub canonical_url: Option<String>,
}

/// A partial update; `None` leaves a column alone, `Some(None)` clears a nullable one.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = articles)]
pub struct ArticleChanges {
    pub slug: Option<String>,
    pub title: Option<String>,
    pub summary: Option<Option<String>>,
    pub body_markdown: Option<String>,
    pub body_html: Option<String>,
    pub body_text: Option<String>,
    pub status: Option<String>,
    pub section_id: Option<Option<String>>,
    pub source_id: Option<Option<String>>,
    pub source_url: Option<Option<String>>,
    pub language: Option<String>,
    pub featured_image_url: Option<Option<String>>,
    pub featured_image_alt: Option<Option<String>>,
    pub featured_image_caption: Option<Option<String>>,
    pub featured_image_credit: Option<Option<String>>,
    pub word_count: Option<i32>,
    pub reading_time_minutes: Option<i32>,
    pub published_at: Option<Option<NaiveDateTime>>,
    pub trashed_at: Option<Option<NaiveDateTime>>,
    pub embargo_until: Option<Option<NaiveDateTime>>,
    pub meta_title: Option<Option<String>>,
    pub meta_description: Option<Option<String>>,
    pub social_image_url: Option<Option<String>>,
    pub canonical_url: Option<Option<String>>,
}

impl ArticleChanges {
    /// Sets every override to `seo` (a revision restored).
    pub fn set_seo(&mut self, seo: newsdesk_domain::SeoFields) {
        self.meta_title = Some(seo.meta_title);
        self.meta_description = Some(seo.meta_description);
        self.social_image_url = Some(seo.social_image_url);
        self.canonical_url = Some(seo.canonical_url);
    }
}

impl NewArticle {
    /// A new article of checked `fields`; `id` may be empty for a caller that numbers later.
    pub fn of(
        id: String,
        fields: ArticleFields,
        status: ArticleStatus,
        published_at: Option<NaiveDateTime>,
        created_by: Option<String>,
        (created_at, updated_at): (NaiveDateTime, NaiveDateTime),
    ) -> Self {
        let [featured_image_url, featured_image_alt, featured_image_caption, featured_image_credit] = fields.image;
        let newsdesk_domain::SeoFields { meta_title, meta_description, social_image_url, canonical_url } = fields.seo;
        Self {
            id,
            slug: fields.slug,
            title: fields.title,
            summary: fields.summary,
            body_markdown: fields.markdown,
            body_html: fields.body.html,
            body_text: fields.body.text,
            status: status.as_str().to_owned(),
            section_id: None,
            source_id: None,
            source_url: fields.source_url,
            language: fields.language,
            featured_image_url,
            featured_image_alt,
            featured_image_caption,
            featured_image_credit,
            word_count: fields.body.word_count,
            reading_time_minutes: fields.body.reading_time_minutes,
            created_by,
            published_at,
            version: 1,
            created_at,
            updated_at,
            embargo_until: None,
            meta_title,
            meta_description,
            social_image_url,
            canonical_url,
        }
    }
}

impl ArticleRow {
    /// The search and social overrides the row holds.
    pub fn seo(&self) -> newsdesk_domain::SeoFields {
        newsdesk_domain::SeoFields {
            meta_title: self.meta_title.clone(),
            meta_description: self.meta_description.clone(),
            social_image_url: self.social_image_url.clone(),
            canonical_url: self.canonical_url.clone(),
        }
    }

    /// Where the article stands in its life.
    pub fn lifecycle(&self) -> Lifecycle {
        Lifecycle { status: self.status, published_at: self.published_at, trashed_at: self.trashed_at }
    }
}

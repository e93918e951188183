//! Authors as the API shows them: `/v1/authors` and `/v1/admin/authors`.

use chrono::{DateTime, Utc};
pub use newsdesk_newsroom::terms::authors::{AuthorCreate, AuthorPatch, Authors};
use newsdesk_persistence::authors::AuthorRow;
use serde::Serialize;
use utoipa::ToSchema;

use super::TermView;
use crate::time::utc;

/// A person in bylines.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorOut {
    pub id: String,
    #[schema(example = "mira-okafor")]
    pub slug: String,
    #[schema(example = "Mira Okafor")]
    pub name: String,
    /// Admin API only: the public never sees it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    pub email: Option<String>,
    pub bio: Option<String>,
    pub avatar_url: Option<String>,
    pub website: Option<String>,
    /// Public API only: how many published articles carry this byline.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = i64)]
    pub article_count: Option<i64>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TermView for Authors {
    const PLURAL: &'static str = "authors";
    type Out = AuthorOut;

    fn view(row: AuthorRow, article_count: Option<i64>) -> AuthorOut {
        AuthorOut {
            id: row.id,
            slug: row.slug,
            name: row.name,
            // Only the admin view, which has no count, shows it.
            email: row.email.filter(|_| article_count.is_none()),
            bio: row.bio,
            avatar_url: row.avatar_url,
            website: row.website,
            article_count,
            version: row.version,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
        }
    }
}

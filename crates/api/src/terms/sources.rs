//! Sources as the API shows them: `/v1/sources` and `/v1/admin/sources`.

use chrono::{DateTime, Utc};
pub use newsdesk_newsroom::terms::sources::{SourceCreate, SourcePatch, Sources};
use newsdesk_persistence::sources::SourceRow;
use serde::Serialize;
use utoipa::ToSchema;

use super::TermView;
use crate::time::utc;

/// A wire service or outlet an article comes from.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceOut {
    pub id: String,
    #[schema(example = "meridian-press")]
    pub slug: String,
    #[schema(example = "Meridian Press Agency")]
    pub name: String,
    #[schema(example = "MPA")]
    pub short_name: Option<String>,
    pub homepage_url: Option<String>,
    /// Public API only: how many published articles come from this source.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = i64)]
    pub article_count: Option<i64>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TermView for Sources {
    const PLURAL: &'static str = "sources";
    type Out = SourceOut;

    fn view(row: SourceRow, article_count: Option<i64>) -> SourceOut {
        SourceOut {
            id: row.id,
            slug: row.slug,
            name: row.name,
            short_name: row.short_name,
            homepage_url: row.homepage_url,
            article_count,
            version: row.version,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
        }
    }
}

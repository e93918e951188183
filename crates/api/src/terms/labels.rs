//! Sections and tags as the API shows them: `/v1/sections`, `/v1/tags` and their admin routes.
//! Both are labels, with one shape.

use chrono::{DateTime, Utc};
pub use newsdesk_newsroom::terms::labels::{LabelCreate, LabelPatch, Sections, Tags};
// Sections and tags share one row type.
use newsdesk_persistence::sections::SectionRow;
use newsdesk_persistence::tags::TagRow;
use serde::Serialize;
use utoipa::ToSchema;

use super::TermView;
use crate::time::utc;

/// A section (View, News, Analysis, …) or a tag (topic).
#[derive(Debug, Serialize, ToSchema)]
pub struct LabelOut {
    pub id: String,
    #[schema(example = "analysis")]
    pub slug: String,
    #[schema(example = "Analysis")]
    pub name: String,
    pub description: Option<String>,
    /// Public API only: how many published articles carry it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = i64)]
    pub article_count: Option<i64>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn label(row: SectionRow, article_count: Option<i64>) -> LabelOut {
    LabelOut {
        id: row.id,
        slug: row.slug,
        name: row.name,
        description: row.description,
        article_count,
        version: row.version,
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
    }
}

impl TermView for Sections {
    const PLURAL: &'static str = "sections";
    type Out = LabelOut;

    fn view(row: SectionRow, published: Option<i64>) -> LabelOut {
        label(row, published)
    }
}

impl TermView for Tags {
    const PLURAL: &'static str = "tags";
    type Out = LabelOut;

    fn view(row: TagRow, published: Option<i64>) -> LabelOut {
        label(row, published)
    }
}

//! Sections and tags are both labels: a slug, a name and a description. They share their
//! request and response shapes and differ only in the table behind them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_with::rust::double_option;
use utoipa::ToSchema;

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

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Analysis", "description": "Context and explanation."}))]
pub struct LabelCreate {
    /// Derived from the name when left out.
    #[schema(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 120)]
    pub slug: Option<String>,
    #[schema(
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$",
        max_length = 200
    )]
    pub name: String,
    #[schema(pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$", max_length = 2000)]
    pub description: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"description": "Deep dives and explainers."}))]
pub struct LabelPatch {
    #[schema(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 120)]
    pub slug: Option<String>,
    #[schema(
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$",
        max_length = 200
    )]
    pub name: Option<String>,
    #[serde(default, with = "double_option")]
    #[schema(pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$", max_length = 2000, value_type = Option<String>)]
    pub description: Option<Option<String>>,
}

/// Implements [`super::Term`] for a label resource over its persistence module.
macro_rules! label_term {
    ($Name:ident, $singular:literal, $plural:literal, $kind:ident, $store:ident, $Row:ident, $New:ident, $Changes:ident) => {
        use newsdesk_domain::{FieldError, Violations};
        use newsdesk_persistence::$store::{$Changes, $New, $Row};
        use newsdesk_persistence::{new_id, now, $store as store, DbConn, Page, PageRequest, StoreResult};

        use super::labels::{LabelCreate, LabelOut, LabelPatch};
        use super::{delegate_store, name, optional_text, require_any, slug_or_from, Term};
        use crate::time::utc;

        pub struct $Name;

        fn view(row: $Row, article_count: Option<i64>) -> LabelOut {
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

        impl Term for $Name {
            const NAME: &'static str = $singular;
            const PLURAL: &'static str = $plural;
            const KIND: newsdesk_newsroom::change::TermKind = newsdesk_newsroom::change::TermKind::$kind;
            type Row = $Row;
            type New = $New;
            type Changes = $Changes;
            type Create = LabelCreate;
            type Patch = LabelPatch;
            type Out = LabelOut;

            delegate_store!(store);

            fn validate_create(input: LabelCreate) -> Result<$New, Vec<FieldError>> {
                let mut v = Violations::new();
                let slug = slug_or_from(&mut v, input.slug.as_deref(), &input.name);
                let name = name(&mut v, &input.name);
                let description = optional_text(&mut v, "description", Some(input.description), 2_000).flatten();
                v.into_result()?;
                let at = now();
                Ok($New {
                    id: new_id(),
                    slug: slug.unwrap_or_default(),
                    name: name.unwrap_or_default(),
                    description,
                    created_at: at,
                    updated_at: at,
                })
            }

            fn validate_patch(input: LabelPatch) -> Result<$Changes, Vec<FieldError>> {
                let mut v = Violations::new();
                let changes = $Changes {
                    slug: input.slug.as_deref().and_then(|s| slug_or_from(&mut v, Some(s), "")),
                    name: input.name.as_deref().and_then(|n| name(&mut v, n)),
                    description: optional_text(&mut v, "description", input.description, 2_000),
                };
                v.into_result()?;
                let present = changes.slug.is_some() || changes.name.is_some() || changes.description.is_some();
                require_any(present, changes)
            }

            fn admin_view(row: $Row) -> LabelOut {
                view(row, None)
            }

            fn public_view(row: $Row, published: i64) -> LabelOut {
                view(row, Some(published))
            }
        }
    };
}
pub(crate) use label_term;

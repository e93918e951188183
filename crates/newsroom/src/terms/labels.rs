//! Sections and tags are both labels: a slug, a name and a description. They share their input
//! shapes and rules and differ only in the table behind them.

use newsdesk_domain::field_schema;
use serde::Deserialize;
use serde_with::rust::double_option;
use utoipa::ToSchema;

/// The longest description of a section or tag.
const MAX_DESCRIPTION: usize = 2_000;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Analysis", "description": "Context and explanation."}))]
pub struct LabelCreate {
    #[schema(schema_with = super::slug_from_name)]
    pub slug: Option<String>,
    #[schema(schema_with = field_schema::name)]
    pub name: String,
    #[schema(schema_with = field_schema::text::<MAX_DESCRIPTION>)]
    pub description: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(min_properties = 1, example = json!({"description": "Deep dives and explainers."}))]
pub struct LabelPatch {
    #[schema(schema_with = field_schema::slug)]
    pub slug: Option<String>,
    #[schema(schema_with = field_schema::optional_name)]
    pub name: Option<String>,
    #[serde(default, with = "double_option")]
    #[schema(schema_with = field_schema::text::<MAX_DESCRIPTION>)]
    pub description: Option<Option<String>>,
}

/// Implements [`Term`] for a label resource over its persistence module. Sections and tags have
/// separate row types with the same fields, which a function cannot build.
macro_rules! label_term {
    ($Name:ident, $singular:literal, $kind:ident, $store:ident, $Row:ident, $Changes:ident) => {
        use newsdesk_domain::{FieldError, Violations};
        use newsdesk_persistence::$store::{$Changes, $Row};
        use newsdesk_persistence::{new_id, now, $store as store, DbConn, Page, PageRequest, StoreResult};

        use super::super::labels::{LabelCreate, LabelPatch, MAX_DESCRIPTION};
        use super::super::{delegate_store, name, optional_text, require_any, slug_or_from, Term};

        pub struct $Name;

        impl Term for $Name {
            const NAME: &'static str = $singular;
            const KIND: crate::change::TermKind = crate::change::TermKind::$kind;
            type Row = $Row;
            type Changes = $Changes;
            type Create = LabelCreate;
            type Patch = LabelPatch;

            delegate_store!(store);

            fn validate_create(input: LabelCreate) -> Result<$Row, Vec<FieldError>> {
                let mut v = Violations::new();
                let slug = slug_or_from(&mut v, input.slug.as_deref(), &input.name);
                let name = name(&mut v, &input.name);
                let description =
                    optional_text(&mut v, "description", Some(input.description), MAX_DESCRIPTION).flatten();
                v.into_result()?;
                let at = now();
                Ok($Row {
                    id: new_id(),
                    slug: slug.unwrap_or_default(),
                    name: name.unwrap_or_default(),
                    description,
                    version: 1,
                    created_at: at,
                    updated_at: at,
                })
            }

            fn validate_patch(input: LabelPatch) -> Result<$Changes, Vec<FieldError>> {
                let mut v = Violations::new();
                let changes = $Changes {
                    slug: input.slug.as_deref().and_then(|s| slug_or_from(&mut v, Some(s), "")),
                    name: input.name.as_deref().and_then(|n| name(&mut v, n)),
                    description: optional_text(&mut v, "description", input.description, MAX_DESCRIPTION),
                };
                v.into_result()?;
                require_any(changes)
            }
        }
    };
}

mod section {
    label_term!(Sections, "section", Section, sections, SectionRow, SectionChanges);
}

mod tag {
    label_term!(Tags, "tag", Tag, tags, TagRow, TagChanges);
}

pub use section::Sections;
pub use tag::Tags;

//! Sources: the wire services and outlets articles come from.

use newsdesk_domain::{field_schema, FieldError, Violations};
use newsdesk_persistence::sources::{SourceChanges, SourceRow};
use newsdesk_persistence::{new_id, now, sources as store, DbConn, Page, PageRequest, StoreResult};
use serde::Deserialize;
use serde_with::rust::double_option;
use utoipa::ToSchema;

use super::{delegate_store, name, optional_text, optional_url, require_any, slug_from_name, slug_or_from, Term};
use crate::change::TermKind;

/// The longest short name (an agency's initials).
const MAX_SHORT_NAME: usize = 50;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Meridian Press Agency", "short_name": "MPA", "homepage_url": "https://example.org/mpa"}))]
pub struct SourceCreate {
    #[schema(schema_with = slug_from_name)]
    pub slug: Option<String>,
    #[schema(schema_with = field_schema::name)]
    pub name: String,
    #[schema(schema_with = field_schema::text::<MAX_SHORT_NAME>)]
    pub short_name: Option<String>,
    #[schema(schema_with = field_schema::url)]
    pub homepage_url: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(min_properties = 1, example = json!({"short_name": "MPA"}))]
pub struct SourcePatch {
    #[schema(schema_with = field_schema::slug)]
    pub slug: Option<String>,
    #[schema(schema_with = field_schema::optional_name)]
    pub name: Option<String>,
    #[serde(default, with = "double_option")]
    #[schema(schema_with = field_schema::text::<MAX_SHORT_NAME>)]
    pub short_name: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(schema_with = field_schema::url)]
    pub homepage_url: Option<Option<String>>,
}

pub struct Sources;

impl Term for Sources {
    const NAME: &'static str = "source";
    const KIND: TermKind = TermKind::Source;
    type Row = SourceRow;
    type Changes = SourceChanges;
    type Create = SourceCreate;
    type Patch = SourcePatch;

    delegate_store!(store);

    fn validate_create(input: SourceCreate) -> Result<SourceRow, Vec<FieldError>> {
        let mut v = Violations::new();
        let slug = slug_or_from(&mut v, input.slug.as_deref(), &input.name);
        let name = name(&mut v, &input.name);
        let short_name = optional_text(&mut v, "short_name", Some(input.short_name), MAX_SHORT_NAME).flatten();
        let homepage_url = optional_url(&mut v, "homepage_url", Some(input.homepage_url)).flatten();
        v.into_result()?;
        let at = now();
        Ok(SourceRow {
            id: new_id(),
            slug: slug.unwrap_or_default(),
            name: name.unwrap_or_default(),
            short_name,
            homepage_url,
            version: 1,
            created_at: at,
            updated_at: at,
        })
    }

    fn validate_patch(input: SourcePatch) -> Result<SourceChanges, Vec<FieldError>> {
        let mut v = Violations::new();
        let changes = SourceChanges {
            slug: input.slug.as_deref().and_then(|s| slug_or_from(&mut v, Some(s), "")),
            name: input.name.as_deref().and_then(|n| name(&mut v, n)),
            short_name: optional_text(&mut v, "short_name", input.short_name, MAX_SHORT_NAME),
            homepage_url: optional_url(&mut v, "homepage_url", input.homepage_url),
        };
        v.into_result()?;
        require_any(changes)
    }
}

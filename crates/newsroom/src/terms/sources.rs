//! Sources: the wire services and outlets articles come from.

use newsdesk_domain::{FieldError, Violations};
use newsdesk_persistence::sources::{SourceChanges, SourceRow};
use newsdesk_persistence::{new_id, now, sources as store, DbConn, Page, PageRequest, StoreResult};
use serde::Deserialize;
use serde_with::rust::double_option;
use utoipa::ToSchema;

use super::{delegate_store, name, optional_text, optional_url, require_any, slug_or_from, Term};
use crate::change::TermKind;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Meridian Press Agency", "short_name": "MPA", "homepage_url": "https://example.org/mpa"}))]
pub struct SourceCreate {
    /// Derived from the name when left out.
    #[schema(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 120)]
    pub slug: Option<String>,
    #[schema(
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$",
        max_length = 200
    )]
    pub name: String,
    #[schema(pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$", max_length = 50)]
    pub short_name: Option<String>,
    #[schema(
        pattern = r"^https?://[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?(/[^\s]*)?$",
        max_length = 2048
    )]
    pub homepage_url: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"short_name": "MPA"}))]
pub struct SourcePatch {
    #[schema(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 120)]
    pub slug: Option<String>,
    #[schema(
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$",
        max_length = 200
    )]
    pub name: Option<String>,
    #[serde(default, with = "double_option")]
    #[schema(pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$", max_length = 50, value_type = Option<String>)]
    pub short_name: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(pattern = r"^https?://[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?(/[^\s]*)?$", max_length = 2048, value_type = Option<String>)]
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
        let short_name = optional_text(&mut v, "short_name", Some(input.short_name), 50).flatten();
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
            short_name: optional_text(&mut v, "short_name", input.short_name, 50),
            homepage_url: optional_url(&mut v, "homepage_url", input.homepage_url),
        };
        v.into_result()?;
        let present = changes.slug.is_some()
            || changes.name.is_some()
            || changes.short_name.is_some()
            || changes.homepage_url.is_some();
        require_any(present, changes)
    }
}

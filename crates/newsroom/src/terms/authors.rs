//! Authors: the people in bylines.

use newsdesk_domain::{field_schema, user as user_rules, FieldError, Violations};
use newsdesk_persistence::authors::{AuthorChanges, AuthorRow};
use newsdesk_persistence::{authors as store, new_id, now, DbConn, Page, PageRequest, StoreResult};
use serde::Deserialize;
use serde_with::rust::double_option;
use utoipa::ToSchema;

use super::{delegate_store, name, optional_text, optional_url, require_any, slug_from_name, slug_or_from, Term};
use crate::change::TermKind;

/// The longest biography.
const MAX_BIO: usize = 5_000;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Mira Okafor", "bio": "Covers water and climate policy.", "email": "mira@example.org"}))]
pub struct AuthorCreate {
    #[schema(schema_with = slug_from_name)]
    pub slug: Option<String>,
    #[schema(schema_with = field_schema::name)]
    pub name: String,
    #[schema(format = "email", max_length = 254)]
    pub email: Option<String>,
    #[schema(schema_with = field_schema::text::<MAX_BIO>)]
    pub bio: Option<String>,
    #[schema(schema_with = field_schema::url)]
    pub avatar_url: Option<String>,
    #[schema(schema_with = field_schema::url)]
    pub website: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(min_properties = 1, example = json!({"bio": "Senior correspondent for water and climate policy."}))]
pub struct AuthorPatch {
    #[schema(schema_with = field_schema::slug)]
    pub slug: Option<String>,
    #[schema(schema_with = field_schema::optional_name)]
    pub name: Option<String>,
    #[serde(default, with = "double_option")]
    #[schema(format = "email", max_length = 254, value_type = Option<String>)]
    pub email: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(schema_with = field_schema::text::<MAX_BIO>)]
    pub bio: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(schema_with = field_schema::url)]
    pub avatar_url: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(schema_with = field_schema::url)]
    pub website: Option<Option<String>>,
}

pub struct Authors;

impl Term for Authors {
    const NAME: &'static str = "author";
    const KIND: TermKind = TermKind::Author;
    type Row = AuthorRow;
    type Changes = AuthorChanges;
    type Create = AuthorCreate;
    type Patch = AuthorPatch;

    delegate_store!(store);

    fn validate_create(input: AuthorCreate) -> Result<AuthorRow, Vec<FieldError>> {
        let mut v = Violations::new();
        let slug = slug_or_from(&mut v, input.slug.as_deref(), &input.name);
        let name = name(&mut v, &input.name);
        let email = input.email.as_deref().and_then(|e| v.check("email", user_rules::email(e)));
        let bio = optional_text(&mut v, "bio", Some(input.bio), MAX_BIO).flatten();
        let avatar_url = optional_url(&mut v, "avatar_url", Some(input.avatar_url)).flatten();
        let website = optional_url(&mut v, "website", Some(input.website)).flatten();
        v.into_result()?;
        let at = now();
        Ok(AuthorRow {
            id: new_id(),
            slug: slug.unwrap_or_default(),
            name: name.unwrap_or_default(),
            email,
            bio,
            avatar_url,
            website,
            version: 1,
            created_at: at,
            updated_at: at,
        })
    }

    fn validate_patch(input: AuthorPatch) -> Result<AuthorChanges, Vec<FieldError>> {
        let mut v = Violations::new();
        let changes = AuthorChanges {
            slug: input.slug.as_deref().and_then(|s| slug_or_from(&mut v, Some(s), "")),
            name: input.name.as_deref().and_then(|n| name(&mut v, n)),
            email: match input.email {
                None => None,
                Some(None) => Some(None),
                Some(Some(e)) => v.check("email", user_rules::email(&e)).map(Some),
            },
            bio: optional_text(&mut v, "bio", input.bio, MAX_BIO),
            avatar_url: optional_url(&mut v, "avatar_url", input.avatar_url),
            website: optional_url(&mut v, "website", input.website),
        };
        v.into_result()?;
        require_any(changes)
    }
}

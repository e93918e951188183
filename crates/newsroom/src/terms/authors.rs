//! Authors: the people in bylines.

use newsdesk_domain::{user as user_rules, FieldError, Violations};
use newsdesk_persistence::authors::{AuthorChanges, AuthorRow};
use newsdesk_persistence::{authors as store, new_id, now, DbConn, Page, PageRequest, StoreResult};
use serde::Deserialize;
use serde_with::rust::double_option;
use utoipa::ToSchema;

use super::{delegate_store, name, optional_text, optional_url, require_any, slug_or_from, Term};
use crate::change::TermKind;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Mira Okafor", "bio": "Covers water and climate policy.", "email": "mira@example.org"}))]
pub struct AuthorCreate {
    /// Derived from the name when left out.
    #[schema(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 120)]
    pub slug: Option<String>,
    #[schema(
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$",
        max_length = 200
    )]
    pub name: String,
    #[schema(format = "email", max_length = 254)]
    pub email: Option<String>,
    #[schema(pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$", max_length = 5000)]
    pub bio: Option<String>,
    #[schema(
        pattern = r"^https?://[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?(/[^\s]*)?$",
        max_length = 2048
    )]
    pub avatar_url: Option<String>,
    #[schema(
        pattern = r"^https?://[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?(/[^\s]*)?$",
        max_length = 2048
    )]
    pub website: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"bio": "Senior correspondent for water and climate policy."}))]
pub struct AuthorPatch {
    #[schema(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 120)]
    pub slug: Option<String>,
    #[schema(
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$",
        max_length = 200
    )]
    pub name: Option<String>,
    #[serde(default, with = "double_option")]
    #[schema(format = "email", max_length = 254, value_type = Option<String>)]
    pub email: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$", max_length = 5000, value_type = Option<String>)]
    pub bio: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(pattern = r"^https?://[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?(/[^\s]*)?$", max_length = 2048, value_type = Option<String>)]
    pub avatar_url: Option<Option<String>>,
    #[serde(default, with = "double_option")]
    #[schema(pattern = r"^https?://[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?(/[^\s]*)?$", max_length = 2048, value_type = Option<String>)]
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
        let bio = optional_text(&mut v, "bio", Some(input.bio), 5_000).flatten();
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
            bio: optional_text(&mut v, "bio", input.bio, 5_000),
            avatar_url: optional_url(&mut v, "avatar_url", input.avatar_url),
            website: optional_url(&mut v, "website", input.website),
        };
        v.into_result()?;
        let present = changes.slug.is_some()
            || changes.name.is_some()
            || changes.email.is_some()
            || changes.bio.is_some()
            || changes.avatar_url.is_some()
            || changes.website.is_some();
        require_any(present, changes)
    }
}

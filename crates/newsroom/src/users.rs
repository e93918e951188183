//! Accounts: who may log in, with which role, writing as which author.

use newsdesk_domain::{user as rules, Role, Violations};
use newsdesk_persistence::{authors, new_id, now, tokens, users, DbConn};
use serde::Deserialize;
use serde_with::rust::double_option;
use utoipa::ToSchema;

use crate::actor::{Actor, Caller};
use crate::change::Change;
use crate::error::{NewsroomError, NewsroomResult};
use crate::password;
use crate::precondition::Precondition;
use crate::tx::{Recorded, Tx};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "reporter@example.org", "name": "Ana Reporter", "role": "author", "password": "a long enough passphrase"}))]
pub struct UserCreate {
    #[schema(format = "email", max_length = 254)]
    pub email: String,
    #[schema(
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$",
        max_length = 200
    )]
    pub name: String,
    pub role: Role,
    /// At least 12 characters.
    #[schema(max_length = 256, min_length = 12)]
    pub password: String,
    /// Link to an author profile by its slug.
    #[schema(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 120)]
    pub author: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"role": "editor", "disabled": false}))]
pub struct UserPatch {
    #[schema(
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$",
        max_length = 200
    )]
    pub name: Option<String>,
    pub role: Option<Role>,
    #[schema(max_length = 256, min_length = 12)]
    pub password: Option<String>,
    pub disabled: Option<bool>,
    /// An author profile slug, or null to unlink.
    #[serde(default, with = "double_option")]
    #[schema(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 120, value_type = Option<String>)]
    pub author: Option<Option<String>>,
}

/// Creates a user (by an admin, the command line or the first start).
pub fn create(tx: &mut Tx, actor: &Actor, input: &UserCreate) -> NewsroomResult<Recorded<users::UserRow>> {
    let row = insert(tx.conn(), input)?;
    let change = Change::UserCreated { id: row.id.clone(), email: row.email.clone(), role: row.role.clone() };
    Ok(tx.record(actor, change, row)?)
}

/// Changes a user. A new password, role or disabled state ends every access token issued
/// before; disabling them or a new password also revokes their refresh tokens, so they must
/// log in again. An admin cannot demote or disable their own account (someone must stay in
/// charge).
pub fn update(
    tx: &mut Tx,
    caller: &Caller,
    id: &str,
    precondition: Precondition,
    patch: &UserPatch,
) -> NewsroomResult<Recorded<users::UserRow>> {
    let conn = tx.conn();
    let current = users::find(conn, id).map_err(NewsroomError::not_found_as("user"))?;
    // 404, then 428 and 412, then the rules: as every other guarded write answers.
    let expected = precondition.required(None)?.expect(current.version)?;
    if id == caller.id && (patch.disabled == Some(true) || patch.role.is_some_and(|r| r != Role::Admin)) {
        return Err(NewsroomError::InvalidState("you cannot demote or disable your own account".into()));
    }
    let mut v = Violations::new();
    let mut changes = users::UserChanges::default();
    if let Some(name) = &patch.name {
        changes.name = v.check("name", newsdesk_domain::validation::required_text(name, 200));
    }
    changes.role = patch.role.map(|r| r.as_str().to_owned());
    if let Some(new_password) = &patch.password {
        if v.check("password", rules::new_password(new_password)).is_some() {
            changes.password_hash = Some(password::hash(new_password)?);
        }
    }
    if let Some(author) = &patch.author {
        changes.author_id = Some(resolve_author(conn, &mut v, author.as_deref())?);
    }
    changes.disabled = patch.disabled;
    v.into_result()?;
    let row = users::update(conn, id, expected, &changes)?;
    let new_password = changes.password_hash.is_some();
    if new_password || row.role != current.role || row.disabled != current.disabled {
        users::end_access_tokens(conn, id)?;
    }
    if patch.disabled == Some(true) || new_password {
        tokens::revoke_all_for_user(conn, id, now())?;
    }
    let detail = serde_json::json!({"role": changes.role, "disabled": changes.disabled, "password_changed": changes.password_hash.is_some()});
    Ok(tx.record(&caller.actor(), Change::UserUpdated { id: row.id.clone(), detail }, row)?)
}

/// Checks `input` and inserts the user.
fn insert(conn: &mut DbConn, input: &UserCreate) -> NewsroomResult<users::UserRow> {
    let mut v = Violations::new();
    let email = v.check("email", rules::email(&input.email));
    let name = v.check("name", newsdesk_domain::validation::required_text(&input.name, 200));
    let role = Some(input.role);
    v.check("password", rules::new_password(&input.password));
    let author_id = resolve_author(conn, &mut v, input.author.as_deref())?;
    v.into_result()?;
    let (Some(email), Some(name), Some(role)) = (email, name, role) else {
        return Err(NewsroomError::Internal("validated fields missing".into()));
    };
    let at = now();
    Ok(users::insert(
        conn,
        &users::UserRow {
            id: new_id(),
            email,
            name,
            role: role.as_str().into(),
            password_hash: password::hash(&input.password)?,
            author_id,
            disabled: false,
            version: 1,
            created_at: at,
            updated_at: at,
            token_generation: 0,
        },
    )?)
}

fn resolve_author(conn: &mut DbConn, v: &mut Violations, slug: Option<&str>) -> NewsroomResult<Option<String>> {
    let Some(slug) = slug else { return Ok(None) };
    match authors::find_by_slug(conn, slug) {
        Ok(author) => Ok(Some(author.id)),
        Err(newsdesk_persistence::StoreError::NotFound) => {
            v.add("author", format!("no author with slug `{slug}`"));
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

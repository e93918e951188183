//! Webhook endpoints: where events go, which ones, and the rules their settings obey.

use newsdesk_domain::webhook as rules;
use newsdesk_domain::Violations;
use newsdesk_persistence::webhooks::endpoints::{self as store, WebhookChanges, WebhookRow};
use newsdesk_persistence::{new_id, now};
use serde::{Deserialize, Serialize};
use serde_with::rust::double_option;
use utoipa::ToSchema;

use crate::actor::Caller;
use crate::change::Change;
use crate::error::{NewsroomError, NewsroomResult};
use crate::precondition::Precondition;
use crate::tx::{Recorded, Tx};

/// An event name an endpoint can subscribe to.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = WebhookEvent)]
pub enum EventName {
    #[serde(rename = "article.published")]
    ArticlePublished,
    #[serde(rename = "article.updated")]
    ArticleUpdated,
    #[serde(rename = "article.unpublished")]
    ArticleUnpublished,
    #[serde(rename = "article.trashed")]
    ArticleTrashed,
    #[serde(rename = "article.scheduled")]
    ArticleScheduled,
    #[serde(rename = "article.submitted")]
    ArticleSubmitted,
    #[serde(rename = "article.approved")]
    ArticleApproved,
    #[serde(rename = "article.returned")]
    ArticleReturned,
    #[serde(rename = "article.corrected")]
    ArticleCorrected,
    #[serde(rename = "article.retracted")]
    ArticleRetracted,
    #[serde(rename = "article.lock_taken_over")]
    ArticleLockTakenOver,
    #[serde(rename = "article.assigned")]
    ArticleAssigned,
    #[serde(rename = "article.note_added")]
    ArticleNoteAdded,
    #[serde(rename = "author.created")]
    AuthorCreated,
    #[serde(rename = "author.updated")]
    AuthorUpdated,
    #[serde(rename = "author.deleted")]
    AuthorDeleted,
    #[serde(rename = "source.created")]
    SourceCreated,
    #[serde(rename = "source.updated")]
    SourceUpdated,
    #[serde(rename = "source.deleted")]
    SourceDeleted,
    #[serde(rename = "tag.created")]
    TagCreated,
    #[serde(rename = "tag.updated")]
    TagUpdated,
    #[serde(rename = "tag.deleted")]
    TagDeleted,
    #[serde(rename = "section.created")]
    SectionCreated,
    #[serde(rename = "section.updated")]
    SectionUpdated,
    #[serde(rename = "section.deleted")]
    SectionDeleted,
    #[serde(rename = "site.changed")]
    SiteChanged,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://hooks.example.org/newsdesk", "events": ["article.published", "site.changed"]}))]
pub struct WebhookCreate {
    /// Where events are POSTed: an absolute http(s) URL.
    #[schema(max_length = 2048, format = "uri")]
    pub url: String,
    #[schema(max_length = 500)]
    pub description: Option<String>,
    #[schema(value_type = Vec<EventName>, min_items = 1)]
    pub events: Vec<String>,
    /// The signing secret (16 to 200 characters); generated when left out.
    #[schema(min_length = 16, max_length = 200)]
    pub secret: Option<String>,
    #[serde(default = "active_by_default")]
    #[schema(default = true)]
    pub active: bool,
}

fn active_by_default() -> bool {
    true
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(min_properties = 1, example = json!({"events": ["article.published"], "active": false}))]
pub struct WebhookPatch {
    #[schema(max_length = 2048, format = "uri")]
    pub url: Option<String>,
    /// A description, or null to clear it.
    #[serde(default, with = "double_option")]
    #[schema(max_length = 500, value_type = Option<String>)]
    pub description: Option<Option<String>>,
    #[schema(value_type = Option<Vec<EventName>>, min_items = 1)]
    pub events: Option<Vec<String>>,
    pub active: Option<bool>,
    /// Replace the secret with a new generated one, returned in this answer only.
    pub rotate_secret: Option<bool>,
}

/// Checks a URL: http(s), and not a private address unless those are allowed.
fn check_url(v: &mut Violations, url: &str, allow_private: bool) -> Option<String> {
    let url = v.check("url", newsdesk_domain::validation::http_url(url))?;
    match super::client::refuse_literal(&url, allow_private) {
        Some(reason) => {
            v.add("url", reason);
            None
        }
        None => Some(url),
    }
}

fn check_events(v: &mut Violations, events: &[String]) -> Option<String> {
    match rules::parse_events(events) {
        Ok(events) => serde_json::to_string(&events).ok(),
        Err(errors) => {
            for (field, message) in errors {
                v.add(field, message);
            }
            None
        }
    }
}

fn check_description(v: &mut Violations, description: Option<&str>) -> Option<Option<String>> {
    match description {
        None => Some(None),
        Some(text) => v.check("description", newsdesk_domain::validation::bounded_text(text, 500)).map(Some),
    }
}

fn new_secret() -> String {
    format!("whsec_{}", random_text())
}

/// 32 random bytes as URL-safe text.
fn random_text() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Checks a new endpoint before any write; `allow_private` lets it reach private addresses.
pub fn check_new(input: &WebhookCreate, allow_private: bool) -> NewsroomResult<WebhookRow> {
    let mut v = Violations::new();
    let url = check_url(&mut v, &input.url, allow_private);
    let events = check_events(&mut v, &input.events);
    let description = check_description(&mut v, input.description.as_deref());
    let secret = match &input.secret {
        Some(secret) if !(16..=200).contains(&secret.chars().count()) => {
            v.add("secret", "must be 16 to 200 characters");
            None
        }
        Some(secret) => Some(secret.clone()),
        None => Some(new_secret()),
    };
    v.into_result()?;
    let (Some(url), Some(events), Some(description), Some(secret)) = (url, events, description, secret) else {
        return Err(NewsroomError::Internal("validated fields missing".into()));
    };
    let at = now();
    Ok(WebhookRow {
        id: new_id(),
        url,
        description,
        events,
        secret,
        active: input.active,
        version: 1,
        created_at: at,
        updated_at: at,
    })
}

/// Checks a change before any write. Says whether the secret is rotated (the answer shows it).
pub fn check_patch(patch: &WebhookPatch, allow_private: bool) -> NewsroomResult<(WebhookChanges, bool)> {
    let mut v = Violations::new();
    let mut changes = WebhookChanges {
        url: patch.url.as_deref().and_then(|u| check_url(&mut v, u, allow_private)),
        events: patch.events.as_deref().and_then(|e| check_events(&mut v, e)),
        active: patch.active,
        ..WebhookChanges::default()
    };
    if let Some(description) = &patch.description {
        changes.description = check_description(&mut v, description.as_deref());
    }
    let rotated = patch.rotate_secret == Some(true);
    if rotated {
        changes.secret = Some(new_secret());
    }
    v.into_result()?;
    if changes.url.is_none()
        && changes.events.is_none()
        && changes.active.is_none()
        && changes.description.is_none()
        && !rotated
    {
        return Err(NewsroomError::invalid("body", "must change at least one field"));
    }
    Ok((changes, rotated))
}

/// Registers a checked endpoint.
pub fn create(tx: &mut Tx, caller: &Caller, row: &WebhookRow) -> NewsroomResult<Recorded<WebhookRow>> {
    let created = store::insert(tx.conn(), row)?;
    let detail = serde_json::json!({"url": created.url, "events": created.events});
    Ok(tx.record(&caller.actor(), Change::WebhookCreated { id: created.id.clone(), detail }, created)?)
}

/// Applies checked changes, if the endpoint is still at the version the client read.
pub fn update(
    tx: &mut Tx,
    caller: &Caller,
    id: &str,
    precondition: Precondition,
    changes: &WebhookChanges,
    rotated: bool,
) -> NewsroomResult<Recorded<WebhookRow>> {
    let current = store::find(tx.conn(), id).map_err(NewsroomError::not_found_as("webhook"))?;
    let expected = precondition.required(None)?.expect(current.version)?;
    let row = store::update(tx.conn(), id, expected, changes)?;
    let detail =
        serde_json::json!({"url": row.url, "events": row.events, "active": row.active, "secret_rotated": rotated});
    Ok(tx.record(&caller.actor(), Change::WebhookUpdated { id: row.id.clone(), detail }, row)?)
}

/// Deletes an endpoint and its delivery log, if it is still at the version the client read.
pub fn delete(tx: &mut Tx, caller: &Caller, id: &str, precondition: Precondition) -> NewsroomResult<Recorded<()>> {
    let current = store::find(tx.conn(), id).map_err(NewsroomError::not_found_as("webhook"))?;
    store::delete(tx.conn(), id, precondition.required(None)?.expect(current.version)?)?;
    Ok(tx.record(&caller.actor(), Change::WebhookDeleted { id: id.to_owned() }, ())?)
}

#[cfg(test)]
mod tests {
    use utoipa::PartialSchema;

    /// The OpenAPI enum and the rule that validates names list the same events.
    #[test]
    fn documented_events_are_the_valid_events() {
        let schema = serde_json::to_value(super::EventName::schema()).unwrap_or_default();
        let documented: Vec<&str> =
            schema["enum"].as_array().into_iter().flatten().filter_map(|v| v.as_str()).collect();
        assert_eq!(documented, newsdesk_domain::webhook::EVENTS);
    }
}

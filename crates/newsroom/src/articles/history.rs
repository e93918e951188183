//! What every article change leaves behind: a revision (full snapshot, who, which fields) and
//! the recorded [`Change`], written in the same transaction as the change.

use chrono::{DateTime, Utc};
use newsdesk_domain::ArticleStatus;
use newsdesk_persistence::articles::corrections;
use newsdesk_persistence::articles::relations::{self, Include, LinkTarget, LoadedLink, Relations};
use newsdesk_persistence::articles::revisions::{self, NewRevision};
use newsdesk_persistence::articles::ArticleRow;
use newsdesk_persistence::{new_id, now, DbConn, StoreResult};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::ToSchema;

use crate::actor::Actor;
use crate::change::{ArticleAction, ArticleChange, Change};
use crate::time::utc;
use crate::tx::{Recorded, Tx};

/// An article as it stood after one change: its columns and its relations (by id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Snapshot {
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
    /// Markdown.
    pub body: String,
    #[schema(value_type = ArticleStatus)]
    pub status: String,
    pub section_id: Option<String>,
    pub source_id: Option<String>,
    pub source_url: Option<String>,
    pub language: String,
    pub featured_image_url: Option<String>,
    pub featured_image_alt: Option<String>,
    pub featured_image_caption: Option<String>,
    pub featured_image_credit: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    /// The embargo the article then had; left out while it had none (so revisions from before
    /// embargoes existed compare equal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embargo_until: Option<DateTime<Utc>>,
    /// The search and social overrides; each left out while unset (so revisions from before
    /// they existed compare equal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta_title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta_description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub social_image_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canonical_url: Option<String>,
    pub trashed: bool,
    pub author_ids: Vec<String>,
    pub tag_ids: Vec<String>,
    pub related: Vec<SnapshotLink>,
    /// The correction, clarification and update notes, oldest first, removed ones marked. Left
    /// out while there are none, so revisions from before notes existed compare equal.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<SnapshotCorrection>,
}

/// A note as a revision keeps it: restoring a revision leaves the notes as they are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SnapshotCorrection {
    pub id: String,
    #[schema(value_type = newsdesk_domain::correction::CorrectionKind)]
    pub kind: String,
    /// Markdown.
    pub text: String,
    /// Why it was removed, once it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removal_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SnapshotLink {
    Article { id: String },
    External { url: String, title: Option<String>, source_name: Option<String> },
}

impl SnapshotLink {
    pub fn target(&self) -> LinkTarget {
        match self {
            Self::Article { id } => LinkTarget::Article { id: id.clone() },
            Self::External { url, title, source_name } => {
                LinkTarget::External { url: url.clone(), title: title.clone(), source_name: source_name.clone() }
            }
        }
    }
}

/// An article as a write left it, with the relations its revision read (every related link,
/// published or not), so the response is rendered without reading them again.
pub struct Saved {
    pub row: ArticleRow,
    pub relations: Relations,
}

/// Reads the article's current state, relations included.
pub fn snapshot(conn: &mut DbConn, row: &ArticleRow) -> StoreResult<Snapshot> {
    Ok(snapshot_with_relations(conn, row)?.0)
}

/// [`snapshot`], and the relations it read (every related link, published or not).
pub fn snapshot_with_relations(conn: &mut DbConn, row: &ArticleRow) -> StoreResult<(Snapshot, Relations)> {
    let ids = [row.id.clone()];
    let include = Include { authors: true, tags: true, links: true, published_links_only: false };
    let loaded = relations::load(conn, &ids, include)?;
    let author_ids = loaded.authors.get(&row.id).into_iter().flatten().map(|a| a.id.clone()).collect();
    let tag_ids = loaded.tags.get(&row.id).into_iter().flatten().map(|t| t.id.clone()).collect();
    let related = loaded
        .links
        .get(&row.id)
        .into_iter()
        .flatten()
        .map(|link| match link {
            LoadedLink::Article(card) => SnapshotLink::Article { id: card.id.clone() },
            LoadedLink::External { url, title, source_name } => {
                SnapshotLink::External { url: url.clone(), title: title.clone(), source_name: source_name.clone() }
            }
        })
        .collect();
    let corrections = corrections::for_articles(conn, &ids)?
        .remove(&row.id)
        .unwrap_or_default()
        .into_iter()
        .map(|c| SnapshotCorrection {
            id: c.id,
            kind: c.kind,
            text: c.text_markdown,
            removal_reason: c.removed_at.map(|_| c.removal_reason.unwrap_or_default()),
        })
        .collect();
    let snapshot = Snapshot {
        slug: row.slug.clone(),
        title: row.title.clone(),
        summary: row.summary.clone(),
        body: row.body_markdown.clone(),
        status: row.status.as_str().to_owned(),
        section_id: row.section_id.clone(),
        source_id: row.source_id.clone(),
        source_url: row.source_url.clone(),
        language: row.language.clone(),
        featured_image_url: row.featured_image_url.clone(),
        featured_image_alt: row.featured_image_alt.clone(),
        featured_image_caption: row.featured_image_caption.clone(),
        featured_image_credit: row.featured_image_credit.clone(),
        published_at: row.published_at.map(utc),
        embargo_until: row.embargo_until.map(utc),
        meta_title: row.meta_title.clone(),
        meta_description: row.meta_description.clone(),
        social_image_url: row.social_image_url.clone(),
        canonical_url: row.canonical_url.clone(),
        trashed: row.trashed_at.is_some(),
        author_ids,
        tag_ids,
        related,
        corrections,
    };
    Ok((snapshot, loaded))
}

/// The fields that differ between two snapshots (all of them for the first revision), by name.
/// A field a snapshot leaves out while it is empty (an embargo lifted) counts when it goes.
fn changed_fields(before: Option<&Value>, after: &Value) -> Vec<String> {
    let (Some(after), before) = (after.as_object(), before.and_then(|b| b.as_object())) else {
        return Vec::new();
    };
    let mut changed: Vec<String> = after
        .iter()
        .filter(|(key, value)| before.is_none_or(|b| b.get(*key) != Some(*value)))
        .map(|(k, _)| k.clone())
        .collect();
    changed.extend(before.into_iter().flat_map(|b| b.keys()).filter(|k| !after.contains_key(*k)).cloned());
    changed.sort();
    changed
}

/// Records a revision of `row` and the change `action` made to it.
pub fn after_change(
    tx: &mut Tx,
    row: ArticleRow,
    action: ArticleAction,
    actor: &Actor,
) -> StoreResult<Recorded<Saved>> {
    let (snapshot, relations) = snapshot_with_relations(tx.conn(), &row)?;
    let current = serde_json::to_value(snapshot).unwrap_or_default();
    let is_new = action == ArticleAction::Create;
    // A new article has no earlier revision to compare with.
    let previous = if is_new {
        None
    } else {
        revisions::latest(tx.conn(), &row.id)?.and_then(|r| serde_json::from_str::<Value>(&r.snapshot).ok())
    };
    let changed = changed_fields(previous.as_ref(), &current);
    let published = ArticleStatus::Published.as_str();
    // Without an earlier revision (an imported article, say) only a new article is known private.
    let was_public = match &previous {
        Some(p) => p.get("status").and_then(|s| s.as_str()) == Some(published),
        None => !is_new,
    };
    let is_public = row.status == ArticleStatus::Published;
    let status_changed = changed.iter().any(|f| f == "status");
    let note = action.note().map(str::to_owned);
    revisions::insert(
        tx.conn(),
        &NewRevision {
            id: new_id(),
            article_id: row.id.clone(),
            version: row.version,
            action: action.verb(),
            changed_fields: serde_json::to_string(&changed).unwrap_or_else(|_| "[]".into()),
            snapshot: current.to_string(),
            actor_id: actor.id.clone(),
            actor_name: actor.label.clone(),
            created_at: now(),
            note: note.clone(),
        },
    )?;
    let mut payload = current;
    if let Some(object) = payload.as_object_mut() {
        object.insert("id".into(), json!(row.id));
        object.insert("version".into(), json!(row.version));
        if let Some(note) = note {
            object.insert("note".into(), json!(note));
        }
        for (name, value) in action.payload_fields() {
            object.insert(name.into(), value);
        }
    }
    let change = Change::Article(ArticleChange {
        id: row.id.clone(),
        action,
        version: row.version,
        slug: row.slug.clone(),
        changed,
        shows_publicly: was_public || is_public,
        // Public now, or just left publication: a move between private states (a review step
        // of an article published once before, say) changes nothing the public sees.
        site_visible: is_public || (status_changed && was_public),
        snapshot: payload,
    });
    tx.record(actor, change, Saved { row, relations })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_what_changed() {
        let before = json!({"title": "a", "slug": "a", "tag_ids": ["1"]});
        let after = json!({"title": "b", "slug": "a", "tag_ids": ["1", "2"]});
        assert_eq!(changed_fields(Some(&before), &after), ["tag_ids", "title"]);
        assert_eq!(changed_fields(None, &after).len(), 3);
        let lifted = json!({"title": "b", "slug": "a", "tag_ids": ["1", "2"]});
        let embargoed =
            json!({"title": "b", "slug": "a", "tag_ids": ["1", "2"], "embargo_until": "2026-12-10T12:00:00Z"});
        assert_eq!(changed_fields(Some(&embargoed), &lifted), ["embargo_until"]);
    }
}

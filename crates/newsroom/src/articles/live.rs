//! Live coverage: an article becomes a live blog, and its desk posts timestamped entries to it,
//! edits, pins and deletes them. Each write takes the article's next `seq` in its transaction
//! (see `newsdesk_persistence::live`), is audited and voids the article's cached answers (see
//! [`crate::live_change`]). A deleted entry stays as a tombstone, so a reader resuming after a
//! seq learns of the delete.
//!
//! Entries do not respect the article's edit lock: a live blog has many posters at once, and an
//! entry never touches the article's own fields, which the lock guards.

use newsdesk_domain::live_entry::{self, EntryImageInput};
use newsdesk_domain::{body, Action, Violations};
use newsdesk_persistence::articles::ArticleRow;
use newsdesk_persistence::live::{self as store, EntryChanges, LiveBlogRow, LiveEntryRow};
use newsdesk_persistence::{authors, new_id, now, StoreError};

use super::write::{not_trashed, visible};
use crate::actor::Caller;
use crate::change::Change;
use crate::error::{NewsroomError, NewsroomResult};
use crate::live_change::{LiveChange, LiveStep};
use crate::precondition::Precondition;
use crate::tx::{Recorded, Tx};

/// An entry's image as the client sent it.
#[derive(Debug, Clone)]
pub struct EntryImage {
    pub url: String,
    pub alt: Option<String>,
    pub caption: Option<String>,
}

/// An entry's fields as the client sent them: all for a new entry (`body` required), only those
/// to change for an edit. `Some(None)` clears the author or the image.
#[derive(Debug, Clone, Default)]
pub struct EntryInput {
    pub body: Option<String>,
    pub author_id: Option<Option<String>>,
    pub image: Option<Option<EntryImage>>,
    pub pinned: Option<bool>,
}

/// Loads an article whose live coverage the caller may run: 404 when they may not see it, 403
/// when their role may not post to it, 409 when it is in the trash or retracted.
fn postable(tx: &mut Tx, id: &str, user: &Caller) -> NewsroomResult<ArticleRow> {
    let row = visible(tx.conn(), id, user)?;
    let own = row.created_by.as_deref() == Some(user.id.as_str());
    user.require(Action::PostLiveEntry { own })?;
    not_trashed(&row)?;
    Ok(row)
}

fn change(row: &ArticleRow, step: LiveStep) -> Change {
    Change::Live(LiveChange { article_id: row.id.clone(), slug: row.slug.clone(), step })
}

/// Starts (`live`) or ends the article's live coverage, and answers with it (none: the article
/// never was a live blog). Starting a live blog that is live, or ending one that has ended (or
/// never began), changes nothing. An article may be a live blog before it is published, so the
/// desk can prepare entries.
pub fn set_live(tx: &mut Tx, id: &str, live: bool, user: &Caller) -> NewsroomResult<Recorded<Option<LiveBlogRow>>> {
    let row = postable(tx, id, user)?;
    let current = store::blog(tx.conn(), &row.id)?;
    let unchanged = match &current {
        Some(blog) => blog.ended_at.is_none() == live,
        None => !live,
    };
    if unchanged {
        return Ok(tx.nothing_to_record(current));
    }
    let at = now();
    let (blog, step) = if live {
        (Some(store::start(tx.conn(), &row.id, at)?), LiveStep::Started)
    } else {
        (store::end(tx.conn(), &row.id, at)?, LiveStep::Ended)
    };
    Ok(tx.record(&user.actor(), change(&row, step), blog)?)
}

/// The checked columns an entry's input sets; every problem goes into `v` by field.
fn checked(tx: &mut Tx, input: EntryInput, v: &mut Violations) -> NewsroomResult<EntryChanges> {
    let mut changes = EntryChanges { pinned: input.pinned, ..EntryChanges::default() };
    if let Some(text) = input.body {
        if let Some(text) = v.check("body", live_entry::entry_body(&text)) {
            changes.body_html = Some(body::render(&text).html);
            changes.body_markdown = Some(text);
        }
    }
    if let Some(author) = input.author_id {
        if let Some(author_id) = &author {
            match authors::find(tx.conn(), author_id) {
                Ok(_) => {}
                Err(StoreError::NotFound) => v.add("author_id", "names no author"),
                Err(other) => return Err(other.into()),
            }
        }
        changes.author_id = Some(author);
    }
    if let Some(image) = input.image {
        let fields = match &image {
            Some(i) => {
                let given = EntryImageInput { url: &i.url, alt: i.alt.as_deref(), caption: i.caption.as_deref() };
                live_entry::entry_image(v, given)
            }
            None => Some([None, None, None]),
        };
        if let Some([url, alt, caption]) = fields {
            (changes.image_url, changes.image_alt, changes.image_caption) = (Some(url), Some(alt), Some(caption));
        }
    }
    Ok(changes)
}

/// Posts an entry to the article's live blog: 409 unless its coverage is live.
pub fn post(tx: &mut Tx, id: &str, input: EntryInput, user: &Caller) -> NewsroomResult<Recorded<LiveEntryRow>> {
    let row = postable(tx, id, user)?;
    let mut v = Violations::new();
    if input.body.is_none() {
        v.add("body", "is required");
    }
    let changes = checked(tx, input, &mut v)?;
    v.into_result().map_err(NewsroomError::Invalid)?;
    match store::blog(tx.conn(), &row.id)? {
        Some(blog) if blog.ended_at.is_none() => {}
        Some(_) => {
            return Err(NewsroomError::InvalidState(
                "the article's live coverage has ended; start it again to post entries".into(),
            ))
        }
        None => {
            return Err(NewsroomError::InvalidState(
                "the article is not a live blog; start its live coverage (PUT …/live {\"live\": true}) first".into(),
            ))
        }
    }
    let seq = store::next_seq(tx.conn(), &row.id)?
        .ok_or_else(|| NewsroomError::InvalidState("the article is not a live blog".into()))?;
    let at = now();
    let entry = LiveEntryRow {
        id: new_id(),
        article_id: row.id.clone(),
        seq,
        created_seq: seq,
        body_markdown: changes.body_markdown.unwrap_or_default(),
        body_html: changes.body_html.unwrap_or_default(),
        author_id: changes.author_id.flatten(),
        image_url: changes.image_url.flatten(),
        image_alt: changes.image_alt.flatten(),
        image_caption: changes.image_caption.flatten(),
        pinned: changes.pinned.unwrap_or(false),
        version: 1,
        created_at: at,
        updated_at: at,
        deleted_at: None,
    };
    store::insert(tx.conn(), &entry)?;
    let step = LiveStep::EntryCreated { entry_id: entry.id.clone(), seq };
    Ok(tx.record(&user.actor(), change(&row, step), entry)?)
}

/// The article and its entry `entry_id` (404 when it has none, or deleted it), once the caller
/// may post to it and the entry is at a version the client named (`If-Match` is required).
fn on_entry(
    tx: &mut Tx,
    (id, entry_id): (&str, &str),
    precondition: Precondition,
    user: &Caller,
) -> NewsroomResult<(ArticleRow, LiveEntryRow, Option<i64>)> {
    // A missing `If-Match` is refused first (428), whatever state the article is in.
    let precondition = precondition.required(None)?;
    let row = postable(tx, id, user)?;
    let entry = match store::find(tx.conn(), &row.id, entry_id) {
        Ok(entry) if entry.deleted_at.is_none() => entry,
        Ok(_) | Err(StoreError::NotFound) => return Err(NewsroomError::NotFound("entry")),
        Err(other) => return Err(other.into()),
    };
    let expected = precondition.expect(entry.version)?;
    Ok((row, entry, expected))
}

/// The names of the fields `changes` sets, for the audit entry.
fn changed_fields(changes: &EntryChanges) -> Vec<&'static str> {
    let mut changed = Vec::new();
    for (name, set) in [
        ("body", changes.body_markdown.is_some()),
        ("author_id", changes.author_id.is_some()),
        ("image", changes.image_url.is_some()),
        ("pinned", changes.pinned.is_some()),
    ] {
        if set {
            changed.push(name);
        }
    }
    changed
}

/// Edits an entry (pinning and unpinning too); its `version` moves and it takes a new `seq`.
/// Allowed after the coverage ended, so the desk can still put an entry right.
pub fn edit(
    tx: &mut Tx,
    (id, entry_id): (&str, &str),
    precondition: Precondition,
    input: EntryInput,
    user: &Caller,
) -> NewsroomResult<Recorded<LiveEntryRow>> {
    let (row, entry, expected) = on_entry(tx, (id, entry_id), precondition, user)?;
    let mut v = Violations::new();
    let changes = checked(tx, input, &mut v)?;
    v.into_result().map_err(NewsroomError::Invalid)?;
    let seq = store::next_seq(tx.conn(), &row.id)?
        .ok_or_else(|| NewsroomError::InvalidState("the article is not a live blog".into()))?;
    let updated =
        store::update(tx.conn(), &entry.id, expected.unwrap_or(entry.version), &changes, (seq, now(), false))?;
    let step = LiveStep::EntryUpdated {
        entry_id: updated.id.clone(),
        seq,
        version: updated.version,
        changed: changed_fields(&changes),
    };
    Ok(tx.record(&user.actor(), change(&row, step), updated)?)
}

/// Deletes an entry: it leaves every list, and its row stays as a tombstone with a new `seq`.
pub fn delete(
    tx: &mut Tx,
    (id, entry_id): (&str, &str),
    precondition: Precondition,
    user: &Caller,
) -> NewsroomResult<Recorded<LiveEntryRow>> {
    let (row, entry, expected) = on_entry(tx, (id, entry_id), precondition, user)?;
    let seq = store::next_seq(tx.conn(), &row.id)?
        .ok_or_else(|| NewsroomError::InvalidState("the article is not a live blog".into()))?;
    let none = EntryChanges::default();
    let gone = store::update(tx.conn(), &entry.id, expected.unwrap_or(entry.version), &none, (seq, now(), true))?;
    let step = LiveStep::EntryDeleted { entry_id: gone.id.clone(), seq };
    Ok(tx.record(&user.actor(), change(&row, step), gone)?)
}

//! The desk's work on an article that is not content: assigning it to a user, and the internal
//! notes editors and writers leave on it. Neither leaves a revision or moves `updated_at`; each
//! is an audit entry and an internal webhook event (see [`crate::desk_change`]).

use chrono::SecondsFormat;
use newsdesk_domain::{desk_note, Action, ArticleStatus};
use newsdesk_persistence::articles::assignments::{self, AssignmentRow};
use newsdesk_persistence::articles::notes::{self, NoteRow};
use newsdesk_persistence::articles::ArticleRow;
use newsdesk_persistence::{new_id, now, users};

use super::write::visible;
use crate::actor::Caller;
use crate::change::Change;
use crate::desk_change::{DeskChange, DeskStep, Person};
use crate::error::{NewsroomError, NewsroomResult};
use crate::precondition::Precondition;
use crate::time::utc;
use crate::tx::{Recorded, Tx};

/// The change to record, about `row`, by `user`, at `at`.
fn desk_change(row: &ArticleRow, user: &Caller, at: chrono::NaiveDateTime, step: DeskStep) -> Change {
    Change::Desk(DeskChange {
        article_id: row.id.clone(),
        slug: row.slug.clone(),
        title: row.title.clone(),
        status: row.status.as_str().to_owned(),
        by: Person { id: user.id.clone(), name: user.name.clone() },
        at: utc(at).to_rfc3339_opts(SecondsFormat::Micros, true),
        shows_publicly: row.status == ArticleStatus::Published,
        step,
    })
}

/// The user `id` names, if they may be given work: an unknown or disabled user is a 404
/// naming `user_id`.
fn assignee(tx: &mut Tx, id: &str) -> NewsroomResult<Person> {
    match users::find(tx.conn(), id) {
        Ok(user) if !user.disabled => Ok(Person { id: user.id, name: user.name }),
        Ok(_) | Err(newsdesk_persistence::StoreError::NotFound) => Err(NewsroomError::NotFound("user_id")),
        Err(other) => Err(other.into()),
    }
}

/// Assigns article `id` to `user_id`, or (none) unassigns it (editors and admins). A new
/// version of the article (the admin answer and its `ETag` show the assignee), but not new
/// content: no revision, and `updated_at` stays. Assigning it to whom it already is assigned
/// changes nothing.
pub fn assign(
    tx: &mut Tx,
    id: &str,
    precondition: &Precondition,
    user_id: Option<String>,
    user: &Caller,
) -> NewsroomResult<Recorded<ArticleRow>> {
    let row = visible(tx.conn(), id, user)?;
    user.require(Action::AssignArticle)?;
    let to = user_id.as_deref().map(|uid| assignee(tx, uid)).transpose()?;
    if row.trashed_at.is_some() {
        return Err(NewsroomError::InvalidState("the article is in the trash; restore it first".into()));
    }
    precondition.expect(row.version)?;
    let current = assignments::find(tx.conn(), &row.id)?;
    if current.as_ref().map(|a| a.user_id.as_str()) == to.as_ref().map(|p| p.id.as_str()) {
        return Ok(tx.nothing_to_record(row));
    }
    let previous = match current {
        Some(current) => {
            let names = newsdesk_persistence::users::names(tx.conn(), std::slice::from_ref(&current.user_id))?;
            let name = names.get(&current.user_id).cloned().unwrap_or_default();
            Some(Person { id: current.user_id, name })
        }
        None => None,
    };
    let at = now();
    let assignment = to.as_ref().map(|p| AssignmentRow {
        article_id: row.id.clone(),
        user_id: p.id.clone(),
        assigned_by: Some(user.id.clone()),
        assigned_at: at,
    });
    // The version first: its conditional update locks the article's row, so of two racing
    // assignments the second waits and then meets the new version (412), on PostgreSQL too.
    let row = assignments::bump_version(tx.conn(), &row.id, row.version)?;
    assignments::set(tx.conn(), &row.id, assignment.as_ref())?;
    let change = desk_change(&row, user, at, DeskStep::Assigned { assignee: to, previous, version: row.version });
    Ok(tx.record(&user.actor(), change, row)?)
}

/// Adds an internal note to article `id`: anyone who may read the article (their own, one
/// assigned to them, or any for editors and admins), in any state. Append-only.
pub fn add_note(tx: &mut Tx, id: &str, text: &str, user: &Caller) -> NewsroomResult<Recorded<NoteRow>> {
    let row = visible(tx.conn(), id, user)?;
    let text = desk_note::note_text(text).map_err(|message| NewsroomError::invalid("text", message))?;
    let note =
        NoteRow { id: new_id(), article_id: row.id.clone(), author_id: Some(user.id.clone()), text, created_at: now() };
    notes::insert(tx.conn(), &note)?;
    let step = DeskStep::NoteAdded { note_id: note.id.clone(), text: note.text.clone() };
    let change = desk_change(&row, user, note.created_at, step);
    Ok(tx.record(&user.actor(), change, note)?)
}

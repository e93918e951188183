//! The notes a published article carries for its readers: a correction, clarification or update
//! is appended, its text amended, or it is removed with a reason. Each step is a new version of
//! the article (its `updated_at` moves, so feeds show the change), a revision whose snapshot
//! holds the notes, an audit entry and an `article.corrected` event.

use newsdesk_domain::correction::{self, CorrectionKind};
use newsdesk_domain::{body, Action, ArticleStatus, FieldError};
use newsdesk_persistence::articles::corrections::{self as store, CorrectionRow};
use newsdesk_persistence::articles::{self as articles, ArticleRow};
use newsdesk_persistence::{new_id, now};

use super::history::{after_change, Saved};
use super::write::{not_trashed, visible};
use crate::actor::Caller;
use crate::change::{ArticleAction, CorrectionOp, CorrectionStep};
use crate::error::{NewsroomError, NewsroomResult};
use crate::precondition::Precondition;
use crate::tx::{Recorded, Tx};

/// Loads an article the caller may see and correct (404 before 403), unless it is retracted
/// (409): a retraction keeps the article, its notes included, as it was retracted.
fn correctable(tx: &mut Tx, id: &str, user: &Caller) -> NewsroomResult<ArticleRow> {
    let row = visible(tx.conn(), id, user)?;
    user.require(Action::CorrectArticle)?;
    if row.status == ArticleStatus::Retracted {
        return Err(NewsroomError::InvalidState(
            "retracted articles are final: their notes cannot be added, amended or removed".into(),
        ));
    }
    Ok(row)
}

/// One of the article's notes that may still change (404 when it has no such note, 409 once it
/// was removed: a removed note stays as it was removed).
fn live_note(tx: &mut Tx, row: &ArticleRow, correction_id: &str) -> NewsroomResult<CorrectionRow> {
    not_trashed(row)?;
    let note = store::find(tx.conn(), &row.id, correction_id).map_err(NewsroomError::not_found_as("correction"))?;
    if note.removed_at.is_some() {
        return Err(NewsroomError::InvalidState("the note was removed; add a new one instead".into()));
    }
    Ok(note)
}

/// Saves the new version a note's change makes, if `row` is still the version it was read at,
/// and records it.
fn save(tx: &mut Tx, row: &ArticleRow, step: CorrectionStep, user: &Caller) -> NewsroomResult<Recorded<Saved>> {
    let saved = articles::new_version(tx.conn(), &row.id, row.version)?;
    Ok(after_change(tx, saved, ArticleAction::Correct(step), &user.actor())?)
}

/// `value` if it passed its rule; otherwise its error goes into `errors` under `field`.
fn checked<T>(errors: &mut Vec<FieldError>, field: &str, value: Result<T, String>) -> Option<T> {
    value.map_err(|message| errors.push(FieldError { field: field.into(), message })).ok()
}

/// Appends a note to a published article (editors and admins).
pub fn add(
    tx: &mut Tx,
    id: &str,
    precondition: &Precondition,
    (kind, text): (String, String),
    user: &Caller,
) -> NewsroomResult<Recorded<Saved>> {
    let row = correctable(tx, id, user)?;
    let mut errors = Vec::new();
    let kind = checked(&mut errors, "kind", CorrectionKind::parse(&kind));
    let text = checked(&mut errors, "text", correction::note_text(&text));
    let (Some(kind), Some(text)) = (kind, text) else {
        return Err(NewsroomError::Invalid(errors));
    };
    if row.status != ArticleStatus::Published {
        return Err(NewsroomError::InvalidState(
            "only a published article carries corrections; edit the article itself until it is published".into(),
        ));
    }
    precondition.expect(row.version)?;
    let note = CorrectionRow {
        id: new_id(),
        article_id: row.id.clone(),
        kind: kind.as_str().to_owned(),
        text_html: body::render(&text).html,
        text_markdown: text,
        created_at: now(),
        created_by: user.actor().label,
        amended_at: None,
        amended_by: None,
        removed_at: None,
        removed_by: None,
        removal_reason: None,
    };
    store::insert(tx.conn(), &note)?;
    let step = CorrectionStep {
        op: CorrectionOp::Add,
        correction_id: note.id,
        kind: note.kind,
        previous_text: None,
        reason: None,
    };
    save(tx, &row, step, user)
}

/// The article and its live note `correction_id` that a step on the note acts on, with the
/// step's input checked by `check`, once the caller may correct it and the article is still at
/// the version the client named.
fn on_live_note(
    tx: &mut Tx,
    (id, correction_id): (&str, &str),
    precondition: &Precondition,
    user: &Caller,
    check: impl FnOnce() -> NewsroomResult<String>,
) -> NewsroomResult<(ArticleRow, CorrectionRow, String)> {
    let row = correctable(tx, id, user)?;
    let value = check()?;
    let note = live_note(tx, &row, correction_id)?;
    precondition.expect(row.version)?;
    Ok((row, note, value))
}

/// What a step did to an existing note, with the text it had.
fn step_on(op: CorrectionOp, note: CorrectionRow, reason: Option<String>) -> CorrectionStep {
    CorrectionStep { op, correction_id: note.id, kind: note.kind, previous_text: Some(note.text_markdown), reason }
}

/// Rewords a note; the earlier text stays in the revision history, the audit entry and the
/// event (`previous_text`).
pub fn amend(
    tx: &mut Tx,
    id: &str,
    precondition: &Precondition,
    (correction_id, text): (String, String),
    user: &Caller,
) -> NewsroomResult<Recorded<Saved>> {
    let check = || correction::note_text(&text).map_err(|message| NewsroomError::invalid("text", message));
    let (row, note, text) = on_live_note(tx, (id, &correction_id), precondition, user, check)?;
    let html = body::render(&text).html;
    store::amend(tx.conn(), &note.id, &text, &html, now(), user.actor().label.as_deref())?;
    save(tx, &row, step_on(CorrectionOp::Amend, note, None), user)
}

/// Removes a note from what readers see, recording when, by whom and why; readers see that a
/// note was removed and the reason, not its text.
pub fn remove(
    tx: &mut Tx,
    id: &str,
    precondition: &Precondition,
    (correction_id, reason): (String, String),
    user: &Caller,
) -> NewsroomResult<Recorded<Saved>> {
    let check = || correction::removal_reason(&reason).map_err(|message| NewsroomError::invalid("reason", message));
    let (row, note, reason) = on_live_note(tx, (id, &correction_id), precondition, user, check)?;
    store::remove(tx.conn(), &note.id, &reason, now(), user.actor().label.as_deref())?;
    save(tx, &row, step_on(CorrectionOp::Remove, note, Some(reason)), user)
}

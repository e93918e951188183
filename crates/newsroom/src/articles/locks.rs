//! Edit locks: an editor who opens an article takes a lease on it for a few minutes, renews it
//! with a heartbeat, and releases it when done. While someone else holds a live lease, writes
//! that change the article's text (a PATCH, the trash, a revision restored, bulk tags) answer
//! `423 Locked`; editors may take the lease over, which is audited and sent as the
//! `article.lock_taken_over` event. Leases live in the database, so they hold across server
//! processes, and expire by themselves: a lease past its end simply stops counting.
//!
//! A lock prevents a conflict; `If-Match` still detects one. Taking, renewing and releasing a
//! lock are not content: they change neither the article's version nor its `updated_at`, and
//! leave no revision, audit entry or event (a heartbeat every minute would bury the audit log).

use chrono::{NaiveDateTime, TimeDelta};
use newsdesk_domain::Action;
use newsdesk_persistence::articles::locks as store;
use newsdesk_persistence::{now, DbConn};
use serde_json::{json, Value};

use super::history::snapshot;
use super::write::{editable, not_trashed, visible};
use crate::actor::Caller;
use crate::change::Change;
use crate::error::{NewsroomError, NewsroomResult};
use crate::tx::{Recorded, Tx};

pub use crate::edit_lock::{EditLock, LockHolder};

/// Tries at most this often when the lease changes hands between reading it and writing it.
const ATTEMPTS: usize = 3;

fn lease_end(at: NaiveDateTime, ttl_secs: i64) -> NaiveDateTime {
    at + TimeDelta::seconds(ttl_secs)
}

/// 423 when someone other than `user` holds a live lease on the article. Called inside the
/// write's transaction, so a lease taken a moment before the write counts.
pub fn check_unlocked(conn: &mut DbConn, article_id: &str, user: &Caller) -> NewsroomResult<()> {
    match store::live(conn, article_id, now())? {
        Some(lock) if lock.holder_id != user.id => Err(NewsroomError::Locked(lock.into())),
        _ => Ok(()),
    }
}

/// The caller's lease, as it stands after it was written.
fn held(conn: &mut DbConn, article_id: &str, at: NaiveDateTime) -> NewsroomResult<EditLock> {
    store::live(conn, article_id, at)?
        .map(EditLock::from)
        .ok_or_else(|| NewsroomError::Internal(format!("the lease on {article_id} just written is not there")))
}

/// Takes the edit lock on an article the user may edit, or renews it (the heartbeat) when the
/// user holds it already: the lease then runs `ttl_secs` from now. 423 with the holder when
/// someone else holds a live lease.
pub fn lock(tx: &mut Tx, id: &str, user: &Caller, ttl_secs: i64) -> NewsroomResult<Recorded<EditLock>> {
    let conn = tx.conn();
    let row = editable(conn, id, user)?;
    not_trashed(&row)?;
    let at = now();
    for _ in 0..ATTEMPTS {
        if store::acquire(conn, id, &user.id, at, lease_end(at, ttl_secs))? {
            let lock = held(conn, id, at)?;
            return Ok(tx.nothing_to_record(lock));
        }
        // Refused: a live lease of someone else's, unless it ended or went in between.
        if let Some(other) = store::live(conn, id, at)? {
            return Err(NewsroomError::Locked(other.into()));
        }
    }
    Err(NewsroomError::InvalidState("the edit lock kept changing hands; try again".into()))
}

/// Ends the user's own lease on the article (live or expired). 409 when they hold none.
pub fn release(tx: &mut Tx, id: &str, user: &Caller) -> NewsroomResult<Recorded<()>> {
    visible(tx.conn(), id, user)?;
    if !store::release(tx.conn(), id, &user.id)? {
        return Err(NewsroomError::InvalidState("you hold no edit lock on this article".into()));
    }
    Ok(tx.nothing_to_record(()))
}

/// Takes the lease from whoever holds it (editors and admins): audited, and sent to webhooks
/// as `article.lock_taken_over` naming the previous holder and the new one. With no live lease
/// held by someone else, it is a plain [`lock`]: nothing was taken from anyone.
pub fn take_over(tx: &mut Tx, id: &str, user: &Caller, ttl_secs: i64) -> NewsroomResult<Recorded<EditLock>> {
    let row = visible(tx.conn(), id, user)?;
    user.require(Action::TakeOverLock)?;
    not_trashed(&row)?;
    let at = now();
    let until = lease_end(at, ttl_secs);
    for _ in 0..ATTEMPTS {
        let conn = tx.conn();
        match store::live(conn, id, at)? {
            Some(previous) if previous.holder_id != user.id => {
                // Only from the holder just read: if it changed hands since, look again.
                if !store::hand_over(conn, id, &previous.holder_id, &user.id, at, until)? {
                    continue;
                }
                let lock = held(conn, id, at)?;
                let previous = EditLock::from(previous).holder;
                let detail = json!({"previous_holder": previous, "holder": lock.holder, "expires_at": lock.expires_at});
                let mut data = serde_json::to_value(snapshot(conn, &row)?).unwrap_or_default();
                if let (Some(object), Value::Object(fields)) = (data.as_object_mut(), &detail) {
                    object.insert("id".into(), json!(row.id));
                    object.insert("version".into(), json!(row.version));
                    object.extend(fields.clone());
                }
                let change = Change::LockTakenOver { article_id: row.id.clone(), detail, data };
                return Ok(tx.record(&user.actor(), change, lock)?);
            }
            _ if store::acquire(conn, id, &user.id, at, until)? => {
                let lock = held(conn, id, at)?;
                return Ok(tx.nothing_to_record(lock));
            }
            // Someone took it between the read and the write: look again.
            _ => {}
        }
    }
    Err(NewsroomError::InvalidState("the edit lock kept changing hands; try again".into()))
}

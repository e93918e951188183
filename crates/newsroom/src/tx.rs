//! One write: a database transaction, and what its changes ask of the world after it commits.

use newsdesk_persistence::audit::{self as audit_store, NewAuditRow};
use newsdesk_persistence::public_changes::{self, NewPublicChange};
use newsdesk_persistence::{new_id, now, Database, DbConn, StoreError, StoreResult};

use crate::actor::Actor;
use crate::cache_tag::{self, CacheTag};
use crate::change::Change;
use crate::outbox::{self, WriteEvents};

/// A write in progress: the transaction's connection and the effects of the changes recorded
/// so far. Every use case that changes something takes one and calls [`Tx::record`].
pub struct Tx<'c> {
    conn: &'c mut DbConn,
    /// Tags to void in this process once the transaction commits.
    voided: Vec<CacheTag>,
    /// Marks this process's own notices, which its listener skips.
    origin: &'c str,
    events: WriteEvents,
    /// Entries for the public change log, written as the transaction's last statement.
    public: Vec<NewPublicChange>,
}

/// Proof that a write said what it changed: the only way to finish a write is to return one,
/// and only [`Tx::record`] or [`Tx::nothing_to_record`] make one.
#[must_use]
pub struct Recorded<T>(T);

impl<T> Recorded<T> {
    pub fn into_inner(self) -> T {
        self.0
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Recorded<U> {
        Recorded(f(self.0))
    }

    /// [`Recorded::map`] with a step that can fail (rendering the answer, say).
    pub fn try_map<U, E>(self, f: impl FnOnce(T) -> Result<U, E>) -> Result<Recorded<U>, E> {
        f(self.0).map(Recorded)
    }
}

/// Several recorded results are one: each was recorded when it was made.
impl<T> FromIterator<Recorded<T>> for Recorded<Vec<T>> {
    fn from_iter<I: IntoIterator<Item = Recorded<T>>>(iter: I) -> Self {
        Recorded(iter.into_iter().map(Recorded::into_inner).collect())
    }
}

impl<'c> Tx<'c> {
    /// The transaction's connection, for reads and row writes.
    pub fn conn(&mut self) -> &mut DbConn {
        self.conn
    }

    /// Records `change` in this transaction: its audit entry, its webhook events, its entry in
    /// the public change log, and the notice to other processes of the cached answers it
    /// voids. Returns `value` as proof.
    pub fn record<T>(&mut self, actor: &Actor, change: Change, value: T) -> StoreResult<Recorded<T>> {
        self.apply(actor, &change)?;
        Ok(Recorded(value))
    }

    /// For a write that changes nothing the audit log, the cache or webhooks follow: a tag
    /// already on the article, a rotated refresh token, a delivery's outcome.
    pub fn nothing_to_record<T>(&mut self, value: T) -> Recorded<T> {
        Recorded(value)
    }

    fn apply(&mut self, actor: &Actor, change: &Change) -> StoreResult<()> {
        let tags = change.cache_tags();
        cache_tag::send(self.conn, self.origin, &tags)?;
        self.voided.extend(tags);
        if let Some(event) = change.event() {
            outbox::queue(self.conn, &mut self.events, &event)?;
        }
        self.public.extend(change.public_change(now()));
        let line = change.audit();
        audit_store::insert(
            self.conn,
            &NewAuditRow {
                id: new_id(),
                at: now(),
                actor_type: actor.kind.to_owned(),
                actor_id: actor.id.clone(),
                actor_label: actor.label.clone(),
                action: line.action,
                target_type: line.target.as_ref().map(|(kind, _)| (*kind).to_owned()),
                target_id: line.target.map(|(_, id)| id),
                request_id: actor.request_id.clone(),
                client_ip: actor.client_ip.clone(),
                detail: line.detail.map(|d| d.to_string()),
            },
        )
    }
}

/// Runs `work` in one write transaction, blocking. Returns its value and the cache tags its
/// changes voided, which the caller voids in its own cache once this returns (the commit is
/// done). A rule broken halfway (`Err(E)`) rolls everything back and comes back as it was.
/// `origin` marks this process's notices (see [`cache_tag::NO_ORIGIN`]).
pub fn write<T, E>(
    db: &Database,
    origin: &str,
    work: impl FnOnce(&mut Tx) -> Result<Recorded<T>, E>,
) -> Result<(T, Vec<CacheTag>), E>
where
    E: From<StoreError>,
{
    let mut rejected = None;
    let result = db.write(|conn| {
        let mut tx = Tx { conn, voided: Vec::new(), origin, events: WriteEvents::new(), public: Vec::new() };
        match work(&mut tx) {
            Ok(Recorded(value)) => {
                public_changes::insert_at_commit(tx.conn, &tx.public)?;
                Ok((value, std::mem::take(&mut tx.voided)))
            }
            Err(rule) => {
                rejected = Some(rule);
                Err(StoreError::Database(newsdesk_persistence::error::DieselError::RollbackTransaction))
            }
        }
    });
    match (result, rejected) {
        (_, Some(rule)) => Err(rule),
        (Ok(done), None) => Ok(done),
        (Err(store), None) => Err(E::from(store)),
    }
}

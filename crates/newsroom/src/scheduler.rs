//! Publishing scheduled articles when they fall due. The server runs [`publish_due`] on a
//! timer; it also catches up on anything that fell due while the server was down.

use newsdesk_persistence::articles as store;
use newsdesk_persistence::{now, StoreResult};

use crate::actor::Actor;
use crate::articles::history::{after_change, Saved};
use crate::change::ArticleAction;
use crate::tx::{Recorded, Tx};

/// Publishes what is due now and says how many. The claim is one `UPDATE … RETURNING`, so
/// with several server processes on one PostgreSQL each article is published exactly once.
pub fn publish_due(tx: &mut Tx) -> StoreResult<Recorded<usize>> {
    let due = store::publish_due(tx.conn(), now())?;
    let actor = Actor::system("scheduler");
    let published: Recorded<Vec<Saved>> = due
        .into_iter()
        .map(|row| after_change(tx, row, ArticleAction::PublishScheduled, &actor))
        .collect::<StoreResult<_>>()?;
    Ok(published.map(|saved| saved.len()))
}

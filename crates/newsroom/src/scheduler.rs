//! Publishing scheduled articles when they fall due. The server runs [`publish_due`] on a
//! timer; it also catches up on anything that fell due while the server was down.

use chrono::NaiveDateTime;
use newsdesk_persistence::articles::{self as store, embargoes};
use newsdesk_persistence::{now, StoreResult};

use crate::actor::Actor;
use crate::articles::history::{after_change, Saved};
use crate::change::ArticleAction;
use crate::tx::{Recorded, Tx};

/// What one run of the scheduler did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Run {
    /// How many articles it published.
    pub published: usize,
    /// Due articles an embargo still holds back, with the embargo's end: left scheduled, they
    /// go out once it ends.
    pub held_back: Vec<(String, NaiveDateTime)>,
}

/// Publishes what is due now and says how many. The claim is one `UPDATE … RETURNING`, so
/// with several server processes on one PostgreSQL each article is published exactly once. The
/// claim leaves out what an embargo holds back (as `newsdesk_domain::embargo::permits` says of
/// `Step::PublishDue`); publishing and scheduling never make such an article, so one that is
/// there was written around them, and the run names it.
pub fn publish_due(tx: &mut Tx) -> StoreResult<Recorded<Run>> {
    let now = now();
    let due = store::publish_due(tx.conn(), now)?;
    let held_back = embargoes::held_back(tx.conn(), now)?
        .into_iter()
        .filter_map(|(id, until)| until.map(|until| (id, until)))
        .collect();
    let actor = Actor::system("scheduler");
    let published: Recorded<Vec<Saved>> = due
        .into_iter()
        .map(|row| after_change(tx, row, ArticleAction::PublishScheduled, &actor))
        .collect::<StoreResult<_>>()?;
    Ok(published.map(|saved| Run { published: saved.len(), held_back }))
}

//! Moving an article through its life: submit for review, approve, return, publish, schedule,
//! unpublish, trash, restore, purge, restore a revision, and the tag changes bulk actions make.
//! Each leaves a revision and an audit entry in the same transaction. The steps that change or
//! discard what an editor is writing (trash, a revision restored, bulk tags) answer 423 while
//! another user holds the edit lock ([`super::locks`]); review and publication steps do not,
//! and `If-Match` guards them all.

use chrono::{DateTime, Utc};
use newsdesk_domain::article::{Lifecycle, Refused, Step};
use newsdesk_domain::{body, Action, ArticleStatus};
use newsdesk_persistence::articles::{self as store, relations, ArticleChanges, ArticleRow};
use newsdesk_persistence::articles::{retractions, revisions};
use newsdesk_persistence::{authors, now, sections, sources, tags, DbConn};

use super::history::{after_change, snapshot_with_relations, Saved, Snapshot};
use super::locks::check_unlocked;
use super::write::{change_slug, editable, not_trashed, slug_for, trashable, visible};
use crate::actor::Caller;
use crate::change::{ArticleAction, Change};
use crate::error::{NewsroomError, NewsroomResult};
use crate::precondition::Precondition;
use crate::time::naive;
use crate::tx::{Recorded, Tx};

/// Loads an article the user may see, then checks the action `rule` names for it (given
/// whether the user created it): 404 before 403, as for every article route.
fn allowed(
    conn: &mut DbConn,
    id: &str,
    user: &Caller,
    rule: fn(&ArticleRow, bool) -> Action,
) -> NewsroomResult<ArticleRow> {
    let row = visible(conn, id, user)?;
    let own = row.created_by.as_deref() == Some(user.id.as_str());
    user.require(rule(&row, own))?;
    Ok(row)
}

/// Loads an article the user may publish, schedule or unpublish.
fn publishable(conn: &mut DbConn, id: &str, user: &Caller) -> NewsroomResult<ArticleRow> {
    allowed(conn, id, user, |row, own| Action::PublishArticle { own, in_review: row.status == ArticleStatus::InReview })
}

/// A refused step, as the client hears it: about the field it sent, or the article's state.
impl From<Refused> for NewsroomError {
    fn from(refused: Refused) -> Self {
        match refused {
            Refused::ScheduleInThePast => NewsroomError::invalid("publish_at", refused.to_string()),
            other => NewsroomError::InvalidState(other.to_string()),
        }
    }
}

/// Moves `row` one `step` (see [`Lifecycle::transition`]) unless its embargo holds the step back
/// (`newsdesk_domain::embargo::permits`), and saves the new version.
fn step(
    tx: &mut Tx,
    row: &ArticleRow,
    precondition: &Precondition,
    step: Step,
    action: ArticleAction,
    user: &Caller,
) -> NewsroomResult<Recorded<Saved>> {
    let now = now();
    let to = row.lifecycle().transition(step, now)?;
    newsdesk_domain::embargo::permits(row.embargo_until, step, now)?;
    save(tx, row, precondition, Some(&to), action, user)
}

/// Writes a new version of `row`: with its lifecycle moved to `to`, or (None) only its relations
/// changed.
fn save(
    tx: &mut Tx,
    row: &ArticleRow,
    precondition: &Precondition,
    to: Option<&Lifecycle>,
    action: ArticleAction,
    user: &Caller,
) -> NewsroomResult<Recorded<Saved>> {
    // `to` was worked out from `row`, so it may only land on that version: on PostgreSQL another
    // write can commit between the read and this one, and a client's If-Match naming the newer
    // version must not let a lifecycle taken from the older row overwrite it.
    precondition.expect(row.version)?;
    let saved = match to {
        Some(to) => store::set_lifecycle(tx.conn(), &row.id, row.version, to)?,
        None => store::new_version(tx.conn(), &row.id, row.version)?,
    };
    Ok(after_change(tx, saved, action, &user.actor())?)
}

/// Hands a draft to the desk for review.
pub fn submit(tx: &mut Tx, id: &str, precondition: &Precondition, user: &Caller) -> NewsroomResult<Recorded<Saved>> {
    let row = allowed(tx.conn(), id, user, |_, own| Action::SubmitArticle { own })?;
    step(tx, &row, precondition, Step::Submit, ArticleAction::Submit, user)
}

/// Passes an article in review: it is ready to publish or schedule.
pub fn approve(tx: &mut Tx, id: &str, precondition: &Precondition, user: &Caller) -> NewsroomResult<Recorded<Saved>> {
    let row = allowed(tx.conn(), id, user, |_, _| Action::ReviewArticle)?;
    step(tx, &row, precondition, Step::Approve, ArticleAction::Approve, user)
}

/// Sends an article in review (or approved) back to draft, with a note saying why; the note
/// stays on the revision, in the audit entry and in the `article.returned` event.
pub fn return_to_draft(
    tx: &mut Tx,
    id: &str,
    precondition: &Precondition,
    note: String,
    user: &Caller,
) -> NewsroomResult<Recorded<Saved>> {
    let row = allowed(tx.conn(), id, user, |_, _| Action::ReviewArticle)?;
    let note =
        newsdesk_domain::article::review_note(&note).map_err(|message| NewsroomError::invalid("note", message))?;
    step(tx, &row, precondition, Step::Return, ArticleAction::Return { note }, user)
}

/// What a retraction asks for: the public reason, and the site's public base URL (for the URLs
/// the `article.retracted` event names, so a CDN can purge them).
#[derive(Debug, Clone)]
pub struct Retraction {
    pub reason: String,
    pub public_url: String,
}

/// Pulls a published article for good: it leaves every public answer, its URL and old URLs
/// answer 410 with the reason, and its slug stays taken. Editors and admins only.
pub fn retract(
    tx: &mut Tx,
    id: &str,
    precondition: &Precondition,
    retraction: Retraction,
    user: &Caller,
) -> NewsroomResult<Recorded<Saved>> {
    let row = allowed(tx.conn(), id, user, |_, _| Action::RetractArticle)?;
    let reason = newsdesk_domain::article::retraction_reason(&retraction.reason)
        .map_err(|message| NewsroomError::invalid("reason", message))?;
    let to = row.lifecycle().transition(Step::Retract, now())?;
    let base = retraction.public_url.trim_end_matches('/');
    let url = |slug: &str| format!("{base}/v1/articles/{slug}");
    let mut urls = vec![url(&row.slug)];
    urls.extend(retractions::old_slugs(tx.conn(), &row.id)?.iter().map(|s| url(s)));
    retractions::record(tx.conn(), &row.id, &reason, now())?;
    save(tx, &row, precondition, Some(&to), ArticleAction::Retract { reason, urls }, user)
}

/// Publishes now, keeping the first publication date on a re-publish.
pub fn publish(tx: &mut Tx, id: &str, precondition: &Precondition, user: &Caller) -> NewsroomResult<Recorded<Saved>> {
    let row = publishable(tx.conn(), id, user)?;
    step(tx, &row, precondition, Step::Publish, ArticleAction::Publish, user)
}

/// Takes a published (or scheduled) article back to draft.
pub fn unpublish(tx: &mut Tx, id: &str, precondition: &Precondition, user: &Caller) -> NewsroomResult<Recorded<Saved>> {
    let row = publishable(tx.conn(), id, user)?;
    step(tx, &row, precondition, Step::Unpublish, ArticleAction::Unpublish, user)
}

/// Schedules publication at `publish_at`; the in-process scheduler publishes it then.
pub fn schedule(
    tx: &mut Tx,
    id: &str,
    precondition: &Precondition,
    publish_at: DateTime<Utc>,
    user: &Caller,
) -> NewsroomResult<Recorded<Saved>> {
    let row = publishable(tx.conn(), id, user)?;
    let publish_at = newsdesk_domain::validation::four_digit_year(publish_at)
        .map_err(|message| NewsroomError::invalid("publish_at", message))?;
    step(tx, &row, precondition, Step::Schedule { at: naive(publish_at) }, ArticleAction::Schedule, user)
}

/// Cancels a schedule: back to draft with no publication date.
pub fn unschedule(
    tx: &mut Tx,
    id: &str,
    precondition: &Precondition,
    user: &Caller,
) -> NewsroomResult<Recorded<Saved>> {
    let row = publishable(tx.conn(), id, user)?;
    step(tx, &row, precondition, Step::Unschedule, ArticleAction::Unschedule, user)
}

/// Moves an article to the trash: it leaves every public endpoint at once (it becomes a draft).
pub fn trash(tx: &mut Tx, id: &str, precondition: &Precondition, user: &Caller) -> NewsroomResult<Recorded<Saved>> {
    let row = trashable(tx.conn(), id, user)?;
    check_unlocked(tx.conn(), id, user)?;
    step(tx, &row, precondition, Step::Trash, ArticleAction::Trash, user)
}

/// Takes an article out of the trash, as a draft.
pub fn restore(tx: &mut Tx, id: &str, precondition: &Precondition, user: &Caller) -> NewsroomResult<Recorded<Saved>> {
    let row = trashable(tx.conn(), id, user)?;
    step(tx, &row, precondition, Step::Restore, ArticleAction::Restore, user)
}

/// Deletes a trashed article for good (admins only).
pub fn purge(tx: &mut Tx, id: &str, user: &Caller) -> NewsroomResult<Recorded<()>> {
    user.require(Action::PurgeArticle)?;
    let row = visible(tx.conn(), id, user)?;
    if row.trashed_at.is_none() {
        return Err(NewsroomError::InvalidState(
            "only trashed articles can be purged; move it to the trash first".into(),
        ));
    }
    store::purge(tx.conn(), id)?;
    Ok(tx.record(&user.actor(), Change::ArticlePurged { id: row.id, slug: row.slug, title: row.title }, ())?)
}

/// Brings back an earlier revision's content and metadata. Status and dates stay as they are;
/// relations that no longer exist are left out.
pub fn restore_revision(
    tx: &mut Tx,
    id: &str,
    revision_id: &str,
    precondition: &Precondition,
    user: &Caller,
) -> NewsroomResult<Recorded<Saved>> {
    let conn = tx.conn();
    let row = editable(conn, id, user)?;
    check_unlocked(conn, id, user)?;
    not_trashed(&row)?;
    precondition.expect(row.version)?;
    let revision = revisions::find(conn, id, revision_id).map_err(NewsroomError::not_found_as("revision"))?;
    let old: Snapshot = serde_json::from_str(&revision.snapshot)
        .map_err(|e| NewsroomError::Internal(format!("revision {revision_id} is unreadable: {e}")))?;
    let exists = |found: Vec<String>, id: &Option<String>| id.clone().filter(|id| found.contains(id));
    let section = exists(
        sections::find_many(conn, &old.section_id.iter().cloned().collect::<Vec<_>>())?
            .into_iter()
            .map(|s| s.id)
            .collect(),
        &old.section_id,
    );
    let source = exists(
        sources::find_many(conn, &old.source_id.iter().cloned().collect::<Vec<_>>())?
            .into_iter()
            .map(|s| s.id)
            .collect(),
        &old.source_id,
    );
    let live_authors: Vec<String> = authors::find_many(conn, &old.author_ids)?.into_iter().map(|a| a.id).collect();
    let live_tags: Vec<String> = tags::find_many(conn, &old.tag_ids)?.into_iter().map(|t| t.id).collect();
    let author_ids: Vec<String> = old.author_ids.iter().filter(|a| live_authors.contains(a)).cloned().collect();
    let tag_ids: Vec<String> = old.tag_ids.iter().filter(|t| live_tags.contains(t)).cloned().collect();
    let rendered = body::render(&old.body);
    let slug = slug_for(conn, &old.slug, Some(&row.id), Some(user))?;
    change_slug(conn, &row, &slug)?;
    let mut changes = ArticleChanges {
        slug: Some(slug),
        title: Some(old.title.clone()),
        summary: Some(old.summary.clone()),
        body_markdown: Some(old.body.clone()),
        body_html: Some(rendered.html),
        body_text: Some(rendered.text),
        word_count: Some(rendered.word_count),
        reading_time_minutes: Some(rendered.reading_time_minutes),
        section_id: Some(section),
        source_id: Some(source),
        source_url: Some(old.source_url.clone()),
        language: Some(old.language.clone()),
        featured_image_url: Some(old.featured_image_url.clone()),
        featured_image_alt: Some(old.featured_image_alt.clone()),
        featured_image_caption: Some(old.featured_image_caption.clone()),
        featured_image_credit: Some(old.featured_image_credit.clone()),
        ..ArticleChanges::default()
    };
    changes.set_seo(newsdesk_domain::SeoFields {
        meta_title: old.meta_title.clone(),
        meta_description: old.meta_description.clone(),
        social_image_url: old.social_image_url.clone(),
        canonical_url: old.canonical_url.clone(),
    });
    let saved = store::update(conn, id, Some(row.version), &changes)?;
    relations::set_authors(conn, id, &author_ids)?;
    relations::set_tags(conn, id, &tag_ids)?;
    let links: Vec<_> = old.related.iter().map(|l| l.target()).collect();
    // A related article deleted since then would break the insert; keep only live targets.
    let live_links = live_link_targets(conn, links)?;
    relations::set_links(conn, id, &live_links)?;
    let action = ArticleAction::RestoreRevision { revision_id: revision_id.to_owned() };
    Ok(after_change(tx, saved, action, &user.actor())?)
}

fn live_link_targets(
    conn: &mut DbConn,
    links: Vec<relations::LinkTarget>,
) -> NewsroomResult<Vec<relations::LinkTarget>> {
    let ids: Vec<String> = links
        .iter()
        .filter_map(|l| match l {
            relations::LinkTarget::Article { id } => Some(id.clone()),
            relations::LinkTarget::External { .. } => None,
        })
        .collect();
    let live = store::existing_ids(conn, &ids)?;
    Ok(links
        .into_iter()
        .filter(|l| match l {
            relations::LinkTarget::Article { id } => live.contains(id),
            relations::LinkTarget::External { .. } => true,
        })
        .collect())
}

/// Adds or removes one tag (bulk actions); a new version either way.
pub fn retag(tx: &mut Tx, id: &str, tag_id: &str, add: bool, user: &Caller) -> NewsroomResult<Recorded<Saved>> {
    let row = editable(tx.conn(), id, user)?;
    check_unlocked(tx.conn(), id, user)?;
    not_trashed(&row)?;
    let (snapshot, relations) = snapshot_with_relations(tx.conn(), &row)?;
    let mut tag_ids = snapshot.tag_ids;
    let present = tag_ids.iter().any(|t| t == tag_id);
    match (add, present) {
        (true, false) => tag_ids.push(tag_id.to_owned()),
        (false, true) => tag_ids.retain(|t| t != tag_id),
        // Nothing to change: no new version, nothing to record.
        _ => return Ok(tx.nothing_to_record(Saved { row, relations })),
    }
    relations::set_tags(tx.conn(), id, &tag_ids)?;
    save(tx, &row, &Precondition::Missing, None, if add { ArticleAction::Tag } else { ArticleAction::Untag }, user)
}

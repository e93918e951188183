//! Live blogs: an article under live coverage (`live_blogs`) and the entries posted to it
//! (`live_entries`). Every entry write takes the article's next `seq` inside its transaction
//! ([`next_seq`]) and stamps it on the entry, so "what changed after seq N" is one indexed range
//! ([`entries_changed_since`]), in commit order. A deleted entry stays as a tombstone.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::{live_blogs, live_entries};
use crate::{DbConn, Page, PageRequest, StoreError, StoreResult};

/// An article's live coverage: when it started, when it ended (none while live), and the seq
/// its last entry change took.
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = live_blogs, treat_none_as_default_value = false)]
pub struct LiveBlogRow {
    pub article_id: String,
    pub seq: i64,
    pub started_at: NaiveDateTime,
    pub ended_at: Option<NaiveDateTime>,
}

/// One entry, as written and as read back; a deleted one keeps its row with `deleted_at` set.
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = live_entries, treat_none_as_default_value = false)]
pub struct LiveEntryRow {
    pub id: String,
    pub article_id: String,
    /// The seq its last change (create, edit, pin, delete) took.
    pub seq: i64,
    /// The seq its creation took.
    pub created_seq: i64,
    pub body_markdown: String,
    /// Sanitized, rendered from `body_markdown`.
    pub body_html: String,
    pub author_id: Option<String>,
    pub image_url: Option<String>,
    pub image_alt: Option<String>,
    pub image_caption: Option<String>,
    pub pinned: bool,
    /// Up by one on every change: the entry's `ETag`.
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Set when the entry was deleted (a tombstone).
    pub deleted_at: Option<NaiveDateTime>,
}

/// What an edit changes; `None` leaves a column as it is, `Some(None)` clears a nullable one.
#[derive(Debug, Default, Clone, AsChangeset)]
#[diesel(table_name = live_entries)]
pub struct EntryChanges {
    pub body_markdown: Option<String>,
    pub body_html: Option<String>,
    pub author_id: Option<Option<String>>,
    pub image_url: Option<Option<String>>,
    pub image_alt: Option<Option<String>>,
    pub image_caption: Option<Option<String>>,
    pub pinned: Option<bool>,
}

/// The article's live coverage, if it ever was a live blog.
pub fn blog(conn: &mut DbConn, article_id: &str) -> StoreResult<Option<LiveBlogRow>> {
    Ok(live_blogs::table.find(article_id).first(conn).optional()?)
}

/// The seq of the article's last entry change; none when it is not a live blog.
pub fn blog_seq(conn: &mut DbConn, article_id: &str) -> StoreResult<Option<i64>> {
    Ok(live_blogs::table.find(article_id).select(live_blogs::seq).first(conn).optional()?)
}

/// Starts (or resumes) live coverage: the row is made at seq 0, or its `ended_at` cleared.
/// The insert gives way to a row that exists (or is being made by a concurrent start), so two
/// first starts at once both succeed.
pub fn start(conn: &mut DbConn, article_id: &str, at: NaiveDateTime) -> StoreResult<LiveBlogRow> {
    let row = LiveBlogRow { article_id: article_id.to_owned(), seq: 0, started_at: at, ended_at: None };
    let insert = diesel::insert_into(live_blogs::table).values(&row).on_conflict(live_blogs::article_id).do_nothing();
    crate::database::execute_on_backend(conn, insert)?;
    Ok(diesel::update(live_blogs::table.find(article_id))
        .set(live_blogs::ended_at.eq(None::<NaiveDateTime>))
        .returning(live_blogs::all_columns)
        .get_result::<LiveBlogRow>(conn)?)
}

/// Ends live coverage at `at`; none when the article is not a live blog.
pub fn end(conn: &mut DbConn, article_id: &str, at: NaiveDateTime) -> StoreResult<Option<LiveBlogRow>> {
    Ok(diesel::update(live_blogs::table.find(article_id))
        .set(live_blogs::ended_at.eq(Some(at)))
        .returning(live_blogs::all_columns)
        .get_result::<LiveBlogRow>(conn)
        .optional()?)
}

/// Takes the article's next seq. On PostgreSQL the update locks the live blog's row until the
/// transaction ends, so writers to one article take their seqs in commit order; SQLite has one
/// writer. Call it inside the entry write's transaction. None: not a live blog.
pub fn next_seq(conn: &mut DbConn, article_id: &str) -> StoreResult<Option<i64>> {
    Ok(diesel::update(live_blogs::table.find(article_id))
        .set(live_blogs::seq.eq(live_blogs::seq + 1))
        .returning(live_blogs::seq)
        .get_result::<i64>(conn)
        .optional()?)
}

pub fn insert(conn: &mut DbConn, row: &LiveEntryRow) -> StoreResult<()> {
    diesel::insert_into(live_entries::table).values(row).execute(conn)?;
    Ok(())
}

/// One entry of one article, tombstones included.
pub fn find(conn: &mut DbConn, article_id: &str, id: &str) -> StoreResult<LiveEntryRow> {
    live_entries::table
        .filter(live_entries::article_id.eq(article_id))
        .filter(live_entries::id.eq(id))
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound)
}

/// Applies `changes` to entry `id` if it is still at version `expected`, stamping `seq` and
/// `at`; a delete also sets `deleted_at`. Returns the entry as it now stands.
pub fn update(
    conn: &mut DbConn,
    id: &str,
    expected: i64,
    changes: &EntryChanges,
    (seq, at, deleted): (i64, NaiveDateTime, bool),
) -> StoreResult<LiveEntryRow> {
    let target = live_entries::table.filter(live_entries::id.eq(id)).filter(live_entries::version.eq(expected));
    let stamp = (
        live_entries::seq.eq(seq),
        live_entries::version.eq(live_entries::version + 1),
        live_entries::updated_at.eq(at),
    );
    let updated = if deleted {
        diesel::update(target)
            .set((stamp, live_entries::deleted_at.eq(Some(at))))
            .returning(live_entries::all_columns)
            .get_result::<LiveEntryRow>(conn)
            .optional()?
    } else {
        diesel::update(target)
            .set((stamp, changes))
            .returning(live_entries::all_columns)
            .get_result::<LiveEntryRow>(conn)
            .optional()?
    };
    updated.ok_or_else(|| {
        crate::version_conflict(
            live_entries::table.find(id).select(live_entries::version).first::<i64>(conn).map_err(StoreError::from),
        )
    })
}

/// The entries of `article_id` changed after `after_seq` (created, edited, pinned or deleted),
/// oldest change first, tombstones included: what a reader who saw up to `after_seq` missed.
pub fn entries_changed_since(
    conn: &mut DbConn,
    article_id: &str,
    after_seq: i64,
    limit: i64,
) -> StoreResult<Vec<LiveEntryRow>> {
    Ok(live_entries::table
        .filter(live_entries::article_id.eq(article_id))
        .filter(live_entries::seq.gt(after_seq))
        .order(live_entries::seq.asc())
        .limit(limit)
        .load(conn)?)
}

/// Which entries a list shows.
#[derive(Debug, Clone, Default)]
pub struct EntryFilter {
    /// Only those created after this time.
    pub created_after: Option<NaiveDateTime>,
    /// Only pinned ones (`true`) or only unpinned ones (`false`).
    pub pinned: Option<bool>,
}

/// A page of the article's entries (tombstones left out), newest first, with the total.
pub fn list(
    conn: &mut DbConn,
    article_id: &str,
    filter: &EntryFilter,
    page: PageRequest,
) -> StoreResult<Page<LiveEntryRow>> {
    let query = || {
        let mut query = live_entries::table
            .filter(live_entries::article_id.eq(article_id.to_owned()))
            .filter(live_entries::deleted_at.is_null())
            .into_boxed::<crate::Db>();
        if let Some(after) = filter.created_after {
            query = query.filter(live_entries::created_at.gt(after));
        }
        if let Some(pinned) = filter.pinned {
            query = query.filter(live_entries::pinned.eq(pinned));
        }
        query
    };
    let total = query().count().get_result::<i64>(conn)?;
    let items = query()
        .order((live_entries::created_at.desc(), live_entries::id.desc()))
        .limit(page.limit)
        .offset(page.offset)
        .load::<LiveEntryRow>(conn)?;
    Ok(Page { items, total })
}

/// The newest `limit` entries of the article, tombstones left out: the structured data's
/// `liveBlogUpdate`. One statement, no count.
pub fn newest(conn: &mut DbConn, article_id: &str, limit: i64) -> StoreResult<Vec<LiveEntryRow>> {
    Ok(live_entries::table
        .filter(live_entries::article_id.eq(article_id))
        .filter(live_entries::deleted_at.is_null())
        .order((live_entries::created_at.desc(), live_entries::id.desc()))
        .limit(limit)
        .load(conn)?)
}

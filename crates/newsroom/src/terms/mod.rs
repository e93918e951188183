//! Authors, sources, sections and tags: named, slugged resources with the same life cycle.
//! Each kind implements [`Term`] (its rules and storage); the use cases here are written once.

use std::collections::HashMap;

use newsdesk_domain::FieldError;
use newsdesk_persistence::{DbConn, Page, PageRequest, StoreResult};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::actor::Actor;
use crate::change::{Change, TermChange, TermKind, TermOp};
use crate::error::{NewsroomError, NewsroomResult};
use crate::precondition::Precondition;
use crate::tx::{Recorded, Tx};

pub mod authors;
pub mod labels;
pub mod sources;

pub use authors::Authors;
pub use labels::{Sections, Tags};
pub use sources::Sources;

/// What the use cases need to know about one kind of term: its rules and its storage.
pub trait Term: 'static {
    /// Singular name used in messages ("author").
    const NAME: &'static str;
    /// Which kind of term its changes are about.
    const KIND: TermKind;
    type Row: Clone + Send + 'static;
    type Changes: Send + 'static;
    type Create: DeserializeOwned + utoipa::ToSchema + Send + 'static;
    type Patch: DeserializeOwned + utoipa::ToSchema + Send + 'static;

    fn id(row: &Self::Row) -> &str;
    fn version(row: &Self::Row) -> i64;
    fn validate_create(input: Self::Create) -> Result<Self::Row, Vec<FieldError>>;
    fn validate_patch(input: Self::Patch) -> Result<Self::Changes, Vec<FieldError>>;

    fn list(conn: &mut DbConn, page: PageRequest) -> StoreResult<Page<Self::Row>>;
    fn find(conn: &mut DbConn, id: &str) -> StoreResult<Self::Row>;
    fn find_by_slug(conn: &mut DbConn, slug: &str) -> StoreResult<Self::Row>;
    fn insert(conn: &mut DbConn, row: &Self::Row) -> StoreResult<Self::Row>;
    fn update(conn: &mut DbConn, id: &str, expected: Option<i64>, changes: &Self::Changes) -> StoreResult<Self::Row>;
    fn delete(conn: &mut DbConn, id: &str, expected: Option<i64>) -> StoreResult<()>;
    fn published_counts(conn: &mut DbConn, ids: &[String]) -> StoreResult<HashMap<String, i64>>;
}

/// Implements the storage half of [`Term`] by delegating to a persistence module.
macro_rules! delegate_store {
    ($store:ident) => {
        fn list(conn: &mut DbConn, page: PageRequest) -> StoreResult<Page<Self::Row>> {
            $store::list(conn, page)
        }
        fn find(conn: &mut DbConn, id: &str) -> StoreResult<Self::Row> {
            $store::find(conn, id)
        }
        fn find_by_slug(conn: &mut DbConn, slug: &str) -> StoreResult<Self::Row> {
            $store::find_by_slug(conn, slug)
        }
        fn insert(conn: &mut DbConn, row: &Self::Row) -> StoreResult<Self::Row> {
            $store::insert(conn, row)
        }
        fn update(
            conn: &mut DbConn,
            id: &str,
            expected: Option<i64>,
            changes: &Self::Changes,
        ) -> StoreResult<Self::Row> {
            $store::update(conn, id, expected, changes)
        }
        fn delete(conn: &mut DbConn, id: &str, expected: Option<i64>) -> StoreResult<()> {
            $store::delete(conn, id, expected)
        }
        fn published_counts(conn: &mut DbConn, ids: &[String]) -> StoreResult<std::collections::HashMap<String, i64>> {
            $store::published_counts(conn, ids)
        }
        fn id(row: &Self::Row) -> &str {
            &row.id
        }
        fn version(row: &Self::Row) -> i64 {
            row.version
        }
    };
}
pub(crate) use delegate_store;

/// The change a write made to a term; `payload` is the term as webhooks carry it.
fn change<T: Term>(row: &T::Row, op: TermOp, version: Option<i64>, payload: Option<Value>) -> Change {
    Change::Term(TermChange { kind: T::KIND, id: T::id(row).to_owned(), op, view: payload, version })
}

/// Creates a term from checked input. `payload` renders the term as webhooks carry it.
pub fn create<T: Term>(
    tx: &mut Tx,
    actor: &Actor,
    new: &T::Row,
    payload: impl FnOnce(&T::Row) -> Option<Value>,
) -> NewsroomResult<Recorded<T::Row>> {
    let row = T::insert(tx.conn(), new)?;
    let change = change::<T>(&row, TermOp::Created, None, payload(&row));
    Ok(tx.record(actor, change, row)?)
}

/// Applies checked changes to the term `id`, if it is still at the version the client read.
pub fn update<T: Term>(
    tx: &mut Tx,
    actor: &Actor,
    id: &str,
    precondition: Precondition,
    changes: &T::Changes,
    payload: impl FnOnce(&T::Row) -> Option<Value>,
) -> NewsroomResult<Recorded<T::Row>> {
    let current = T::find(tx.conn(), id).map_err(NewsroomError::not_found_as(T::NAME))?;
    let expected = precondition.required(None)?.expect(T::version(&current))?;
    let row = T::update(tx.conn(), id, expected, changes)?;
    let change = change::<T>(&row, TermOp::Updated, Some(T::version(&row)), payload(&row));
    Ok(tx.record(actor, change, row)?)
}

/// Deletes the term `id`, if it is still at the version the client read; its articles lose it.
pub fn delete<T: Term>(
    tx: &mut Tx,
    actor: &Actor,
    id: &str,
    precondition: Precondition,
) -> NewsroomResult<Recorded<()>> {
    let current = T::find(tx.conn(), id).map_err(NewsroomError::not_found_as(T::NAME))?;
    T::delete(tx.conn(), id, precondition.required(None)?.expect(T::version(&current))?)?;
    let change = TermChange { kind: T::KIND, id: id.to_owned(), op: TermOp::Deleted, view: None, version: None };
    Ok(tx.record(actor, Change::Term(change), ())?)
}

/// The schema of a new term's slug, which may be left out.
pub fn slug_from_name() -> utoipa::openapi::schema::Object {
    use newsdesk_domain::field_schema;
    field_schema::described(field_schema::slug(), "Derived from the name when left out.")
}

/// Validates an optional slug, or derives one from the name.
pub fn slug_or_from(v: &mut newsdesk_domain::Violations, slug: Option<&str>, name: &str) -> Option<String> {
    use newsdesk_domain::Slug;
    match slug {
        Some(slug) => v.check("slug", Slug::parse(slug)),
        None if name.trim().is_empty() => None,
        None => v.check("slug", Slug::from_title(name)),
    }
    .map(Slug::into_inner)
}

/// Validates an optional, nullable text field of a PATCH.
pub fn optional_text(
    v: &mut newsdesk_domain::Violations,
    field: &str,
    value: Option<Option<String>>,
    max: usize,
) -> Option<Option<String>> {
    use newsdesk_domain::validation::bounded_text;
    match value {
        None => None,
        Some(None) => Some(None),
        Some(Some(text)) => v.check(field, bounded_text(&text, max)).map(|t| Some(t).filter(|t| !t.is_empty())),
    }
}

/// Validates an optional, nullable URL field of a PATCH.
pub fn optional_url(
    v: &mut newsdesk_domain::Violations,
    field: &str,
    value: Option<Option<String>>,
) -> Option<Option<String>> {
    match value {
        None => None,
        Some(None) => Some(None),
        Some(Some(url)) => v.check(field, newsdesk_domain::validation::http_url(&url)).map(Some),
    }
}

/// Validates a required name.
pub fn name(v: &mut newsdesk_domain::Violations, value: &str) -> Option<String> {
    v.check("name", newsdesk_domain::validation::required_text(value, 200))
}

/// 422 when a write changes nothing a client can see (`changes` sets no field): better than a
/// silent no-op.
pub fn require_any<T: Default + PartialEq>(changes: T) -> Result<T, Vec<FieldError>> {
    if changes != T::default() {
        Ok(changes)
    } else {
        Err(vec![FieldError { field: "body".into(), message: "send at least one field to change".into() }])
    }
}

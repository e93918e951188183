//! `POST /v1/admin/articles/bulk`: one transaction publishes, unpublishes, tags, untags or
//! trashes many articles. All or nothing; the answer reports every item.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use newsdesk_domain::{ArticleStatus, FieldError};
use newsdesk_persistence::tags;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use newsdesk_newsroom::articles::lifecycle;
use newsdesk_newsroom::{NewsroomError, Precondition, Recorded};

use crate::auth::AdminCall;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::JsonBody;
use crate::respond::private_json;
use crate::responses::{JsonInput, LoggedIn};

/// Most articles one bulk request may touch.
const MAX_BULK: usize = 100;

#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BulkAction {
    Publish,
    Unpublish,
    Tag,
    Untag,
    Trash,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"action": "tag", "ids": ["01a2249b-5012-72e6-9430-3cc1b3a38376"], "tag": "water"}))]
pub struct BulkRequest {
    pub action: BulkAction,
    /// Article ids, 1 to 100, each at most once.
    #[schema(min_items = 1, max_items = 100)]
    pub ids: Vec<String>,
    /// The tag slug, for `tag` and `untag`.
    pub tag: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BulkItem {
    pub id: String,
    /// The article's version after the action.
    pub version: i64,
    pub status: ArticleStatus,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BulkResult {
    pub action: BulkAction,
    pub results: Vec<BulkItem>,
}

fn item_error(index: usize, error: NewsroomError) -> Result<FieldError, ApiError> {
    let message = match error {
        // A storage failure is not the item's fault: abort the whole request.
        NewsroomError::Store(store) => return Err(store.into()),
        refused => ApiError::from(refused).to_problem().detail,
    };
    Ok(FieldError { field: format!("ids[{index}]"), message })
}

/// Apply one action to many articles, all or nothing.
#[utoipa::path(post, path = "/v1/admin/articles/bulk", operation_id = "admin_bulk_articles", tag = "admin-articles", security(("bearer" = [])),
    request_body = BulkRequest,
    responses(
        (status = 200, description = "Every item succeeded", body = BulkResult),
        JsonInput, LoggedIn,
        (status = 422, description = "Nothing was changed: `errors` names each item that failed (`ids[i]`) and why", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn bulk(AdminCall { state, user, .. }: AdminCall, body: JsonBody<BulkRequest>) -> ApiResult<HttpResponse> {
    let BulkRequest { action, ids, tag } = body.0;
    if ids.is_empty() || ids.len() > MAX_BULK {
        return Err(ApiError::invalid("ids", format!("must list 1 to {MAX_BULK} article ids")));
    }
    if let Some(i) = ids.iter().enumerate().position(|(i, id)| ids[..i].contains(id)) {
        return Err(ApiError::invalid(&format!("ids[{i}]"), "is listed twice"));
    }
    let needs_tag = matches!(action, BulkAction::Tag | BulkAction::Untag);
    match (&tag, needs_tag) {
        (None, true) => return Err(ApiError::invalid("tag", "is required for tag and untag")),
        (Some(_), false) => return Err(ApiError::invalid("tag", "is only for tag and untag")),
        _ => {}
    }
    let results = state
        .write(move |tx| {
            let tag_id = match &tag {
                Some(slug) => Some(tags::find_by_slug(tx.conn(), slug).map(|t| t.id).map_err(|e| match e {
                    newsdesk_persistence::StoreError::NotFound => {
                        ApiError::invalid("tag", format!("no tag with slug `{slug}`"))
                    }
                    other => other.into(),
                })?),
                None => None,
            };
            let mut done = Vec::with_capacity(ids.len());
            let mut failed = Vec::new();
            for (index, id) in ids.iter().enumerate() {
                let outcome = match (action, &tag_id) {
                    (BulkAction::Publish, _) => lifecycle::publish(tx, id, &Precondition::Missing, &user),
                    (BulkAction::Unpublish, _) => lifecycle::unpublish(tx, id, &Precondition::Missing, &user),
                    (BulkAction::Trash, _) => lifecycle::trash(tx, id, &Precondition::Missing, &user),
                    (BulkAction::Tag, Some(tag)) => lifecycle::retag(tx, id, tag, true, &user),
                    (BulkAction::Untag, Some(tag)) => lifecycle::retag(tx, id, tag, false, &user),
                    (BulkAction::Tag | BulkAction::Untag, None) => Err(NewsroomError::invalid("tag", "is required")),
                };
                match outcome {
                    Ok(saved) => done.push(saved.map(|saved| {
                        let row = saved.row;
                        BulkItem { id: row.id, version: row.version, status: row.status }
                    })),
                    Err(error) => failed.push(item_error(index, error)?),
                }
            }
            if failed.is_empty() {
                Ok(done.into_iter().collect::<Recorded<Vec<_>>>())
            } else {
                Err(ApiError::Invalid(failed))
            }
        })
        .await?;
    Ok(private_json(StatusCode::OK, &BulkResult { action, results }))
}

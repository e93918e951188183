//! The admin lists that only some roles may read (users, API keys, webhook endpoints): the role
//! check, the page and its answer, written once.

use actix_web::HttpResponse;
use newsdesk_domain::Action;
use newsdesk_persistence::{DbConn, Page, PageRequest, StoreResult};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::AdminCall;
use crate::error::ApiResult;
use crate::extract::{Paging, QueryParams};

/// Answers one page of a list if the caller may `action`: the rows `list` loads on a read
/// connection, each shown as `view` shows it.
pub async fn respond<R, T>(
    AdminCall { req, state, user }: AdminCall,
    action: Action,
    paging: QueryParams<Paging>,
    list: fn(&mut DbConn, PageRequest) -> StoreResult<Page<R>>,
    view: impl FnMut(R) -> T,
) -> ApiResult<HttpResponse>
where
    R: Send + 'static,
    T: Serialize + ToSchema,
{
    user.require(action)?;
    let load = |page| state.read(move |conn| list(conn, page));
    paging.0.private_page(&req, &state.cursors, load, view).await
}

//! Embargoes in the admin API: the desk's feed of embargoed articles (`GET /v1/admin/embargoes`)
//! and the `embargoed` filter of the admin article list. Setting, moving and lifting an embargo
//! is a field of the article (`embargo_until`); the rules are `newsdesk_domain::embargo`.

use actix_web::HttpResponse;
use newsdesk_domain::Action;
use newsdesk_persistence::articles::embargoes;
use serde::Deserialize;
use utoipa::IntoParams;

use super::dto::ArticleOut;
use super::view::{self, Shape};
use crate::auth::AdminCall;
use crate::error::ApiResult;
use crate::extract::{Paging, QueryParams};
use crate::respond::ListResponse;
use crate::responses::{ByRole, Paged};

/// The `embargoed` filter of the admin article list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EmbargoQuery {
    /// `true`: only articles under an embargo that has not ended; `false`: only those without
    /// one (none set, or it has ended).
    pub embargoed: Option<bool>,
}

/// The desk's embargo feed: articles whose embargo has not ended, the soonest end first, with
/// `embargo_until`, out of the trash. Editors and admins only.
#[utoipa::path(get, path = "/v1/admin/embargoes", operation_id = "admin_list_embargoes", tag = "admin-articles", security(("bearer" = [])),
    params(Paging),
    responses(
        (status = 200, description = "A page of embargoed articles, the soonest embargo end first", body = ListResponse<ArticleOut>),
        Paged, ByRole,
    ))]
pub async fn feed(AdminCall { req, state, user }: AdminCall, paging: QueryParams<Paging>) -> ApiResult<HttpResponse> {
    user.require(Action::ReadEmbargoes)?;
    let shape = Shape { authors: true, section: true, embargo: true, ..Shape::default() };
    let load = |page| {
        state.read(move |conn| {
            let found = embargoes::upcoming(conn, newsdesk_persistence::now(), page)?;
            Ok(newsdesk_persistence::Page { items: view::render_all(conn, found.items, shape)?, total: found.total })
        })
    };
    paging.0.private_page(&req, &state.cursors, load, std::convert::identity).await
}

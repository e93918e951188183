//! `GET /v1/articles/{slug}/related`: the editors' picks first, then published articles that
//! share the most topics, newest first among equals.

use actix_web::{web, HttpRequest, HttpResponse};
use newsdesk_persistence::articles as store;
use newsdesk_persistence::articles::relations::{self, Include, LoadedLink};
use newsdesk_persistence::articles::retractions::RetractionNotice;
use newsdesk_persistence::StoreError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::dto::RelatedOut;
use super::public::RetractedProblem;
use super::view::{self, Shape};
use crate::error::{not_found_as, ApiError, ApiResult};
use crate::extract::QueryParams;
use crate::respond::public_json_at;
use crate::responses::{BadQuery, PublicRead};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RelatedQuery {
    /// How many, 1 to 20 (default 5).
    #[param(minimum = 1, maximum = 20)]
    pub limit: Option<i64>,
}

/// Why an item is in the list.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Chosen by an editor, in their order.
    Editor,
    /// Shares topics (tags) with the article.
    Topics,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RelatedItem {
    pub origin: Origin,
    pub link: RelatedOut,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RelatedList {
    pub data: Vec<RelatedItem>,
}

/// What a slug's related list answers with.
enum Found {
    Related(Vec<RelatedItem>, Option<chrono::NaiveDateTime>),
    Retracted(RetractionNotice),
}

/// Related reading for a published article.
///
/// The editors' picks come first, in their order; then published articles sharing the most tags
/// with it, newest first among equals, chosen among the 200 newest published articles of each of
/// its tags. A retracted article's slug (and each of its old slugs) answers `410` with the
/// reason, as the article itself does.
#[utoipa::path(get, path = "/v1/articles/{slug}/related", operation_id = "list_related", tag = "articles",
    params(("slug" = String, Path, description = "The article's slug"), RelatedQuery),
    responses(
        (status = 200, description = "Editor picks, then topic matches; never the article itself or an unpublished one", body = RelatedList),
        (status = 410, description = "The article was retracted: the reason and when", body = RetractedProblem, content_type = "application/problem+json"),
        PublicRead, BadQuery,
    ))]
pub async fn related(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: QueryParams<RelatedQuery>,
) -> ApiResult<HttpResponse> {
    let limit = query.0.limit.unwrap_or(5);
    if !(1..=20).contains(&limit) {
        return Err(ApiError::invalid("limit", "must be between 1 and 20"));
    }
    let found = state
        .read(move |conn| {
            // Only the id: the row's bodies are most of its bytes, and nothing here shows them.
            let (article_id, changed) = match store::published_id_and_last_change(conn, &slug) {
                Ok(found) => found,
                Err(StoreError::NotFound) => {
                    return store::retractions::by_slug(conn, &slug)?.map(Found::Retracted).ok_or(StoreError::NotFound)
                }
                Err(other) => return Err(other),
            };
            let include = Include { links: true, published_links_only: true, ..Include::default() };
            let mut picks = relations::load(conn, std::slice::from_ref(&article_id), include)?
                .links
                .remove(&article_id)
                .unwrap_or_default();
            picks.truncate(usize::try_from(limit).unwrap_or(0));
            let mut exclude: Vec<String> = picks
                .iter()
                .filter_map(|link| match link {
                    LoadedLink::Article(card) => Some(card.id.clone()),
                    LoadedLink::External { .. } => None,
                })
                .collect();
            exclude.push(article_id.clone());
            let room = limit - i64::try_from(picks.len()).unwrap_or(limit);
            let matches = store::related_by_tags(conn, &article_id, &exclude, room)?;
            let mut items: Vec<RelatedItem> = picks
                .into_iter()
                .map(|link| RelatedItem { origin: Origin::Editor, link: view::related_out(link) })
                .collect();
            let cards = view::render_all(conn, matches, Shape { public: true, ..Shape::default() })?;
            items.extend(cards.into_iter().map(|card| RelatedItem {
                origin: Origin::Topics,
                link: RelatedOut::Article { article: view::card_of(card) },
            }));
            Ok(Found::Related(items, changed))
        })
        .await
        .map_err(|e| not_found_as(e, "article"))?;
    match found {
        Found::Related(data, changed) => {
            crate::cache::tag(&req, vec![crate::cache::Tag::Lists]);
            public_json_at(&req, &RelatedList { data }, changed)
        }
        Found::Retracted(notice) => Ok(RetractedProblem::new(notice).respond(&req)),
    }
}

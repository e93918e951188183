//! The OpenAPI 3.1 document, generated from the handlers' annotations.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::webhooks::WebhooksDoc;
use crate::{api_keys, articles, audit, auth, feeds, operations, terms, users, views};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Newsdesk API",
        description = "A headless CMS for news and commentary. The public API (`/v1/articles`, `/v1/authors`, …) serves published content only and is the same for every caller, so a CDN can cache it. The editorial API (`/v1/admin/…`) needs `Authorization: Bearer <access token>` from `/v1/auth/login`. Every error is `application/problem+json` (RFC 9457).",
        license(name = "MIT")
    ),
    paths(
        articles::public::list, articles::public::get, articles::related::related,
        views::most_viewed, views::beacon,
        feeds::rss_feed, feeds::atom_feed, feeds::json_feed, feeds::sitemap,
        terms::authors::public_list, terms::authors::public_get,
        terms::sources::public_list, terms::sources::public_get,
        terms::sections::public_list, terms::sections::public_get,
        terms::tags::public_list, terms::tags::public_get,
        auth::handlers::login, auth::handlers::refresh, auth::handlers::logout, users::me,
        articles::admin::list, articles::admin::create, articles::admin::get, articles::admin::update,
        articles::admin::delete, articles::workflow::publish, articles::workflow::unpublish,
        articles::workflow::schedule, articles::workflow::unschedule, articles::bulk::bulk,
        articles::revisions::list, articles::revisions::get, articles::revisions::restore,
        articles::workflow::trash_list, articles::workflow::restore, articles::workflow::purge,
        articles::preview::create, articles::preview::show,
        api_keys::list, api_keys::create, api_keys::revoke,
        audit::list,
        terms::authors::admin_list, terms::authors::admin_create, terms::authors::admin_get, terms::authors::admin_update, terms::authors::admin_delete,
        terms::sources::admin_list, terms::sources::admin_create, terms::sources::admin_get, terms::sources::admin_update, terms::sources::admin_delete,
        terms::sections::admin_list, terms::sections::admin_create, terms::sections::admin_get, terms::sections::admin_update, terms::sections::admin_delete,
        terms::tags::admin_list, terms::tags::admin_create, terms::tags::admin_get, terms::tags::admin_update, terms::tags::admin_delete,
        users::list, users::create, users::get, users::update,
        operations::health::healthz, operations::health::readyz, operations::metrics::scrape,
    ),
    components(schemas(articles::query::SortParam, views::Window)),
    modifiers(&BearerAuth, &SparseFields, &WebhooksDoc),
    tags(
        (name = "articles", description = "Published articles"),
        (name = "authors", description = "Bylines"),
        (name = "sources", description = "Wire services and outlets"),
        (name = "sections", description = "Sections such as View, News, Analysis"),
        (name = "tags", description = "Topics"),
        (name = "feeds", description = "RSS, Atom, JSON Feed and the sitemap"),
        (name = "auth", description = "Logging in and tokens"),
        (name = "admin-articles", description = "Writing and publishing"),
        (name = "revisions", description = "Every change to an article, and restoring one"),
        (name = "trash", description = "Deleted articles, until restored or purged"),
        (name = "previews", description = "Signed links to drafts for frontends"),
        (name = "users", description = "Accounts and roles (admins only)"),
        (name = "api-keys", description = "Keys for integrations (admins only)"),
        (name = "audit", description = "Who did what (admins only)"),
        (name = "webhooks", description = "Signed event delivery to your endpoints, with retries and a delivery log"),
        (name = "operations", description = "Health checks and metrics"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
        components.add_security_scheme(
            "metrics_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The value of NEWSDESK_METRICS_TOKEN"))
                    .build(),
            ),
        );
    }
}

/// With `fields=`, articles carry only the named fields, so these responses are either the
/// full schema or any subset of it.
struct SparseFields;

impl Modify for SparseFields {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::schema::{AnyOfBuilder, ObjectBuilder, Schema};
        use utoipa::openapi::RefOr;
        for path in ["/v1/articles", "/v1/articles/{slug}", "/v1/preview/{token}"] {
            let Some(operation) = openapi.paths.paths.get_mut(path).and_then(|item| item.get.as_mut()) else {
                continue;
            };
            let Some(RefOr::T(response)) = operation.responses.responses.get_mut("200") else { continue };
            let Some(content) = response.content.get_mut("application/json") else { continue };
            if let Some(full) = content.schema.take() {
                let sparse = ObjectBuilder::new()
                    .description(Some("With `fields=`: only the named top-level fields of each article"));
                let either = AnyOfBuilder::new().item(full).item(sparse).build();
                content.schema = Some(RefOr::T(Schema::AnyOf(either)));
            }
        }
    }
}

/// The document as committed in `openapi/openapi.json`.
pub fn document_json() -> String {
    let mut json = ApiDoc::openapi().to_pretty_json().unwrap_or_default();
    json.push('\n');
    json
}

//! The OpenAPI 3.1 document, generated from the handlers' annotations.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::webhooks::WebhooksDoc;
use crate::{articles, views};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Newsdesk API",
        description = "A headless CMS for news and commentary. The public API (`/v1/articles`, `/v1/authors`, …) serves published content only and is the same for every caller, so a CDN can cache it. The editorial API (`/v1/admin/…`) needs `Authorization: Bearer <access token>` from `/v1/auth/login`. Every error is `application/problem+json` (RFC 9457).",
        license(name = "MIT")
    ),
    components(schemas(articles::query::SortParam, views::Window, crate::error::Problem)),
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

/// The whole document: [`ApiDoc`], then every route [`crate::router::declare`] registers.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut openapi = ApiDoc::openapi();
    let mut routes = crate::routes::Routes::listing();
    crate::router::declare(&mut routes);
    let (paths, schemas) = routes.into_document();
    openapi.paths = paths;
    openapi.components.get_or_insert_with(Default::default).schemas.extend(schemas);
    let modifiers: [&dyn Modify; 3] = [&BearerAuth, &SparseFields, &WebhooksDoc];
    for modifier in modifiers {
        modifier.modify(&mut openapi);
    }
    openapi
}

/// The document as committed in `openapi/openapi.json`.
pub fn document_json() -> String {
    let mut json = document().to_pretty_json().unwrap_or_default();
    json.push('\n');
    json
}

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
        (name = "feeds", description = "RSS, Atom, JSON Feed, the sitemaps and robots.txt"),
        (name = "live", description = "Live coverage: live blogs and their timestamped entries, and Server-Sent Events streams of a live blog and of the site's public changes"),
        (name = "auth", description = "Logging in and tokens"),
        (name = "admin-articles", description = "Writing and publishing"),
        (name = "corrections", description = "Correction, clarification and update notes on published articles"),
        (name = "desk", description = "Assignments and internal notes: the desk's own, never public"),
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

/// With `fields=`, articles carry only the named top-level fields (`id` too only when named),
/// so these answers are either the full schema or a partial one. The partial schemas are
/// copies of the full ones with nothing required, made here so they cannot drift apart.
struct SparseFields;

/// [`crate::articles::dto::ArticleOut`] with every property optional.
const ARTICLE_PARTIAL: &str = "ArticlePartial";
/// A page of [`ARTICLE_PARTIAL`]s.
const ARTICLE_LIST_PARTIAL: &str = "ArticleListPartial";

/// The operations that honour `fields=`, and the partial schema of each one's answer.
const SPARSE_ANSWERS: [(&str, &str); 4] = [
    ("/v1/articles", ARTICLE_LIST_PARTIAL),
    ("/v1/admin/articles", ARTICLE_LIST_PARTIAL),
    ("/v1/articles/{slug}", ARTICLE_PARTIAL),
    ("/v1/preview/{token}", ARTICLE_PARTIAL),
];

impl Modify for SparseFields {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::schema::{AnyOfBuilder, Schema};
        use utoipa::openapi::{Ref, RefOr};
        let components = openapi.components.get_or_insert_with(Default::default);
        let (Some(article), Some(list)) = (partial_article(&components.schemas), partial_list(&components.schemas))
        else {
            return;
        };
        components.schemas.insert(ARTICLE_PARTIAL.to_owned(), article);
        components.schemas.insert(ARTICLE_LIST_PARTIAL.to_owned(), list);
        for (path, partial) in SPARSE_ANSWERS {
            let Some(operation) = openapi.paths.paths.get_mut(path).and_then(|item| item.get.as_mut()) else {
                continue;
            };
            let Some(RefOr::T(response)) = operation.responses.responses.get_mut("200") else { continue };
            let Some(content) = response.content.get_mut("application/json") else { continue };
            if let Some(full) = content.schema.take() {
                let either = AnyOfBuilder::new().item(full).item(Ref::from_schema_name(partial)).build();
                content.schema = Some(RefOr::T(Schema::AnyOf(either)));
            }
        }
    }
}

type Schemas = std::collections::BTreeMap<String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>>;

/// `ArticleOut` with nothing required: the same properties, types and descriptions.
fn partial_article(schemas: &Schemas) -> Option<utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>> {
    use utoipa::openapi::schema::Schema;
    use utoipa::openapi::RefOr;
    let RefOr::T(Schema::Object(mut object)) = schemas.get("ArticleOut")?.clone() else { return None };
    object.required.clear();
    object.description = Some(
        "An article with `fields=`: only the named top-level fields (`id` too only when named). \
         Every property is as in `ArticleOut`, and any may be absent."
            .to_owned(),
    );
    Some(RefOr::T(Schema::Object(object)))
}

/// `ListResponse_ArticleOut` whose `data` holds `ArticlePartial`s.
fn partial_list(schemas: &Schemas) -> Option<utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>> {
    use utoipa::openapi::schema::{ArrayBuilder, Schema};
    use utoipa::openapi::{Ref, RefOr};
    let RefOr::T(Schema::Object(mut object)) = schemas.get("ListResponse_ArticleOut")?.clone() else { return None };
    let data = object.properties.get_mut("data")?;
    *data = ArrayBuilder::new().items(Ref::from_schema_name(ARTICLE_PARTIAL)).into();
    object.description = Some("A page of articles with `fields=`, and how to get the others.".to_owned());
    Some(RefOr::T(Schema::Object(object)))
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

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    fn schemas() -> Value {
        serde_json::to_value(document()).unwrap()["components"]["schemas"].take()
    }

    #[test]
    fn a_partial_article_is_the_full_one_with_nothing_required() {
        let schemas = schemas();
        let (full, partial) = (&schemas["ArticleOut"], &schemas[ARTICLE_PARTIAL]);
        assert_eq!(partial["properties"], full["properties"], "same properties, same types");
        assert!(partial.get("required").is_none_or(|r| r.as_array().is_some_and(Vec::is_empty)), "{partial}");
        assert!(!full["required"].as_array().unwrap().is_empty(), "the full article does require fields");

        let (list, partial_list) = (&schemas["ListResponse_ArticleOut"], &schemas[ARTICLE_LIST_PARTIAL]);
        assert_eq!(partial_list["required"], list["required"]);
        assert_eq!(partial_list["properties"]["meta"], list["properties"]["meta"]);
        assert_eq!(partial_list["properties"]["data"]["items"]["$ref"], "#/components/schemas/ArticlePartial");
    }

    /// A client may name exactly the documented properties of an article in `fields=`.
    #[test]
    fn every_field_a_client_may_name_is_documented() {
        let schemas = schemas();
        let documented: std::collections::BTreeSet<&str> =
            schemas["ArticleOut"]["properties"].as_object().unwrap().keys().map(String::as_str).collect();
        let known: std::collections::BTreeSet<&str> = crate::articles::fields::KNOWN.into_iter().collect();
        assert_eq!(known, documented);
    }
}

//! Routes and documents a [`Term`]'s seven endpoints. The handlers are generic, so no
//! `#[utoipa::path]` fits them: each operation is written here once, for every term.

use utoipa::openapi::path::{HttpMethod, Operation, OperationBuilder, ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::response::{ResponseBuilder, ResponsesBuilder};
use utoipa::openapi::schema::Schema;
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{Content, Ref, RefOr, Required};
use utoipa::{IntoParams, PartialSchema, ToSchema};

use super::TermView;
use crate::extract::{IfMatchRequired, Paging};
use crate::respond::ListResponse;
use crate::responses::{AdminRead, AdminVersionedWrite, ByRole, JsonInput, LoggedIn, NotModified, Paged, PublicRead};
use crate::routes::{resource, Documentation, Routes};

/// Routes `T`'s public and admin endpoints, and documents them.
pub fn routes<T: TermView>(api: &mut Routes) {
    let doc = Doc::<T>::new();
    api.add(resource().documented(doc.public_list(), super::public_list::<T>))
        .add(resource().documented(doc.public_get(), super::public_get::<T>))
        .add(
            resource()
                .documented(doc.admin_list(), super::admin_list::<T>)
                .documented(doc.admin_create(), super::admin_create::<T>),
        )
        .add(
            resource()
                .documented(doc.admin_get(), super::admin_get::<T>)
                .documented(doc.admin_update(), super::admin_update::<T>)
                .documented(doc.admin_delete(), super::admin_delete::<T>),
        );
}

/// The seven operations of one term, named after its plural (`tags`: `/v1/tags`,
/// `/v1/admin/tags`, tag `tags`, `admin_list_tags`).
struct Doc<T> {
    marker: std::marker::PhantomData<T>,
}

impl<T: TermView> Doc<T> {
    fn new() -> Self {
        Self { marker: std::marker::PhantomData }
    }

    fn public_list(&self) -> Documentation {
        let ok = "A page, by name, each with its count of published articles";
        let responses = ResponsesBuilder::new()
            .response("200", json(ok, &list_name::<T::Out>()))
            .responses_from_into_responses::<NotModified>()
            .responses_from_into_responses::<Paged>();
        let op = self.operation("public_list").parameters(Some(Paging::into_params(|| None))).responses(responses);
        self.document(format!("/v1/{}", T::PLURAL), HttpMethod::Get, op).refers_to_list::<T::Out>()
    }

    fn public_get(&self) -> Documentation {
        let ok = "Found, with its count of published articles";
        let responses = ResponsesBuilder::new()
            .response("200", json(ok, &T::Out::name()))
            .responses_from_into_responses::<PublicRead>();
        let op = self.operation("public_get").parameter(path_parameter("slug", "Slug")).responses(responses);
        self.document(format!("/v1/{}/{{slug}}", T::PLURAL), HttpMethod::Get, op).refers_to::<T::Out>()
    }

    fn admin_list(&self) -> Documentation {
        let responses = ResponsesBuilder::new()
            .response("200", json("A page, by name", &list_name::<T::Out>()))
            .responses_from_into_responses::<Paged>()
            .responses_from_into_responses::<LoggedIn>();
        let op = self.admin_operation("admin_list").parameters(Some(Paging::into_params(|| None))).responses(responses);
        self.document(self.admin_path(), HttpMethod::Get, op).refers_to_list::<T::Out>()
    }

    fn admin_create(&self) -> Documentation {
        let ok = "Created; `Location` points at it and `ETag` is its version";
        let responses = ResponsesBuilder::new()
            .response("201", json(ok, &T::Out::name()))
            .responses_from_into_responses::<JsonInput>()
            .responses_from_into_responses::<ByRole>()
            .response("409", problem("Slug already taken"));
        let op = self.admin_operation("admin_create").request_body(Some(json_body(&T::Create::name())));
        self.document(self.admin_path(), HttpMethod::Post, op.responses(responses))
            .refers_to::<T::Create>()
            .refers_to::<T::Out>()
    }

    fn admin_get(&self) -> Documentation {
        let responses = ResponsesBuilder::new()
            .response("200", json("Found; `ETag` is its version", &T::Out::name()))
            .responses_from_into_responses::<NotModified>()
            .responses_from_into_responses::<AdminRead>();
        let op = self.admin_operation("admin_get").parameter(path_parameter("id", "Id")).responses(responses);
        self.document(self.admin_item(), HttpMethod::Get, op).refers_to::<T::Out>()
    }

    fn admin_update(&self) -> Documentation {
        let responses = ResponsesBuilder::new()
            .response("200", json("Updated", &T::Out::name()))
            .responses_from_into_responses::<JsonInput>()
            .responses_from_into_responses::<AdminVersionedWrite>()
            .response("409", problem("Slug already taken"));
        let op = self
            .admin_operation("admin_update")
            .request_body(Some(json_body(&T::Patch::name())))
            .parameter(path_parameter("id", "Id"))
            .parameters(Some(IfMatchRequired::into_params(|| None)))
            .responses(responses);
        self.document(self.admin_item(), HttpMethod::Patch, op).refers_to::<T::Patch>().refers_to::<T::Out>()
    }

    fn admin_delete(&self) -> Documentation {
        let responses = ResponsesBuilder::new()
            .response("204", ResponseBuilder::new().description("Deleted; articles keep everything else"))
            .responses_from_into_responses::<AdminVersionedWrite>();
        let op = self
            .admin_operation("admin_delete")
            .parameter(path_parameter("id", "Id"))
            .parameters(Some(IfMatchRequired::into_params(|| None)))
            .responses(responses);
        self.document(self.admin_item(), HttpMethod::Delete, op)
    }

    fn admin_path(&self) -> String {
        format!("/v1/admin/{}", T::PLURAL)
    }

    fn admin_item(&self) -> String {
        format!("/v1/admin/{}/{{id}}", T::PLURAL)
    }

    fn operation(&self, verb: &str) -> OperationBuilder {
        OperationBuilder::new().tag(T::PLURAL).operation_id(Some(format!("{verb}_{}", T::PLURAL)))
    }

    fn admin_operation(&self, verb: &str) -> OperationBuilder {
        self.operation(verb).security(SecurityRequirement::new("bearer", Vec::<String>::new()))
    }

    fn document(&self, path: String, method: HttpMethod, operation: OperationBuilder) -> Documentation {
        let operation: Operation = operation.build();
        Documentation { path, methods: vec![method], operation, schemas: Vec::new() }
    }
}

trait RefersTo {
    /// Adds `S` and the schemas it refers to.
    fn refers_to<S: ToSchema>(self) -> Self;
    /// Adds a list of `S`, and `S`.
    fn refers_to_list<S: ToSchema>(self) -> Self;
}

impl RefersTo for Documentation {
    fn refers_to<S: ToSchema>(mut self) -> Self {
        self.schemas.push((S::name().into_owned(), S::schema()));
        S::schemas(&mut self.schemas);
        self
    }

    fn refers_to_list<S: ToSchema>(mut self) -> Self {
        // As `#[utoipa::path]` composes a generic body: `S` written out inside the list.
        let list = <ListResponse<S> as utoipa::__dev::ComposeSchema>::compose(vec![S::schema()]);
        self.schemas.push((list_name::<S>(), list));
        ListResponse::<S>::schemas(&mut self.schemas);
        self.refers_to::<S>()
    }
}

/// What utoipa names a generic schema's instance: `ListResponse_TagOut`.
fn list_name<S: ToSchema>() -> String {
    format!("{}_{}", ListResponse::<S>::name(), S::name())
}

fn schema_ref(name: &str) -> Content {
    Content::new(Some(RefOr::<Schema>::Ref(Ref::from_schema_name(name))))
}

fn json(description: &str, schema: &str) -> ResponseBuilder {
    ResponseBuilder::new().description(description).content("application/json", schema_ref(schema))
}

fn problem(description: &str) -> ResponseBuilder {
    ResponseBuilder::new().description(description).content("application/problem+json", schema_ref("Problem"))
}

fn json_body(schema: &str) -> utoipa::openapi::request_body::RequestBody {
    RequestBodyBuilder::new().content("application/json", schema_ref(schema)).required(Some(Required::True)).build()
}

fn path_parameter(name: &str, description: &str) -> ParameterBuilder {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Path)
        .description(Some(description))
        .required(Required::True)
        .schema(Some(String::schema()))
}

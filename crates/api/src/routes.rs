//! One declaration per route: a handler's `#[utoipa::path]` names its method and path, and
//! registering it here both routes it and puts it in the OpenAPI document.
//!
//! [`routes!`](crate::routes!) groups the handlers of one path into one actix resource, so a
//! method the path does not serve answers 405 with `Allow`, and the order of registration is
//! the order actix matches in (a literal segment such as `most-viewed` goes before `{slug}`).
//! Every GET answers HEAD too, here, so no route can miss it.

use actix_web::http::Method;
use actix_web::{web, FromRequest, Handler, Responder, Route};
use utoipa::openapi::path::{HttpMethod, Operation, Paths};
use utoipa::openapi::schema::Schema;
use utoipa::openapi::RefOr;

/// One routed path and method, as the drift test reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteEntry {
    pub path: String,
    pub method: Method,
    /// False only for the pages registered with [`Routes::page`].
    pub documented: bool,
}

/// The handlers of one path, built by [`routes!`](crate::routes!).
pub struct Resource {
    path: String,
    routes: Vec<Route>,
    operations: Vec<(HttpMethod, Operation)>,
    schemas: Vec<(String, RefOr<Schema>)>,
}

/// What the document says about one operation.
pub struct Documentation {
    pub path: String,
    pub methods: Vec<HttpMethod>,
    pub operation: Operation,
    /// The schemas the operation refers to, with the schemas they refer to.
    pub schemas: Vec<(String, RefOr<Schema>)>,
}

impl Documentation {
    /// What `#[utoipa::path]` generated as `D`.
    pub fn of<D>() -> Self
    where
        D: utoipa::Path + utoipa::__dev::SchemaReferences + for<'t> utoipa::__dev::Tags<'t>,
    {
        let mut operation = D::operation();
        operation.tags = Some(<D as utoipa::__dev::Tags>::tags().into_iter().map(str::to_owned).collect());
        let mut schemas = Vec::new();
        D::schemas(&mut schemas);
        Self { path: D::path(), methods: D::methods(), operation, schemas }
    }
}

impl Resource {
    /// The handler `handler`, documented by its `#[utoipa::path]`, which generated `D`.
    pub fn handler<D, F, Args>(self, handler: F) -> Self
    where
        D: utoipa::Path + utoipa::__dev::SchemaReferences + for<'t> utoipa::__dev::Tags<'t>,
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.documented(Documentation::of::<D>(), handler)
    }

    /// The handler `handler`, documented by `doc` (generic handlers, which no annotation fits).
    pub fn documented<F, Args>(mut self, doc: Documentation, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        let Documentation { path, methods, operation, mut schemas } = doc;
        assert!(
            self.path.is_empty() || self.path == path,
            "{path} grouped with {}; one resource serves one path",
            self.path
        );
        self.path = path;
        for method in methods {
            self.routes.push(web::route().method(actix_method(&method)).to(handler.clone()));
            // HEAD is GET without the body (RFC 9110 §9.3.2): the same handler, status and
            // headers, and actix-http leaves the body out on the wire while keeping its
            // Content-Length. It is implied, so the document does not list it.
            if method == HttpMethod::Get {
                self.routes.push(web::head().to(handler.clone()));
            }
            self.operations.push((method, operation.clone()));
        }
        self.schemas.append(&mut schemas);
        self
    }
}

/// Starts a [`Resource`]; used by [`routes!`](crate::routes!).
pub fn resource() -> Resource {
    Resource { path: String::new(), routes: Vec::new(), operations: Vec::new(), schemas: Vec::new() }
}

fn actix_method(method: &HttpMethod) -> Method {
    match method {
        HttpMethod::Get => Method::GET,
        HttpMethod::Post => Method::POST,
        HttpMethod::Put => Method::PUT,
        HttpMethod::Delete => Method::DELETE,
        HttpMethod::Options => Method::OPTIONS,
        HttpMethod::Head => Method::HEAD,
        HttpMethod::Patch => Method::PATCH,
        HttpMethod::Trace => Method::TRACE,
    }
}

/// Collects routes: into an actix app when serving, and always into the document and the table.
pub struct Routes<'a> {
    app: Option<&'a mut web::ServiceConfig>,
    paths: Paths,
    schemas: Vec<(String, RefOr<Schema>)>,
    table: Vec<RouteEntry>,
}

impl<'a> Routes<'a> {
    /// Routes into `app`.
    pub fn serving(app: &'a mut web::ServiceConfig) -> Self {
        Self { app: Some(app), paths: Paths::new(), schemas: Vec::new(), table: Vec::new() }
    }

    /// Only collects the document and the table.
    pub fn listing() -> Routes<'static> {
        Routes { app: None, paths: Paths::new(), schemas: Vec::new(), table: Vec::new() }
    }

    /// Routes and documents one path's handlers.
    pub fn add(&mut self, resource: Resource) -> &mut Self {
        let Resource { path, routes, operations, schemas } = resource;
        for (method, operation) in operations {
            self.table.push(RouteEntry { path: path.clone(), method: actix_method(&method), documented: true });
            self.paths.add_path_operation(&path, vec![method], operation);
        }
        self.schemas.extend(schemas);
        if let Some(app) = self.app.as_deref_mut() {
            let resource = routes.into_iter().fold(web::resource(path), |resource, route| resource.route(route));
            app.service(resource);
        }
        self
    }

    /// Routes a page of the site that is not part of the API (the reader), outside the document.
    pub fn page<F, Args>(&mut self, path: &str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.table.push(RouteEntry { path: path.to_owned(), method: Method::GET, documented: false });
        if let Some(app) = self.app.as_deref_mut() {
            app.service(web::resource(path).route(web::get().to(handler.clone())).route(web::head().to(handler)));
        }
        self
    }

    /// The documented paths and the schemas their operations refer to.
    pub fn into_document(self) -> (Paths, Vec<(String, RefOr<Schema>)>) {
        (self.paths, self.schemas)
    }

    /// Every routed path and method, in the order actix matches them.
    pub fn into_table(self) -> Vec<RouteEntry> {
        self.table
    }
}

/// A [`Resource`] from the documented handlers of one path: `routes!(users::list, users::create)`.
///
/// A macro only because a handler's documentation is the type `#[utoipa::path]` generates
/// beside it, `__path_<name>`, and only a macro can name it from the handler's path.
#[macro_export]
macro_rules! routes {
    ($($($segment:ident)::+),+ $(,)?) => {
        $crate::routes::resource()
            $(.handler::<$crate::routes!(@doc [] $($segment)+), _, _>($($segment)::+))+
    };
    (@doc [$($module:ident)*] $name:ident) => {
        ::paste::paste!($($module::)* [<__path_ $name>])
    };
    (@doc [$($module:ident)*] $head:ident $($rest:ident)+) => {
        $crate::routes!(@doc [$($module)* $head] $($rest)+)
    };
}

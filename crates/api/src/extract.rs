//! Request extractors that turn every kind of bad input into a precise problem.

use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use newsdesk_domain::FieldError;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Largest JSON body we read.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A JSON body, checked for content type, size, syntax, types and unknown fields.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<mime::Mime>().ok())
            .is_some_and(|m| {
                m.type_() == mime::APPLICATION && (m.subtype() == mime::JSON || m.suffix() == Some(mime::JSON))
            });
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::UnsupportedMediaType);
            }
            let bytes = body.await.map_err(|e| match e.as_error::<PayloadError>() {
                Some(PayloadError::Overflow) => ApiError::PayloadTooLarge { limit: MAX_BODY_BYTES },
                _ => ApiError::BadRequest(format!("could not read the request body: {e}")),
            })?;
            parse_json(&bytes).map(JsonBody)
        })
    }
}

/// Deserializes JSON, naming where it broke (syntax) or which field is wrong (types, unknown,
/// missing or repeated fields, NUL characters).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // A first pass as plain JSON separates broken syntax (400) from bad data (422).
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| ApiError::BadRequest(format!("malformed JSON: {e}")))?;
    if let Some(field) = nul_path(&value, String::new()) {
        return Err(ApiError::invalid(&field, "must not contain NUL characters"));
    }
    // The typed pass reads the bytes, not the value, so repeated keys are still caught.
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(typed) => Ok(typed),
        Err(error) if error.inner().classify() == serde_json::error::Category::Data => {
            Err(data_error(&error.path().to_string(), &error.inner().to_string()))
        }
        // serde_json reports some type errors (a number where an enum goes) as syntax; the
        // already-parsed value gives them a path and a type message.
        Err(_) => serde_path_to_error::deserialize::<_, T>(value)
            .map_err(|e| data_error(&e.path().to_string(), &e.inner().to_string())),
    }
}

/// The path of the first string (or key) holding a NUL character, which no database column
/// can store.
fn nul_path(value: &serde_json::Value, path: String) -> Option<String> {
    use serde_json::Value;
    let here = || if path.is_empty() { "body".to_owned() } else { path.clone() };
    match value {
        Value::String(s) if s.contains('\0') => Some(here()),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, v)| nul_path(v, format!("{}[{i}]", here()))),
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            let child = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
            if k.contains('\0') {
                Some(child)
            } else {
                nul_path(v, child)
            }
        }),
        _ => None,
    }
}

/// Turns serde's message into a field error whose `field` is the full path, e.g. `authors[0]`.
fn data_error(path: &str, message: &str) -> ApiError {
    let message = message.split(" at line ").next().unwrap_or(message);
    for prefix in ["unknown field `", "missing field `", "duplicate field `"] {
        if let Some(rest) = message.strip_prefix(prefix) {
            let name = rest.split('`').next().unwrap_or_default();
            // serde_path_to_error already ends the path with an unknown field's name.
            let field = if path == "." {
                name.to_owned()
            } else if path == name || path.ends_with(&format!(".{name}")) {
                path.to_owned()
            } else {
                format!("{path}.{name}")
            };
            let why = match prefix {
                "unknown field `" => "is not a known field",
                "missing field `" => "is required",
                _ => "is given more than once",
            };
            return ApiError::Invalid(vec![FieldError { field, message: why.into() }]);
        }
    }
    let field = if path == "." { "body".to_owned() } else { path.to_owned() };
    ApiError::Invalid(vec![FieldError { field, message: message.to_owned() }])
}

/// Query parameters, with the offending parameter named when one has the wrong type.
/// Unknown parameters are ignored so cache-busting and tracking parameters do no harm.
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for QueryParams<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        if let Some((key, _)) = form_urlencoded(req.query_string()).find(|(k, v)| k.contains('\0') || v.contains('\0'))
        {
            return std::future::ready(Err(ApiError::invalid(
                &key.replace('\0', ""),
                "must not contain NUL characters",
            )));
        }
        let parsed = serde_urlencoded::Deserializer::new(form_urlencoded(req.query_string()));
        std::future::ready(serde_path_to_error::deserialize(parsed).map(QueryParams).map_err(|e| {
            let field = e.path().to_string();
            ApiError::Invalid(vec![FieldError { field, message: e.into_inner().to_string() }])
        }))
    }
}

fn form_urlencoded(query: &str) -> url::form_urlencoded::Parse<'_> {
    url::form_urlencoded::parse(query.as_bytes())
}

pub use crate::preconditions::{if_match, IfMatch, IfMatchRequired, Precondition};

/// Pagination parameters shared by every list.
#[derive(Debug, Clone, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// Items per page, 1 to 100.
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<i64>,
    /// Page number, from 1. Deep pages cost more and shift as content changes: prefer `cursor`.
    #[param(minimum = 1, maximum = 100000, default = 1)]
    pub page: Option<i64>,
    /// Continue a list from a `next_cursor` or `prev_cursor` it returned. Opaque and signed:
    /// a tampered cursor, or one from another list, gets 400.
    #[param(max_length = 1000)]
    pub cursor: Option<String>,
}

/// Which slice of a list (other than articles) to load: by page number or by an offset cursor.
pub struct OffsetWindow {
    list: String,
    limit: i64,
    offset: i64,
    page: Option<i64>,
}

/// Names a list by its path and non-paging parameters, so its cursors work nowhere else.
fn list_name(req: &HttpRequest) -> String {
    let mut params: Vec<(String, String)> = url::form_urlencoded::parse(req.query_string().as_bytes())
        .filter(|(k, _)| k != "cursor" && k != "page" && k != "limit")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    params.sort();
    format!("{}?{params:?}", req.path())
}

impl OffsetWindow {
    pub fn request(&self) -> newsdesk_persistence::PageRequest {
        newsdesk_persistence::PageRequest { limit: self.limit, offset: self.offset }
    }

    /// Wraps a loaded page with page links and cursors.
    pub fn respond<T: utoipa::ToSchema>(
        &self,
        req: &HttpRequest,
        cursors: &crate::cursor::CursorCodec,
        data: Vec<T>,
        total: i64,
    ) -> crate::respond::ListResponse<T> {
        use crate::cursor::Position;
        let seen = self.offset + i64::try_from(data.len()).unwrap_or(0);
        let next = (seen < total).then(|| cursors.encode(&self.list, &Position::Offset(self.offset + self.limit)));
        let prev =
            (self.offset > 0).then(|| cursors.encode(&self.list, &Position::Offset((self.offset - self.limit).max(0))));
        let page = self.page.unwrap_or(self.offset / self.limit + 1);
        crate::respond::ListResponse::new(req, data, total, self.limit, page).with_cursors(
            req,
            self.page,
            self.page.is_none(),
            next,
            prev,
        )
    }
}

impl Paging {
    pub const DEFAULT_LIMIT: i64 = 20;
    pub const MAX_LIMIT: i64 = 100;
    /// Deepest offset page-based paging will compute; keeps a single request cheap.
    const MAX_PAGE: i64 = 100_000;

    pub fn resolve(&self) -> Result<(i64, i64), ApiError> {
        let limit = self.limit.unwrap_or(Self::DEFAULT_LIMIT);
        if !(1..=Self::MAX_LIMIT).contains(&limit) {
            return Err(ApiError::invalid("limit", "must be between 1 and 100"));
        }
        let page = self.page.unwrap_or(1);
        if !(1..=Self::MAX_PAGE).contains(&page) {
            return Err(ApiError::invalid("page", "must be between 1 and 100000"));
        }
        Ok((limit, page))
    }

    /// Loads the slice this asks for with `load` and answers with it, privately: each item
    /// `map`ped to its API form, with page links, cursors and the total.
    pub async fn private_page<R, T, Fut>(
        &self,
        req: &HttpRequest,
        cursors: &crate::cursor::CursorCodec,
        load: impl FnOnce(newsdesk_persistence::PageRequest) -> Fut,
        map: impl FnMut(R) -> T,
    ) -> Result<actix_web::HttpResponse, ApiError>
    where
        Fut: std::future::Future<Output = Result<newsdesk_persistence::Page<R>, ApiError>>,
        T: serde::Serialize + utoipa::ToSchema,
    {
        let window = self.window(cursors, req)?;
        let found = load(window.request()).await?;
        let data = found.items.into_iter().map(map).collect();
        let list = window.respond(req, cursors, data, found.total);
        Ok(crate::respond::private_json(actix_web::http::StatusCode::OK, &list))
    }

    /// The slice to load: from `cursor` when given, else from `page` (default 1).
    pub fn window(&self, cursors: &crate::cursor::CursorCodec, req: &HttpRequest) -> Result<OffsetWindow, ApiError> {
        let (limit, page) = self.resolve()?;
        let list = list_name(req);
        match &self.cursor {
            Some(cursor) => match cursors.decode(&list, cursor)? {
                crate::cursor::Position::Offset(offset) => Ok(OffsetWindow { list, limit, offset, page: None }),
                crate::cursor::Position::Keyset(_) => Err(ApiError::BadRequest(
                    "the cursor is invalid or belongs to another list; start again without it".into(),
                )),
            },
            None => Ok(OffsetWindow { list, limit, offset: (page - 1) * limit, page: Some(page) }),
        }
    }
}

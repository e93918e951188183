//! What the rules in [`crate::validation`], [`crate::slug`] and [`crate::article::language`]
//! accept, said once for the OpenAPI document: input structs name these in
//! `#[schema(schema_with = …)]` instead of repeating each pattern on every field.
//!
//! `schema_with` replaces a field's whole schema, its doc comment included, so a field with a
//! description takes a function that adds it ([`described`]).

use utoipa::openapi::schema::{Object, ObjectBuilder, SchemaType, Type};

/// A slug (see [`crate::Slug`]).
pub const SLUG: &str = r"^[a-z0-9]+(-[a-z0-9]+)*$";
/// A single line with something besides white space (see [`crate::validation::required_text`]).
pub const LINE: &str = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$";
/// Text without control characters but tabs and line breaks (see
/// [`crate::validation::bounded_text`]).
pub const TEXT: &str = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$";
/// [`TEXT`] with something besides white space (see [`crate::article::review_note`]).
pub const NOTE: &str = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$";
/// An absolute http or https URL (see [`crate::validation::http_url`]).
pub const URL: &str = r"^https?://[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?(/[^\s]*)?$";
/// A language tag (see [`crate::article::language`]).
pub const LANGUAGE: &str = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$";
/// The longest URL [`crate::validation::http_url`] takes.
const MAX_URL: usize = 2048;
/// The longest name of a person or a term.
const MAX_NAME: usize = 200;
/// The longest language tag.
const MAX_LANGUAGE: usize = 35;

/// A string that matches `pattern` in at most `max` characters; `null` too when `nullable`.
fn string(pattern: &str, max: usize, nullable: bool) -> ObjectBuilder {
    let kind = if nullable { SchemaType::from_iter([Type::String, Type::Null]) } else { SchemaType::new(Type::String) };
    ObjectBuilder::new().schema_type(kind).max_length(Some(max)).pattern(Some(pattern))
}

/// `schema` with a description.
pub fn described(schema: Object, description: &str) -> Object {
    ObjectBuilder::from(schema).description(Some(description)).build()
}

/// A slug, or `null`.
pub fn slug() -> Object {
    string(SLUG, crate::slug::MAX_SLUG_LEN, true).build()
}

/// The name of a person or a term.
pub fn name() -> Object {
    string(LINE, MAX_NAME, false).build()
}

/// The name of a person or a term, or `null`.
pub fn optional_name() -> Object {
    string(LINE, MAX_NAME, true).build()
}

/// A single line of at most `MAX` characters.
pub fn line<const MAX: usize>() -> Object {
    string(LINE, MAX, false).build()
}

/// A single line of at most `MAX` characters, or `null`.
pub fn optional_line<const MAX: usize>() -> Object {
    string(LINE, MAX, true).build()
}

/// Text of at most `MAX` characters, or `null`.
pub fn text<const MAX: usize>() -> Object {
    string(TEXT, MAX, true).build()
}

/// Text of 1 to `MAX` characters with something besides white space.
pub fn note<const MAX: usize>() -> Object {
    string(NOTE, MAX, false).min_length(Some(1)).build()
}

/// An http or https URL, or `null`.
pub fn url() -> Object {
    string(URL, MAX_URL, true).build()
}

/// A language tag, or `null`.
pub fn language() -> Object {
    string(LANGUAGE, MAX_LANGUAGE, true).build()
}

//! Schema pieces the derives cannot express.

/// A string schema that admits only `values`: for a field the server fills from a fixed set
/// but keeps as a `String`.
pub fn string_enum(values: &[&str], description: &str) -> utoipa::openapi::schema::Object {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values.iter().copied()))
        .description(Some(description))
        .build()
}

//! `fields=`: sparse responses that carry only the named top-level fields.

use serde_json::Value;

use crate::error::ApiError;

/// The fields a client may ask for.
pub(crate) const KNOWN: [&str; 32] = [
    "id",
    "slug",
    "title",
    "summary",
    "status",
    "section",
    "source",
    "source_url",
    "language",
    "featured_image",
    "meta_title",
    "meta_description",
    "social_image_url",
    "canonical_url",
    "authors",
    "tags",
    "related",
    "corrections",
    "body",
    "word_count",
    "reading_time_minutes",
    "published_at",
    "created_at",
    "updated_at",
    "version",
    "snippet",
    "trashed_at",
    "lock",
    "assignee",
    "embargo_until",
    "structured_data",
    "live",
];

/// Parses `fields=a,b,c`; `None` means every field.
pub fn parse(fields: Option<&str>) -> Result<Option<Vec<String>>, ApiError> {
    let Some(fields) = fields else { return Ok(None) };
    let names: Vec<String> = fields.split(',').map(str::trim).filter(|f| !f.is_empty()).map(str::to_owned).collect();
    if let Some(unknown) = names.iter().find(|f| !KNOWN.contains(&f.as_str())) {
        return Err(ApiError::invalid("fields", format!("unknown field `{unknown}`; use any of {}", KNOWN.join(", "))));
    }
    Ok(Some(names))
}

/// Keeps only `fields` of one article object.
pub fn keep(article: &mut Value, fields: &[String]) {
    if let Value::Object(map) = article {
        map.retain(|key, _| fields.iter().any(|f| f == key));
    }
}

/// Keeps only `fields` of every article in a list response's `data`.
pub fn keep_in_list(list: &mut Value, fields: &[String]) {
    if let Some(items) = list.get_mut("data").and_then(Value::as_array_mut) {
        for item in items {
            keep(item, fields);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_what_was_asked() {
        let fields = parse(Some("title, slug")).unwrap().unwrap();
        let mut list = serde_json::json!({"data": [{"title": "t", "slug": "s", "body": {}}], "meta": {}});
        keep_in_list(&mut list, &fields);
        assert_eq!(list, serde_json::json!({"data": [{"title": "t", "slug": "s"}], "meta": {}}));
        assert!(parse(Some("title,nope")).is_err());
        assert_eq!(parse(None).unwrap(), None);
    }
}

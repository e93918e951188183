//! The `<head>` of an article's reader page, written on the server for crawlers and social
//! cards that run no script: the title, description and canonical link, Open Graph and Twitter
//! card tags, and the article's `structured_data` as JSON-LD. Every value is escaped: attributes
//! as HTML, the JSON-LD so that no `<` in it can close the script element.

use crate::articles::dto::ArticleOut;
use crate::articles::schema_org::NewsArticle;
use crate::articles::structured_data::{time, PageMeta};
use crate::error::{ApiError, ApiResult};

/// Text as HTML character data or a quoted attribute value.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// JSON for a `<script>` element: `<`, `>` and `&` as JSON escapes, so a `</script>` or `<!--`
/// inside a string cannot end the element early (the JSON means the same).
pub fn script_json(value: &impl serde::Serialize) -> ApiResult<String> {
    let json = serde_json::to_string(value).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(json.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026"))
}

/// The head's tags for `article`, whose `structured_data` is `data`.
pub fn tags(article: &ArticleOut, data: &NewsArticle, meta: &PageMeta, site_name: &str) -> ApiResult<String> {
    let mut out = format!("<title>{}</title>\n", escape(&meta.title));
    let mut tag = |attribute: &str, name: &str, content: &str| {
        out.push_str(&format!("<meta {attribute}=\"{name}\" content=\"{}\">\n", escape(content)));
    };
    if let Some(description) = &meta.description {
        tag("name", "description", description);
    }
    tag("property", "og:type", "article");
    tag("property", "og:title", &meta.title);
    if let Some(description) = &meta.description {
        tag("property", "og:description", description);
    }
    tag("property", "og:url", &meta.canonical);
    if let Some(image) = &meta.image {
        tag("property", "og:image", image);
    }
    tag("property", "og:site_name", site_name);
    tag("property", "article:published_time", &data.date_published);
    tag("property", "article:modified_time", &time(article.updated_at));
    tag("name", "twitter:card", if meta.image.is_some() { "summary_large_image" } else { "summary" });
    tag("name", "twitter:title", &meta.title);
    if let Some(description) = &meta.description {
        tag("name", "twitter:description", description);
    }
    if let Some(image) = &meta.image {
        tag("name", "twitter:image", image);
    }
    out.push_str(&format!("<link rel=\"canonical\" href=\"{}\">\n", escape(&meta.canonical)));
    out.push_str(&format!("<script type=\"application/ld+json\">{}</script>", script_json(data)?));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::{escape, script_json};

    #[test]
    fn nothing_breaks_out_of_an_attribute_or_the_script() {
        assert_eq!(escape(r#"a "b" <c> & 'd'"#), "a &quot;b&quot; &lt;c&gt; &amp; &#39;d&#39;");
        let json = script_json(&serde_json::json!({"headline": "</script><script>alert(1)</script>"}));
        let json = json.unwrap_or_default();
        assert!(!json.contains('<') && !json.contains('>'), "{json}");
        let back: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(back["headline"], "</script><script>alert(1)</script>");
    }
}

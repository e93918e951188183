//! Live-blog entries: short timestamped posts on an article under live coverage, Markdown with
//! an optional author and an optional image by URL.

use crate::article::MAX_SHORT_TEXT;
use crate::validation::{bounded_text, http_url, Violations};

/// The longest entry text, in characters of Markdown.
pub const MAX_ENTRY_BODY: usize = 20_000;

/// An entry's text: Markdown of 1 to [`MAX_ENTRY_BODY`] characters.
pub fn entry_body(value: &str) -> Result<String, String> {
    let text = bounded_text(value, MAX_ENTRY_BODY)?;
    if text.is_empty() {
        return Err("must not be empty".into());
    }
    Ok(text)
}

/// An entry's image as given.
#[derive(Debug, Clone, Copy)]
pub struct EntryImageInput<'a> {
    pub url: &'a str,
    pub alt: Option<&'a str>,
    pub caption: Option<&'a str>,
}

/// An entry's image, checked: its URL, alt text and caption (an empty text is none). Each
/// problem goes into `v` under `image.url`, `image.alt` or `image.caption`.
pub fn entry_image(v: &mut Violations, image: EntryImageInput) -> Option<[Option<String>; 3]> {
    let text = |v: &mut Violations, field: &str, value: Option<&str>| -> Result<Option<String>, ()> {
        match value.map(|t| bounded_text(t, MAX_SHORT_TEXT)) {
            None => Ok(None),
            Some(Ok(t)) => Ok(Some(t).filter(|t| !t.is_empty())),
            Some(Err(message)) => {
                v.add(field, message);
                Err(())
            }
        }
    };
    let url = v.check("image.url", http_url(image.url));
    let alt = text(v, "image.alt", image.alt);
    let caption = text(v, "image.caption", image.caption);
    match (url, alt, caption) {
        (Some(url), Ok(alt), Ok(caption)) => Some([Some(url), alt, caption]),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_some_text_within_the_limit() {
        assert_eq!(entry_body("  Polls close at 8.\n"), Ok("Polls close at 8.".into()));
        assert!(entry_body(" \n").is_err());
        assert!(entry_body(&"x".repeat(MAX_ENTRY_BODY)).is_ok());
        assert!(entry_body(&"x".repeat(MAX_ENTRY_BODY + 1)).is_err());
    }

    #[test]
    fn an_image_needs_a_web_url_and_names_its_fields() {
        let mut v = Violations::new();
        let ok =
            entry_image(&mut v, EntryImageInput { url: "https://example.org/a.jpg", alt: Some(""), caption: None });
        assert_eq!(ok, Some([Some("https://example.org/a.jpg".into()), None, None]));
        let long = "x".repeat(MAX_SHORT_TEXT + 1);
        assert!(entry_image(&mut v, EntryImageInput { url: "ftp://x", alt: Some(&long), caption: None }).is_none());
        let fields: Vec<String> = v.into_result().unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["image.url", "image.alt"]);
    }
}

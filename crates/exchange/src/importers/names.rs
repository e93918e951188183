//! Slugs for imported articles and terms: kept verbatim when valid, otherwise normalized.

use std::collections::HashSet;

use newsdesk_domain::Slug;
use percent_encoding::percent_decode_str;

/// The article slugs handed out so far in one export, so two items never share one.
#[derive(Debug, Default)]
pub struct Slugs {
    used: HashSet<String>,
}

impl Slugs {
    /// The slug for an article: `raw` verbatim when it is a valid slug, else normalized from it
    /// (WordPress percent-encodes non-ASCII slugs), else derived from the title. The second
    /// value says what was changed, for the report.
    pub fn article(&mut self, raw: Option<&str>, title: &str) -> Result<(Slug, Option<String>), String> {
        let raw = raw.map(str::trim).filter(|r| !r.is_empty());
        let (slug, mut note) = match raw {
            Some(raw) => match Slug::parse(raw) {
                Ok(slug) => (slug, None),
                Err(_) => {
                    let slug = Slug::from_title(&decode(raw))
                        .or_else(|_| Slug::from_title(title))
                        .map_err(|_| format!("slug `{raw}` cannot be made a valid slug, nor can the title"))?;
                    let note = format!("slug `{raw}` is not a valid Newsdesk slug; imported as `{slug}`");
                    (slug, Some(note))
                }
            },
            None => {
                let slug = Slug::from_title(title).map_err(|_| "no slug, and none can be derived from the title")?;
                let note = format!("no slug; `{slug}` derived from the title");
                (slug, Some(note))
            }
        };
        if self.used.insert(slug.as_str().to_owned()) {
            return Ok((slug, note));
        }
        let unique = (2u32..)
            .map(|n| format!("{}-{n}", suffix_base(&slug, n)))
            .find(|candidate| !self.used.contains(candidate))
            .unwrap_or_default();
        let unique = Slug::parse(&unique).map_err(|e| format!("slug `{unique}` {e}"))?;
        self.used.insert(unique.as_str().to_owned());
        let why = format!("slug `{slug}` is taken by an earlier item in this export; imported as `{unique}`");
        note = Some(match note {
            Some(earlier) => format!("{earlier}; {why}"),
            None => why,
        });
        Ok((unique, note))
    }
}

/// The slug trimmed so that `-n` still fits within the length limit.
fn suffix_base(slug: &Slug, n: u32) -> &str {
    let room = newsdesk_domain::slug::MAX_SLUG_LEN - 1 - n.to_string().len();
    let base = &slug.as_str()[..slug.as_str().len().min(room)];
    base.trim_end_matches('-')
}

/// The slug for an author, tag or section: `raw` when valid, else normalized from it, else
/// from the name; `None` when neither gives one.
pub fn term_slug(raw: Option<&str>, name: &str) -> Option<String> {
    let raw = raw.map(str::trim).filter(|r| !r.is_empty());
    raw.and_then(|r| Slug::parse(r).ok())
        .or_else(|| raw.and_then(|r| Slug::from_title(&decode(r)).ok()))
        .or_else(|| Slug::from_title(name).ok())
        .map(Slug::into_inner)
}

fn decode(raw: &str) -> String {
    percent_decode_str(raw).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_valid_slugs_and_normalizes_the_rest() {
        let mut slugs = Slugs::default();
        assert_eq!(slugs.article(Some("harbour-vote"), "x").unwrap(), (Slug::parse("harbour-vote").unwrap(), None));
        let (slug, note) = slugs.article(Some("Caf%C3%A9-Notes"), "x").unwrap();
        assert_eq!(slug.as_str(), "cafe-notes");
        assert!(note.unwrap().contains("Caf%C3%A9-Notes"));
        let (slug, note) = slugs.article(None, "A Title, Here").unwrap();
        assert_eq!(slug.as_str(), "a-title-here");
        assert!(note.unwrap().contains("derived"));
        assert!(slugs.article(None, "!!!").is_err());
    }

    #[test]
    fn never_hands_out_a_slug_twice() {
        let mut slugs = Slugs::default();
        slugs.article(Some("same"), "x").unwrap();
        let (second, note) = slugs.article(Some("same"), "x").unwrap();
        assert_eq!(second.as_str(), "same-2");
        assert!(note.unwrap().contains("taken"));
        assert_eq!(slugs.article(None, "Same").unwrap().0.as_str(), "same-3");
        let long = "a".repeat(120);
        slugs.article(Some(&long), "x").unwrap();
        assert!(slugs.article(Some(&long), "x").unwrap().0.as_str().ends_with("-2"));
    }

    #[test]
    fn term_slugs_fall_back_to_the_name() {
        assert_eq!(term_slug(Some("water"), "Water").as_deref(), Some("water"));
        assert_eq!(term_slug(Some("Mira.Okafor"), "M").as_deref(), Some("mira-okafor"));
        assert_eq!(term_slug(None, "Harbour & Sea").as_deref(), Some("harbour-sea"));
        assert_eq!(term_slug(Some("%%%"), "???"), None);
    }
}

//! URL slugs: lowercase ASCII words joined by single hyphens.

use std::fmt;

/// Longest slug we accept; long enough for a headline, short enough for a URL.
pub const MAX_SLUG_LEN: usize = 120;

/// A slug that is always valid: `^[a-z0-9]+(-[a-z0-9]+)*$`, at most [`MAX_SLUG_LEN`] bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slug(String);

impl Slug {
    /// Accepts a slug as given, or says why it is not one.
    pub fn parse(value: &str) -> Result<Self, String> {
        if value.is_empty() {
            return Err("must not be empty".into());
        }
        if value.len() > MAX_SLUG_LEN {
            return Err(format!("must be at most {MAX_SLUG_LEN} characters"));
        }
        let well_formed = value
            .split('-')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
        if !well_formed {
            return Err("must be lowercase letters, digits and single hyphens, like `my-first-story`".into());
        }
        Ok(Self(value.to_owned()))
    }

    /// Derives a slug from a title ("Élan vital!" -> "elan-vital"), transliterating to ASCII.
    pub fn from_title(title: &str) -> Result<Self, String> {
        let mut derived = slug::slugify(title);
        if derived.len() > MAX_SLUG_LEN {
            derived.truncate(MAX_SLUG_LEN);
            derived = derived.trim_end_matches('-').to_owned();
        }
        Self::parse(&derived).map_err(|_| "cannot derive a slug from this title; send a `slug`".to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_well_formed_slugs() {
        assert!(Slug::parse("a").is_ok());
        assert!(Slug::parse("water-talks-2026").is_ok());
    }

    #[test]
    fn rejects_malformed_slugs() {
        for bad in ["", "-a", "a-", "a--b", "A", "a b", "ä", "a_b", &"a".repeat(121)] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn derives_from_titles() {
        assert_eq!(Slug::from_title("Élan vital: a Story!").unwrap().as_str(), "elan-vital-a-story");
        assert!(Slug::from_title("!!!").is_err());
        assert!(Slug::from_title(&"word ".repeat(100)).unwrap().as_str().len() <= MAX_SLUG_LEN);
    }
}

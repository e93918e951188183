//! Articles: their publication status and the limits on their fields.

use serde::{Deserialize, Serialize};

/// Longest title, summary and body we accept, in characters.
pub const MAX_TITLE: usize = 300;
pub const MAX_SUMMARY: usize = 2_000;
pub const MAX_BODY: usize = 500_000;
pub const MAX_SHORT_TEXT: usize = 500;
/// Most authors, tags and related links on one article.
pub const MAX_LINKS: usize = 50;

/// Where an article is in its life. Only `published` articles are ever public.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ArticleStatus {
    Draft,
    Scheduled,
    Published,
    Archived,
}

impl ArticleStatus {
    pub const ALL: [ArticleStatus; 4] = [Self::Draft, Self::Scheduled, Self::Published, Self::Archived];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Scheduled => "scheduled",
            Self::Published => "published",
            Self::Archived => "archived",
        }
    }

    pub fn parse(value: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == value)
            .ok_or_else(|| "must be one of draft, scheduled, published, archived".to_owned())
    }

    /// Whether `publish` may move an article from this status: anything not yet public.
    pub fn can_publish(self) -> bool {
        self != Self::Published
    }

    /// Whether `unpublish` may move an article from this status back to a draft.
    pub fn can_unpublish(self) -> bool {
        matches!(self, Self::Published | Self::Scheduled | Self::Archived)
    }
}

/// A BCP 47-style language tag such as `en`, `pt-BR` or `zh-Hant`.
pub fn language(value: &str) -> Result<String, String> {
    let mut parts = value.split('-');
    let primary = parts.next().unwrap_or_default();
    let primary_ok = (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase());
    let rest_ok = parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if primary_ok && rest_ok {
        Ok(value.to_owned())
    } else {
        Err("must be a language tag such as `en` or `pt-BR`".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_round_trips() {
        for s in ArticleStatus::ALL {
            assert_eq!(ArticleStatus::parse(s.as_str()), Ok(s));
        }
        assert!(ArticleStatus::parse("live").is_err());
    }

    #[test]
    fn publish_transitions() {
        assert!(ArticleStatus::Draft.can_publish());
        assert!(!ArticleStatus::Published.can_publish());
        assert!(!ArticleStatus::Draft.can_unpublish());
    }

    #[test]
    fn language_tags() {
        assert!(language("en").is_ok());
        assert!(language("pt-BR").is_ok());
        assert!(language("EN").is_err());
        assert!(language("english").is_err());
        assert!(language("").is_err());
    }
}

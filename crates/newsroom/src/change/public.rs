//! Which changes the public can see: what the public change log (`GET /v1/changes`) holds.

use newsdesk_persistence::public_changes::NewPublicChange;

use super::{ArticleAction, Change};

impl Change {
    /// The public change log's entry for this change, at `at`: an article published, updated
    /// while published, unpublished (or trashed) or retracted. Nothing a reader could not see
    /// (a draft's edit, an assignment, a note) is logged.
    pub fn public_change(&self, at: chrono::NaiveDateTime) -> Option<NewPublicChange> {
        let Self::Article(a) = self else { return None };
        if !a.site_visible {
            return None;
        }
        let kind = match a.action {
            ArticleAction::Publish | ArticleAction::PublishScheduled => "article.published",
            ArticleAction::Unpublish | ArticleAction::Trash => "article.unpublished",
            ArticleAction::Retract { .. } => "article.retracted",
            _ => "article.updated",
        };
        Some(NewPublicChange { at, kind, article_id: a.id.clone(), slug: a.slug.clone(), version: a.version })
    }
}

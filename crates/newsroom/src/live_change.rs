//! Changes to an article's live coverage: started or ended, and an entry posted, edited or
//! deleted. None is a change to the article's own content, so none leaves a revision or moves
//! its `updated_at`; each is an audit entry, and each voids the article's cached answers (its
//! entity tag), whose notice also tells the other server processes that the live blog moved.
//! No webhook event: readers follow a live blog through its entries and its stream.

use serde_json::{json, Value};

use crate::cache_tag::CacheTag;

/// What was done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveStep {
    /// Live coverage started (or resumed after it had ended).
    Started,
    /// Live coverage ended.
    Ended,
    /// An entry posted, taking `seq`.
    EntryCreated { entry_id: String, seq: i64 },
    /// An entry edited (pinning and unpinning included): the fields it changed.
    EntryUpdated { entry_id: String, seq: i64, version: i64, changed: Vec<&'static str> },
    /// An entry deleted: its row stays as a tombstone with this `seq`.
    EntryDeleted { entry_id: String, seq: i64 },
}

/// One change to an article's live coverage.
#[derive(Debug, Clone)]
pub struct LiveChange {
    pub article_id: String,
    pub slug: String,
    pub step: LiveStep,
}

impl LiveChange {
    /// The audit action, its target and detail.
    pub fn audit(&self) -> (String, (&'static str, String), Value) {
        let article = ("article", self.article_id.clone());
        let of_entry = |id: &str| ("live_entry", id.to_owned());
        match &self.step {
            LiveStep::Started => ("article.live_start".into(), article, json!({"slug": self.slug})),
            LiveStep::Ended => ("article.live_end".into(), article, json!({"slug": self.slug})),
            LiveStep::EntryCreated { entry_id, seq } => (
                "live_entry.create".into(),
                of_entry(entry_id),
                json!({"article_id": self.article_id, "slug": self.slug, "seq": seq}),
            ),
            LiveStep::EntryUpdated { entry_id, seq, version, changed } => (
                "live_entry.update".into(),
                of_entry(entry_id),
                json!({"article_id": self.article_id, "slug": self.slug, "seq": seq, "version": version, "changed": changed}),
            ),
            LiveStep::EntryDeleted { entry_id, seq } => (
                "live_entry.delete".into(),
                of_entry(entry_id),
                json!({"article_id": self.article_id, "slug": self.slug, "seq": seq}),
            ),
        }
    }

    /// The article's own answers (its JSON, its page, its entries): the lists do not show live
    /// coverage.
    pub fn cache_tags(&self) -> Vec<CacheTag> {
        vec![CacheTag::entity(&self.article_id)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(step: LiveStep) -> LiveChange {
        LiveChange { article_id: "a1".into(), slug: "s".into(), step }
    }

    #[test]
    fn entry_changes_are_audited_against_the_entry_and_void_the_article() {
        let created = change(LiveStep::EntryCreated { entry_id: "e1".into(), seq: 3 });
        let (action, target, detail) = created.audit();
        assert_eq!((action.as_str(), target.0, target.1.as_str()), ("live_entry.create", "live_entry", "e1"));
        assert_eq!((detail["article_id"].as_str(), detail["seq"].as_i64()), (Some("a1"), Some(3)));
        assert_eq!(created.cache_tags(), [CacheTag::entity("a1")]);
        let updated =
            change(LiveStep::EntryUpdated { entry_id: "e1".into(), seq: 4, version: 2, changed: vec!["pinned"] });
        assert_eq!(updated.audit().2["changed"][0], "pinned");
        assert_eq!(change(LiveStep::EntryDeleted { entry_id: "e1".into(), seq: 5 }).audit().0, "live_entry.delete");
    }

    #[test]
    fn starting_and_ending_are_article_actions() {
        assert_eq!(change(LiveStep::Started).audit().0, "article.live_start");
        let (action, target, _) = change(LiveStep::Ended).audit();
        assert_eq!((action.as_str(), target.0), ("article.live_end", "article"));
    }
}

//! The desk's internal changes to an article: assigning it and adding an internal note. Neither
//! is content, so neither leaves a revision or moves `updated_at`. Their events
//! (`article.assigned`, `article.note_added`) are for the desk's own tools (chat, e-mail): they
//! carry the assignee or the note's text, and never cause `site.changed`.

use serde_json::{json, Value};

use crate::cache_tag::CacheTag;

/// A user as a desk event names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: String,
    pub name: String,
}

impl Person {
    fn json(person: Option<&Person>) -> Value {
        person.map_or(Value::Null, |p| json!({"id": p.id, "name": p.name}))
    }
}

/// What the desk did.
#[derive(Debug, Clone)]
pub enum DeskStep {
    /// Assigned to `assignee` (none: unassigned), instead of `previous`.
    Assigned { assignee: Option<Person>, previous: Option<Person>, version: i64 },
    /// An internal note added to the article's thread.
    NoteAdded { note_id: String, text: String },
}

/// One desk change to an article, with what the article is for a reader of the event.
#[derive(Debug, Clone)]
pub struct DeskChange {
    pub article_id: String,
    pub slug: String,
    pub title: String,
    pub status: String,
    /// Who did it.
    pub by: Person,
    /// When, RFC 3339.
    pub at: String,
    /// Whether public answers show the article: an assignment moves its `version`, which they
    /// carry, so their cached copies go.
    pub shows_publicly: bool,
    pub step: DeskStep,
}

impl DeskChange {
    /// The audit action and its detail.
    pub fn audit(&self) -> (String, Value) {
        match &self.step {
            DeskStep::Assigned { assignee, previous, version } => (
                "article.assign".into(),
                json!({
                    "slug": self.slug,
                    "version": version,
                    "assignee": Person::json(assignee.as_ref()),
                    "previous_assignee": Person::json(previous.as_ref()),
                }),
            ),
            DeskStep::NoteAdded { note_id, text } => {
                ("article.note_add".into(), json!({"slug": self.slug, "note": {"id": note_id, "text": text}}))
            }
        }
    }

    /// The cached answers it makes stale: only an assignment, which moves the version.
    pub fn cache_tags(&self) -> Vec<CacheTag> {
        match self.step {
            DeskStep::Assigned { .. } if self.shows_publicly => {
                vec![CacheTag::entity(&self.article_id), CacheTag::Lists]
            }
            DeskStep::Assigned { .. } => vec![CacheTag::entity(&self.article_id)],
            DeskStep::NoteAdded { .. } => Vec::new(),
        }
    }

    /// The webhook event it causes.
    pub fn event(&self) -> &'static str {
        match self.step {
            DeskStep::Assigned { .. } => "article.assigned",
            DeskStep::NoteAdded { .. } => "article.note_added",
        }
    }

    /// The event's `data`: the article's id, slug, title and status, and the step.
    pub fn payload(&self) -> Value {
        let mut data = json!({"id": self.article_id, "slug": self.slug, "title": self.title, "status": self.status});
        let step = match &self.step {
            DeskStep::Assigned { assignee, previous, version } => json!({
                "version": version,
                "assignee": Person::json(assignee.as_ref()),
                "previous_assignee": Person::json(previous.as_ref()),
                "assigned_by": Person::json(Some(&self.by)),
                "assigned_at": self.at,
            }),
            DeskStep::NoteAdded { note_id, text } => json!({
                "note": {"id": note_id, "text": text, "author": Person::json(Some(&self.by)), "created_at": self.at},
            }),
        };
        if let (Some(data), Value::Object(step)) = (data.as_object_mut(), step) {
            data.extend(step);
        }
        data
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(step: DeskStep) -> DeskChange {
        DeskChange {
            article_id: "a1".into(),
            slug: "s".into(),
            title: "T".into(),
            status: "draft".into(),
            by: Person { id: "u1".into(), name: "Ed".into() },
            at: "2026-12-10T10:00:00Z".into(),
            shows_publicly: false,
            step,
        }
    }

    #[test]
    fn a_note_voids_nothing_and_carries_its_text_only_internally() {
        let note = change(DeskStep::NoteAdded { note_id: "n1".into(), text: "Check the quote".into() });
        assert!(note.cache_tags().is_empty());
        assert_eq!(note.event(), "article.note_added");
        assert_eq!(note.payload()["note"]["text"], "Check the quote");
        assert_eq!(note.payload()["note"]["author"]["name"], "Ed");
        assert_eq!(note.audit().0, "article.note_add");
    }

    #[test]
    fn an_assignment_names_both_assignees_and_voids_the_article() {
        let to = Person { id: "u2".into(), name: "Wri".into() };
        let assigned = change(DeskStep::Assigned { assignee: Some(to), previous: None, version: 4 });
        assert_eq!(assigned.cache_tags(), [CacheTag::entity("a1")]);
        let data = assigned.payload();
        assert_eq!((data["assignee"]["id"].as_str(), data["version"].as_i64()), (Some("u2"), Some(4)));
        assert!(data["previous_assignee"].is_null());
        assert_eq!(assigned.audit().1["assignee"]["name"], "Wri");
    }

    #[test]
    fn both_events_are_subscribable() {
        let note = change(DeskStep::NoteAdded { note_id: "n1".into(), text: "t".into() });
        let assigned = change(DeskStep::Assigned { assignee: None, previous: None, version: 2 });
        for event in [note.event(), assigned.event()] {
            assert!(newsdesk_domain::webhook::EVENTS.contains(&event), "{event}");
        }
    }
}

//! Webhook rules: which events exist (which addresses a request may reach is [`crate::address`]).
//! Which change causes which event is `newsdesk_newsroom::change`.

/// Every event an endpoint can subscribe to.
pub const EVENTS: [&str; 26] = [
    "article.published",
    "article.updated",
    "article.unpublished",
    "article.trashed",
    "article.scheduled",
    "article.submitted",
    "article.approved",
    "article.returned",
    "article.corrected",
    "article.retracted",
    "article.lock_taken_over",
    // Internal to the desk: they may carry an assignee or a note's text, never a public event.
    "article.assigned",
    "article.note_added",
    "author.created",
    "author.updated",
    "author.deleted",
    "source.created",
    "source.updated",
    "source.deleted",
    "tag.created",
    "tag.updated",
    "tag.deleted",
    "section.created",
    "section.updated",
    "section.deleted",
    "site.changed",
];

/// The event sent by an explicit test ping; not subscribable.
pub const PING: &str = "ping";

/// The event sent once per write that may change what the public sees.
pub const SITE_CHANGED: &str = "site.changed";

/// Checks a subscription list: known names, at least one, no duplicates. Errors name `events[i]`.
pub fn parse_events(names: &[String]) -> Result<Vec<String>, Vec<(String, String)>> {
    if names.is_empty() {
        return Err(vec![("events".into(), "must name at least one event".into())]);
    }
    let mut errors = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (i, name) in names.iter().enumerate() {
        if !EVENTS.contains(&name.as_str()) {
            errors.push((format!("events[{i}]"), format!("`{name}` is not an event; see the list in the API docs")));
        } else if seen.contains(name) {
            errors.push((format!("events[{i}]"), format!("`{name}` is listed twice")));
        } else {
            seen.push(name.clone());
        }
    }
    if errors.is_empty() {
        Ok(seen)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_and_repeated_events_are_named_by_index() {
        let names = ["tag.created", "tag.exploded", "tag.created"].map(String::from);
        let errors = parse_events(&names).unwrap_err();
        assert_eq!(errors.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(), ["events[1]", "events[2]"]);
        assert!(parse_events(&[]).is_err());
    }
}

//! What a cached public answer shows, and so what a change voids; and the notice that carries
//! voided tags to the other server processes (PostgreSQL `NOTIFY`, or SQLite's notice table).

use newsdesk_persistence::{notify, DbConn, StoreResult};

/// The channel every server process listens on for voided tags.
pub const CHANNEL: &str = "newsdesk_cache";

/// The origin of notices sent by a process with no cache of its own (the CLI): every server
/// applies them.
pub const NO_ORIGIN: &str = "-";

/// What a cached answer shows, and so what a change must void.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CacheTag {
    /// Everything that lists or counts published articles: lists, search, feeds, the sitemap,
    /// related, most viewed, and the taxonomy lists with their counts.
    Lists,
    /// View counts (most viewed).
    Views,
    /// One article, author, source, section or tag, by id (ids are unique across kinds).
    Entity(Box<str>),
}

impl CacheTag {
    pub fn entity(id: &str) -> Self {
        Self::Entity(id.into())
    }

    /// The form sent to other processes: `L`, `V` or `e:<id>`.
    fn encode(&self) -> String {
        match self {
            Self::Lists => "L".to_owned(),
            Self::Views => "V".to_owned(),
            Self::Entity(id) => format!("e:{id}"),
        }
    }

    fn decode(text: &str) -> Option<Self> {
        match text {
            "L" => Some(Self::Lists),
            "V" => Some(Self::Views),
            _ => text.strip_prefix("e:").filter(|id| !id.is_empty()).map(Self::entity),
        }
    }
}

/// A notice for other processes: `<origin>|<tag>,<tag>…`, or `<origin>|*` (void everything)
/// when it would not fit PostgreSQL's 8000-byte payload limit.
pub fn notice_text(origin: &str, tags: &[CacheTag]) -> String {
    let list: Vec<String> = tags.iter().map(CacheTag::encode).collect();
    let notice = format!("{origin}|{}", list.join(","));
    if notice.len() > 7_000 {
        format!("{origin}|*")
    } else {
        notice
    }
}

/// What a notice asks of a process other than its sender.
#[derive(Debug, PartialEq, Eq)]
pub enum Notice {
    /// Sent by this process, which voided the tags itself.
    Own,
    /// Void these tags.
    Tags(Vec<CacheTag>),
    /// Void everything.
    All,
}

/// Reads a notice as the process with origin `own` must apply it.
pub fn read_notice(notice: &str, own: &str) -> Notice {
    if notice.split_once('|').is_some_and(|(origin, _)| origin == own) {
        return Notice::Own;
    }
    tags_of(notice).map_or(Notice::All, Notice::Tags)
}

/// The tags a notice carries, whoever sent it; `None` when it voids everything.
pub fn tags_of(notice: &str) -> Option<Vec<CacheTag>> {
    let Some((_, tags)) = notice.split_once('|') else { return Some(Vec::new()) };
    if tags == "*" {
        None
    } else {
        Some(tags.split(',').filter_map(CacheTag::decode).collect())
    }
}

/// Sends `tags` to the other processes inside the caller's transaction (delivered only if it
/// commits).
pub fn send(conn: &mut DbConn, origin: &str, tags: &[CacheTag]) -> StoreResult<()> {
    if tags.is_empty() {
        return Ok(());
    }
    notify::notify(conn, CHANNEL, &notice_text(origin, tags))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_round_trip_and_know_their_origin() {
        let tags = vec![CacheTag::Lists, CacheTag::Views, CacheTag::entity("a1")];
        let text = notice_text("p1", &tags);
        assert_eq!(read_notice(&text, "p2"), Notice::Tags(tags));
        assert_eq!(read_notice(&text, "p1"), Notice::Own);
        let many: Vec<CacheTag> = (0..2_000).map(|i| CacheTag::entity(&format!("id-{i}"))).collect();
        assert_eq!(read_notice(&notice_text("p1", &many), "p2"), Notice::All);
    }
}

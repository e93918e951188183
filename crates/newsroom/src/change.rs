//! Every kind of change a write can make, as data. [`crate::Tx::record`] derives the audit
//! entry, the cache tags and the webhook events from a [`Change`] in one place, so a new write
//! path cannot serve stale answers or drop events by forgetting a side effect: it only has to
//! say what it changed.

use std::borrow::Cow;

use serde_json::{json, Value};

pub use newsdesk_domain::correction::{CorrectionOp, CorrectionStep};

use crate::cache_tag::CacheTag;
use crate::desk_change::DeskChange;
use crate::live_change::LiveChange;

/// One change, as the audit log, the cache and the webhook outbox see it.
#[derive(Debug, Clone)]
pub enum Change {
    /// An article change that left a revision.
    Article(ArticleChange),
    /// An article assigned, or an internal note added: no revision (see [`DeskChange`]).
    Desk(DeskChange),
    /// Live coverage started or ended, or a live-blog entry posted, edited or deleted (see
    /// [`LiveChange`]).
    Live(LiveChange),
    /// A trashed article deleted for good.
    ArticlePurged {
        id: String,
        slug: String,
        title: String,
    },
    /// An edit lock taken from its holder: `detail` for the audit entry, `data` for webhooks.
    LockTakenOver {
        article_id: String,
        detail: Value,
        data: Value,
    },
    /// A preview link to a draft was handed out.
    PreviewLinkCreated {
        article_id: String,
    },
    /// A batch of articles written by an import; `detail` says how many and from where.
    ArticlesImported {
        detail: Value,
    },
    Term(TermChange),
    LoggedIn {
        user_id: String,
    },
    LoginFailed,
    /// A refresh token came back after it was spent: its whole session was revoked.
    RefreshTokenReused {
        user_id: String,
    },
    UserCreated {
        id: String,
        email: String,
        role: String,
    },
    UserUpdated {
        id: String,
        detail: Value,
    },
    ApiKeyCreated {
        id: String,
        name: String,
        role: String,
    },
    ApiKeyRevoked {
        id: String,
    },
    WebhookCreated {
        id: String,
        detail: Value,
    },
    WebhookUpdated {
        id: String,
        detail: Value,
    },
    WebhookDeleted {
        id: String,
    },
    WebhookPinged {
        id: String,
    },
    WebhookRedelivered {
        id: String,
        detail: Value,
    },
}

/// What was done to an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArticleAction {
    Create,
    Update,
    /// Submitted for review.
    Submit,
    /// Approved by an editor.
    Approve,
    /// Sent back to draft by an editor, with a note to the writer.
    Return {
        note: String,
    },
    Publish,
    /// Published by the scheduler when it fell due.
    PublishScheduled,
    Unpublish,
    Schedule,
    Unschedule,
    Trash,
    Restore,
    RestoreRevision {
        revision_id: String,
    },
    Tag,
    Untag,
    /// A correction, clarification or update note added to the article, amended or removed.
    Correct(CorrectionStep),
    /// Pulled for good by an editor, with a public reason. `urls` are the public URLs a CDN may
    /// hold a copy under: the current slug's first, then every old slug's.
    Retract {
        reason: String,
        urls: Vec<String>,
    },
}

impl ArticleAction {
    /// The verb in the audit log and the revision history (`publish`, `restore_revision:<id>`).
    pub fn verb(&self) -> String {
        let verb = match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::Submit => "submit",
            Self::Approve => "approve",
            Self::Return { .. } => "return",
            Self::Publish => "publish",
            Self::PublishScheduled => "publish_scheduled",
            Self::Unpublish => "unpublish",
            Self::Schedule => "schedule",
            Self::Unschedule => "unschedule",
            Self::Trash => "trash",
            Self::Restore => "restore",
            Self::RestoreRevision { revision_id } => return format!("restore_revision:{revision_id}"),
            Self::Tag => "tag",
            Self::Untag => "untag",
            Self::Correct(step) => return format!("correction_{}", step.op.as_str()),
            Self::Retract { .. } => "retract",
        };
        verb.to_owned()
    }

    /// The note that came with the action (a return's reason), for the revision, the audit
    /// entry and the webhook payload.
    pub fn note(&self) -> Option<&str> {
        match self {
            Self::Return { note } => Some(note),
            Self::Correct(CorrectionStep { reason: Some(reason), .. }) => Some(reason),
            Self::Retract { reason, .. } => Some(reason),
            _ => None,
        }
    }

    /// What the webhook payload (and so the audit entry) carries beyond the article's
    /// snapshot: a correction step under `correction`; a retraction's public reason and the URLs
    /// to purge (`url`, the current one, and `old_urls`).
    pub fn payload_fields(&self) -> Vec<(&'static str, Value)> {
        match self {
            Self::Correct(step) => vec![("correction", serde_json::to_value(step).unwrap_or_default())],
            Self::Retract { reason, urls } => {
                let (url, old) = urls.split_first().map_or((None, &[][..]), |(u, rest)| (Some(u), rest));
                vec![("reason", json!(reason)), ("url", json!(url)), ("old_urls", json!(old))]
            }
            _ => Vec::new(),
        }
    }

    /// The webhook event an endpoint subscribes to for this action.
    pub fn event(&self) -> &'static str {
        match self {
            Self::Publish | Self::PublishScheduled => "article.published",
            Self::Unpublish => "article.unpublished",
            Self::Schedule => "article.scheduled",
            Self::Trash => "article.trashed",
            Self::Submit => "article.submitted",
            Self::Approve => "article.approved",
            Self::Return { .. } => "article.returned",
            Self::Correct(_) => "article.corrected",
            Self::Retract { .. } => "article.retracted",
            Self::Create
            | Self::Update
            | Self::Unschedule
            | Self::Restore
            | Self::RestoreRevision { .. }
            | Self::Tag
            | Self::Untag => "article.updated",
        }
    }
}

/// An article change that left a revision, with the article as it stands after it.
#[derive(Debug, Clone)]
pub struct ArticleChange {
    pub id: String,
    pub action: ArticleAction,
    pub version: i64,
    pub slug: String,
    /// The snapshot fields that differ from the previous revision.
    pub changed: Vec<String>,
    /// Whether the article was public before the change or is after it: lists, feeds and counts
    /// may show the change.
    pub shows_publicly: bool,
    /// Whether subscribers to `site.changed` hear of it: the article is published now, or has
    /// just left publication (unpublished, trashed).
    pub site_visible: bool,
    /// The revision's snapshot with `id` and `version`: the webhook payload.
    pub snapshot: Value,
}

/// A change to an author, source, section or tag.
#[derive(Debug, Clone)]
pub struct TermChange {
    pub kind: TermKind,
    pub id: String,
    pub op: TermOp,
    /// The term's admin view after the change (none once deleted): the webhook payload.
    pub view: Option<Value>,
    /// The version after an update, for the audit entry.
    pub version: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermKind {
    Author,
    Source,
    Section,
    Tag,
}

impl TermKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Author => "author",
            Self::Source => "source",
            Self::Section => "section",
            Self::Tag => "tag",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermOp {
    Created,
    Updated,
    Deleted,
}

/// The audit entry a change leaves: action, target and detail.
pub struct AuditLine {
    pub action: String,
    pub target: Option<(&'static str, String)>,
    pub detail: Option<Value>,
}

/// A webhook event a change causes: its name, the resource it is about, and its data.
pub struct Event<'a> {
    pub name: &'static str,
    pub kind: &'static str,
    pub id: &'a str,
    /// Borrowed from the change: most writes have no endpoint that wants them, and an article's
    /// snapshot carries its whole body.
    pub data: Cow<'a, Value>,
    /// Whether the public may see the change, so `site.changed` goes out too.
    pub site_visible: bool,
}

impl Change {
    /// The audit log's entry for this change.
    pub fn audit(&self) -> AuditLine {
        let line = |action: &str, target: Option<(&'static str, &str)>, detail: Option<Value>| AuditLine {
            action: action.to_owned(),
            target: target.map(|(kind, id)| (kind, id.to_owned())),
            detail,
        };
        match self {
            Self::Article(a) => {
                let mut detail = json!({"version": a.version, "slug": a.slug, "changed": a.changed});
                if let Some(object) = detail.as_object_mut() {
                    if let Some(note) = a.action.note() {
                        object.insert("note".into(), json!(note));
                    }
                    for (key, value) in a.action.payload_fields() {
                        object.insert(key.into(), value);
                    }
                    // An embargo set, moved or lifted is the desk's to answer for: the log keeps its time.
                    if a.changed.iter().any(|field| field == "embargo_until") {
                        object.insert(
                            "embargo_until".into(),
                            a.snapshot.get("embargo_until").cloned().unwrap_or_default(),
                        );
                    }
                }
                AuditLine {
                    action: format!("article.{}", a.action.verb()),
                    target: Some(("article", a.id.clone())),
                    detail: Some(detail),
                }
            }
            Self::Desk(d) => {
                let (action, detail) = d.audit();
                AuditLine { action, target: Some(("article", d.article_id.clone())), detail: Some(detail) }
            }
            Self::Live(l) => {
                let (action, target, detail) = l.audit();
                AuditLine { action, target: Some(target), detail: Some(detail) }
            }
            Self::ArticlePurged { id, slug, title } => {
                line("article.purge", Some(("article", id)), Some(json!({"slug": slug, "title": title})))
            }
            Self::PreviewLinkCreated { article_id } => {
                line("article.preview_link", Some(("article", article_id)), None)
            }
            Self::LockTakenOver { article_id, detail, .. } => {
                line("article.lock_takeover", Some(("article", article_id)), Some(detail.clone()))
            }
            Self::ArticlesImported { detail } => line("article.import", None, Some(detail.clone())),
            Self::Term(t) => {
                let verb = match t.op {
                    TermOp::Created => "create",
                    TermOp::Updated => "update",
                    TermOp::Deleted => "delete",
                };
                let detail = t.version.map(|version| json!({"version": version}));
                line(&format!("{}.{verb}", t.kind.name()), Some((t.kind.name(), &t.id)), detail)
            }
            Self::LoggedIn { user_id } => line("auth.login", Some(("user", user_id)), None),
            Self::LoginFailed => line("auth.login_failed", None, None),
            Self::RefreshTokenReused { user_id } => line("auth.refresh_reused", Some(("user", user_id)), None),
            Self::UserCreated { id, email, role } => {
                line("user.create", Some(("user", id)), Some(json!({"email": email, "role": role})))
            }
            Self::UserUpdated { id, detail } => line("user.update", Some(("user", id)), Some(detail.clone())),
            Self::ApiKeyCreated { id, name, role } => {
                line("api_key.create", Some(("api_key", id)), Some(json!({"name": name, "role": role})))
            }
            Self::ApiKeyRevoked { id } => line("api_key.revoke", Some(("api_key", id)), None),
            Self::WebhookCreated { id, detail } => line("webhook.create", Some(("webhook", id)), Some(detail.clone())),
            Self::WebhookUpdated { id, detail } => line("webhook.update", Some(("webhook", id)), Some(detail.clone())),
            Self::WebhookDeleted { id } => line("webhook.delete", Some(("webhook", id)), None),
            Self::WebhookPinged { id } => line("webhook.ping", Some(("webhook", id)), None),
            Self::WebhookRedelivered { id, detail } => {
                line("webhook.redeliver", Some(("webhook", id)), Some(detail.clone()))
            }
        }
    }

    /// The cached public answers this change can make stale.
    pub fn cache_tags(&self) -> Vec<CacheTag> {
        match self {
            Self::Article(a) => {
                let mut tags = vec![CacheTag::entity(&a.id)];
                if a.shows_publicly {
                    tags.push(CacheTag::Lists);
                }
                tags
            }
            Self::Desk(d) => d.cache_tags(),
            Self::Live(l) => l.cache_tags(),
            // Only trashed articles are purged, and trashing already left the lists; the
            // article's own entry (its old slug's redirect, say) goes.
            Self::ArticlePurged { id, .. } => vec![CacheTag::entity(id), CacheTag::Lists],
            Self::ArticlesImported { .. } => vec![CacheTag::Lists],
            Self::Term(t) => vec![CacheTag::entity(&t.id), CacheTag::Lists],
            Self::PreviewLinkCreated { .. }
            | Self::LockTakenOver { .. }
            | Self::LoggedIn { .. }
            | Self::LoginFailed
            | Self::RefreshTokenReused { .. }
            | Self::UserCreated { .. }
            | Self::UserUpdated { .. }
            | Self::ApiKeyCreated { .. }
            | Self::ApiKeyRevoked { .. }
            | Self::WebhookCreated { .. }
            | Self::WebhookUpdated { .. }
            | Self::WebhookDeleted { .. }
            | Self::WebhookPinged { .. }
            | Self::WebhookRedelivered { .. } => Vec::new(),
        }
    }

    /// The webhook event this change causes, if any.
    pub fn event(&self) -> Option<Event<'_>> {
        match self {
            Self::Article(a) => Some(Event {
                name: a.action.event(),
                kind: "article",
                id: &a.id,
                data: Cow::Borrowed(&a.snapshot),
                site_visible: a.site_visible,
            }),
            // Internal: never `site.changed`, so no public subscriber hears of it.
            Self::Desk(d) => Some(Event {
                name: d.event(),
                kind: "article",
                id: &d.article_id,
                data: Cow::Owned(d.payload()),
                site_visible: false,
            }),
            Self::Term(t) => {
                let name = match (t.kind, t.op) {
                    (TermKind::Author, TermOp::Created) => "author.created",
                    (TermKind::Author, TermOp::Updated) => "author.updated",
                    (TermKind::Author, TermOp::Deleted) => "author.deleted",
                    (TermKind::Source, TermOp::Created) => "source.created",
                    (TermKind::Source, TermOp::Updated) => "source.updated",
                    (TermKind::Source, TermOp::Deleted) => "source.deleted",
                    (TermKind::Section, TermOp::Created) => "section.created",
                    (TermKind::Section, TermOp::Updated) => "section.updated",
                    (TermKind::Section, TermOp::Deleted) => "section.deleted",
                    (TermKind::Tag, TermOp::Created) => "tag.created",
                    (TermKind::Tag, TermOp::Updated) => "tag.updated",
                    (TermKind::Tag, TermOp::Deleted) => "tag.deleted",
                };
                let data = t.view.as_ref().map_or_else(|| Cow::Owned(json!({"id": t.id})), Cow::Borrowed);
                Some(Event { name, kind: t.kind.name(), id: &t.id, data, site_visible: true })
            }
            Self::LockTakenOver { article_id, data, .. } => Some(Event {
                name: "article.lock_taken_over",
                kind: "article",
                id: article_id,
                data: Cow::Borrowed(data),
                site_visible: false,
            }),
            _ => None,
        }
    }
}

mod public;

#[cfg(test)]
mod tests;

//! What each typed change records, voids and sends.

use super::*;
use newsdesk_domain::webhook::EVENTS;

#[test]
fn every_event_a_change_causes_is_subscribable() {
    for action in [
        ArticleAction::Create,
        ArticleAction::Update,
        ArticleAction::Submit,
        ArticleAction::Approve,
        ArticleAction::Return { note: "n".into() },
        ArticleAction::Retract { reason: "r".into(), urls: vec!["u".into()] },
        ArticleAction::Publish,
        ArticleAction::PublishScheduled,
        ArticleAction::Unpublish,
        ArticleAction::Schedule,
        ArticleAction::Unschedule,
        ArticleAction::Trash,
        ArticleAction::Restore,
        ArticleAction::RestoreRevision { revision_id: "r".into() },
        ArticleAction::Tag,
        ArticleAction::Untag,
        ArticleAction::Correct(CorrectionStep {
            op: CorrectionOp::Add,
            correction_id: "c".into(),
            kind: "update".into(),
            previous_text: None,
            reason: None,
        }),
    ] {
        assert!(EVENTS.contains(&action.event()), "{action:?}");
    }
    let takeover = Change::LockTakenOver { article_id: "a".into(), detail: json!({}), data: json!({}) };
    assert!(takeover.event().is_some_and(|e| EVENTS.contains(&e.name)));
    for kind in [TermKind::Author, TermKind::Source, TermKind::Section, TermKind::Tag] {
        for op in [TermOp::Created, TermOp::Updated, TermOp::Deleted] {
            let change = Change::Term(TermChange { kind, id: "t".into(), op, view: None, version: None });
            let event = change.event().map(|e| e.name).unwrap_or_default();
            assert!(EVENTS.contains(&event), "{kind:?} {op:?}");
            assert!(event.starts_with(kind.name()));
        }
    }
}

#[test]
fn a_private_article_change_voids_only_its_own_answers() {
    let change = |shows_publicly| {
        Change::Article(ArticleChange {
            id: "a1".into(),
            action: ArticleAction::Update,
            version: 2,
            slug: "s".into(),
            changed: vec!["title".into()],
            shows_publicly,
            site_visible: false,
            snapshot: json!({}),
        })
    };
    assert_eq!(change(false).cache_tags(), [CacheTag::entity("a1")]);
    assert_eq!(change(true).cache_tags(), [CacheTag::entity("a1"), CacheTag::Lists]);
    assert!(Change::LoggedIn { user_id: "u".into() }.cache_tags().is_empty());
}

#[test]
fn audit_actions_keep_their_names() {
    let change = Change::Article(ArticleChange {
        id: "a1".into(),
        action: ArticleAction::RestoreRevision { revision_id: "r9".into() },
        version: 3,
        slug: "s".into(),
        changed: vec![],
        shows_publicly: false,
        site_visible: false,
        snapshot: json!({}),
    });
    assert_eq!(change.audit().action, "article.restore_revision:r9");
    let returned = Change::Article(ArticleChange {
        id: "a1".into(),
        action: ArticleAction::Return { note: "Check the quote".into() },
        version: 4,
        slug: "s".into(),
        changed: vec!["status".into()],
        shows_publicly: false,
        site_visible: false,
        snapshot: json!({}),
    });
    let line = returned.audit();
    assert_eq!(line.action, "article.return");
    assert_eq!(line.detail.map(|d| d["note"].clone()), Some(json!("Check the quote")));
    assert_eq!(Change::LoginFailed.audit().action, "auth.login_failed");
}

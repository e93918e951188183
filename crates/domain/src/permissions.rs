//! Who may do what: the one table every editorial route consults.

use serde::{Deserialize, Serialize};

/// A user's role, from most to least powerful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Editor,
    Author,
    Contributor,
}

impl Role {
    pub const ALL: [Role; 4] = [Self::Admin, Self::Editor, Self::Author, Self::Contributor];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Editor => "editor",
            Self::Author => "author",
            Self::Contributor => "contributor",
        }
    }

    pub fn parse(value: &str) -> Result<Self, String> {
        crate::validation::one_of(Self::ALL, Self::as_str, value)
    }

    /// The less powerful of two roles: what an API key may do when its owner's role has
    /// changed since the key was made.
    pub fn lesser(self, other: Role) -> Role {
        let rank = |r: Role| Self::ALL.iter().position(|x| *x == r).unwrap_or(Self::ALL.len());
        if rank(self) >= rank(other) {
            self
        } else {
            other
        }
    }
}

/// Something a user asks to do. Article actions say whose article and in what state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// List and read articles other users created.
    ReadOthersArticles,
    /// Create a new draft.
    CreateArticle,
    /// Edit or delete an article; `own` when the user created it, `published` when it is public.
    EditArticle { own: bool, published: bool },
    /// Publish, schedule or unpublish an article; `in_review` while it waits for an editor's
    /// decision.
    PublishArticle { own: bool, in_review: bool },
    /// Submit a draft for review.
    SubmitArticle { own: bool },
    /// Approve an article in review, or send it back to draft with a note.
    ReviewArticle,
    /// Add, amend or remove a correction, clarification or update on a published article.
    CorrectArticle,
    /// Pull a published article for good with a public reason (the desk's call, not a writer's).
    RetractArticle,
    /// Take an article's edit lock from the user who holds it (the desk's call).
    TakeOverLock,
    /// Start or end an article's live coverage, and post, edit, pin or delete its entries;
    /// `own` when the user created the article.
    PostLiveEntry { own: bool },
    /// Assign an article to a user, or unassign it (the desk hands out work).
    AssignArticle,
    /// Edit an article someone else created that is assigned to the user; `public` once it is
    /// scheduled or published (then it is the desk's again).
    EditAssignedArticle { public: bool },
    /// Read the desk's feed of embargoed articles, whoever wrote them.
    ReadEmbargoes,
    /// Create, edit or delete authors, sources, sections and tags.
    ManageTaxonomy,
    /// Create, change and disable users.
    ManageUsers,
    /// Create and revoke API keys.
    ManageApiKeys,
    /// Read the audit log.
    ReadAuditLog,
    /// Delete a trashed article for good.
    PurgeArticle,
    /// Register, change and delete webhook endpoints.
    ManageWebhooks,
    /// See webhook endpoints and their delivery log, redeliver an event and send a test ping.
    OperateWebhooks,
}

/// The permission table. Contributors write their own drafts and submit them for review;
/// authors also publish their own articles, straight from a draft or once approved, but not
/// while they wait in review (the desk has them then); editors approve, return and publish
/// all content, append the corrections a published article carries and retract published
/// articles (the desk's public word, so not its writer's), and take over an edit lock someone
/// else holds; editors assign articles, and a
/// writer may edit an article assigned to them until it is scheduled or published; editors post
/// to any live blog, authors to their own, contributors to none; admins also manage users.
pub fn can(role: Role, action: Action) -> bool {
    use Action::*;
    use Role::*;
    match (role, action) {
        (Admin, _) => true,
        (Editor, ManageUsers | ManageApiKeys | ReadAuditLog | PurgeArticle | ManageWebhooks) => false,
        (Editor, _) => true,
        (Author | Contributor, ReadOthersArticles | ManageTaxonomy | ManageUsers | ManageApiKeys | ReadAuditLog) => {
            false
        }
        (Author | Contributor, PurgeArticle | ManageWebhooks | OperateWebhooks) => false,
        (Author | Contributor, CreateArticle) => true,
        (Author | Contributor, TakeOverLock) => false,
        (Author | Contributor, SubmitArticle { own }) => own,
        (Author | Contributor, ReviewArticle | CorrectArticle | RetractArticle) => false,
        (Author | Contributor, AssignArticle) => false,
        (Author | Contributor, EditAssignedArticle { public }) => !public,
        (Author | Contributor, ReadEmbargoes) => false,
        (Author, PostLiveEntry { own }) => own,
        (Contributor, PostLiveEntry { .. }) => false,
        (Author, EditArticle { own, .. }) => own,
        (Author, PublishArticle { own, in_review }) => own && !in_review,
        (Contributor, EditArticle { own, published }) => own && !published,
        (Contributor, PublishArticle { .. }) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;

    #[test]
    fn contributors_keep_to_their_own_drafts() {
        let r = Role::Contributor;
        assert!(can(r, CreateArticle));
        assert!(can(r, EditArticle { own: true, published: false }));
        assert!(!can(r, EditArticle { own: true, published: true }));
        assert!(!can(r, EditArticle { own: false, published: false }));
        assert!(!can(r, PublishArticle { own: true, in_review: false }));
        assert!(can(r, SubmitArticle { own: true }));
        assert!(!can(r, SubmitArticle { own: false }));
        assert!(!can(r, ReviewArticle));
    }

    #[test]
    fn lesser_picks_the_weaker_role() {
        assert_eq!(Role::Admin.lesser(Role::Editor), Role::Editor);
        assert_eq!(Role::Contributor.lesser(Role::Admin), Role::Contributor);
        assert_eq!(Role::Author.lesser(Role::Author), Role::Author);
    }

    #[test]
    fn authors_publish_only_their_own() {
        assert!(can(Role::Author, PublishArticle { own: true, in_review: false }));
        assert!(!can(Role::Author, PublishArticle { own: false, in_review: false }));
        assert!(!can(Role::Author, ManageTaxonomy));
    }

    #[test]
    fn the_desk_reviews_and_authors_wait_for_it() {
        assert!(can(Role::Author, SubmitArticle { own: true }));
        assert!(!can(Role::Author, ReviewArticle));
        assert!(!can(Role::Author, CorrectArticle) && !can(Role::Contributor, CorrectArticle));
        assert!(!can(Role::Author, PublishArticle { own: true, in_review: true }), "submitted: the desk decides");
        for r in [Role::Editor, Role::Admin] {
            assert!(can(r, ReviewArticle));
            assert!(can(r, CorrectArticle));
            assert!(can(r, SubmitArticle { own: false }));
            assert!(can(r, PublishArticle { own: false, in_review: true }));
        }
    }

    #[test]
    fn only_the_desk_retracts() {
        assert!(can(Role::Admin, RetractArticle));
        assert!(can(Role::Editor, RetractArticle));
        assert!(!can(Role::Author, RetractArticle), "not even their own");
        assert!(!can(Role::Contributor, RetractArticle));
    }

    #[test]
    fn the_desk_assigns_and_assigned_writers_edit_until_it_goes_out() {
        for r in [Role::Admin, Role::Editor] {
            assert!(can(r, AssignArticle));
            assert!(can(r, EditAssignedArticle { public: true }));
        }
        for r in [Role::Author, Role::Contributor] {
            assert!(!can(r, AssignArticle), "{r:?}");
            assert!(can(r, EditAssignedArticle { public: false }), "{r:?}: the desk gave it to them");
            assert!(!can(r, EditAssignedArticle { public: true }), "{r:?}: once out, the desk's");
        }
    }

    #[test]
    fn only_the_desk_reads_the_embargo_feed() {
        assert!(can(Role::Admin, ReadEmbargoes));
        assert!(can(Role::Editor, ReadEmbargoes));
        assert!(!can(Role::Author, ReadEmbargoes));
        assert!(!can(Role::Contributor, ReadEmbargoes));
    }

    #[test]
    fn only_admins_manage_users_keys_audit_and_purge() {
        for action in [ManageUsers, ManageApiKeys, ReadAuditLog, PurgeArticle] {
            assert!(can(Role::Admin, action));
            for r in [Role::Editor, Role::Author, Role::Contributor] {
                assert!(!can(r, action), "{r:?} {action:?}");
            }
        }
        assert!(can(Role::Editor, PublishArticle { own: false, in_review: false }));
    }

    #[test]
    fn admins_manage_webhooks_and_editors_operate_them() {
        assert!(can(Role::Admin, ManageWebhooks));
        assert!(!can(Role::Editor, ManageWebhooks));
        assert!(can(Role::Editor, OperateWebhooks));
        for r in [Role::Author, Role::Contributor] {
            assert!(!can(r, ManageWebhooks) && !can(r, OperateWebhooks), "{r:?}");
        }
    }

    #[test]
    fn the_desk_posts_to_any_live_blog_and_authors_to_their_own() {
        for r in [Role::Admin, Role::Editor] {
            assert!(can(r, PostLiveEntry { own: false }), "{r:?}");
        }
        assert!(can(Role::Author, PostLiveEntry { own: true }));
        assert!(!can(Role::Author, PostLiveEntry { own: false }));
        assert!(!can(Role::Contributor, PostLiveEntry { own: true }), "contributors never post live");
    }

    #[test]
    fn only_the_desk_takes_over_an_edit_lock() {
        assert!(can(Role::Admin, TakeOverLock));
        assert!(can(Role::Editor, TakeOverLock));
        assert!(!can(Role::Author, TakeOverLock), "an author waits for the lease or asks the desk");
        assert!(!can(Role::Contributor, TakeOverLock));
    }
}

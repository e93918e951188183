//! Articles: their publication status and the limits on their fields.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// Longest title, summary and body we accept, in characters.
pub const MAX_TITLE: usize = 300;
pub const MAX_SUMMARY: usize = 2_000;
pub const MAX_BODY: usize = 500_000;
pub const MAX_SHORT_TEXT: usize = 500;
/// Most authors, tags and related links on one article.
pub const MAX_LINKS: usize = 50;
/// Longest note a review step carries, in characters.
pub const MAX_REVIEW_NOTE: usize = 2_000;
/// Longest public reason a retraction carries, in characters.
pub const MAX_RETRACTION_REASON: usize = 2_000;

/// Where an article is in its life. Only `published` articles are ever public; `in_review` and
/// `approved` are the desk's review stages between a draft and publication; `retracted` is a
/// published article pulled with a public reason, which its URL then answers with (410).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ArticleStatus {
    Draft,
    /// Submitted for review: waiting for an editor to approve it or return it.
    InReview,
    /// Approved by an editor: ready to publish or schedule.
    Approved,
    Scheduled,
    Published,
    Archived,
    /// Pulled after publication, with a public reason. Final: no step leads out of it.
    Retracted,
}

impl ArticleStatus {
    pub const ALL: [ArticleStatus; 7] = [
        Self::Draft,
        Self::InReview,
        Self::Approved,
        Self::Scheduled,
        Self::Published,
        Self::Archived,
        Self::Retracted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::InReview => "in_review",
            Self::Approved => "approved",
            Self::Scheduled => "scheduled",
            Self::Published => "published",
            Self::Archived => "archived",
            Self::Retracted => "retracted",
        }
    }

    pub fn parse(value: &str) -> Result<Self, String> {
        crate::validation::one_of(Self::ALL, Self::as_str, value)
    }
}

/// Where an article stands in its life: the columns that publishing, scheduling, reviewing,
/// trashing and their reverses change (times are UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifecycle {
    pub status: ArticleStatus,
    /// When it was first published; for a scheduled article, when it will be.
    pub published_at: Option<NaiveDateTime>,
    /// Set while the article is in the trash.
    pub trashed_at: Option<NaiveDateTime>,
}

/// A move through an article's life, asked for at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Hand a draft to the desk for review.
    Submit,
    /// An editor passes an article in review.
    Approve,
    /// An editor sends an article in review (or approved) back to draft, with a note.
    Return,
    Publish,
    Unpublish,
    Schedule {
        at: NaiveDateTime,
    },
    Unschedule,
    /// The scheduler's publication of a scheduled article once its time has come.
    PublishDue,
    Trash,
    Restore,
    /// Pull a published article with a public reason, for good.
    Retract,
}

/// A [`Step`] without its data: what the table of moves is keyed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Move {
    Submit,
    Approve,
    Return,
    Publish,
    Unpublish,
    Schedule,
    Unschedule,
    PublishDue,
    Retract,
}

/// Every status move: from this status, this step leads to that status. A step from a status
/// not listed for it is refused ([`Move::refusal`]); trashing and restoring are not status moves
/// (an article leaves the trash as the draft it became) and are decided beside the table.
/// Nothing leaves `Retracted`: a retraction is a public record, so it cannot be undone, edited,
/// trashed or purged (see `Lifecycle::transition`).
const MOVES: [(ArticleStatus, Move, ArticleStatus); 20] = {
    use ArticleStatus::*;
    [
        // Review: a draft is submitted, then approved or returned; an approval can be withdrawn.
        (Draft, Move::Submit, InReview),
        (InReview, Move::Approve, Approved),
        (InReview, Move::Return, Draft),
        (Approved, Move::Return, Draft),
        // Publishing now: whoever may publish it decides whether a review was needed first.
        (Draft, Move::Publish, Published),
        (InReview, Move::Publish, Published),
        (Approved, Move::Publish, Published),
        (Scheduled, Move::Publish, Published),
        (Archived, Move::Publish, Published),
        // Taking it down (or cancelling a planned publication) leaves a draft.
        (Published, Move::Unpublish, Draft),
        (Scheduled, Move::Unpublish, Draft),
        (Archived, Move::Unpublish, Draft),
        // Scheduling, or moving a schedule; never a published article.
        (Draft, Move::Schedule, Scheduled),
        (InReview, Move::Schedule, Scheduled),
        (Approved, Move::Schedule, Scheduled),
        (Scheduled, Move::Schedule, Scheduled),
        (Archived, Move::Schedule, Scheduled),
        (Scheduled, Move::Unschedule, Draft),
        // The scheduler, once the time has come (see `Lifecycle::transition` for "due").
        (Scheduled, Move::PublishDue, Published),
        // Pulling a published article for good, with a public reason.
        (Published, Move::Retract, Retracted),
    ]
};

impl Move {
    /// Why this move is refused from a status the table does not list for it.
    fn refusal(self) -> Refused {
        match self {
            Self::Submit => Refused::NotADraft,
            Self::Approve => Refused::NotInReview,
            Self::Return => Refused::NotUnderReview,
            Self::Publish => Refused::AlreadyPublished,
            Self::Unpublish => Refused::NotPublished,
            Self::Schedule => Refused::PublishedCannotBeScheduled,
            Self::Unschedule | Self::PublishDue => Refused::NotScheduled,
            Self::Retract => Refused::OnlyPublishedRetracted,
        }
    }

    /// The status this move leads to from `from`, or why it is refused.
    fn after(self, from: ArticleStatus) -> Result<ArticleStatus, Refused> {
        MOVES.iter().find(|(f, m, _)| *f == from && *m == self).map(|(_, _, to)| *to).ok_or(self.refusal())
    }
}

/// Why a step is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("the article is in the trash; restore it first")]
    InTrash,
    #[error("the article is not in the trash")]
    NotInTrash,
    #[error("the article is already published")]
    AlreadyPublished,
    #[error("the article is already published; unpublish it first")]
    PublishedCannotBeScheduled,
    #[error("the article is not published")]
    NotPublished,
    #[error("the article is not scheduled")]
    NotScheduled,
    #[error("the article is not due")]
    NotDue,
    /// About the `publish_at` field the client sent.
    #[error("must be in the future; to publish now, use /publish")]
    ScheduleInThePast,
    #[error("only a draft can be submitted for review")]
    NotADraft,
    #[error("the article is not in review; only a submitted article can be approved")]
    NotInReview,
    #[error("the article is neither in review nor approved, so there is nothing to send back")]
    NotUnderReview,
    #[error("only a published article can be retracted")]
    OnlyPublishedRetracted,
    #[error("the article is retracted; a retraction is final and the article is kept as it was")]
    Retracted,
}

impl Lifecycle {
    /// The one place that decides what reviewing, publishing, scheduling, trashing and their
    /// reverses do: the lifecycle after `step` at `now`, or why it is refused.
    pub fn transition(self, step: Step, now: NaiveDateTime) -> Result<Lifecycle, Refused> {
        if self.status == ArticleStatus::Retracted {
            return Err(Refused::Retracted);
        }
        let in_trash = self.trashed_at.is_some();
        if in_trash && !matches!(step, Step::Restore) {
            return Err(Refused::InTrash);
        }
        // The publication date an article keeps when it leaves its status: none for a scheduled
        // article, which was never published (a later publish is dated when it really goes out).
        let kept_date = self.published_at.filter(|_| self.status != ArticleStatus::Scheduled);
        let to = |status, published_at| Lifecycle { status, published_at, trashed_at: self.trashed_at };
        match step {
            Step::Trash => {
                Ok(Lifecycle { status: ArticleStatus::Draft, published_at: kept_date, trashed_at: Some(now) })
            }
            Step::Restore if !in_trash => Err(Refused::NotInTrash),
            Step::Restore => Ok(Lifecycle { trashed_at: None, ..self }),
            Step::Submit => Ok(to(Move::Submit.after(self.status)?, kept_date)),
            Step::Approve => Ok(to(Move::Approve.after(self.status)?, kept_date)),
            Step::Return => Ok(to(Move::Return.after(self.status)?, kept_date)),
            Step::Publish => Ok(to(Move::Publish.after(self.status)?, Some(kept_date.unwrap_or(now)))),
            Step::Unpublish => Ok(to(Move::Unpublish.after(self.status)?, kept_date)),
            Step::Schedule { at } => {
                let status = Move::Schedule.after(self.status)?;
                if at <= now {
                    return Err(Refused::ScheduleInThePast);
                }
                Ok(to(status, Some(at)))
            }
            Step::Unschedule => Ok(to(Move::Unschedule.after(self.status)?, None)),
            Step::Retract => Ok(to(Move::Retract.after(self.status)?, kept_date)),
            Step::PublishDue => {
                let status = Move::PublishDue.after(self.status)?;
                match self.published_at {
                    Some(at) if at <= now => Ok(to(status, Some(at))),
                    _ => Err(Refused::NotDue),
                }
            }
        }
    }
}

/// The note an editor sends an article back to its writer with: some text, line breaks allowed.
pub fn review_note(value: &str) -> Result<String, String> {
    let note = crate::validation::bounded_text(value, MAX_REVIEW_NOTE)?;
    if note.is_empty() {
        return Err("must say what the writer should change".into());
    }
    Ok(note)
}

/// The public reason an article is retracted with: some text, line breaks allowed.
pub fn retraction_reason(value: &str) -> Result<String, String> {
    let reason = crate::validation::bounded_text(value, MAX_RETRACTION_REASON)?;
    if reason.is_empty() {
        return Err("must say publicly why the article is retracted".into());
    }
    Ok(reason)
}

/// A BCP 47-style language tag such as `en`, `pt-BR` or `zh-Hant`.
pub fn language(value: &str) -> Result<String, String> {
    // 35 characters hold every tag in practice (RFC 5646 §4.4.1), and is what the document says.
    if value.len() > 35 {
        return Err("must be a language tag of at most 35 characters".into());
    }
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

    fn at(hour: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 7).and_then(|d| d.and_hms_opt(hour, 0, 0)).unwrap_or_default()
    }

    fn draft() -> Lifecycle {
        Lifecycle { status: ArticleStatus::Draft, published_at: None, trashed_at: None }
    }

    #[test]
    fn publishing_keeps_the_first_date_but_not_a_planned_one() {
        let now = at(12);
        let published = draft().transition(Step::Publish, now);
        assert_eq!(published.map(|l| (l.status, l.published_at)), Ok((ArticleStatus::Published, Some(now))));
        let again = Lifecycle { status: ArticleStatus::Draft, published_at: Some(at(9)), trashed_at: None };
        assert_eq!(again.transition(Step::Publish, now).map(|l| l.published_at), Ok(Some(at(9))));
        let planned = draft().transition(Step::Schedule { at: at(15) }, now);
        assert_eq!(planned.map(|l| l.status), Ok(ArticleStatus::Scheduled));
        let early = planned.and_then(|l| l.transition(Step::Publish, now));
        assert_eq!(early.map(|l| l.published_at), Ok(Some(now)), "published early goes out now");
    }

    #[test]
    fn refused_steps_say_why() {
        let now = at(12);
        let published = draft().transition(Step::Publish, now).unwrap_or(draft());
        assert_eq!(published.transition(Step::Publish, now), Err(Refused::AlreadyPublished));
        assert_eq!(published.transition(Step::Schedule { at: at(15) }, now), Err(Refused::PublishedCannotBeScheduled));
        assert_eq!(draft().transition(Step::Unpublish, now), Err(Refused::NotPublished));
        assert_eq!(draft().transition(Step::Unschedule, now), Err(Refused::NotScheduled));
        assert_eq!(draft().transition(Step::Schedule { at: now }, now), Err(Refused::ScheduleInThePast));
        assert_eq!(draft().transition(Step::Restore, now), Err(Refused::NotInTrash));
        let trashed = draft().transition(Step::Trash, now).unwrap_or(draft());
        assert_eq!(trashed.transition(Step::Publish, now), Err(Refused::InTrash));
        assert_eq!(trashed.transition(Step::Restore, now).map(|l| l.trashed_at), Ok(None));
    }

    #[test]
    fn the_scheduler_publishes_only_what_is_due() {
        let planned = draft().transition(Step::Schedule { at: at(15) }, at(12)).unwrap_or(draft());
        assert_eq!(planned.transition(Step::PublishDue, at(14)), Err(Refused::NotDue));
        let done = planned.transition(Step::PublishDue, at(15));
        assert_eq!(done.map(|l| (l.status, l.published_at)), Ok((ArticleStatus::Published, Some(at(15)))));
    }

    #[test]
    fn a_draft_goes_through_review_and_can_be_sent_back() {
        let now = at(12);
        let step = |l: Lifecycle, s: Step| l.transition(s, now).map(|l| l.status);
        let submitted = draft().transition(Step::Submit, now).unwrap_or(draft());
        assert_eq!(submitted.status, ArticleStatus::InReview);
        assert_eq!(step(submitted, Step::Return), Ok(ArticleStatus::Draft));
        let approved = submitted.transition(Step::Approve, now).unwrap_or(draft());
        assert_eq!(approved.status, ArticleStatus::Approved);
        assert_eq!(step(approved, Step::Return), Ok(ArticleStatus::Draft), "an approval can be withdrawn");
        assert_eq!(step(approved, Step::Publish), Ok(ArticleStatus::Published));
        assert_eq!(step(approved, Step::Schedule { at: at(15) }), Ok(ArticleStatus::Scheduled));
        assert_eq!(step(submitted, Step::Publish), Ok(ArticleStatus::Published), "the permission table decides who");
    }

    #[test]
    fn review_steps_refused_from_the_wrong_status_say_why() {
        let now = at(12);
        let submitted = draft().transition(Step::Submit, now).unwrap_or(draft());
        let published = draft().transition(Step::Publish, now).unwrap_or(draft());
        let approved = submitted.transition(Step::Approve, now).unwrap_or(draft());
        assert_eq!(submitted.transition(Step::Submit, now), Err(Refused::NotADraft));
        assert_eq!(published.transition(Step::Submit, now), Err(Refused::NotADraft));
        assert_eq!(draft().transition(Step::Approve, now), Err(Refused::NotInReview));
        assert_eq!(approved.transition(Step::Approve, now), Err(Refused::NotInReview));
        assert_eq!(draft().transition(Step::Return, now), Err(Refused::NotUnderReview));
        assert_eq!(published.transition(Step::Return, now), Err(Refused::NotUnderReview));
        assert_eq!(submitted.transition(Step::Unpublish, now), Err(Refused::NotPublished));
        assert_eq!(approved.transition(Step::Unschedule, now), Err(Refused::NotScheduled));
        let trashed = submitted.transition(Step::Trash, now).unwrap_or(draft());
        assert_eq!(trashed.status, ArticleStatus::Draft, "the trash holds drafts");
        assert_eq!(trashed.transition(Step::Approve, now), Err(Refused::InTrash));
    }

    #[test]
    fn review_keeps_an_earlier_publication_date() {
        let now = at(12);
        let unpublished = Lifecycle { status: ArticleStatus::Draft, published_at: Some(at(9)), trashed_at: None };
        let approved = unpublished.transition(Step::Submit, now).and_then(|l| l.transition(Step::Approve, now));
        assert_eq!(approved.map(|l| l.published_at), Ok(Some(at(9))));
        let republished = approved.and_then(|l| l.transition(Step::Publish, now));
        assert_eq!(republished.map(|l| l.published_at), Ok(Some(at(9))));
    }

    #[test]
    fn every_move_leaves_from_a_status_once() {
        for (i, (from, step, _)) in MOVES.iter().enumerate() {
            assert!(!MOVES[..i].iter().any(|(f, s, _)| f == from && s == step), "{from:?} {step:?} twice");
        }
    }

    #[test]
    fn review_notes_are_some_text_within_the_limit() {
        assert_eq!(
            review_note("  Check the second quote.\nThen resubmit. "),
            Ok("Check the second quote.\nThen resubmit.".into())
        );
        assert!(review_note(" \n ").is_err());
        assert!(review_note("a\u{0}b").is_err());
        assert!(review_note(&"x".repeat(MAX_REVIEW_NOTE)).is_ok());
        assert!(review_note(&"x".repeat(MAX_REVIEW_NOTE + 1)).is_err());
    }

    #[test]
    fn only_a_published_article_is_retracted_and_nothing_leaves_it() {
        let now = at(12);
        let published = draft().transition(Step::Publish, now).unwrap_or(draft());
        let retracted = published.transition(Step::Retract, now);
        assert_eq!(retracted.map(|l| (l.status, l.published_at)), Ok((ArticleStatus::Retracted, Some(now))));
        assert_eq!(draft().transition(Step::Retract, now), Err(Refused::OnlyPublishedRetracted));
        let retracted = retracted.unwrap_or(draft());
        for step in [Step::Publish, Step::Unpublish, Step::Trash, Step::Restore, Step::Retract, Step::Submit] {
            assert_eq!(retracted.transition(step, now), Err(Refused::Retracted), "{step:?}");
        }
    }

    #[test]
    fn retraction_reasons_are_some_text_within_the_limit() {
        assert_eq!(retraction_reason(" Legal order.\n "), Ok("Legal order.".into()));
        assert!(retraction_reason("  ").is_err());
        assert!(retraction_reason(&"x".repeat(MAX_RETRACTION_REASON)).is_ok());
        assert!(retraction_reason(&"x".repeat(MAX_RETRACTION_REASON + 1)).is_err());
    }

    #[test]
    fn language_tags() {
        assert!(language("en").is_ok());
        assert!(language("pt-BR").is_ok());
        assert!(language("EN").is_err());
        assert!(language("english").is_err());
        assert!(language("").is_err());
        assert!(language("aa-00000000-00000000-0000000-000000").is_ok());
        assert!(language("aa-00000000-00000000-0000000-0000000").is_err(), "36 characters");
    }
}

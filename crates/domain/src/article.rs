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
        crate::validation::one_of(Self::ALL, Self::as_str, value)
    }
}

/// Where an article stands in its life: the columns that publishing, scheduling, trashing and
/// their reverses change (times are UTC).
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
}

impl Lifecycle {
    /// The one place that decides what publishing, scheduling, trashing and their reverses do:
    /// the lifecycle after `step` at `now`, or why it is refused.
    pub fn transition(self, step: Step, now: NaiveDateTime) -> Result<Lifecycle, Refused> {
        let in_trash = self.trashed_at.is_some();
        if in_trash && !matches!(step, Step::Restore) {
            return Err(Refused::InTrash);
        }
        // The publication date an article keeps when it leaves its status: none for a scheduled
        // article, which was never published (a later publish is dated when it really goes out).
        let kept_date = self.published_at.filter(|_| self.status != ArticleStatus::Scheduled);
        let to = |status, published_at| Lifecycle { status, published_at, trashed_at: self.trashed_at };
        match step {
            Step::Publish if self.status == ArticleStatus::Published => Err(Refused::AlreadyPublished),
            Step::Publish => Ok(to(ArticleStatus::Published, Some(kept_date.unwrap_or(now)))),
            Step::Unpublish if self.status == ArticleStatus::Draft => Err(Refused::NotPublished),
            Step::Unpublish => Ok(to(ArticleStatus::Draft, kept_date)),
            Step::Schedule { .. } if self.status == ArticleStatus::Published => {
                Err(Refused::PublishedCannotBeScheduled)
            }
            Step::Schedule { at } if at <= now => Err(Refused::ScheduleInThePast),
            Step::Schedule { at } => Ok(to(ArticleStatus::Scheduled, Some(at))),
            Step::Unschedule if self.status != ArticleStatus::Scheduled => Err(Refused::NotScheduled),
            Step::Unschedule => Ok(to(ArticleStatus::Draft, None)),
            Step::PublishDue if self.status != ArticleStatus::Scheduled => Err(Refused::NotScheduled),
            Step::PublishDue if self.published_at.is_none_or(|at| at > now) => Err(Refused::NotDue),
            Step::PublishDue => Ok(to(ArticleStatus::Published, self.published_at)),
            Step::Trash => {
                Ok(Lifecycle { status: ArticleStatus::Draft, published_at: kept_date, trashed_at: Some(now) })
            }
            Step::Restore if !in_trash => Err(Refused::NotInTrash),
            Step::Restore => Ok(Lifecycle { trashed_at: None, ..self }),
        }
    }
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

//! Embargoes: a time before which an article may not be published, by hand, in bulk or by the
//! scheduler. An embargo that has ended is as good as none.

use chrono::{NaiveDateTime, SecondsFormat};

use crate::article::{ArticleStatus, Step};

/// Why a step or an edit is refused under an embargo.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("embargoed until {}", rfc3339(*until))]
pub struct Embargoed {
    /// When the embargo ends.
    pub until: NaiveDateTime,
    /// The request's field at fault and what is wrong with it, when the refusal is about one.
    pub field: Option<(&'static str, String)>,
}

/// A stored (UTC) time as the API writes it: RFC 3339, `Z`, fractions only when there are any.
pub fn rfc3339(at: NaiveDateTime) -> String {
    at.and_utc().to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Whether `step`, asked for at `now`, may go ahead under an embargo `until`: publishing (by
/// hand, in bulk or by the scheduler) waits until it ends, and a schedule may not fall before it.
pub fn permits(until: Option<NaiveDateTime>, step: Step, now: NaiveDateTime) -> Result<(), Embargoed> {
    let Some(until) = until else { return Ok(()) };
    match step {
        Step::Publish | Step::PublishDue if until > now => Err(Embargoed { until, field: None }),
        Step::Schedule { at } if at < until => {
            let why = format!("is before the embargo ends: the article is embargoed until {}", rfc3339(until));
            Err(Embargoed { until, field: Some(("publish_at", why)) })
        }
        _ => Ok(()),
    }
}

/// Whether an article in `status`, with `published_at` (for a scheduled one, the planned time),
/// may take an embargo `until`, set at `now`. A schedule may not fall before it, so that the
/// scheduler never meets an embargoed article; a published article is out already, so an
/// embargo that has not ended would hold nothing back. One that has ended is always accepted.
pub fn may_set(
    status: ArticleStatus,
    published_at: Option<NaiveDateTime>,
    until: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<(), Embargoed> {
    let refused = |why: String| Err(Embargoed { until, field: Some(("embargo_until", why)) });
    match (status, published_at) {
        (ArticleStatus::Scheduled, Some(planned)) if planned < until => refused(format!(
            "is after the scheduled publication at {}: schedule it at or after the embargo first",
            rfc3339(planned)
        )),
        (ArticleStatus::Published, _) if until > now => {
            refused("cannot hold back an article that is already published; unpublish it first".into())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hour: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 10).and_then(|d| d.and_hms_opt(hour, 0, 0)).unwrap_or_default()
    }

    #[test]
    fn publishing_waits_for_the_embargo_to_end() {
        let until = Some(at(12));
        assert_eq!(permits(until, Step::Publish, at(11)), Err(Embargoed { until: at(12), field: None }));
        assert!(permits(until, Step::PublishDue, at(11)).is_err(), "the scheduler too");
        assert_eq!(permits(until, Step::Publish, at(12)), Ok(()), "it ends at its time");
        assert_eq!(permits(None, Step::Publish, at(11)), Ok(()));
        for step in [Step::Unpublish, Step::Submit, Step::Approve, Step::Trash, Step::Unschedule] {
            assert_eq!(permits(until, step, at(11)), Ok(()), "{step:?}");
        }
    }

    #[test]
    fn a_schedule_may_not_fall_before_the_embargo() {
        let until = Some(at(12));
        let early = permits(until, Step::Schedule { at: at(11) }, at(10));
        assert_eq!(early.map_err(|e| e.field.map(|f| f.0)), Err(Some("publish_at")));
        assert_eq!(permits(until, Step::Schedule { at: at(12) }, at(10)), Ok(()), "at the end is fine");
        assert_eq!(permits(until, Step::Schedule { at: at(13) }, at(10)), Ok(()));
    }

    #[test]
    fn an_embargo_may_not_outlast_a_schedule_or_follow_publication() {
        let now = at(9);
        let scheduled = |planned| may_set(ArticleStatus::Scheduled, Some(at(planned)), at(12), now);
        assert_eq!(scheduled(11).map_err(|e| e.field.map(|f| f.0)), Err(Some("embargo_until")));
        assert_eq!(scheduled(12), Ok(()));
        assert!(may_set(ArticleStatus::Published, Some(at(8)), at(12), now).is_err());
        assert_eq!(may_set(ArticleStatus::Published, Some(at(8)), at(8), now), Ok(()), "an ended one is harmless");
        assert_eq!(may_set(ArticleStatus::Draft, None, at(12), now), Ok(()));
        assert_eq!(may_set(ArticleStatus::Approved, None, at(12), now), Ok(()));
    }

    #[test]
    fn the_refusal_says_until_when() {
        let refusal = Embargoed { until: at(12), field: None };
        assert_eq!(refusal.to_string(), "embargoed until 2026-12-10T12:00:00Z");
    }
}

//! Retention settings: how long what grows is kept (`NEWSDESK_KEEP_*`). Zero keeps all.

use anyhow::bail;
use clap::Args;
use newsdesk_newsroom::retention::Retention;

const KEEP_REVISIONS: u32 = 100;
const KEEP_AUDIT_DAYS: u32 = 365;
const KEEP_DELIVERY_DAYS: u32 = 30;
const KEEP_DAILY_VIEW_DAYS: u32 = 90;
const PRUNE_INTERVAL_SECS: u64 = 3600;

/// The shortest daily-view retention: the month window reads 30 days of daily rows.
pub const MIN_DAILY_VIEW_DAYS: u32 = 31;

/// A number of days, at most about 1,000 years, so a cutoff computed from it stays a date
/// both databases keep (PostgreSQL's go back to 4713 BC).
fn days() -> clap::builder::RangedI64ValueParser<u32> {
    clap::value_parser!(u32).range(0..=365_000)
}

#[derive(Debug, Clone, Args)]
pub struct RetentionArgs {
    /// Revisions kept per article, the newest (0: all).
    #[arg(long, env = "NEWSDESK_KEEP_REVISIONS", default_value_t = KEEP_REVISIONS)]
    pub keep_revisions: u32,
    /// Days audit entries are kept (0: for ever).
    #[arg(long, env = "NEWSDESK_KEEP_AUDIT_DAYS", default_value_t = KEEP_AUDIT_DAYS,
          value_parser = days())]
    pub keep_audit_days: u32,
    /// Days finished webhook deliveries, their attempts and events are kept (0: for ever).
    #[arg(long, env = "NEWSDESK_KEEP_DELIVERY_DAYS", default_value_t = KEEP_DELIVERY_DAYS,
          value_parser = days())]
    pub keep_delivery_days: u32,
    /// Days views are kept per day, at least 31; older ones are added to each article's
    /// all-time count, so no view is lost (0: keep every day's row).
    #[arg(long, env = "NEWSDESK_KEEP_DAILY_VIEW_DAYS", default_value_t = KEEP_DAILY_VIEW_DAYS,
          value_parser = days())]
    pub keep_daily_view_days: u32,
    /// Seconds between pruning passes (the first runs a minute after start, or sooner if this
    /// is shorter).
    #[arg(long, env = "NEWSDESK_PRUNE_INTERVAL_SECS", default_value_t = PRUNE_INTERVAL_SECS,
          value_parser = clap::value_parser!(u64).range(1..=604_800))]
    pub prune_interval_secs: u64,
}

impl Default for RetentionArgs {
    fn default() -> Self {
        Self {
            keep_revisions: KEEP_REVISIONS,
            keep_audit_days: KEEP_AUDIT_DAYS,
            keep_delivery_days: KEEP_DELIVERY_DAYS,
            keep_daily_view_days: KEEP_DAILY_VIEW_DAYS,
            prune_interval_secs: PRUNE_INTERVAL_SECS,
        }
    }
}

impl RetentionArgs {
    /// Refuses a daily-view retention too short for the month window.
    pub fn check(&self) -> anyhow::Result<()> {
        if (1..MIN_DAILY_VIEW_DAYS).contains(&self.keep_daily_view_days) {
            bail!("NEWSDESK_KEEP_DAILY_VIEW_DAYS must be 0 (keep all) or at least {MIN_DAILY_VIEW_DAYS}");
        }
        Ok(())
    }

    /// What the pruner keeps.
    pub fn retention(&self) -> Retention {
        let kept = |n: u32| (n > 0).then_some(n);
        Retention {
            revisions_per_article: kept(self.keep_revisions),
            audit_days: kept(self.keep_audit_days),
            delivery_days: kept(self.keep_delivery_days),
            daily_view_days: kept(self.keep_daily_view_days).map(|d| d.max(MIN_DAILY_VIEW_DAYS)),
        }
    }

    pub fn interval(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.prune_interval_secs)
    }
}

//! `churning-blob` (large-churn): a large file with many versions in a stretch of `lookback_days`.

use gix::bstr::ByteSlice;

use serde::{Deserialize, Serialize};

use crate::outcome::{Level, Pattern, Setting};
use crate::policy::Globs;
use crate::history::{DAY, busiest};
use crate::policy::Size;
use crate::util::human_size;

use super::behaviour::{date, span};
use crate::candidate::Candidate;
use super::{BlobCheck, Hit, RuleDoc, RuleId};

/// The rule's id.
pub const ID: &str = "churning-blob";

/// The pattern its findings belong to.
pub const PATTERN: Pattern = Pattern::LargeChurn;

/// The rule's settings (`[rules.churning-blob]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Highest level reported; `off` disables.
    pub level: Setting,
    /// Paths this rule never reports.
    #[serde(skip_serializing_if = "Globs::is_empty")]
    pub exclude: Globs,
    /// A path counts when one of its versions is at least this large.
    pub min_size: Size,
    /// Versions in the look-back window reported at warn.
    pub warn_versions: u32,
    /// Versions in the look-back window reported at deny.
    pub deny_versions: u32,
}

/// The per-blob check, if the rule has one.
pub const BLOB: Option<BlobCheck> = None;

/// What `pushgate explain` prints.
pub const DOC: RuleDoc = RuleDoc {
    id: RuleId::ChurningBlob,
    summary: "A large file with many versions in the look-back window.",
    why: "Each version of a large file stays in history for good: ten versions of a 6 MiB model are 60 MiB \
          that every clone downloads, and reading an old version means rebuilding it through a delta chain.",
    signals: "The distinct versions (blob ids) of the path, counted in its busiest stretch of `lookback_days` \
              (a push reads the look-back window of `lookback_commits` and `lookback_days` behind it; an audit \
              slides that window over the path's whole life, so five versions in four years are no churn), \
              their sizes from object headers, and the bytes they add per month.",
    fix: "Track the file with Git LFS (`git lfs migrate import --include=<path>` for unpushed commits), keep \
          it in object storage and commit a manifest or pointer that names the current version, or produce it \
          in the build.",
};

/// `churning-blob` over the model: a large path whose distinct versions, counted in the busiest
/// stretch of `lookback_days`, reach the thresholds.
pub fn check(input: &super::behaviour::Input<'_, '_>, t: &Candidate) -> Option<Hit> {
    let rule = &input.policy.rules.churning_blob;
    let i = input.model.path_index(t.path.as_bstr());
    // Each version of the path, with when it first appeared.
    let mut first_seen: Vec<(u32, i64)> = i
        .map(|i| {
            input
                .model
                .changes_of(i)
                .filter_map(|c| Some((c.blob?, input.model.commit(c.commit)?.time)))
                .collect()
        })
        .unwrap_or_default();
    first_seen.sort_unstable();
    first_seen.dedup_by_key(|(v, _)| *v);
    let mut known: Vec<u64> = first_seen
        .iter()
        .filter_map(|(v, _)| super::behaviour::version_size(input, *v))
        .collect();
    let mut versions = first_seen.len();
    // The candidate itself, when the history does not hold it yet.
    if i.and_then(|i| input.model.version_of(i, t.oid)).is_none() {
        versions += 1;
        known.extend(t.size.or_else(|| {
            input.repo.try_find_header(t.oid).ok().flatten().map(|h| h.size())
        }));
    }
    let max = known.iter().copied().max()?;
    if max < rule.min_size.0 {
        return None;
    }
    let times: Vec<i64> = first_seen.iter().map(|(_, t)| *t).collect();
    let span_days = i64::from(input.policy.lookback_days).saturating_mul(DAY);
    let (n, _) = busiest(&times, span_days);
    let n = n.max(1) as u64;
    let level = if n >= u64::from(rule.deny_versions) {
        Level::Deny
    } else if n >= u64::from(rule.warn_versions) {
        Level::Warn
    } else {
        return None;
    }
    .capped(rule.level);
    let level = regenerated_with_code(&t.path, level);
    let total: u64 = known.iter().copied().fold(0, u64::saturating_add);
    let (first, last) = span(&times);
    let months = (last.saturating_sub(first) as f64 / (30.0 * DAY as f64)).max(1.0);
    let per_month = (total as f64 / months) as u64;
    Some(
        Hit::new(
            RuleId::ChurningBlob,
            level,
            format!(
                "{n} versions within {} days (warn at {}, deny at {}), up to {} each; {} versions and {} of history in all, about {} a month",
                input.policy.lookback_days,
                rule.warn_versions,
                rule.deny_versions,
                human_size(max),
                versions,
                human_size(total),
                human_size(per_month)
            ),
        )
        .with("versions", n)
        .with("versions_total", versions)
        .with("unknown_sizes", versions.saturating_sub(known.len()))
        .with("first", date(first))
        .with("last", date(last))
        .with("max_size", max)
        .with("total_size", total)
        .with("bytes_per_month", per_month)
        .with("history_truncated", input.model.truncated),
    )
}

/// Test fixtures a generator rebuilds with the code (archived test repositories, golden
/// outputs) and vendored dependencies a bump replaces change when people change the code, not
/// on a schedule: a few versions in a stretch are `info`. Ten in a stretch (`deny_versions`)
/// still deny: that much churn costs every clone whoever makes it.
fn regenerated_with_code(path: &[u8], level: Level) -> Level {
    if level == Level::Warn && (super::paths::in_test_dir(path) || super::paths::in_vendored_dir(path)) {
        Level::Info
    } else {
        level
    }
}

impl super::settings::RuleSettings for Settings {
    fn level(&self) -> Setting {
        self.level
    }
    fn exclude(&self) -> &Globs {
        &self.exclude
    }
    fn validate(&self, id: &str) -> Result<(), (String, String)> {
        if self.warn_versions < 2 || self.warn_versions > self.deny_versions {
            return Err((
                "warn_versions".into(),
                format!(
                    "rules.{id}: warn_versions ({}) must be at least 2 and at most deny_versions ({})",
                    self.warn_versions, self.deny_versions
                ),
            ));
        }
        Ok(())
    }
}

//! History-aware rules: what no name or size rule can see in one blob, read from how a path
//! changed over the look-back window.
//!
//! - `churning-blob` (large-churn): a large path with many versions;
//! - `deep-delta-chain` (large-churn): a large object git must rebuild through a deep chain;
//! - `data-churn` (database): structured data rewritten by a job;
//! - `machine-cadence` (audit-trail, or backup for snapshots and copies): what else a job
//!   writes.
//!
//! This module holds their documentation and the schedule arithmetic; the checks over the
//! [history model](crate::history) are in [`super::behaviour`].

use super::{Hit, RuleDoc, RuleId};
use crate::policy::PolicyFile;
use crate::util::human_size;

const CHURNING_BLOB: RuleDoc = RuleDoc {
    id: RuleId::ChurningBlob,
    summary: "A large file with many versions in the look-back window.",
    why: "Each version of a large file stays in history for good: ten versions of a 6 MiB model are 60 MiB \
          that every clone downloads, and reading an old version means rebuilding it through a delta chain.",
    signals: "The distinct versions (blob ids) of the path, counted in its busiest stretch of `lookback_days` \
              (a push reads the look-back window of `lookback_commits` and `lookback_days` behind it; an audit \
              slides that window over the path's whole life, so five versions in four years are no churn), \
              their sizes from object headers, and the bytes they add per month.",
    fix: "Store the file in Amazon S3 and commit a manifest or pointer that names the current version, or \
          track it with Git LFS (`git lfs migrate import --include=<path>` for unpushed commits).",
};

const DEEP_DELTA_CHAIN: RuleDoc = RuleDoc {
    id: RuleId::DeepDeltaChain,
    summary: "A large object stored behind a deep delta chain in a pack.",
    why: "Git stores versions as deltas of other versions; to read one it inflates every link of the chain. \
          Deep chains of large objects make checkouts, blame and server-side operations slow and memory-hungry.",
    signals: "The chain depth and the bytes to inflate, read from the pack index and the pack entry headers \
              (nothing is inflated to learn them), for new objects of at least `min_size`.",
    fix: "Keep the file out of git (Amazon S3 or Git LFS). For the existing history, repacking with a \
          smaller depth (`git repack -adf --depth=<n>`) shortens chains at the cost of a larger pack.",
};

const DATA_CHURN: RuleDoc = RuleDoc {
    id: RuleId::DataChurn,
    summary: "Structured data or a database file rewritten again and again by a job.",
    why: "A JSON, CSV or spreadsheet that a job rewrites every few minutes or every day uses git as a \
          database: every write is a commit kept forever, history grows without end, and readers get no \
          queries, indexes or concurrency.",
    signals: "The history model: which commits a job made, told by behaviour rather than names (messages that \
              fall into a few templates once numbers, dates in any form, hex ids, emojis and data-diff \
              summaries are folded, or an identity whose vocabulary stays tiny; bot, root or the owner alike), \
              and what they rewrote. Files of one role in one directory are one subject (`feeds/*.json`). It \
              counts when the job rewrote the subject `min_commits` times within some stretch of `window_days` \
              on `min_days` distinct days, whether on a schedule or only when the data changed. Lock files, \
              manifests, CI and tool configuration, changelogs and translations are never a subject.",
    fix: "Write the data to a database (Amazon DynamoDB, or a managed relational database) or to Amazon S3, \
          and keep only the code and schema in git.",
};

const MACHINE_CADENCE: RuleDoc = RuleDoc {
    id: RuleId::MachineCadence,
    summary: "What a job commits that is not data: status records, logs, regenerated output, folder snapshots.",
    why: "A job that commits every few minutes or every day turns the repository into a log: history grows \
          without end, clones slow down, and the records are hard to query or retain properly.",
    signals: "Jobs are found as for `data-churn`, and counted the same way (`min_commits` within `window_days` \
              on `min_days` days). The content of what the job writes decides the pattern: YAML status records, \
              logs and rendered output (pages, a README, SVG cards, plots) are audit-trail; dumps, archives and \
              opaque files are backup. A text file the job appends to `min_appends` times is a log even in a \
              short burst. A top-level directory where a job rewrites `snapshot_files` or more files, several \
              per commit and mostly opaque, is one folder snapshot (backup).",
    fix: "Send the records where records belong: Amazon CloudWatch Logs or Amazon S3 for logs and exports, \
          AWS CloudTrail and AWS Config for audit history, a static-site or artifact bucket for generated \
          pages, AWS Backup with Amazon S3, EFS or EBS snapshots for folder backups; keep the job's code in git.",
};

/// The documentation of the history rules.
pub fn doc(rule: RuleId) -> &'static RuleDoc {
    match rule {
        RuleId::DeepDeltaChain => &DEEP_DELTA_CHAIN,
        RuleId::DataChurn => &DATA_CHURN,
        RuleId::MachineCadence => &MACHINE_CADENCE,
        _ => &CHURNING_BLOB,
    }
}

/// The period the intervals between `times` (ascending) fit, and the share of intervals that
/// are within tolerance of a whole multiple of it (a job that skips runs when nothing changed
/// still fits). The period is taken from the shorter intervals, where a schedule shows itself.
pub fn regularity(times: &[i64]) -> (i64, f64) {
    // Commit times come from the pushed objects: any i64 is possible, so no arithmetic on
    // them may overflow.
    let mut intervals: Vec<i64> = times
        .iter()
        .zip(times.iter().skip(1))
        .map(|(a, b)| b.saturating_sub(*a))
        .filter(|d| *d > 0)
        .collect();
    intervals.sort_unstable();
    let Some(&period) = intervals.get(intervals.len() / 4).filter(|_| intervals.len() >= 2) else {
        return (0, 0.0);
    };
    if period < 60 {
        return (period, 0.0);
    }
    let tolerance = (period / 10).max(30);
    let fitting = intervals
        .iter()
        .filter(|&&d| {
            let k = ((d as f64) / (period as f64)).round().max(1.0) as i64;
            d.saturating_sub(k.saturating_mul(period)).saturating_abs() <= tolerance
        })
        .count();
    (period, fitting as f64 / intervals.len() as f64)
}

/// `deep-delta-chain`: an object of `size` bytes behind a chain of `depth` deltas that needs
/// `inflate` bytes inflated to rebuild.
pub fn deep_delta_chain(size: u64, depth: u32, inflate: u64, policy: &PolicyFile) -> Option<Hit> {
    let rule = &policy.rules.deep_delta_chain;
    if size < rule.min_size.0 || depth <= rule.max_depth {
        return None;
    }
    Some(
        Hit::new(
            RuleId::DeepDeltaChain,
            rule.level,
            format!(
                "stored behind a chain of {depth} deltas (limit {}): reading it inflates {}",
                rule.max_depth,
                human_size(inflate)
            ),
        )
        .with("depth", depth)
        .with("max_depth", rule.max_depth)
        .with("inflate_bytes", inflate),
    )
}

/// A period in words: `5 min`, `1 h`, `1 d`, rounded to the minute.
pub fn period_text(seconds: i64) -> String {
    let minutes = (seconds + 30) / 60;
    match minutes {
        0 => format!("{seconds} s"),
        m if m % 1440 == 0 => format!("{} d", m / 1440),
        m if m % 60 == 0 => format!("{} h", m / 60),
        m if m >= 120 => format!("{:.1} h", m as f64 / 60.0),
        m => format!("{m} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_schedules_fit_and_people_do_not() {
        let hourly: Vec<i64> = (0..50).map(|i| 1_000_000 + i * 3600 + (i % 3) * 7).collect();
        let (period, share) = regularity(&hourly);
        assert!((3580..=3610).contains(&period) && share > 0.95, "{period} {share}");
        // Skipped runs still fit the period.
        let skipping: Vec<i64> = (0..60).filter(|i| i % 4 != 1).map(|i| i * 300).collect();
        let (period, share) = regularity(&skipping);
        assert_eq!(period, 300);
        assert!(share > 0.95, "{share}");
        // Irregular, human-like intervals.
        let mut t = 0;
        let mut x: u64 = 12345;
        let human: Vec<i64> = (0..60)
            .map(|_| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                t += 600 + (x >> 33) as i64 % 200_000;
                t
            })
            .collect();
        assert!(regularity(&human).1 < 0.6, "{:?}", regularity(&human));
    }

    #[test]
    fn periods_read_well() {
        assert_eq!(period_text(300), "5 min");
        assert_eq!(period_text(3600), "1 h");
        assert_eq!(period_text(86400), "1 d");
        assert_eq!(period_text(5400), "90 min");
        assert_eq!(period_text(3607), "1 h");
        assert_eq!(period_text(303), "5 min");
        assert_eq!(period_text(9000), "2.5 h");
    }
}

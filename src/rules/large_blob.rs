//! `large-blob` (large-churn): a file whose size reaches the thresholds.

use crate::candidate::Candidate;
use super::{BlobCheck, Hit, RuleDoc, RuleId};
use crate::advice::wording::{Alternative, Step, lfs_glob};
use crate::outcome::{Finding, Level};
use gix::ObjectId;
use crate::outcome::Pattern;
use crate::util::human_size;
use serde::Serialize;

/// The pattern its findings belong to.
pub(crate) const PATTERN: Pattern = Pattern::LargeChurn;

/// The rule's settings (`[rules.large-blob]`).
pub(crate) type Settings = super::settings::Graded;

/// The per-blob check, if the rule has one.
pub(crate) const BLOB: Option<BlobCheck> = Some(check);

/// What `pushgate explain` prints.
pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "A file whose size reaches the policy's thresholds.",
    why: "Git keeps every version of every file forever, and every clone downloads all of them. A large \
          file that changes often multiplies that cost with each version, and git must rebuild long delta \
          chains to read old versions, which costs time and memory on every machine that touches the repository.",
    signals: "The blob's size, read from the object header: the blob is never inflated to learn it. Git LFS \
              pointers are tiny and never reported. Below `deny_size`, a version that has stood unchanged at \
              its path for `lookback_days` (the window in which churn is counted) is a large file committed \
              and left alone, not one that changes often: info. A version a push brings has not had that \
              time, and is judged by its size.",
    fix: "Track the file with Git LFS (`git lfs track <pattern>`, then `git lfs migrate import \
          --include=<path>` for commits not yet pushed), or store it in object storage and commit a small \
          manifest or pointer.",
};

/// What a `large-blob` finding reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Evidence {
    /// The size it reached.
    #[serde(flatten)]
    pub(crate) limit: Limit,
    /// The version stood unchanged for `lookback_days` (how long: `unchanged_days`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(crate) settled: bool,
    /// The paths one blob is copied to, for a finding that stands for them all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) copies: Option<usize>,
}

/// The size a blob reached.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub(crate) enum Limit {
    /// Over `--max-size`.
    Max {
        /// `--max-size`, in bytes.
        max_size: u64,
    },
    /// The rule's thresholds.
    Graded {
        /// `warn_size`, in bytes.
        warn_size: u64,
        /// `deny_size`, in bytes.
        deny_size: u64,
    },
}

impl Evidence {
    /// The size a blob reached, nothing said of its history yet.
    fn of(limit: Limit) -> Self {
        Evidence {
            limit,
            settled: false,
            copies: None,
        }
    }
}

/// A blob whose size reaches the thresholds, or is over `--max-size`.
pub(crate) fn check(blob: &Candidate, policy: super::Context<'_>, out: &mut Vec<Hit>) {
    let rule = &policy.rules.large_blob;
    if let Some(size) = blob.size
        && let Some(max) = policy.max_size
        && size > max.0
    {
        out.push(
            Hit::new(
                RuleId::LargeBlob,
                crate::outcome::Level::Deny,
                format!("{} file, over --max-size {max}", human_size(size)),
            )
            .with(Evidence::of(Limit::Max { max_size: max.0 })),
        );
        return;
    }
    if let Some(size) = blob.size
        && let Some(level) = rule.grade(size)
    {
        let level = copied_or_fixture(&blob.path, level);
        out.push(
            Hit::new(
                RuleId::LargeBlob,
                level,
                format!(
                    "{} file (warn at {}, deny at {})",
                    human_size(size),
                    rule.warn_size,
                    rule.deny_size
                ),
            )
            .with(Evidence::of(Limit::Graded {
                warn_size: rule.warn_size.0,
                deny_size: rule.deny_size.0,
            })),
        );
    }
}

/// A test fixture (an archived test repository, a fuzzing input) or a vendored dependency's
/// file (generated API bindings, a data table) is large because of what it is, not because a
/// job rewrites it: below `deny_size` its size is worth knowing, `info`; whether it churns is
/// `churning-blob`'s to say. Every repository with such directories is treated alike, and a
/// file of the same size anywhere else keeps its level.
fn copied_or_fixture(path: &[u8], level: crate::outcome::Level) -> crate::outcome::Level {
    if level == crate::outcome::Level::Warn && (super::paths::in_test_dir(path) || super::paths::in_vendored_dir(path)) {
        crate::outcome::Level::Info
    } else {
        level
    }
}

/// History already fixed: a large file people committed once or twice and then deleted (a
/// library copied in and moved out days later, a sample dataset swapped for a smaller one) is a
/// cost in history, which the audit's fix plan removes, not a large file that changes often:
/// `info`, as for a database file (see `rules::settle_removed`). `deny_size` and above keep
/// their level.
pub(crate) fn settle_removed(input: &super::Input<'_, '_>, findings: &mut [crate::outcome::Finding]) {
    super::settle_removed(
        input,
        findings,
        |f| f.rule == RuleId::LargeBlob && f.level == crate::outcome::Level::Warn,
        "a large file that changes often",
    );
}

/// A large file committed and left alone is not the misuse this pattern is about (large files
/// that change often): once a version has stood unchanged for `lookback_days`, the window in
/// which `churning-blob` counts versions, it has shown that it does not change often, and its
/// `warn` finding is lowered to `info` (its size is still worth knowing, as `git-sizer` would
/// tell it). The version's life runs from its first appearance in the history (at any path: a
/// copy of a settled blob into a new folder adds nothing) to the next change of the finding's
/// path after it (a newer version, or its deletion), or to the newest commit of the history.
/// The history model decides, so a push and the audit of the repository after it agree: a
/// version a push brings ends at the push's newest commit, so it has not had that time and
/// keeps its level; `deny_size` and above always keep theirs. A version the history does not
/// know by id keeps its level.
pub(crate) fn settle(input: &super::Input<'_, '_>, findings: &mut [crate::outcome::Finding]) {
    use crate::history::DAY;
    use crate::outcome::Level;
    use gix::bstr::ByteSlice;
    use std::collections::HashMap;
    let model = input.model;
    let span = i64::from(input.policy.lookback_days).saturating_mul(DAY);
    // (finding, path, version) of each warn finding about one file.
    let wanted: Vec<(usize, u32, u32)> = findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.rule == RuleId::LargeBlob && f.level == Level::Warn && f.paths.is_empty())
        .filter_map(|(k, f)| {
            let i = model.path_index(f.path.as_ref()?.as_bstr())?;
            Some((k, i, model.version_of(i, f.blob?)?))
        })
        .collect();
    if wanted.is_empty() {
        return;
    }
    // When each commit was made (by the history, not by the dates pushers write), and when
    // each version first appeared, at any path.
    let made = model.made();
    let newest = made.last().copied().unwrap_or(0);
    let mut first: HashMap<u32, i64> = wanted.iter().map(|w| (w.2, i64::MAX)).collect();
    for c in &model.facts.changes {
        if let Some(v) = c.blob()
            && let Some(at) = first.get_mut(&v)
            && let Some(&time) = made.get(c.commit as usize)
        {
            *at = (*at).min(time);
        }
    }
    for (k, i, version) in wanted {
        let mut steps: Vec<(i64, u32, Option<u32>)> = model
            .changes_of(i)
            .filter_map(|c| Some((*made.get(c.commit as usize)?, c.commit, c.blob())))
            .collect();
        steps.sort_unstable();
        let Some(last) = steps.iter().rposition(|s| s.2 == Some(version)) else {
            continue;
        };
        let until = steps.get(last + 1).map_or(newest, |s| s.0);
        let Some(&since) = first.get(&version).filter(|t| **t != i64::MAX) else {
            continue;
        };
        if until.saturating_sub(since) < span {
            continue;
        }
        let Some(f) = findings.get_mut(k) else {
            continue;
        };
        let days = until.saturating_sub(since) / DAY;
        f.level = Level::Info;
        if let Some(own) = LargeBlob::evidence_mut(&mut f.evidence) {
            own.settled = true;
        }
        f.evidence.shared.unchanged_days = Some(days);
        f.message = format!(
            "{} (unchanged for {days} days from {}: a large file left alone, not one that changes often)",
            f.message,
            crate::history::cadence::date(since)
        );
    }
}

/// Copies of one blob before their `large-blob` findings are one.
const BLOB_COPIES_MIN: usize = 2;

/// One finding per blob: the same large blob copied to many paths (a figure in every locale
/// folder) is one thing to fix, so its `large-blob` findings of one level become one finding
/// at its first path that lists every path. Findings by name or content (a `.bak` copy in two
/// folders), about a path's history (churn, delta chains) and
/// subjects stay as they are.
fn group_by_blob(findings: &mut Vec<Finding>) {
    use std::collections::BTreeMap;
    let mut groups: BTreeMap<(RuleId, Level, ObjectId), Vec<usize>> = BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        let (Some(blob), Some(_)) = (f.blob, f.path.as_ref()) else {
            continue;
        };
        if !f.paths.is_empty() || f.rule != RuleId::LargeBlob {
            continue;
        }
        groups.entry((f.rule, f.level, blob)).or_default().push(i);
    }
    let mut gone = std::collections::HashSet::new();
    let mut merged = Vec::new();
    for members in groups.into_values().filter(|m| m.len() >= BLOB_COPIES_MIN) {
        let mut files: Vec<gix::bstr::BString> = members
            .iter()
            .filter_map(|i| findings.get(*i).and_then(|f| f.path.clone()))
            .collect();
        files.sort();
        files.dedup();
        let Some(first) = files.first().cloned() else {
            continue;
        };
        let Some(best) = members
            .iter()
            .filter_map(|i| findings.get(*i))
            .find(|f| f.path.as_ref() == Some(&first))
        else {
            continue;
        };
        let mut f = best.clone();
        f.message = format!("one blob at {} paths: {}", files.len(), best.message);
        if let Some(own) = LargeBlob::evidence_mut(&mut f.evidence) {
            own.copies = Some(files.len());
        }
        f.paths = files;
        merged.push(f);
        gone.extend(members);
    }
    super::replace_grouped(findings, &gone, merged);
}

/// The rule's place in the registry (see [`Rule`](super::Rule)).
pub(crate) struct LargeBlob;

impl super::Rule for LargeBlob {
    fn first_step(step: &Step<'_>) -> String {
        if let Some(data) = super::job_data_step(step) {
            return data;
        }
        match step.path {
            Some(p) => format!(
                "Track it with Git LFS (`git lfs track \"{}\"`), or keep it in the store below and commit a small pointer.",
                lfs_glob(p)
            ),
            None => "Track it with Git LFS, or keep it in the store below and commit a small pointer.".into(),
        }
    }

    fn alternative(pattern: Pattern, evidence: &crate::outcome::Evidence) -> Alternative {
        super::job_data_alternative(pattern, evidence)
    }

    fn settle(input: &super::Input<'_, '_>, _: &super::Analysis, findings: &mut Vec<Finding>) {
        settle_removed(input, findings);
        settle(input, findings);
    }

    fn group(findings: &mut Vec<Finding>) {
        group_by_blob(findings);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{Level, Setting};
    use crate::policy::{Policy, Size};

    fn levels(policy: &Policy, size: u64) -> Vec<(Level, String)> {
        let mut blob = Candidate::new(gix::ObjectId::null(gix::hash::Kind::Sha1), "a.bin".into(), None, None, None);
        blob.size = Some(size);
        let mut out = Vec::new();
        crate::rules::check_blob(&blob, &policy.file, &mut out);
        out.into_iter().map(|h| (h.level, h.message)).collect()
    }

    #[test]
    fn max_size_denies_over_it_whatever_the_level() {
        let mut policy = Policy::builtin();
        policy.deny_larger_than(Size(1000));
        assert!(levels(&policy, 1000).is_empty(), "exactly the size is not over it");
        assert_eq!(
            levels(&policy, 1001),
            [(Level::Deny, "1001 B file, over --max-size 1KB".to_owned())]
        );
        // The policy's own thresholds still grade what they grade.
        let mut policy = Policy::builtin();
        policy.deny_larger_than(Size(10 << 20));
        assert_eq!(levels(&policy, 6 << 20)[0].0, Level::Warn);
        assert_eq!(levels(&policy, 11 << 20)[0].0, Level::Deny);
        // A rule capped at warn, or switched off, still denies over the size, and only there.
        for setting in [Setting::Warn, Setting::Off] {
            let mut policy = Policy::builtin();
            policy.file.rules.large_blob.level = setting;
            policy.deny_larger_than(Size(1 << 20));
            assert_eq!(levels(&policy, 2 << 20)[0].0, Level::Deny, "{setting:?}");
            let below = levels(&policy, 1 << 20);
            assert!(below.is_empty(), "{setting:?}: {below:?}");
        }
    }
}

//! `churning-blob` (large-churn): a large file with many versions in a stretch of `lookback_days`.

use gix::bstr::ByteSlice;

use serde::{Deserialize, Serialize};

use crate::outcome::{Level, Pattern, Setting};
use crate::policy::Globs;
use crate::history::{DAY, busiest};
use crate::policy::Size;
use crate::util::human_size;

use crate::history::cadence::{date, span};
use crate::candidate::Candidate;
use super::{BlobCheck, Hit, RuleDoc, RuleId};
use crate::advice::wording::{Alternative, Step, lfs_glob};
use crate::outcome::Finding;
use std::collections::HashMap;

/// The pattern its findings belong to.
pub(crate) const PATTERN: Pattern = Pattern::LargeChurn;

/// The rule's settings (`[rules.churning-blob]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct Settings {
    /// Highest level reported; `off` disables.
    pub(crate) level: Setting,
    /// Paths this rule never reports.
    #[serde(skip_serializing_if = "Globs::is_empty")]
    pub(crate) exclude: Globs,
    /// A path counts when one of its versions is at least this large.
    pub(crate) min_size: Size,
    /// Versions in the look-back window reported at warn.
    pub(crate) warn_versions: u32,
    /// Versions in the look-back window reported at deny.
    pub(crate) deny_versions: u32,
}

/// The per-blob check, if the rule has one.
pub(crate) const BLOB: Option<BlobCheck> = None;

/// What `pushgate explain` prints.
pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "A large file with many versions in the look-back window.",
    why: "Each version of a large file stays in history for good: ten versions of a 6 MiB model are 60 MiB \
          that every clone downloads, and reading an old version means rebuilding it through a delta chain.",
    signals: "The distinct versions (blob ids) of the path, counted in its busiest stretch of `lookback_days` \
              (a push reads the look-back window of `lookback_commits` and `lookback_days` behind it; an audit \
              slides that window over the path's whole life, so five versions in four years are no churn), \
              their sizes from object headers, and the bytes they add per month. A burst below the deny count \
              followed by a year without a new version is the file's past, not its recent life: info.",
    fix: "Track the file with Git LFS (`git lfs migrate import --include=<path>` for unpushed commits), keep \
          it in object storage and commit a manifest or pointer that names the current version, or produce it \
          in the build. A text file a job keeps rewriting (most of its versions by a job's commits: \
          `written_by_job` in the evidence) is data: have the job write it elsewhere and move it out of git; \
          Git LFS is no fix for it, as it would keep every version whole.",
};

/// What a `churning-blob` finding reports, besides the versions it counts (`versions`, shared
/// with every rule) and whether a job wrote them (`written_by_job`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Evidence {
    /// Versions of the path in all.
    pub(crate) versions_total: usize,
    /// The date of the first version counted.
    pub(crate) first: String,
    /// The date of the last version counted.
    pub(crate) last: String,
    /// The largest version, in bytes.
    pub(crate) max_size: u64,
    /// The figures of every version, for a file that churns now (none for a burst long over).
    #[serde(flatten)]
    pub(crate) totals: Option<Totals>,
    /// A burst of versions long over: the finding tells it at info.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(crate) settled: bool,
    /// The path's `large-blob` finding, folded into this one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) large_blob: Option<FoldedSize>,
    /// For files churning side by side: the fewest versions among them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) fewest_versions: Option<u64>,
    /// … and the bytes of history of them all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) files_total_size: Option<u64>,
}

/// The figures of every version of a file that churns now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Totals {
    /// Versions whose size is unknown (neither the model nor the object database knows it).
    pub(crate) unknown_sizes: usize,
    /// The bytes of every version whose size is known.
    pub(crate) total_size: u64,
    /// Those bytes per month of the path's life.
    pub(crate) bytes_per_month: u64,
    /// The history reaches missing commits (a shallow or partial clone).
    pub(crate) history_truncated: bool,
}

/// A `large-blob` finding folded into the path's churn finding: its level and size.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct FoldedSize {
    /// Its level.
    pub(crate) level: Level,
    /// Its size, when known.
    pub(crate) size: Option<u64>,
}

/// `churning-blob` over the model: a large path whose distinct versions, counted in the busiest
/// stretch of `lookback_days`, reach the thresholds.
pub(crate) fn check(input: &super::Input<'_, '_>, t: &Candidate) -> Option<Hit> {
    let rule = &input.policy.rules.churning_blob;
    let i = input.model.path_index(t.path.as_bstr());
    // Each version of the path, with when it first appeared.
    let mut first_seen: Vec<(u32, i64)> = i
        .map(|i| {
            input
                .model
                .changes_of(i)
                .filter_map(|c| Some((c.blob()?, input.model.commit(c.commit)?.time)))
                .collect()
        })
        .unwrap_or_default();
    first_seen.sort_unstable();
    first_seen.dedup_by_key(|(v, _)| *v);
    let mut known: Vec<u64> = first_seen
        .iter()
        .filter_map(|(v, _)| super::version_size(input, *v))
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
    let grade = |n: u64| {
        if n >= u64::from(rule.deny_versions) {
            Some(Level::Deny)
        } else if n >= u64::from(rule.warn_versions) {
            Some(Level::Warn)
        } else {
            None
        }
    };
    let level = grade(n)?.capped(rule.level);
    // The level weighs the file's recent life: a few versions in a burst that a year without
    // a new one ended long ago (a data file fixed a few times the week it was added, then left
    // alone) are told, at info, as what they were. Churn that reached the deny count stays
    // churn however long ago it stopped.
    let mut sorted = times.clone();
    sorted.sort_unstable();
    if (versions as u64) < u64::from(rule.deny_versions) {
        let end = end_of_life(input, i);
        let recent = recent_life(&sorted, end);
        if grade(busiest(recent, span_days).0 as u64).is_none() {
            return Some(settled(&sorted, recent, end, span_days, max));
        }
    }
    let level = regenerated_with_code(&t.path, level);
    // Text a job keeps rewriting is data (a benchmark bot's results, a scraper's output); a binary
    // a job rebuilds (a model, a build) is a large file like any other.
    let text = t.sniff.as_ref().is_some_and(|s| !s.binary);
    let by_job = text && job_wrote(input, i);
    let total: u64 = known.iter().copied().fold(0, u64::saturating_add);
    let (first, last) = span(&times);
    let months = (last.saturating_sub(first) as f64 / (30.0 * DAY as f64)).max(1.0);
    let per_month = (total as f64 / months) as u64;
    let mut hit = Hit::new(
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
        .with(Evidence {
            versions_total: versions,
            first: date(first),
            last: date(last),
            max_size: max,
            totals: Some(Totals {
                unknown_sizes: versions.saturating_sub(known.len()),
                total_size: total,
                bytes_per_month: per_month,
                history_truncated: input.model.truncated,
            }),
            settled: false,
            large_blob: None,
            fewest_versions: None,
            files_total_size: None,
        });
    hit.evidence.shared.versions = Some(n);
    hit.evidence.shared.written_by_job = Some(by_job);
    Some(hit)
}

/// Of a path's writes, the share a job must have made for a text file to be data the job keeps
/// rewriting (a benchmark bot's results file, a scraper's output) rather than a file people
/// change: its versions are moved out of git, never into Git LFS, which would keep every
/// version whole where git keeps small deltas.
const JOB_SHARE: f64 = 0.8;

/// Whether a job (not a dependency or release bot) made at least [`JOB_SHARE`] of the
/// commits that wrote a version of path `i`.
fn job_wrote(input: &super::Input<'_, '_>, i: Option<u32>) -> bool {
    let Some(i) = i else { return false };
    let (mut writes, mut by_job) = (0u64, 0u64);
    for c in input.model.changes_of(i).filter(|c| c.blob().is_some()) {
        writes += 1;
        if input.model.jobs.writes(c.commit) {
            by_job += 1;
        }
    }
    writes > 0 && by_job as f64 >= JOB_SHARE * writes as f64
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

/// A stretch without a new version this long ends a file's churn: what came before it is
/// its past, not its recent life.
pub(crate) const SETTLED_DAYS: i64 = 365;

/// When the path's life ends: its deletion, or the newest commit the history holds.
fn end_of_life(input: &super::Input<'_, '_>, path: Option<u32>) -> i64 {
    let newest = || input.model.facts.commits.iter().map(|c| c.time).max().unwrap_or(0);
    let Some(i) = path else {
        return newest();
    };
    let last = input
        .model
        .changes_of(i)
        .filter_map(|c| Some((input.model.commit(c.commit)?.time, c.blob().is_none())))
        .max();
    match last {
        Some((time, true)) => time,
        _ => newest(),
    }
}

/// The versions (sorted times) after the last stretch of `SETTLED_DAYS` without one; none
/// when the path has stood unchanged that long by `end`.
pub(crate) fn recent_life(sorted: &[i64], end: i64) -> &[i64] {
    let gap = SETTLED_DAYS.saturating_mul(DAY);
    if sorted.last().is_some_and(|last| end.saturating_sub(*last) >= gap) {
        return &[];
    }
    let start = sorted
        .windows(2)
        .rposition(|w| w.get(1).zip(w.first()).is_some_and(|(b, a)| b.saturating_sub(*a) >= gap))
        .map_or(0, |k| k + 1);
    sorted.get(start..).unwrap_or_default()
}

/// The busiest stretch of `span` in `sorted`: its count, first and last time.
fn busiest_stretch(sorted: &[i64], span: i64) -> (usize, i64, i64) {
    let mut best = (0, 0, 0);
    let mut lo = 0;
    for (hi, &t) in sorted.iter().enumerate() {
        while sorted.get(lo).is_some_and(|s| t.saturating_sub(*s) >= span) {
            lo += 1;
        }
        let n = hi + 1 - lo;
        if n > best.0 {
            best = (n, sorted.get(lo).copied().unwrap_or(t), t);
        }
    }
    best
}

/// The finding, at info, for a burst of versions that ended long ago.
fn settled(sorted: &[i64], recent: &[i64], end: i64, span: i64, max: u64) -> Hit {
    let (n, from, to) = busiest_stretch(sorted, span);
    let days = (to.saturating_sub(from) / DAY).max(1);
    // The last version before the quiet year, and how long the quiet lasted.
    let quiet_from = sorted.get(sorted.len().saturating_sub(recent.len() + 1)).copied().unwrap_or(to);
    let quiet_to = recent.first().copied().unwrap_or(end);
    let years = quiet_to.saturating_sub(quiet_from) as f64 / (365.0 * DAY as f64);
    let since = match recent.len() {
        0 => String::new(),
        1 => ", then 1 more".to_owned(),
        k => format!(", then {k} more, never as many within {} days", span / DAY),
    };
    let mut hit = Hit::new(
        RuleId::ChurningBlob,
        Level::Info,
        format!(
            "{n} versions in {days} day{} ({} to {}), up to {} each; none for {years:.1} years after {}{since}: a burst long over, not the file's recent life",
            if days == 1 { "" } else { "s" },
            date(from),
            date(to),
            human_size(max),
            date(quiet_from),
        ),
    )
    .with(Evidence {
        versions_total: sorted.len(),
        first: date(from),
        last: date(to),
        max_size: max,
        totals: None,
        settled: true,
        large_blob: None,
        fewest_versions: None,
        files_total_size: None,
    });
    hit.evidence.shared.versions = Some(n as u64);
    hit
}

/// One finding per large file that churns: where a path has a `churning-blob` finding at warn
/// or deny, its `large-blob` finding at that level or below says nothing more (the churn
/// finding gives the largest version's size) and is folded into it, as
/// `evidence.large_blob` (its level and size). A path's large-blob finding above its churn
/// level stays.
fn fold_size_into_churn(findings: &mut Vec<Finding>) {
    let churn: HashMap<gix::bstr::BString, usize> = findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.rule == RuleId::ChurningBlob && f.level > Level::Info && f.paths.is_empty())
        .filter_map(|(i, f)| Some((f.path.clone()?, i)))
        .collect();
    let mut folded: Vec<(usize, usize)> = Vec::new();
    for (i, f) in findings.iter().enumerate() {
        if f.rule != RuleId::LargeBlob || !f.paths.is_empty() {
            continue;
        }
        let Some(&c) = f.path.as_ref().and_then(|p| churn.get(p)) else {
            continue;
        };
        if findings.get(c).is_some_and(|c| c.level >= f.level) {
            folded.push((i, c));
        }
    }
    for &(i, c) in &folded {
        let Some(size) = findings.get(i).map(|f| FoldedSize {
            level: f.level,
            size: f.size,
        }) else {
            continue;
        };
        if let Some(own) = findings.get_mut(c).and_then(|c| ChurningBlob::evidence_mut(&mut c.evidence)) {
            own.large_blob = Some(size);
        }
    }
    let gone: std::collections::HashSet<usize> = folded.into_iter().map(|(i, _)| i).collect();
    super::replace_grouped(findings, &gone, Vec::new());
}

/// Text a job keeps rewriting is data whichever rule reports it: the path's other large-churn
/// findings (its size, its delta chain) carry the churn finding's `written_by_job`, and with it
/// the first step and alternative that move the data out instead of into Git LFS.
fn job_data_throughout(findings: &mut [Finding], suggest: &dyn Fn(&Finding) -> String) {
    let by_job: std::collections::HashSet<gix::bstr::BString> = findings
        .iter()
        .filter(|f| f.rule == RuleId::ChurningBlob && f.evidence.written_by_job())
        .filter_map(|f| f.path.clone())
        .collect();
    if by_job.is_empty() {
        return;
    }
    for f in findings.iter_mut().filter(|f| {
        f.pattern == crate::outcome::Pattern::LargeChurn
            && !matches!(f.rule, RuleId::ChurningBlob | RuleId::LfsBypassed)
            && f.path.as_ref().is_some_and(|p| by_job.contains(p))
    }) {
        f.evidence.shared.written_by_job = Some(true);
        f.suggestion = suggest(f);
    }
}

/// One `churning-blob` finding per directory: the large files a job rewrites side by side (the
/// region files of a game world, the tiles of a map) churn as one subject. From `GROUP_MIN`
/// files of one level in one directory (or directories that differ only in dates and
/// counters), one finding lists every file with the range of their counts.
fn group_churn_by_directory(findings: &mut Vec<Finding>) {
    use std::collections::BTreeMap;
    let mut groups: BTreeMap<(Level, String), Vec<usize>> = BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        let Some(path) = f.path.as_ref().filter(|_| f.paths.is_empty()) else {
            continue;
        };
        if f.rule != RuleId::ChurningBlob || f.level == Level::Info {
            continue;
        }
        let dir = crate::util::split_path(path.as_bstr()).0;
        groups
            .entry((f.level, crate::util::fold_digits(dir)))
            .or_default()
            .push(i);
    }
    let mut gone = std::collections::HashSet::new();
    let mut merged = Vec::new();
    for ((_, folded), members) in groups {
        if members.len() < super::paths::GROUP_MIN {
            continue;
        }
        let list: Vec<&Finding> = members.iter().filter_map(|i| findings.get(*i)).collect();
        let versions = |f: &&Finding| f.evidence.shared.versions.unwrap_or(0);
        let total_size = |f: &&Finding| {
            ChurningBlob::evidence(&f.evidence)
                .and_then(|own| own.totals.as_ref())
                .map_or(0, |h| h.total_size)
        };
        let Some(best) = list.iter().max_by_key(|f| (versions(f), f.path.clone())) else {
            continue;
        };
        let fewest = list.iter().map(versions).min().unwrap_or(0);
        let most = versions(best);
        let bytes: u64 = list.iter().map(total_size).fold(0, u64::saturating_add);
        let mut files: Vec<gix::bstr::BString> = list.iter().filter_map(|f| f.path.clone()).collect();
        files.sort();
        let subject = super::paths::group_subject(&files, &folded);
        let mut f = (*best).clone();
        let counts = if fewest == most {
            format!("{most} versions each")
        } else {
            format!("{fewest} to {most} versions each")
        };
        f.message = format!(
            "{} large files churning side by side, {counts} ({} of history in all); the most: {}",
            files.len(),
            crate::util::human_size(bytes),
            best.message
        );
        f.evidence.shared.files = Some(files.len() as u64);
        if let Some(own) = ChurningBlob::evidence_mut(&mut f.evidence) {
            own.fewest_versions = Some(fewest);
            own.files_total_size = Some(bytes);
        }
        f.path = Some(subject.into());
        f.paths = files;
        merged.push(f);
        gone.extend(members);
    }
    super::replace_grouped(findings, &gone, merged);
}

/// The rule's place in the registry (see [`Rule`](super::Rule)).
pub(crate) struct ChurningBlob;

impl super::Rule for ChurningBlob {
    fn first_step(step: &Step<'_>) -> String {
        if let Some(data) = super::job_data_step(step) {
            return data;
        }
        match step.path {
            Some(p) => format!(
                "Every version stays in history: track it with Git LFS (`git lfs track \"{}\"`), or produce it in the \
                 build instead of committing each version.",
                lfs_glob(p)
            ),
            None => "Every version stays in history: track it with Git LFS, or produce it in the build.".into(),
        }
    }

    fn alternative(pattern: Pattern, evidence: &crate::outcome::Evidence) -> Alternative {
        super::job_data_alternative(pattern, evidence)
    }

    const BY_SUBJECT: bool = false;

    fn history_from(policy: super::Context<'_>) -> Option<u64> {
        Some(policy.rules.churning_blob.min_size.0)
    }

    fn history(input: &super::Input<'_, '_>, t: &Candidate) -> Option<Hit> {
        check(input, t)
    }

    fn fold(findings: &mut Vec<Finding>, suggest: &dyn Fn(&Finding) -> String) {
        fold_size_into_churn(findings);
        job_data_throughout(findings, suggest);
    }

    fn group(findings: &mut Vec<Finding>) {
        group_churn_by_directory(findings);
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

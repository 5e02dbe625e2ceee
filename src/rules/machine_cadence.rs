//! `machine-cadence` (audit-trail): what else a job commits: status records, logs, rendered output, folder snapshots.

use serde::{Deserialize, Serialize};

use crate::outcome::{Pattern, Setting};
use crate::policy::Globs;

use super::{BlobCheck, RuleDoc};

/// The pattern its findings belong to.
pub(crate) const PATTERN: Pattern = Pattern::AuditTrail;

/// The rule's settings (`[rules.machine-cadence]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct Settings {
    /// Highest level reported; `off` disables.
    pub(crate) level: Setting,
    /// Paths this rule never reports.
    #[serde(skip_serializing_if = "Globs::is_empty")]
    pub(crate) exclude: Globs,
    /// A job's commits that rewrite the subject within `window_days`.
    pub(crate) min_commits: u32,
    /// Distinct days those commits fall on (a burst of test runs is not a schedule).
    pub(crate) min_days: u32,
    /// The stretch of days, anywhere in the history read, the commits are counted in.
    pub(crate) window_days: u32,
    /// A job's appends to a text file that make it a log, however short the burst.
    pub(crate) min_appends: u32,
    /// Files a job writes under one top-level directory before it counts as a folder snapshot.
    pub(crate) snapshot_files: u32,
}

/// The per-blob check, if the rule has one.
pub(crate) const BLOB: Option<BlobCheck> = None;

/// What `pushgate explain` prints.
pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "What a job commits that is not data: status records, logs, regenerated output, folder snapshots.",
    why: "A job that commits every few minutes or every day turns the repository into a log: history grows \
          without end, clones slow down, and the records are hard to query or retain properly.",
    signals: "Jobs are found as for `data-churn`, and counted the same way (`min_commits` within `window_days` \
              on `min_days` days). The content of what the job writes decides the pattern: YAML status records, \
              logs and rendered output (pages, a README, SVG cards, plots) are audit-trail; dumps, archives and \
              opaque files are backup. A text file the job appends to `min_appends` times is a log even in a \
              short burst. A top-level directory where a job rewrites `snapshot_files` or more files, several \
              per commit and mostly opaque, is one folder snapshot (backup). Several text files the job \
              commits, none in half of its runs, two a run at most on average, each version keeping nine in \
              ten of the lines before it, are edits it only sweeps up (notes, device configurations): no \
              subject.",
    fix: "Stop the job from committing what it writes and keep only its code in git: logs and exports go to a \
          log service or object storage, audit history to an audit-log service, generated pages to a \
          static-site host or artifact storage, folder backups to backup storage (what to use instead).",
};

/// Whether a job's writes of a subject at `times` count: `min_commits` of them within some
/// stretch of `window_days` on `min_days` distinct days, or a dense run of `min_commits` ×
/// `min_days` however short.
impl Settings {
    /// Whether a job's writes of a subject at `times` count.
    pub(crate) fn holds(&self, times: &[i64]) -> bool {
        crate::history::cadence::sustained(times, self.min_commits, self.min_days, self.window_days)
    }
}

/// What a `machine-cadence` finding reports: what a job commits, besides data.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "subject", rename_all = "kebab-case")]
pub(crate) enum Evidence {
    /// A folder a job copies into git.
    Snapshot {
        /// The median of the files changed per commit.
        files_per_commit: u32,
        /// The commits that copied it.
        job: super::job::Job,
    },
    /// Files a job writes in the same commits as another file.
    Companion(super::job::Companion),
    /// Files a job rewrites, or writes anew on each run.
    Rewritten(super::job::Rewritten),
}

impl Evidence {
    /// What the files hold, for files a job writes.
    fn kind(&self) -> Option<crate::candidate::Kind> {
        match self {
            Evidence::Snapshot { .. } => None,
            Evidence::Companion(c) => Some(c.kind),
            Evidence::Rewritten(r) => Some(r.kind),
        }
    }
}

/// The rule's place in the registry (see [`Rule`](super::Rule)).
pub(crate) struct MachineCadence;

impl super::Rule for MachineCadence {
    fn first_step(step: &crate::advice::wording::Step<'_>) -> String {
        let own = MachineCadence::evidence(&step.f.evidence);
        if let Some(Evidence::Snapshot { .. }) = own {
            return format!(
                "Stop the job from copying {} into git: point its backups at the backup storage below, and add {} to \
                 .gitignore.",
                step.named("the folder"),
                step.ignore()
            );
        }
        super::job_step(step, own.and_then(Evidence::kind))
    }

    fn alternative(pattern: Pattern, evidence: &crate::outcome::Evidence) -> crate::advice::Alternative {
        let kind = MachineCadence::evidence(evidence).and_then(Evidence::kind);
        if pattern == Pattern::AuditTrail && kind == Some(crate::candidate::Kind::Rendered) {
            crate::advice::Alternative::Artifacts
        } else {
            crate::advice::Alternative::Pattern(pattern)
        }
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
        use super::settings::at_least_one;
        at_least_one(id, "min_commits", self.min_commits)?;
        at_least_one(id, "min_days", self.min_days)?;
        at_least_one(id, "window_days", self.window_days)?;
        at_least_one(id, "min_appends", self.min_appends)?;
        at_least_one(id, "snapshot_files", self.snapshot_files)
    }
}

//! `data-churn` (database): structured data or a database file a job rewrites again and again.

use serde::{Deserialize, Serialize};

use crate::outcome::{Pattern, Setting};
use crate::policy::Globs;

use super::{BlobCheck, RuleDoc};

/// The pattern its findings belong to.
pub(crate) const PATTERN: Pattern = Pattern::Database;

/// The rule's settings (`[rules.data-churn]`).
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
}

/// The per-blob check, if the rule has one.
pub(crate) const BLOB: Option<BlobCheck> = None;

/// What `pushgate explain` prints.
pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "Structured data or a database file rewritten again and again by a job.",
    why: "A JSON, CSV or spreadsheet that a job rewrites every few minutes or every day uses git as a \
          database: every write is a commit kept forever, history grows without end, and readers get no \
          queries, indexes or concurrency.",
    signals: "The history model: which commits a job made, told by behaviour rather than names (messages that \
              fall into a few templates once numbers, dates in any form, hex ids, emojis and data-diff \
              summaries are folded, or an identity whose vocabulary or set of templates stays tiny; bot, root \
              or the owner alike), and what they rewrote. Copies of one change rebased onto other branches \
              count once (same author, author time and message); a job commits under one or two identities. \
              Files of one role in one directory are one subject (`feeds/*.json`). It counts when the job \
              rewrote the subject `min_commits` times within some stretch of `window_days` on `min_days` \
              distinct days (or `min_commits` × `min_days` times however short), whether on a schedule or \
              only when the data changed. What dependency, release and tooling bots write (version bumps, \
              release commits, release notes) is maintenance, and lock files, manifests, CI and tool \
              configuration, changelogs and translations are never a subject.",
    fix: "Stop the job from committing the data: have it write to a database or object storage (what to use \
          instead), keep only the job's code and the schema in git, and add the path to .gitignore.",
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

/// What a `data-churn` finding reports: a subject a job (or a tool) keeps rewriting.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "subject", rename_all = "kebab-case")]
pub(crate) enum Evidence {
    /// A tool's export of its database, rewritten at every stop.
    Export {
        /// The tool.
        tool: String,
        /// The commits that rewrote it.
        job: super::job::Job,
    },
    /// Data a job writes in the same commits as another file.
    Companion(super::job::Companion),
    /// Data a job rewrites.
    Rewritten(super::job::Rewritten),
}

/// The rule's place in the registry (see [`Rule`](super::Rule)).
pub(crate) struct DataChurn;

impl super::Rule for DataChurn {
    fn first_step(step: &crate::advice::wording::Step<'_>) -> String {
        let kind = match DataChurn::evidence(&step.f.evidence) {
            Some(Evidence::Companion(c)) => Some(c.kind),
            Some(Evidence::Rewritten(r)) => Some(r.kind),
            Some(Evidence::Export { .. }) | None => None,
        };
        super::job_step(step, kind)
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
        at_least_one(id, "window_days", self.window_days)
    }
}

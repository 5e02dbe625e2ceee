//! The evidence of what a job writes, in the shapes several rules share: the job's commits
//! (`job` in the evidence of every subject a job writes: `data-churn`, `machine-cadence`,
//! `backup-file`), and the files it writes beside another or rewrites, which `data-churn` and
//! `machine-cadence` report by the pattern of what they hold. The history rules
//! ([`behaviour`](super::behaviour)) fill them; each rule's `Evidence` holds them.

use serde::{Serialize, Serializer};

use crate::candidate::Kind;

/// What a subject's commits say about the job that made them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Job {
    /// The commits.
    pub(crate) commits: usize,
    /// The date of the first.
    pub(crate) first: String,
    /// The date of the last.
    pub(crate) last: String,
    /// The most commits in `window_days`.
    pub(crate) busiest: usize,
    /// The days with a commit in that busiest window.
    pub(crate) busiest_days: usize,
    /// The window the rule counts in.
    pub(crate) window_days: u32,
    /// The most frequent author identity.
    pub(crate) identity: String,
    /// How many identities made the commits.
    pub(crate) identities: usize,
    /// The most frequent message, its digits folded.
    pub(crate) template: String,
    /// The typical time between commits, in seconds.
    pub(crate) period_seconds: i64,
    /// The share of intervals close to that period, to two decimals.
    pub(crate) regular_share: f64,
}

/// Files a job writes in the same commits as another file (`subject: "companion"`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Companion {
    /// What the files hold.
    #[serde(serialize_with = "noun")]
    pub(crate) kind: Kind,
    /// The file they are written with.
    pub(crate) written_with: String,
    /// The job.
    pub(crate) job: Job,
}

/// Files a job rewrites, or writes anew on each run (`subject: "rewritten"`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Rewritten {
    /// What the files hold.
    #[serde(serialize_with = "noun")]
    pub(crate) kind: Kind,
    /// How a file the job appends to grows, when it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) append_growth: Option<Appends>,
    /// The job writes a new file each run rather than rewriting one.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(crate) new_file_each_run: bool,
    /// The job.
    pub(crate) job: Job,
}

/// How a file grows when a job only appends to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Appends {
    /// Consecutive versions checked to extend the one before.
    pub(crate) versions_checked: usize,
    /// The commits that changed the file.
    pub(crate) commits: usize,
    /// The bytes the checked versions added.
    pub(crate) bytes_added: u64,
    /// Those bytes per day.
    pub(crate) bytes_per_day: u64,
}

/// Print a [`Kind`] as its noun (`log`, `status record`).
fn noun<S: Serializer>(kind: &Kind, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(kind.noun())
}

//! The outcome model: what the engine writes and every report reads. A [`Finding`] is what a
//! rule found, with its [`Evidence`], a [`Notice`] what the user should know that is not a finding (an absent object,
//! a stale exemption), the [`Summary`] counts them, an [`Outcome`] holds all three, and the
//! [`Judgement`] is the single decision on an outcome under a policy, its [`Verdict`] pass or fail.

use serde::Serialize;

mod evidence;
pub(crate) mod finding;
mod notice;
mod verdict;

pub(crate) use evidence::Evidence;
pub(crate) use finding::{Finding, Level, Pattern, Setting};
pub(crate) use notice::{Notice, NoticeKind};
pub(crate) use verdict::{Bypass, Gate, Judgement, Mode, Verdict};

/// Totals of a scan, as the JSON `summary` reports them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Summary {
    /// Commits in the range.
    pub(crate) commits: u64,
    /// Distinct new blobs.
    pub(crate) blobs: u64,
    /// Their total size.
    pub(crate) bytes: u64,
    /// Findings after exemptions.
    pub(crate) findings: u64,
    /// Of which at deny.
    pub(crate) deny: u64,
    /// Of which at warn.
    pub(crate) warn: u64,
    /// Of which at info.
    pub(crate) info: u64,
    /// Wall-clock time of the scan.
    pub(crate) duration_ms: u64,
    /// Findings a baseline recorded and the report leaves out (present only when a baseline
    /// was applied).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) baselined: Option<u64>,
}

impl Summary {
    /// Count `findings` (in total and per level) again, after some were left out.
    pub(crate) fn recount(&mut self, findings: &[Finding]) {
        let count = |level| findings.iter().filter(|f| f.level == level).count() as u64;
        self.findings = findings.len() as u64;
        self.deny = count(Level::Deny);
        self.warn = count(Level::Warn);
        self.info = count(Level::Info);
    }
}

/// The result of a scan.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Findings, grouped by pattern, most severe first.
    pub(crate) findings: Vec<Finding>,
    /// Absent objects, stale exemptions and the like.
    pub(crate) notices: Vec<Notice>,
    /// Totals.
    pub(crate) summary: Summary,
    /// The history-aware rules judged paths against a look-back window, not the whole
    /// history (no facts store to judge with).
    pub(crate) windowed: bool,
}

impl Outcome {
    /// Whether the outcome fails the check under `policy`: what [`Judgement::of`] decides, the
    /// one place that decides it.
    pub(crate) fn fails(&self, policy: impl Into<Gate>) -> bool {
        Judgement::of(self, policy).fails()
    }
}

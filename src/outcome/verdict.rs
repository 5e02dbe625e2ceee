//! The verdict: the one decision on an outcome under a policy (what fails, whether that fails
//! the check, and a bypass that let it through). Every report and every exit status reads it.

use serde::{Deserialize, Serialize};

use super::{Finding, Outcome, Setting};

/// Whether failing findings fail.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Mode {
    /// Fail at `fail_on`.
    #[default]
    Enforce,
    /// Report what would fail, never fail.
    Evaluate,
}

/// What fails under a policy: its `fail_on` threshold and its `mode` (a
/// [`Policy`](crate::policy::Policy) converts into one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Gate {
    /// Findings at or above this level fail.
    pub(crate) fail_on: Setting,
    /// Whether failing findings fail the check.
    pub(crate) mode: Mode,
}

/// What an outcome means under a policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Findings at a failing level, and the policy enforces.
    Fail,
    /// Findings at a failing level, but `mode = "evaluate"`.
    WouldFail,
    /// Nothing at a failing level.
    Pass,
}

impl Verdict {
    /// The verdict on `outcome` under `policy` (see [`Judgement::of`]).
    pub(crate) fn of(outcome: &Outcome, policy: impl Into<Gate>) -> Verdict {
        Judgement::of(outcome, policy).verdict
    }

    /// For people: `FAIL (fail_on = deny)`, `would fail (…), but mode = "evaluate"`, `pass`.
    pub(crate) fn describe(self, policy: impl Into<Gate>) -> String {
        let fail_on = policy.into().fail_on;
        match self {
            Verdict::Fail => format!("FAIL (fail_on = {fail_on})"),
            Verdict::WouldFail => format!("would fail (fail_on = {fail_on}), but mode = \"evaluate\""),
            Verdict::Pass => "pass".to_owned(),
        }
    }
}

/// A granted bypass: who, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Bypass {
    /// The pusher, when the server knows who it is.
    pub(crate) user: Option<String>,
    /// The reason given (sanitized).
    pub(crate) reason: String,
}

/// The one decision on an outcome: which findings fail (`fail_on`), whether that fails the
/// check (`mode`), and whether a granted bypass let them through. Every report and every exit
/// code reads this; nothing else decides what fails.
#[derive(Debug, Clone)]
pub(crate) struct Judgement<'a> {
    /// Pass, fail, or would fail under `mode = "evaluate"`.
    pub(crate) verdict: Verdict,
    /// The findings at or above `fail_on`, in outcome order: they fail the check, or would.
    pub(crate) failing: Vec<&'a Finding>,
    /// A granted bypass that let failing findings through (hooks only).
    pub(crate) bypass: Option<Bypass>,
    fail_on: Setting,
}

impl<'a> Judgement<'a> {
    /// Judge `outcome` under `policy`.
    pub(crate) fn of(outcome: &'a Outcome, policy: impl Into<Gate>) -> Judgement<'a> {
        let Gate { fail_on, mode } = policy.into();
        let failing: Vec<&Finding> = outcome
            .findings
            .iter()
            .filter(|f| fail_on.reached_by(f.level))
            .collect();
        let verdict = match (failing.is_empty(), mode) {
            (true, _) => Verdict::Pass,
            (false, Mode::Enforce) => Verdict::Fail,
            (false, Mode::Evaluate) => Verdict::WouldFail,
        };
        Judgement {
            verdict,
            failing,
            bypass: None,
            fail_on,
        }
    }

    /// Let the failing findings through under a granted bypass. Only a failing verdict can be
    /// bypassed: returns whether the bypass was needed.
    pub(crate) fn grant(&mut self, bypass: Bypass) -> bool {
        if self.verdict == Verdict::Fail {
            self.bypass = Some(bypass);
            true
        } else {
            false
        }
    }

    /// Whether the check fails (exit status 1, the push is stopped).
    pub(crate) fn fails(&self) -> bool {
        self.verdict == Verdict::Fail && self.bypass.is_none()
    }

    /// Whether `finding` is at or above `fail_on` (it fails, would fail, or was bypassed).
    pub(crate) fn reaches(&self, finding: &Finding) -> bool {
        self.fail_on.reached_by(finding.level)
    }

    /// Whether `finding` fails the check: at or above `fail_on`, enforced, not bypassed.
    pub(crate) fn fails_with(&self, finding: &Finding) -> bool {
        self.fails() && self.reaches(finding)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::Level;
    use crate::policy::Policy;
    use crate::rules::RuleId;
    use crate::testing::finding;

    fn outcome(levels: &[Level]) -> Outcome {
        let mut outcome = Outcome::default();
        for level in levels {
            outcome.findings.push(finding(RuleId::LogFile, *level, "a.log"));
        }
        outcome
    }

    #[test]
    fn one_judgement_follows_fail_on_mode_and_bypass() {
        let mut policy = Policy::builtin();
        let o = outcome(&[Level::Deny, Level::Warn, Level::Info]);
        let j = Judgement::of(&o, &policy);
        assert_eq!((j.verdict, j.failing.len(), j.fails()), (Verdict::Fail, 1, true));
        assert!(j.fails_with(&o.findings[0]) && !j.fails_with(&o.findings[1]));

        policy.file.fail_on = Setting::Warn;
        assert_eq!(Judgement::of(&o, &policy).failing.len(), 2);

        policy.file.mode = Mode::Evaluate;
        let j = Judgement::of(&o, &policy);
        assert_eq!((j.verdict, j.failing.len(), j.fails()), (Verdict::WouldFail, 2, false));
        assert!(!j.fails_with(&o.findings[0]) && j.reaches(&o.findings[0]));

        policy.file.mode = Mode::Enforce;
        let mut j = Judgement::of(&o, &policy);
        let bypass = Bypass {
            user: None,
            reason: "why".into(),
        };
        assert!(j.grant(bypass.clone()));
        assert!(!j.fails() && j.bypass.is_some() && !j.fails_with(&o.findings[0]));

        let clean = outcome(&[Level::Info]);
        let mut j = Judgement::of(&clean, &policy);
        assert_eq!(j.verdict, Verdict::Pass);
        assert!(!j.grant(bypass), "nothing to bypass");
        assert!(j.bypass.is_none());
    }
}

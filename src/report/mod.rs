//! Output formats. Each format renders an [`Outcome`] into a writer;
//! nothing else in the crate prints.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;

use crate::finding::{Finding, Level, Notice, Pattern};
use crate::policy::{Mode, Policy};
use crate::rules::RuleId;
use crate::scan::Outcome;

pub mod audit;
pub mod github;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod push;
pub mod sarif;
pub mod staged;
pub mod text;

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// For people: grouped by pattern, suggestion once per pattern.
    #[default]
    Text,
    /// Versioned, stable JSON (`version: 1`).
    Json,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations), and a job summary.
    Github,
    /// JUnit XML: one test suite per pattern, one test case per rule.
    Junit,
    /// Markdown for a pull request comment or a job summary page.
    Markdown,
}

/// How to render.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The format.
    pub format: Format,
    /// ANSI colours (text only).
    pub color: bool,
    /// List every finding in text and markdown output.
    pub verbose: bool,
    /// `github` only: a file to append a markdown summary to (GitHub's `GITHUB_STEP_SUMMARY`).
    pub step_summary: Option<PathBuf>,
}

/// Render `outcome` in the chosen format.
pub fn render(out: &mut dyn Write, outcome: &Outcome, policy: &Policy, options: &Options) -> io::Result<()> {
    match options.format {
        Format::Text => text::render(
            out,
            outcome,
            policy,
            &text::Options {
                color: options.color,
                verbose: options.verbose,
            },
        ),
        Format::Json => json::render(out, outcome),
        Format::Sarif => sarif::render(out, outcome, policy),
        Format::Github => github::render(out, outcome, policy, options),
        Format::Junit => junit::render(out, outcome, policy),
        Format::Markdown => markdown::render(out, outcome, policy, options.verbose),
    }
}

/// What an outcome means under a policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Findings at a failing level, and the policy enforces.
    Fail,
    /// Findings at a failing level, but `mode = "evaluate"`.
    WouldFail,
    /// Nothing at a failing level.
    Pass,
}

impl Verdict {
    /// The verdict on `outcome` under `policy` (see [`Judgement::of`]).
    pub fn of(outcome: &Outcome, policy: &Policy) -> Verdict {
        Judgement::of(outcome, policy).verdict
    }

    /// For people: `FAIL (fail_on = deny)`, `would fail (…), but mode = "evaluate"`, `pass`.
    pub fn describe(self, policy: &Policy) -> String {
        match self {
            Verdict::Fail => format!("FAIL (fail_on = {})", policy.file.fail_on),
            Verdict::WouldFail => format!(
                "would fail (fail_on = {}), but mode = \"evaluate\"",
                policy.file.fail_on
            ),
            Verdict::Pass => "pass".to_owned(),
        }
    }
}

/// A granted bypass: who, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bypass {
    /// The pusher, when the server knows who it is.
    pub user: Option<String>,
    /// The reason given (sanitized).
    pub reason: String,
}

/// The one decision on an outcome: which findings fail (`fail_on`), whether that fails the
/// check (`mode`), and whether a granted bypass let them through. Every report and every exit
/// code reads this; nothing else decides what fails.
#[derive(Debug, Clone)]
pub struct Judgement<'a> {
    /// Pass, fail, or would fail under `mode = "evaluate"`.
    pub verdict: Verdict,
    /// The findings at or above `fail_on`, in outcome order: they fail the check, or would.
    pub failing: Vec<&'a Finding>,
    /// A granted bypass that let failing findings through (hooks only).
    pub bypass: Option<Bypass>,
    fail_on: crate::finding::Setting,
}

impl<'a> Judgement<'a> {
    /// Judge `outcome` under `policy`.
    pub fn of(outcome: &'a Outcome, policy: &Policy) -> Judgement<'a> {
        let fail_on = policy.file.fail_on;
        let failing: Vec<&Finding> = outcome
            .findings
            .iter()
            .filter(|f| fail_on.reached_by(f.level))
            .collect();
        let verdict = match (failing.is_empty(), policy.file.mode) {
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
    pub fn grant(&mut self, bypass: Bypass) -> bool {
        if self.verdict == Verdict::Fail {
            self.bypass = Some(bypass);
            true
        } else {
            false
        }
    }

    /// Whether the check fails (exit status 1, the push is stopped).
    pub fn fails(&self) -> bool {
        self.verdict == Verdict::Fail && self.bypass.is_none()
    }

    /// Whether `finding` is at or above `fail_on` (it fails, would fail, or was bypassed).
    pub fn reaches(&self, finding: &Finding) -> bool {
        self.fail_on.reached_by(finding.level)
    }

    /// Whether `finding` fails the check: at or above `fail_on`, enforced, not bypassed.
    pub fn fails_with(&self, finding: &Finding) -> bool {
        self.fails() && self.reaches(finding)
    }
}

/// How much a notice matters: notices that say the scan saw less than it should (absent
/// objects, truncated history, broken refs) are warnings; stale exemptions and baseline entries,
/// and what a baseline left out, are information.
pub fn notice_level(notice: &Notice) -> Level {
    match notice.kind {
        "unused-exemption" | "expired-exemption" | "stale-baseline" | "baseline-applied" => Level::Info,
        _ => Level::Warn,
    }
}

/// The findings of each pattern that has any, in report order.
pub(crate) fn by_pattern(outcome: &Outcome) -> Vec<(Pattern, Vec<&Finding>)> {
    Pattern::ALL
        .into_iter()
        .map(|p| {
            (
                p,
                outcome.findings.iter().filter(|f| f.pattern == p).collect::<Vec<_>>(),
            )
        })
        .filter(|(_, findings)| !findings.is_empty())
        .collect()
}

/// Lists at most [`text::PER_RULE`] findings per rule (all when `verbose`), and counts the rest.
#[derive(Debug, Default)]
pub(crate) struct PerRule {
    verbose: bool,
    seen: BTreeMap<RuleId, (usize, usize)>,
}

impl PerRule {
    pub(crate) fn new(verbose: bool) -> Self {
        PerRule {
            verbose,
            seen: BTreeMap::new(),
        }
    }

    /// Whether to list this finding of `rule`.
    pub(crate) fn admit(&mut self, rule: RuleId) -> bool {
        let (listed, hidden) = self.seen.entry(rule).or_default();
        if !self.verbose && *listed >= text::PER_RULE {
            *hidden += 1;
            false
        } else {
            *listed += 1;
            true
        }
    }

    /// The rules with findings left out, and how many.
    pub(crate) fn hidden(&self) -> Vec<(RuleId, usize)> {
        self.seen
            .iter()
            .filter(|(_, (_, hidden))| *hidden > 0)
            .map(|(rule, (_, hidden))| (*rule, *hidden))
            .collect()
    }
}

/// `10 findings (2 deny, 7 warn, 1 info)`.
pub(crate) fn counts(s: &crate::scan::Summary) -> String {
    format!(
        "{} finding{} ({} deny, {} warn, {} info)",
        s.findings,
        plural(s.findings),
        s.deny,
        s.warn,
        s.info
    )
}

/// `s` when `n` is not one.
pub(crate) fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Setting;

    fn outcome(levels: &[Level]) -> Outcome {
        let mut outcome = Outcome::default();
        for level in levels {
            outcome.findings.push(Finding {
                rule: RuleId::LogFile,
                pattern: Pattern::AuditTrail,
                level: *level,
                path: Some("a.log".into()),
                blob: None,
                commit: None,
                reference: None,
                size: None,
                message: String::new(),
                suggestion: String::new(),
                evidence: serde_json::Map::new(),
                paths: Vec::new(),
            });
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

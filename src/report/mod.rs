//! Output formats. Each format renders an [`Outcome`](crate::scan::Outcome) into a writer;
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
    /// The verdict on `outcome` under `policy`.
    pub fn of(outcome: &Outcome, policy: &Policy) -> Verdict {
        if outcome.fails(policy) {
            Verdict::Fail
        } else if policy.file.mode == Mode::Evaluate
            && outcome.findings.iter().any(|f| policy.file.fail_on.reached_by(f.level))
        {
            Verdict::WouldFail
        } else {
            Verdict::Pass
        }
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

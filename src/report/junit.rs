//! `--format junit`: JUnit XML for the test report views of GitLab, Jenkins and others.
//!
//! One test suite per pattern, one test case per rule that is not `off` (class name
//! `pushgate.<pattern>`). A rule with no findings is a passing test case. A rule with findings
//! at a failing level (`fail_on`, and `mode = "enforce"`) is a failed test case: the failure's
//! message counts its findings, its text lists each finding (level, path, size, commit, blob,
//! what was found, its first step) and ends with what to use instead. Findings below the
//! failing level leave the test case passing and are listed in its `system-out`, so the
//! report agrees with the exit code. Notices go to the `system-err` of the first suite.

use std::io::{self, Write};

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::common::plural;
use crate::outcome::Outcome;
use crate::outcome::{Finding, Pattern};
use crate::policy::Policy;
use crate::rules::RuleId;
use crate::util::{human_size, sanitize};

/// Write the report (XML with a declaration and a trailing newline).
pub(crate) fn report(out: &mut dyn Write, outcome: &Outcome, policy: &Policy, _options: &super::format::Options) -> io::Result<()> {
    let report = suites(outcome, policy);
    report.serialize(&mut *out).map_err(io::Error::other)?;
    writeln!(out)
}

/// The JUnit report for `outcome`.
pub(crate) fn suites(outcome: &Outcome, policy: &Policy) -> Report {
    let mut report = Report::new("pushgate");
    let judgement = crate::outcome::Judgement::of(outcome, policy);
    for (i, pattern) in Pattern::ALL.into_iter().enumerate() {
        let mut suite = TestSuite::new(pattern.key());
        suite.add_property(("title", pattern.title()));
        for rule in RuleId::ALL.into_iter().filter(|r| r.pattern() == pattern) {
            if policy.file.rules.level(rule).is_off() {
                continue;
            }
            let findings: Vec<&Finding> = outcome.findings.iter().filter(|f| f.rule == rule).collect();
            suite.add_test_case(test_case(rule, &findings, policy, &judgement));
        }
        if i == 0 && !outcome.notices.is_empty() {
            let notices: Vec<String> = outcome
                .notices
                .iter()
                .map(|n| format!("{}: {}", n.kind, sanitize(n.message.as_bytes())))
                .collect();
            suite.set_system_err(notices.join("\n") + "\n");
        }
        report.add_test_suite(suite);
    }
    report
}

fn test_case(
    rule: RuleId,
    findings: &[&Finding],
    policy: &Policy,
    judgement: &crate::outcome::Judgement<'_>,
) -> TestCase {
    let failing: Vec<&Finding> = findings.iter().copied().filter(|f| judgement.fails_with(f)).collect();
    let listing = |list: &[&Finding]| list.iter().map(|f| describe(f)).collect::<Vec<_>>().join("\n");
    let status = if failing.is_empty() {
        TestCaseStatus::success()
    } else {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
        let worst = failing.iter().map(|f| f.level).max().unwrap_or_default();
        status
            .set_message(format!(
                "{} {rule} finding{} at a failing level (fail_on = {})",
                failing.len(),
                plural(failing.len() as u64),
                policy.file.fail_on
            ))
            .set_type(worst.as_str())
            .set_description(format!(
                "{}\n\nInstead: {}\n",
                listing(&failing),
                failing
                    .first()
                    .map_or_else(|| policy.suggestion_for_rule(rule), |f| f.suggestion.as_str())
            ));
        status
    };
    let mut case = TestCase::new(rule.as_str(), status);
    case.set_classname(format!("pushgate.{}", rule.pattern().key()));
    let passing: Vec<&Finding> = findings.iter().copied().filter(|f| !judgement.fails_with(f)).collect();
    if !passing.is_empty() {
        case.set_system_out(listing(&passing) + "\n");
    }
    case
}

/// One line per finding, `deny data/app.sqlite (8.0 KiB, commit …, blob …): SQLite database …`,
/// then its first step.
fn describe(f: &Finding) -> String {
    let path = f.shown_path().unwrap_or_else(|| "(the whole range)".to_owned());
    let mut details = Vec::new();
    if let Some(size) = f.size {
        details.push(human_size(size));
    }
    if let Some(commit) = f.commit {
        details.push(format!("commit {}", commit.to_hex_with_len(12)));
    }
    if let Some(blob) = f.blob {
        details.push(format!("blob {}", blob.to_hex_with_len(12)));
    }
    let details = if details.is_empty() {
        String::new()
    } else {
        format!(" ({})", details.join(", "))
    };
    let step = crate::advice::first_step(f).replace('\n', "\n    ");
    format!(
        "{} {path}{details}: {}\n  Fix: {step}",
        f.level,
        sanitize(f.message.as_bytes())
    )
}

//! The `pre-commit` hook's text report: the staged files' findings, then the command that
//! takes the failing files out of the commit while that is still the cheapest fix.

use std::io::{self, Write};

use gix::bstr::BString;

use super::common::plural;
use super::format::Options;
use crate::outcome::Outcome;
use crate::policy::Policy;
use crate::util::human_size;

/// Render the report on `files` staged files; `unborn`: HEAD has no commit yet. A commit
/// with nothing to say (no finding, no notice) gets one line.
pub(crate) fn render(
    out: &mut dyn Write,
    outcome: &Outcome,
    policy: &Policy,
    options: &Options,
    files: usize,
    unborn: bool,
) -> io::Result<()> {
    let heading = format!(
        "pushgate: {files} staged file{} checked ({} of new content)",
        plural(files as u64),
        human_size(outcome.summary.bytes)
    );
    if outcome.findings.is_empty() && outcome.notices.is_empty() {
        return writeln!(out, "{heading}: no findings");
    }
    writeln!(out, "{heading}")?;
    super::text::body(out, outcome, policy, options)?;
    let failing = failing_paths(outcome, policy);
    if failing.is_empty() {
        return Ok(());
    }
    let unstage = if unborn {
        "git rm --cached --"
    } else {
        "git restore --staged --"
    };
    let args: Vec<String> = failing.iter().map(crate::util::shell_quote).collect();
    writeln!(out)?;
    writeln!(
        out,
        "The commit was not made. To take {} out of it (the work tree keeps {}):",
        if failing.len() == 1 { "the file" } else { "these files" },
        if failing.len() == 1 { "it" } else { "them" }
    )?;
    writeln!(out, "  {unstage} {}", args.join(" "))?;
    writeln!(
        out,
        "then list {} in .gitignore; or, if {} belong{} in the repository, add an [[allow]] exemption with a reason.",
        if failing.len() == 1 { "it" } else { "them" },
        if failing.len() == 1 { "it" } else { "they" },
        if failing.len() == 1 { "s" } else { "" }
    )
}

/// The staged paths behind findings at a failing level, each once, in report order.
pub(crate) fn failing_paths(outcome: &Outcome, policy: &Policy) -> Vec<BString> {
    let judgement = crate::outcome::Judgement::of(outcome, policy);
    if !judgement.fails() {
        return Vec::new();
    }
    let mut paths: Vec<BString> = Vec::new();
    for f in judgement.failing {
        let members = if f.paths.is_empty() {
            f.path.iter().cloned().collect()
        } else {
            f.paths.clone()
        };
        for p in members {
            if !paths.contains(&p) {
                paths.push(p);
            }
        }
    }
    paths
}

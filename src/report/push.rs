//! The pusher's view, written by the hooks to stderr: per finding the ref, commit, path,
//! size and rule with one line of why; then what to use instead, how to fix the commits, and
//! the verdict. Capped at `[hook] max_findings_shown` findings. Everything from the push is
//! sanitized.

use std::collections::BTreeSet;
use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use gix::ObjectId;
use gix::bstr::BString;

use crate::finding::{Finding, Level, Pattern};
use crate::policy::Policy;
use crate::scan::Outcome;
use crate::util::{human_size, sanitize, wrap};

/// How the hook decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing at a failing level.
    Pass,
    /// Findings at a failing level: the push is stopped.
    Rejected {
        /// How many.
        failing: usize,
    },
    /// A granted bypass let failing findings through.
    Bypassed {
        /// How many.
        failing: usize,
        /// Who.
        user: String,
        /// Why.
        reason: String,
    },
    /// `mode = "evaluate"`: would have been stopped.
    Evaluate {
        /// How many findings would have failed.
        would_fail: usize,
    },
}

/// What the report needs besides the outcome.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    /// ANSI colours (local pre-push on a terminal only).
    pub color: bool,
    /// Each ref and what the other side has of it (the base for `git rebase -i`).
    pub bases: &'a [(BString, Option<ObjectId>)],
    /// Refs outside the policy's `[refs]` scope.
    pub skipped: &'a [BString],
    /// The decision.
    pub verdict: Verdict,
    /// Extra lines (a refused bypass, a log that cannot be written).
    pub notes: &'a [String],
    /// How to push anyway, shown with a rejection.
    pub hint: Option<&'a str>,
    /// How many objects the push uploaded (a quarantined server push).
    pub received: Option<usize>,
}

/// Paths named in the fix commands.
const FIX_PATHS: usize = 3;

/// Render the pusher's view.
pub fn render(out: &mut dyn Write, outcome: &Outcome, policy: &Policy, cx: &Context<'_>) -> io::Result<()> {
    let paint = |style: Style, text: &str| {
        if cx.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_owned()
        }
    };
    let bold = Style::new().bold();
    let s = &outcome.summary;
    let refs = cx.bases.len();
    let received = cx
        .received
        .map(|n| format!(" of {n} object{} received", plural(n)))
        .unwrap_or_default();
    writeln!(
        out,
        "pushgate: {refs} ref{}, {} new commit{}, {} new blob{} ({}){received}, checked in {} ms",
        plural(refs),
        s.commits,
        plural(s.commits as usize),
        s.blobs,
        plural(s.blobs as usize),
        human_size(s.bytes),
        s.duration_ms
    )?;
    for name in cx.skipped {
        writeln!(
            out,
            "pushgate: {} not checked (outside the policy's [refs])",
            sanitize(name)
        )?;
    }

    let max = usize::try_from(policy.file.hook.max_findings_shown).unwrap_or(usize::MAX);
    let shown: Vec<&Finding> = outcome.findings.iter().collect();
    if !shown.is_empty() {
        writeln!(out)?;
    }
    for f in shown.iter().take(max) {
        let style = match f.level {
            Level::Deny => AnsiColor::Red.on_default().bold(),
            Level::Warn => AnsiColor::Yellow.on_default().bold(),
            _ => AnsiColor::Cyan.on_default(),
        };
        let mut head = vec![paint(style, &format!("{:<4}", f.level.as_str()))];
        if let Some(r) = &f.reference {
            head.push(sanitize(r));
        }
        if let Some(c) = f.commit {
            head.push(c.to_hex_with_len(10).to_string());
        }
        head.push(f.shown_path().unwrap_or_else(|| "(the whole push)".into()));
        if let Some(size) = f.size {
            head.push(format!("({})", human_size(size)));
        }
        head.push(f.rule.to_string());
        writeln!(out, "{}", head.join("  "))?;
        writeln!(out, "      {}", sanitize(f.message.as_bytes()))?;
        super::text::fix(out, &super::text::Painter { color: cx.color }, 6, 1, &f.first_step())?;
    }
    if shown.len() > max {
        writeln!(
            out,
            "      … and {} more finding{} not shown ([hook] max_findings_shown = {max})",
            shown.len() - max,
            plural(shown.len() - max)
        )?;
    }

    let patterns: BTreeSet<Pattern> = shown.iter().map(|f| f.pattern).collect();
    if !patterns.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", paint(bold, "Instead:"))?;
        for pattern in &patterns {
            let text = format!("{} — {}", pattern.title(), policy.suggestion(*pattern));
            for (i, line) in wrap(&text, 96).iter().enumerate() {
                writeln!(out, "{}{line}", if i == 0 { "  " } else { "    " })?;
            }
        }
    }

    let failing: Vec<&Finding> = shown
        .iter()
        .copied()
        .filter(|f| policy.file.fail_on.reached_by(f.level) && f.path.is_some())
        .collect();
    if !failing.is_empty() {
        fix_commands(out, &failing, cx, &paint)?;
    }

    if !outcome.notices.is_empty() {
        writeln!(out)?;
        for n in &outcome.notices {
            writeln!(out, "note: {}: {}", n.kind, sanitize(n.message.as_bytes()))?;
        }
    }
    for note in cx.notes {
        writeln!(out, "pushgate: {}", sanitize(note.as_bytes()))?;
    }
    let fail_on = policy.file.fail_on;
    let line = match &cx.verdict {
        Verdict::Pass if shown.is_empty() => paint(AnsiColor::Green.on_default().bold(), "pushgate: ok"),
        Verdict::Pass => format!(
            "pushgate: {} warning{} below fail_on = {fail_on}; push accepted",
            shown.len(),
            plural(shown.len())
        ),
        Verdict::Rejected { failing } => paint(
            AnsiColor::Red.on_default().bold(),
            &format!(
                "pushgate: push rejected: {failing} finding{} at or above fail_on = {fail_on}",
                plural(*failing)
            ),
        ),
        Verdict::Bypassed { failing, user, reason } => format!(
            "pushgate: BYPASSED by {} ({}): {failing} finding{} at or above fail_on = {fail_on} let through and logged",
            if user.is_empty() { "an unknown pusher" } else { user },
            if reason.is_empty() { "no reason given" } else { reason },
            plural(*failing)
        ),
        Verdict::Evaluate { would_fail } => format!(
            "pushgate: mode = \"evaluate\": {would_fail} finding{} would have rejected this push; accepted",
            plural(*would_fail)
        ),
    };
    writeln!(out, "{line}")?;
    if let (Verdict::Rejected { .. }, Some(hint)) = (&cx.verdict, cx.hint) {
        writeln!(out, "pushgate: {hint}")?;
    }
    Ok(())
}

/// How to take the files out of the commits and push again.
fn fix_commands(
    out: &mut dyn Write,
    failing: &[&Finding],
    cx: &Context<'_>,
    paint: &dyn Fn(Style, &str) -> String,
) -> io::Result<()> {
    let mut paths: Vec<String> = Vec::new();
    for f in failing {
        for p in f.files() {
            let quoted = shell_quote(&sanitize(p));
            if !paths.contains(&quoted) {
                paths.push(quoted);
            }
        }
    }
    let more = paths.len().saturating_sub(FIX_PATHS);
    paths.truncate(FIX_PATHS);
    let listed = paths.join(" ")
        + &if more > 0 {
            format!(" (and {more} more)")
        } else {
            String::new()
        };
    // Rebase onto what the other side has of the first ref concerned; for a new ref, onto the
    // parent of the oldest commit concerned.
    let first = failing.first();
    let base = cx
        .bases
        .iter()
        .find(|(name, _)| first.is_some_and(|f| Some(name) == f.reference.as_ref()))
        .and_then(|(_, base)| *base)
        .map(|b| b.to_hex_with_len(10).to_string())
        .or_else(|| {
            first
                .and_then(|f| f.commit)
                .map(|c| format!("{}~1", c.to_hex_with_len(10)))
        })
        .unwrap_or_else(|| "<base>".into());
    writeln!(out)?;
    writeln!(
        out,
        "{}",
        paint(Style::new().bold(), "How to fix the commits, then push again:")
    )?;
    writeln!(
        out,
        "  in the last commit:   git rm --cached {listed} && git commit --amend --no-edit"
    )?;
    writeln!(
        out,
        "  in earlier commits:   git rebase -i {base}   (mark them `edit`; at each stop: git rm --cached <path>, git commit --amend --no-edit, git rebase --continue)"
    )?;
    if failing.iter().any(|f| f.pattern == Pattern::LargeChurn) {
        let lfs: Vec<String> = failing
            .iter()
            .filter(|f| f.pattern == Pattern::LargeChurn)
            .filter_map(|f| f.path.as_ref())
            .map(|p| sanitize(p))
            .take(FIX_PATHS)
            .collect();
        writeln!(
            out,
            "  to keep them in Git LFS instead:   git lfs migrate import --include={}",
            shell_quote(&lfs.join(","))
        )?;
    }
    Ok(())
}

/// Quote for a POSIX shell when needed.
fn shell_quote(s: &str) -> String {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"/._-+,@=".contains(&b)) {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(shell_quote("db/app.sqlite"), "db/app.sqlite");
        assert_eq!(shell_quote("my file.sql"), "'my file.sql'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote("$(rm -rf ~)"), "'$(rm -rf ~)'");
    }
}

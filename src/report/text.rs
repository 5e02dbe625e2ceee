//! `--format text`: findings grouped by pattern, one line each with its first step, the
//! pattern's suggestion once, then notices and a summary line. Everything that came from the
//! repository is sanitized.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use super::common::{Painter, PerRule, by_pattern, fix, instead, plural, suggestions, wrapped};
use super::format::Options;
use crate::outcome::Outcome;
use crate::policy::Policy;
use crate::util::{human_size, sanitize};

/// Render `outcome` as `--format text` does.
pub(crate) fn report(out: &mut dyn Write, outcome: &Outcome, policy: &Policy, options: &Options) -> io::Result<()> {
    let s = &outcome.summary;
    writeln!(
        out,
        "pushgate: {} commit{}, {} new blob{} ({})",
        s.commits,
        plural(s.commits),
        s.blobs,
        plural(s.blobs),
        human_size(s.bytes)
    )?;
    body(out, outcome, policy, options)
}

/// The report after its heading: findings by pattern, notices, the verdict.
pub(crate) fn body(out: &mut dyn Write, outcome: &Outcome, policy: &Policy, options: &Options) -> io::Result<()> {
    let p = Painter { color: options.color };
    let bold = Style::new().bold();
    let dim = Style::new().dimmed();
    let s = &outcome.summary;
    let width = options.width;
    for (pattern, findings) in by_pattern(outcome) {
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            p.paint(bold, &format!("{} ({})", pattern.title(), pattern.key()))
        )?;
        let mut shown = PerRule::new(options.verbose);
        let listed: Vec<_> = findings.iter().copied().filter(|f| shown.admit(f.rule)).collect();
        // Findings listed together with the same first step share one `Fix:` after the last.
        let steps: Vec<String> = listed.iter().map(|f| crate::advice::first_step(f)).collect();
        let mut run = 0;
        for (i, f) in listed.iter().enumerate() {
            let path = f.shown_path().unwrap_or_else(|| "(the whole range)".into());
            let mut details = vec![f.rule.to_string()];
            if let Some(size) = f.size {
                details.push(human_size(size));
            }
            if let Some(commit) = f.commit {
                details.push(format!("commit {}", commit.to_hex_with_len(10)));
            }
            writeln!(
                out,
                "  {} {}  {}",
                p.level(f.level),
                path,
                p.paint(dim, &details.join(" · "))
            )?;
            wrapped(out, &sanitize(f.message.as_bytes()), width, "       ", "       ")?;
            run += 1;
            let step = steps.get(i);
            if steps.get(i + 1) != step {
                fix(out, &p, 7, run, step.map(String::as_str).unwrap_or_default(), width)?;
                run = 0;
            }
        }
        for (rule, hidden) in shown.hidden() {
            writeln!(
                out,
                "  … and {hidden} more {rule} finding{} (--verbose lists them all)",
                plural(hidden as u64)
            )?;
        }
        for text in suggestions(findings.iter().copied(), policy.suggestion(pattern)) {
            instead(out, &p, text, width)?;
        }
    }
    if !outcome.notices.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", p.paint(bold, "Notices"))?;
        for n in &outcome.notices {
            wrapped(out, &sanitize(n.message.as_bytes()), width, &format!("  {}: ", n.kind), "    ")?;
        }
    }
    writeln!(out)?;
    let verdict = crate::outcome::Verdict::of(outcome, policy);
    let color = match verdict {
        crate::outcome::Verdict::Fail => AnsiColor::Red,
        crate::outcome::Verdict::WouldFail => AnsiColor::Yellow,
        crate::outcome::Verdict::Pass => AnsiColor::Green,
    };
    let verdict = p.paint(color.on_default().bold(), &verdict.describe(policy));
    writeln!(
        out,
        "{} finding{}: {} deny, {} warn, {} info — {verdict}",
        s.findings,
        plural(s.findings),
        s.deny,
        s.warn,
        s.info
    )
}

//! `--format text`: findings grouped by pattern, one line each with its first step, the
//! pattern's suggestion once, then notices and a summary line. Everything that came from the
//! repository is sanitized.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use super::plural;
use crate::outcome::Level;
use crate::outcome::Outcome;
use crate::policy::Policy;
use crate::util::{human_size, sanitize, wrap};

/// `--format text`.
pub const NAME: &str = "text";
/// What `--format text` is for.
pub const HELP: &str = "Grouped by pattern, for people";

/// Render `outcome` as `--format text` does.
pub fn report(
    out: &mut dyn Write,
    outcome: &Outcome,
    policy: &Policy,
    options: &super::Options,
) -> io::Result<()> {
    render(out, outcome, policy, &options.text())
}

/// Text rendering options.
#[derive(Debug, Clone)]
pub struct Options {
    /// Emit ANSI colours.
    pub color: bool,
    /// List every finding; otherwise at most [`PER_RULE`] per rule, and a count of the rest.
    pub verbose: bool,
    /// Wrap at this many columns.
    pub width: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            color: false,
            verbose: false,
            width: TEXT_WIDTH,
        }
    }
}

/// Findings listed per rule unless `verbose`.
pub const PER_RULE: usize = 10;

pub(super) struct Painter {
    pub(super) color: bool,
}

impl Painter {
    pub(super) fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_owned()
        }
    }

    pub(super) fn level(&self, level: Level) -> String {
        let style = match level {
            Level::Deny => AnsiColor::Red.on_default().bold(),
            Level::Warn => AnsiColor::Yellow.on_default().bold(),
            Level::Info => AnsiColor::Cyan.on_default(),
        };
        self.paint(style, &format!("{:<4}", level.as_str()))
    }
}

/// Width of text output that does not go to a terminal (and of hook output, which never does).
pub const TEXT_WIDTH: usize = 100;

/// The narrowest text output wraps at, whatever the terminal says.
pub const MIN_WIDTH: usize = 60;

/// Write `text` wrapped to `width`, the first line after `first`, the others after `rest`.
pub(crate) fn wrapped(out: &mut dyn Write, text: &str, width: usize, first: &str, rest: &str) -> io::Result<()> {
    let room = width
        .saturating_sub(first.chars().count().max(rest.chars().count()))
        .max(20);
    for (i, line) in wrap(text, room).iter().enumerate() {
        writeln!(out, "{}{line}", if i == 0 { first } else { rest })?;
    }
    Ok(())
}

/// A pattern's suggestion, wrapped, after `Instead:`.
pub(super) fn instead(out: &mut dyn Write, p: &Painter, suggestion: &str, width: usize) -> io::Result<()> {
    for (i, line) in wrap(suggestion, width.saturating_sub(12).max(30)).iter().enumerate() {
        let lead = if i == 0 {
            p.paint(Style::new().bold(), "Instead:")
        } else {
            " ".repeat(8)
        };
        writeln!(out, "  {lead} {line}")?;
    }
    Ok(())
}

/// A finding's first step under its message, after `Fix:`, wrapped; an exemption's TOML
/// lines follow as they are, so they can be copied. `run` findings listed together share it.
pub(super) fn fix(
    out: &mut dyn Write,
    p: &Painter,
    indent: usize,
    run: usize,
    step: &str,
    width: usize,
) -> io::Result<()> {
    let (sentence, toml) = crate::advice::split(step);
    let pad = " ".repeat(indent);
    let label = if run > 1 {
        format!("Fix (each of the {run} above):")
    } else {
        "Fix:".to_owned()
    };
    let width = width.saturating_sub(indent + label.chars().count() + 1).max(20);
    for (i, line) in wrap(sentence, width).iter().enumerate() {
        let lead = if i == 0 {
            p.paint(Style::new().bold(), &label)
        } else {
            " ".repeat(label.len())
        };
        writeln!(out, "{pad}{lead} {line}")?;
    }
    for line in toml.into_iter().flat_map(str::lines) {
        writeln!(out, "{pad}{} {line}", " ".repeat(label.len()))?;
    }
    Ok(())
}

/// Render the report.
pub fn render(out: &mut dyn Write, outcome: &Outcome, policy: &Policy, options: &Options) -> io::Result<()> {
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
    for (pattern, findings) in super::by_pattern(outcome) {
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            p.paint(bold, &format!("{} ({})", pattern.title(), pattern.key()))
        )?;
        let mut shown = super::PerRule::new(options.verbose);
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
        for text in super::suggestions(findings.iter().copied(), policy.suggestion(pattern)) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(render: impl FnOnce(&mut Vec<u8>) -> io::Result<()>) -> Vec<String> {
        let mut out = Vec::new();
        render(&mut out).expect("render");
        String::from_utf8(out)
            .expect("utf-8")
            .lines()
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn suggestions_and_first_steps_fit_the_width() {
        let p = Painter { color: false };
        let text = "Keep large, often-changing files out of git: store them in object storage and commit \
                    a small manifest or pointer, or track them with Git LFS if the team wants to stay \
                    git-native, which every clone then downloads on demand.";
        for width in [60, 80, 100, 140] {
            let instead = lines(|out| instead(out, &p, text, width));
            let fix = lines(|out| fix(out, &p, 7, 3, text, width));
            for line in instead.iter().chain(&fix) {
                assert!(line.chars().count() <= width, "{width}: {line:?}");
            }
            assert!(instead.len() > 1 && fix.len() > 1, "{width}: wrapped");
            assert!(fix[0].starts_with("       Fix (each of the 3 above): "), "{fix:?}");
        }
    }
}

//! The helpers the printers share: counting and grouping findings, words for numbers, text
//! that wraps and paints, and escaping for markdown and HTML. A leaf beside
//! [`format`](super::format): printers import these, never one another's.

use std::collections::BTreeMap;
use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use super::format::PER_RULE;
use crate::outcome::{Finding, Level, Outcome, Pattern, Summary};
use crate::rules::RuleId;
use crate::util::wrap;

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

/// What the `findings` (of one pattern) are told to use instead, each distinct text once, in
/// the order found; `fallback` (the pattern's) for findings that carry none.
pub(crate) fn suggestions<'a>(findings: impl IntoIterator<Item = &'a Finding>, fallback: &'a str) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for f in findings {
        let text = if f.suggestion.trim().is_empty() {
            fallback
        } else {
            f.suggestion.as_str()
        };
        if !out.contains(&text) {
            out.push(text);
        }
    }
    out
}

/// Lists at most [`PER_RULE`] findings per rule (all when `verbose`), and counts the rest.
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
        if !self.verbose && *listed >= PER_RULE {
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
pub(crate) fn counts(s: &Summary) -> String {
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

pub(crate) struct Painter {
    pub(crate) color: bool,
}

impl Painter {
    pub(crate) fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_owned()
        }
    }

    pub(crate) fn level(&self, level: Level) -> String {
        let style = match level {
            Level::Deny => AnsiColor::Red.on_default().bold(),
            Level::Warn => AnsiColor::Yellow.on_default().bold(),
            Level::Info => AnsiColor::Cyan.on_default(),
        };
        self.paint(style, &format!("{:<4}", level.as_str()))
    }
}

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
pub(crate) fn instead(out: &mut dyn Write, p: &Painter, suggestion: &str, width: usize) -> io::Result<()> {
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
pub(crate) fn fix(
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

/// `text` in lines of at most `width` characters, broken only at `separator` (a part longer
/// than `width` stands on its own line).
pub(crate) fn wrap_at(text: &str, separator: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for part in text.split(separator) {
        match lines.last_mut() {
            Some(line) if line.chars().count() + separator.chars().count() + part.chars().count() <= width => {
                line.push_str(separator);
                line.push_str(part);
            }
            _ => lines.push(part.to_owned()),
        }
    }
    lines
}

/// Escape text for a markdown table cell: every character that could start markup (emphasis,
/// code, links, HTML, entities, strike-through, headings) is backslash-escaped, and `|` too,
/// so the cell stays one cell.
pub(crate) fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '#' | '!' | '$'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `text` with `&`, `<`, `>`, `"` and `'` as character references: safe in an element and in a
/// quoted attribute.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
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

    #[test]
    fn details_wrap_between_parts_only() {
        let text = "60 versions · 2023-02-01..2023-04-01 · 60 changes, every 24.0 h · 14.4 KiB packed, 26.8 KiB whole";
        assert_eq!(
            wrap_at(text, " · ", 70),
            [
                "60 versions · 2023-02-01..2023-04-01 · 60 changes, every 24.0 h",
                "14.4 KiB packed, 26.8 KiB whole"
            ]
        );
        assert_eq!(wrap_at(text, " · ", 200), [text]);
        assert_eq!(wrap_at("a-very-long-part · b", " · ", 5), ["a-very-long-part", "b"]);
    }

    #[test]
    fn escapes_markup_and_pipes() {
        assert_eq!(escape_markdown("a|b"), "a\\|b");
        assert_eq!(
            escape_markdown("*x* _y_ `z` [l](u) <b> &amp;"),
            "\\*x\\* \\_y\\_ \\`z\\` \\[l\\](u) \\<b\\> \\&amp;"
        );
        assert_eq!(escape_markdown("plain/path.txt"), "plain/path.txt");
    }
}

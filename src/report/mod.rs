//! Output formats. Each format renders an [`Outcome`] into a writer;
//! nothing else in the crate prints.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;

use crate::outcome::Outcome;
use crate::outcome::{Finding, Pattern};
use crate::policy::Policy;
use crate::rules::RuleId;

pub mod audit;
pub mod merge;
pub mod overview;
pub mod push;
pub mod staged;
mod svg;

/// The registry of output formats: each is its module (a `NAME` for `--format`, a `HELP` line,
/// and `report`, which renders an outcome), listed once here. It makes the [`Format`] enum,
/// its names and [`render`]. Adding a format is its file plus one line.
macro_rules! formats {
    ($( $(#[$meta:meta])* $variant:ident => $module:ident, )*) => {
        $( pub mod $module; )*

        /// The output formats.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        pub enum Format {
            $( $(#[$meta])* $variant, )*
        }

        impl Format {
            /// Every format, in `--help` order.
            pub const ALL: &'static [Format] = &[ $( Format::$variant, )* ];

            /// Its name on the command line (`--format json`).
            pub fn name(self) -> &'static str {
                match self { $( Format::$variant => $module::NAME, )* }
            }

            /// What it is for, in one line (`--help`).
            pub fn help(self) -> &'static str {
                match self { $( Format::$variant => $module::HELP, )* }
            }
        }

        /// Render `outcome` in the chosen format.
        pub fn render(out: &mut dyn Write, outcome: &Outcome, policy: &Policy, options: &Options) -> io::Result<()> {
            match options.format { $( Format::$variant => $module::report(out, outcome, policy, options), )* }
        }
    };
}

formats! {
    /// For people: grouped by pattern, suggestion once per pattern.
    #[default]
    Text => text,
    /// Versioned, stable JSON (`version: 1`).
    Json => json,
    /// SARIF 2.1.0 for code scanning.
    Sarif => sarif,
    /// GitHub Actions workflow commands (annotations), and a job summary.
    Github => github,
    /// JUnit XML: one test suite per pattern, one test case per rule.
    Junit => junit,
    /// Markdown for a pull request comment or a job summary page.
    Markdown => markdown,
    /// The audit as one self-contained HTML page with charts (`audit` only).
    Html => html,
}

impl Format {
    /// The format named `name` (`json`), if there is one.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.iter().copied().find(|f| f.name() == name)
    }

    /// Whether only the audit renders it (the HTML page): a command that reports findings
    /// alone refuses it.
    pub fn audit_only(self) -> bool {
        self == Format::Html
    }
}

/// How to render.
#[derive(Debug, Clone)]
pub struct Options {
    /// The format.
    pub format: Format,
    /// ANSI colours (text only).
    pub color: bool,
    /// List every finding in text and markdown output.
    pub verbose: bool,
    /// `github` only: a file to append a markdown summary to (GitHub's `GITHUB_STEP_SUMMARY`).
    pub step_summary: Option<PathBuf>,
    /// Text wraps at this many columns (the terminal's width, or [`text::TEXT_WIDTH`]).
    pub width: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            format: Format::default(),
            color: false,
            verbose: false,
            step_summary: None,
            width: text::TEXT_WIDTH,
        }
    }
}

impl Options {
    /// The text options these imply.
    pub fn text(&self) -> text::Options {
        text::Options {
            color: self.color,
            verbose: self.verbose,
            width: self.width,
        }
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
pub(crate) fn counts(s: &crate::outcome::Summary) -> String {
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

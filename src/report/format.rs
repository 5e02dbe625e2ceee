//! The plain types every printer reads: the output [`Format`]s, listed once, and the
//! [`Options`] of a rendering. A leaf: it imports no printer, so each printer can import it.

use std::path::PathBuf;

/// Hands the registry of output formats to `$then`: one `Variant => module = "name", "help",`
/// line per format, where `module` is its printer (`src/report/<module>.rs`, with `report`,
/// which renders an outcome), `name` what `--format` takes and `help` what it is for, in one
/// line. [`Format`] is made from it here, the printers' modules and `render` in
/// [`report`](super). Adding a format is its file plus one line.
macro_rules! each_format {
    ($then:ident) => {
        $then! {
            /// For people: grouped by pattern, suggestion once per pattern.
            #[default]
            Text => text = "text", "Grouped by pattern, for people",
            /// Versioned, stable JSON (`version: 1`).
            Json => json = "json", "Versioned, stable JSON",
            /// SARIF 2.1.0 for code scanning.
            Sarif => sarif = "sarif", "SARIF 2.1.0, for GitHub code scanning and other SARIF viewers",
            /// GitHub Actions workflow commands (annotations), and a job summary.
            Github => github = "github", "GitHub Actions annotations; with GITHUB_STEP_SUMMARY set, a job summary too",
            /// JUnit XML: one test suite per pattern, one test case per rule.
            Junit => junit = "junit", "JUnit XML, for GitLab, Jenkins and other test report views",
            /// Markdown for a pull request comment or a job summary page.
            Markdown => markdown = "markdown", "A markdown summary, for a pull request comment or a job summary page",
            /// The audit as one self-contained HTML page with charts (`audit` only).
            Html => html = "html", "One self-contained HTML page with charts (audit and report merge)",
        }
    };
}
pub(crate) use each_format;

/// The [`Format`] enum, its list, names and help.
macro_rules! format_enum {
    ($( $(#[$meta:meta])* $variant:ident => $module:ident = $name:literal, $help:literal, )*) => {
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
                match self { $( Format::$variant => $name, )* }
            }

            /// What it is for, in one line (`--help`).
            pub fn help(self) -> &'static str {
                match self { $( Format::$variant => $help, )* }
            }
        }
    };
}

each_format!(format_enum);

impl Format {
    /// The format named `name` (`json`), if there is one.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.iter().copied().find(|f| f.name() == name)
    }

    /// Whether only the audit renders it (the HTML page): a command that reports findings
    /// alone refuses it.
    pub(crate) fn audit_only(self) -> bool {
        self == Format::Html
    }
}

/// Width of text output that does not go to a terminal (and of hook output, which never does).
pub const TEXT_WIDTH: usize = 100;

/// The narrowest text output wraps at, whatever the terminal says.
pub const MIN_WIDTH: usize = 60;

/// Findings listed per rule in text and markdown unless `verbose`.
pub(crate) const PER_RULE: usize = 10;

/// How to render.
#[derive(Debug, Clone)]
pub struct Options {
    /// The format.
    pub format: Format,
    /// ANSI colours (text only).
    pub color: bool,
    /// List every finding in text and markdown output; otherwise at most ten per rule
    /// (`PER_RULE`), and a count of the rest.
    pub verbose: bool,
    /// `github` only: a file to append a markdown summary to (GitHub's `GITHUB_STEP_SUMMARY`).
    pub step_summary: Option<PathBuf>,
    /// Text wraps at this many columns (the terminal's width, or [`TEXT_WIDTH`]).
    pub width: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            format: Format::default(),
            color: false,
            verbose: false,
            step_summary: None,
            width: TEXT_WIDTH,
        }
    }
}

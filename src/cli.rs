//! The command line, as clap reads it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Guard git repositories against large churning files, git used as a database, machine-made
/// audit trails and backups — and say what to use instead.
#[derive(Debug, Parser)]
#[command(name = "pushgate", version, about, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Options every command takes.
    #[command(flatten)]
    pub common: Common,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Common {
    /// The repository (work tree or bare); default: the one around the current directory, honoring GIT_DIR.
    #[arg(long, global = true, value_name = "DIR")]
    pub repo: Option<PathBuf>,
    /// The policy file; default: PUSHGATE_POLICY, git config pushgate.policy, .pushgate.toml, built-in.
    #[arg(long, global = true, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// Write the report to FILE instead of standard output.
    #[arg(long, global = true, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// List every finding in text output (otherwise at most 10 per rule, and a count of the rest).
    #[arg(long, short, global = true)]
    pub verbose: bool,
    /// When to use colours (NO_COLOR is honoured by `auto`).
    #[arg(long, global = true, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the objects a commit range introduces (revisions as in `git rev-list`).
    #[command(
        after_help = "Examples:\n  pushgate scan origin/main..HEAD\n  pushgate scan --all\n  pushgate scan main --not v1.0 --format json\n  pushgate scan --ci --format sarif --output pushgate.sarif"
    )]
    Scan {
        /// Revisions: `A..B`, `A...B`, `^A B`, `B --not A`, several tips.
        #[arg(value_name = "REVISION")]
        revisions: Vec<String>,
        /// Exclude the revisions that follow (up to the next `--not`), as in `git rev-list`.
        #[arg(long = "not", action = clap::ArgAction::Count)]
        not: u8,
        /// Every ref (branches, tags, notes, others) and HEAD.
        #[arg(long)]
        all: bool,
        /// Find the range from the CI environment (GitHub Actions, GitLab CI, AWS CodeBuild,
        /// Jenkins, pre-commit's pre-push stage; otherwise what HEAD adds to origin's default
        /// branch), and explain the choice on stderr.
        #[arg(long, conflicts_with_all = ["revisions", "all", "not"])]
        ci: bool,
    },
    /// Validate a policy file, or show the effective policy.
    Policy {
        /// check or show.
        #[command(subcommand)]
        action: PolicyAction,
    },
    /// Write a starter policy (the built-in one) to .pushgate.toml at the work-tree root, or to
    /// pushgate.toml in a bare repository's git directory.
    Init {
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Explain a rule: what it reports, why, its signals, thresholds and alternatives.
    Explain {
        /// The rule id; without it, list every rule.
        rule: Option<String>,
    },
}

/// `pushgate policy …`
#[derive(Debug, Subcommand)]
pub enum PolicyAction {
    /// Validate a policy file (default: the one that would be used here).
    Check {
        /// The file to check.
        file: Option<PathBuf>,
    },
    /// Print the effective policy as TOML, and where it came from.
    Show,
}

/// `--format`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Grouped by pattern, for people.
    Text,
    /// Versioned, stable JSON.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions annotations; with GITHUB_STEP_SUMMARY set, a job summary too.
    Github,
    /// JUnit XML, for GitLab, Jenkins and other test report views.
    Junit,
    /// A markdown summary, for a pull request comment or a job summary page.
    Markdown,
}

/// `--color`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// Colours when writing to a terminal and NO_COLOR is not set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

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
        after_help = "Examples:\n  pushgate scan origin/main..HEAD\n  pushgate scan --all\n  pushgate scan main --not v1.0 --format json"
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
    },
    /// Server hook: judge a push (git's `pre-receive` protocol on standard input); exit 1 rejects it.
    #[command(
        name = "pre-receive",
        after_help = "Installed by `pushgate install pre-receive`; git runs it with the ref updates on standard input.\nThe policy comes from the server (--policy, PUSHGATE_POLICY, git config pushgate.policy,\n$GIT_DIR/pushgate.toml, built-in), never from the pushed commits."
    )]
    PreReceive,
    /// Local hook: judge what a push would send (git's `pre-push` protocol); exit 1 stops it.
    #[command(name = "pre-push", after_help = "Installed by `pushgate install pre-push`.")]
    PrePush {
        /// The remote's name (or URL when pushing to a URL).
        remote: String,
        /// The remote's URL.
        url: Option<String>,
    },
    /// Write a hook into a repository that runs this binary.
    #[command(
        after_help = "Examples:\n  pushgate install pre-push\n  pushgate install pre-receive --repo /srv/git/project.git --policy /etc/pushgate/policy.toml\n\nAn existing hook is never replaced silently: --chain keeps it (it runs first, both must pass),\n--force replaces it and keeps a backup."
    )]
    Install {
        /// Which hook.
        #[arg(value_enum)]
        hook: HookArg,
        /// Keep an existing hook and run it before pushgate; both must pass.
        #[arg(long)]
        chain: bool,
        /// Replace an existing hook, keeping a backup next to it.
        #[arg(long)]
        force: bool,
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

/// `install <HOOK>`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HookArg {
    /// The local hook, run by `git push` before anything is sent.
    PrePush,
    /// The server hook, run by `git receive-pack` before any ref is updated.
    PreReceive,
}

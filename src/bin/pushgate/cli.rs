//! The command line, as clap reads it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Guard git repositories against large churning files, git used as a database, machine-made
/// audit trails and backups — and say what to use instead.
#[derive(Debug, Parser)]
#[command(
    name = "pushgate",
    version,
    about,
    max_term_width = 100,
    long_about = "Guard git repositories against large churning files, git used as a database, machine-made audit trails and backups, and say what to use instead.\n\npushgate reads the objects a commit range (or a push, or a whole repository) introduces: sizes from object headers, content from a bounded prefix, attributes from the commit's own .gitattributes. It classifies them against a TOML policy and prints findings a person can act on.",
    after_long_help = "Exit status: 0 nothing at a failing level; 1 findings at a failing level; 2 usage or policy-file error; 3 repository or internal error.\n\nAn option a command does not use (`--format json` on `install`) is a usage error, not ignored.\n\n`pushgate explain` lists the rules; `pushgate explain <rule>` says why one matters and how to fix a finding."
)]
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
    /// The policy file; default: PUSHGATE_POLICY, git config pushgate.policy, .pushgate.toml (in a bare
    /// repository and for pre-receive: $GIT_DIR/pushgate.toml), built-in.
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
    /// When to draw progress bars on standard error (`auto`: when it is a terminal; hooks never do).
    #[arg(long, global = true, value_enum, default_value_t = ProgressArg::Auto)]
    pub progress: ProgressArg,
}

/// `--progress`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProgressArg {
    /// When standard error is a terminal.
    Auto,
    /// Always, even into a pipe or file.
    Always,
    /// Never.
    Never,
}

impl From<ProgressArg> for pushgate::progress::When {
    fn from(arg: ProgressArg) -> Self {
        match arg {
            ProgressArg::Auto => pushgate::progress::When::Auto,
            ProgressArg::Always => pushgate::progress::When::Always,
            ProgressArg::Never => pushgate::progress::When::Never,
        }
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the objects a commit range introduces (revisions as in `git rev-list`).
    #[command(
        after_help = "Without a revision: what HEAD adds to its upstream branch (@{upstream}..HEAD).\n\nExamples:\n  pushgate scan\n  pushgate scan origin/main..HEAD\n  pushgate scan --all\n  pushgate scan main --not v1.0 --format json\n  pushgate scan --ci --format sarif --output pushgate.sarif\n  pushgate scan --all --write-baseline pushgate-baseline.json\n  pushgate scan --ci --baseline pushgate-baseline.json"
    )]
    Scan {
        /// Revisions: `A..B`, `A...B`, `^A B`, `B --not A`, several tips; none: `@{upstream}..HEAD`.
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
        /// Report only findings the baseline FILE does not record (and its stale entries).
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        /// Record this scan's findings (before any --baseline) in FILE, for a later --baseline.
        #[arg(long, value_name = "FILE")]
        write_baseline: Option<PathBuf>,
    },
    /// The whole repository: every object every ref reaches, every rule over the whole history,
    /// what each misuse costs in the packs, a fix plan, and pack statistics.
    #[command(
        after_help = "Examples:\n  pushgate audit\n  pushgate audit --format json --output audit.json\n  pushgate audit --write-baseline .pushgate-baseline.json\n  pushgate audit --include-unreachable --verbose\n\nText, json and markdown show the audit; the other formats list its findings as a scan would."
    )]
    Audit {
        /// Also read objects no ref reaches (left in packs by deleted or rewritten branches).
        #[arg(long)]
        include_unreachable: bool,
        /// Leave out findings the baseline FILE records; report its stale entries.
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        /// Record today's findings in FILE, so `--baseline FILE` reports only what is new.
        #[arg(long, value_name = "FILE")]
        write_baseline: Option<PathBuf>,
    },
    /// Server hook: judge a push (git's `pre-receive` protocol on standard input); exit 1 rejects it.
    #[command(
        name = "pre-receive",
        after_help = "Installed by `pushgate install pre-receive`; git runs it with the ref updates on standard input.\nThe policy comes from the server (--policy, PUSHGATE_POLICY, git config pushgate.policy,\n$GIT_DIR/pushgate.toml, built-in), never from the pushed commits."
    )]
    PreReceive {
        /// Leave out findings the baseline FILE records; a baseline that cannot be read rejects the push.
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
    },
    /// Local hook: check the files staged for a commit; exit 1 stops the commit.
    #[command(
        name = "pre-commit",
        after_help = "Installed by `pushgate install pre-commit`, or by the pre-commit framework (hook id\n`pushgate-commit`). Reads the index (GIT_INDEX_FILE when git sets it): every file whose staged\nversion differs from HEAD's, against the rules that judge one file (size, content, name,\nattributes). History rules need commits; the pre-push hook and `scan` apply them.\nA failing file can still be taken out of the commit: git restore --staged <path>."
    )]
    PreCommit {
        /// Leave out findings the baseline FILE records.
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
    },
    /// Local hook: judge what a push would send (git's `pre-push` protocol); exit 1 stops it.
    #[command(name = "pre-push", after_help = "Installed by `pushgate install pre-push`.")]
    PrePush {
        /// The remote's name (or URL when pushing to a URL).
        remote: String,
        /// The remote's URL.
        url: Option<String>,
        /// Leave out findings the baseline FILE records.
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
    },
    /// Write a hook into a repository that runs this binary.
    #[command(
        after_help = "Examples:\n  pushgate install pre-push\n  pushgate install pre-commit\n  pushgate install pre-receive --repo /srv/git/project.git --policy /etc/pushgate/policy.toml\n  pushgate install pre-receive --hooks-dir /srv/git/project.git/hooks/pre-receive.d\n\nAn existing hook is never replaced silently: --chain keeps it (it runs first, both must pass),\n--force replaces it and keeps a backup. pushgate's own hook is updated in place, whichever\nbinary wrote it; `pushgate uninstall` takes it out again."
    )]
    Install {
        /// Which hook.
        #[arg(value_enum)]
        hook: HookArg,
        /// Write into DIR instead of the repository's hooks directory; a DIR named `*.d` (GitLab's
        /// custom_hooks/pre-receive.d, Gitea's and Forgejo's hooks/pre-receive.d) gets a script
        /// called `pushgate`.
        #[arg(long, value_name = "DIR")]
        hooks_dir: Option<PathBuf>,
        /// Keep an existing hook and run it before pushgate; both must pass.
        #[arg(long)]
        chain: bool,
        /// Replace an existing hook, keeping a backup next to it.
        #[arg(long)]
        force: bool,
        /// A baseline file the hook passes with --baseline (checked now, named by its absolute path).
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
    },
    /// Take out the hook `pushgate install` wrote; a hook it chained is put back as it was.
    #[command(
        after_help = "Examples:\n  pushgate uninstall pre-push\n  pushgate uninstall pre-receive --repo /srv/git/project.git\n\nA hook pushgate did not write is left alone (exit status 2)."
    )]
    Uninstall {
        /// Which hook.
        #[arg(value_enum)]
        hook: HookArg,
        /// The directory the hook was installed into with `install --hooks-dir`.
        #[arg(long, value_name = "DIR")]
        hooks_dir: Option<PathBuf>,
    },
    /// Validate a policy file, or show the effective policy (as the command that reads it finds it).
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
        /// Write the file this command reads (`pre-receive`: $GIT_DIR/pushgate.toml, also in a
        /// repository with a work tree).
        #[arg(long = "for", value_enum, value_name = "COMMAND")]
        reader: Option<ReaderArg>,
    },
    /// Explain a rule: what it reports, why, its signals, thresholds and alternatives; or list
    /// the rules of a pattern.
    #[command(
        after_help = "Examples:\n  pushgate explain\n  pushgate explain database-dump\n  pushgate explain database"
    )]
    Explain {
        /// A rule id, or a pattern (large-churn, database, audit-trail, backup) to list its
        /// rules; without it, list every rule.
        #[arg(value_name = "RULE|PATTERN")]
        rule: Option<String>,
    },
    /// Print a shell completion script to standard output.
    #[command(
        after_help = "Examples:\n  pushgate completions bash > ~/.local/share/bash-completion/completions/pushgate\n  pushgate completions zsh > ~/.zfunc/_pushgate\n  pushgate completions fish > ~/.config/fish/completions/pushgate.fish"
    )]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to standard output.
    #[command(after_help = "Examples:\n  pushgate man | man -l -\n  pushgate man scan > pushgate-scan.1")]
    Man {
        /// A subcommand's page instead of the main one (e.g. `scan`).
        command: Option<String>,
    },
}

/// `pushgate policy …`
#[derive(Debug, Subcommand)]
pub enum PolicyAction {
    /// Validate a policy file (default: the one that would be used here), and warn about
    /// exemptions that have expired or match no file in HEAD.
    Check {
        /// The file to check.
        file: Option<PathBuf>,
        /// Check the policy this command would read (default: what `scan` and the local hooks
        /// read; in a bare repository that is what pre-receive reads).
        #[arg(long = "for", value_enum, value_name = "COMMAND", conflicts_with = "file")]
        reader: Option<ReaderArg>,
    },
    /// Print the effective policy as TOML (or JSON), and where it came from.
    Show {
        /// Show the policy this command would read (default: what `scan` and the local hooks
        /// read; in a bare repository that is what pre-receive reads).
        #[arg(long = "for", value_enum, value_name = "COMMAND")]
        reader: Option<ReaderArg>,
    },
}

/// `--for`: the command that will read the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReaderArg {
    /// `pushgate scan` and `audit` (and `explain`).
    Scan,
    /// The pre-commit hook.
    PreCommit,
    /// The pre-push hook.
    PrePush,
    /// The server's pre-receive hook: $GIT_DIR/pushgate.toml, never the work tree.
    PreReceive,
}

impl ReaderArg {
    /// Whether the pre-receive hook reads the policy.
    pub fn server(reader: Option<ReaderArg>) -> bool {
        reader == Some(ReaderArg::PreReceive)
    }
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

/// `install <HOOK>`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[allow(clippy::enum_variant_names)] // named after git's hooks
pub enum HookArg {
    /// The local hook, run by `git push` before anything is sent.
    PrePush,
    /// The server hook, run by `git receive-pack` before any ref is updated.
    PreReceive,
    /// The commit hook, run by `git commit` before the commit is made.
    PreCommit,
}

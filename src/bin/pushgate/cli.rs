//! The command line, as clap reads it, and what it means to the library: the common options
//! become a [`Context`] and report options, each subcommand's arguments its command's options.
//! Only what the user typed is validated here (an option a command does not use, `--not`'s
//! position); the library resolves the rest.

use std::ffi::OsString;
use std::io;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use pushgate::commands::{self, Context, Status};
use pushgate::fleet::Shard;
use pushgate::hook::install::HookKind;
use pushgate::policy::Size;
use pushgate::{Error, report};

use crate::output::{self, Output};
use crate::progress::Bars;

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
    #[arg(long, global = true, default_value = "text", value_parser = formats())]
    pub format: report::Format,
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

/// The options every command parses (they are global), of which each command takes some.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shared {
    /// `--repo`
    Repo,
    /// `--policy`
    Policy,
    /// `--format`
    Format,
    /// `--output`
    Output,
    /// `--verbose`
    Verbose,
    /// `--color`
    Color,
    /// `--progress`
    Progress,
}

impl Shared {
    /// Every common option, in the order help lists them.
    pub const ALL: &'static [Shared] = &[
        Shared::Repo,
        Shared::Policy,
        Shared::Format,
        Shared::Output,
        Shared::Verbose,
        Shared::Color,
        Shared::Progress,
    ];

    /// The argument's id, as clap knows it.
    fn id(self) -> &'static str {
        match self {
            Shared::Repo => "repo",
            Shared::Policy => "policy",
            Shared::Format => "format",
            Shared::Output => "output",
            Shared::Verbose => "verbose",
            Shared::Color => "color",
            Shared::Progress => "progress",
        }
    }

    /// The option as typed.
    fn flag(self) -> &'static str {
        match self {
            Shared::Repo => "--repo",
            Shared::Policy => "--policy",
            Shared::Format => "--format",
            Shared::Output => "--output",
            Shared::Verbose => "--verbose",
            Shared::Color => "--color",
            Shared::Progress => "--progress",
        }
    }
}

/// The registry of subcommands: each is its arguments (a struct here that implements [`Run`],
/// calling one library command), listed once below. Adding a subcommand is its library
/// command, its arguments, and one line here.
macro_rules! commands {
    ($( $(#[$meta:meta])* $variant:ident($args:ty), )*) => {
        /// The subcommands.
        #[derive(Debug, Subcommand)]
        pub enum Command {
            $( $(#[$meta])* $variant($args), )*
        }

        impl Command {
            /// Whether the subcommand walks a whole history (the audit, the facts store's build):
            /// the allocator is tuned for those ([`crate::allocator`]).
            pub(crate) fn walks_whole_history(&self) -> bool {
                matches!(self, Command::Audit(_) | Command::Index(_))
            }

            /// Run the subcommand.
            pub fn run(self, session: &mut Session<'_>) -> Result<Status, Error> {
                match self { $( Command::$variant(args) => args.run(session), )* }
            }

            /// The common options each subcommand takes, in the order they are declared (the
            /// order clap lists them in).
            fn common() -> &'static [&'static [Shared]] {
                &[ $( <$args as Run>::COMMON, )* ]
            }
        }
    };
}

commands! {
    /// Check the objects a commit range introduces (revisions as in `git rev-list`).
    #[command(
        after_help = "Without a revision: what HEAD adds to its upstream branch (@{upstream}..HEAD).\n\nExamples:\n  pushgate scan\n  pushgate scan origin/main..HEAD\n  pushgate scan --all\n  pushgate scan main --not v1.0 --format json\n  pushgate scan --ci --format sarif --output pushgate.sarif\n  pushgate scan --all --write-baseline pushgate-baseline.json\n  pushgate scan --ci --baseline pushgate-baseline.json"
    )]
    Scan(ScanArgs),
    /// The whole repository: every object every ref reaches, every rule over the whole history,
    /// what each misuse costs in the packs, a fix plan, and pack statistics.
    #[command(
        after_help = "Examples:\n  pushgate audit\n  pushgate audit --format json --output audit.json\n  pushgate audit --write-baseline .pushgate-baseline.json\n  pushgate audit --format html --output audit.html\n  pushgate audit --include-unreachable --verbose\n  pushgate audit --fleet /var/opt/gitlab/git-data/repositories --results results/ --jobs 2\n  pushgate audit --fleet repos.txt --results results/ --shard \"$JOB_COMPLETION_INDEX/8\"\n\nText, json, markdown and html (one self-contained page with charts) show the audit; the other formats list its findings as a scan would.\n\nWith --fleet, each repository is audited by a pushgate process of its own (`audit --repo PATH\n--format json`), --jobs at a time; one that fails, crashes or runs past --timeout is recorded as\nfailed and the others go on. The run exits 0 once every repository of its shard has a result.\n`pushgate report merge` reads the results."
    )]
    Audit(AuditArgs),
    /// Reports of many audits: `report merge RESULTS` ranks the repositories `audit --fleet`
    /// audited.
    Report(ReportArgs),
    /// Build the facts store (the whole history's facts, in the git directory) or bring it up to
    /// date with the refs, so that hooks and scans judge with the whole history.
    #[command(
        after_help = "The store lives in <git-common-dir>/pushgate/facts-<digest of the policy's rules>. `pushgate audit`\nrefreshes it in a bare repository, `pushgate install pre-receive` builds it, and the pre-receive hook\nbrings it up to date with each push it accepts.\n\nExamples:\n  pushgate index --repo /srv/git/project.git --policy /etc/pushgate/policy.toml\n  pushgate index --rebuild"
    )]
    Index(IndexArgs),
    /// Server hook: judge a push (git's `pre-receive` protocol on standard input); exit 1 rejects it.
    #[command(
        name = "pre-receive",
        after_help = "Installed by `pushgate install pre-receive`; git runs it with the ref updates on standard input.\nThe policy comes from the server (--policy, PUSHGATE_POLICY, git config pushgate.policy,\n$GIT_DIR/pushgate.toml, built-in), never from the pushed commits."
    )]
    PreReceive(PreReceiveArgs),
    /// Local hook: check the files staged for a commit; exit 1 stops the commit.
    #[command(
        name = "pre-commit",
        after_help = "Installed by `pushgate install pre-commit`, or by the pre-commit framework (hook id\n`pushgate-commit`). Reads the index (GIT_INDEX_FILE when git sets it): every file whose staged\nversion differs from HEAD's, against the rules that judge one file (size, content, name,\nattributes). History rules need commits; the pre-push hook and `scan` apply them.\nA failing file can still be taken out of the commit: git restore --staged <path>."
    )]
    PreCommit(PreCommitArgs),
    /// Local hook: judge what a push would send (git's `pre-push` protocol); exit 1 stops it.
    #[command(name = "pre-push", after_help = "Installed by `pushgate install pre-push`.")]
    PrePush(PrePushArgs),
    /// Write a hook into a repository that runs this binary.
    #[command(
        after_help = "Examples:\n  pushgate install pre-push\n  pushgate install pre-commit\n  pushgate install pre-receive --repo /srv/git/project.git --policy /etc/pushgate/policy.toml\n  pushgate install pre-receive --hooks-dir /srv/git/project.git/hooks/pre-receive.d\n\nAn existing hook is never replaced silently: --chain keeps it (it runs first, both must pass),\n--force replaces it and keeps a backup. pushgate's own hook is updated in place, whichever\nbinary wrote it; `pushgate uninstall` takes it out again."
    )]
    Install(InstallArgs),
    /// Take out the hook `pushgate install` wrote; a hook it chained is put back as it was.
    #[command(
        after_help = "Examples:\n  pushgate uninstall pre-push\n  pushgate uninstall pre-receive --repo /srv/git/project.git\n\nA hook pushgate did not write is left alone (exit status 2)."
    )]
    Uninstall(UninstallArgs),
    /// Validate a policy file, or show the effective policy (as the command that reads it finds it).
    Policy(PolicyArgs),
    /// Write a starter policy (the built-in one) to .pushgate.toml at the work-tree root, or to
    /// pushgate.toml in a bare repository's git directory.
    Init(InitArgs),
    /// Explain a rule: what it reports, why, its signals, thresholds and alternatives; or list
    /// the rules of a pattern.
    #[command(
        after_help = "Examples:\n  pushgate explain\n  pushgate explain database-dump\n  pushgate explain database"
    )]
    Explain(ExplainArgs),
    /// Print a shell completion script to standard output.
    #[command(
        after_help = "Examples:\n  pushgate completions bash > ~/.local/share/bash-completion/completions/pushgate\n  pushgate completions zsh > ~/.zfunc/_pushgate\n  pushgate completions fish > ~/.config/fish/completions/pushgate.fish"
    )]
    Completions(CompletionsArgs),
    /// Print the manual page (roff) to standard output.
    #[command(after_help = "Examples:\n  pushgate man | man -l -\n  pushgate man scan > pushgate-scan.1")]
    Man(ManArgs),
}

// `pushgate index`: its help is the variant's.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Build the store anew from the whole history, whatever there is.
    #[arg(long, conflicts_with = "after_push")]
    pub rebuild: bool,
    /// What the pre-receive hook starts once the store lags: catch it up under its lock,
    /// reading the policy as the hook does, and say nothing.
    #[arg(long, hide = true)]
    pub after_push: bool,
}

// `pushgate pre-receive`: its help is the variant's.
#[derive(Debug, Args)]
pub struct PreReceiveArgs {
    /// Leave out findings the baseline FILE records; a baseline that cannot be read rejects the push.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
}

// `pushgate pre-commit`: its help is the variant's.
#[derive(Debug, Args)]
pub struct PreCommitArgs {
    /// Leave out findings the baseline FILE records.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Deny every staged file larger than SIZE, on top of the policy (`500KiB`, `1MB`, or bytes;
    /// as pre-commit's check-added-large-files --maxkb).
    #[arg(long, value_name = "SIZE", value_parser = size)]
    pub max_size: Option<Size>,
    /// Print nothing when the staged files pass with no finding (text; otherwise one line).
    #[arg(long, short)]
    pub quiet: bool,
}

/// A size as the policy writes it (`500KiB`, `1MB`, `1048576`).
fn size(text: &str) -> Result<Size, String> {
    text.parse()
}

// `pushgate pre-push`: its help is the variant's.
#[derive(Debug, Args)]
pub struct PrePushArgs {
    /// The remote's name (or URL when pushing to a URL).
    pub remote: String,
    /// The remote's URL.
    pub url: Option<String>,
    /// Leave out findings the baseline FILE records.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
}

// `pushgate uninstall`: its help is the variant's.
#[derive(Debug, Args)]
pub struct UninstallArgs {
    /// Which hook.
    #[arg(value_enum)]
    pub hook: HookArg,
    /// The directory the hook was installed into with `install --hooks-dir`.
    #[arg(long, value_name = "DIR")]
    pub hooks_dir: Option<PathBuf>,
}

// `pushgate policy`: its help is the variant's.
#[derive(Debug, Args)]
pub struct PolicyArgs {
    /// check or show.
    #[command(subcommand)]
    pub action: PolicyAction,
}

// `pushgate init`: its help is the variant's.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
    /// Write the file this command reads (`pre-receive`: $GIT_DIR/pushgate.toml, also in a
    /// repository with a work tree).
    #[arg(long = "for", value_enum, value_name = "COMMAND")]
    pub reader: Option<ReaderArg>,
}

// `pushgate explain`: its help is the variant's.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule id, or a pattern (large-churn, database, audit-trail, backup) to list its
    /// rules; without it, list every rule.
    #[arg(value_name = "RULE|PATTERN")]
    pub rule: Option<String>,
}

// `pushgate completions`: its help is the variant's.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

// `pushgate man`: its help is the variant's.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// A subcommand's page instead of the main one (e.g. `scan`).
    pub command: Option<String>,
}

// `pushgate scan`: its help is the variant's.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Revisions: `A..B`, `A...B`, `^A B`, `B --not A`, several tips; none: `@{upstream}..HEAD`.
    #[arg(value_name = "REVISION")]
    pub revisions: Vec<String>,
    /// Exclude the revisions that follow (up to the next `--not`), as in `git rev-list`.
    #[arg(long = "not", action = clap::ArgAction::Count)]
    pub not: u8,
    /// Every ref (branches, tags, notes, others) and HEAD.
    #[arg(long)]
    pub all: bool,
    /// Find the range from the CI environment (GitHub Actions, GitLab CI, AWS CodeBuild,
    /// Jenkins, pre-commit's pre-push stage; otherwise what HEAD adds to origin's default
    /// branch), and explain the choice on stderr.
    #[arg(long, conflicts_with_all = ["revisions", "all", "not"])]
    pub ci: bool,
    /// Report only findings the baseline FILE does not record (and its stale entries).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record this scan's findings (before any --baseline) in FILE, for a later --baseline.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Deny every file larger than SIZE, on top of the policy (`500KiB`, `1MB`, or bytes).
    #[arg(long, value_name = "SIZE", value_parser = size)]
    pub max_size: Option<Size>,
}

// `pushgate audit`
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Also read objects no ref reaches (left in packs by deleted or rewritten branches).
    #[arg(long)]
    pub include_unreachable: bool,
    /// Leave out findings the baseline FILE records; report its stale entries.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record today's findings in FILE, so `--baseline FILE` reports only what is new.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Audit many repositories: those a list file names (one path a line, `#` comments; `-`
    /// reads standard input), or every repository below a folder (bare ones and work trees,
    /// as GitLab, Gitea and mirrors store them). Each result goes to `--results DIR`.
    #[arg(long, value_name = "LIST|DIR", conflicts_with_all = ["baseline", "write_baseline"])]
    pub fleet: Option<PathBuf>,
    /// With --fleet: the folder for one JSON result per repository; a rerun skips those that
    /// have an `ok` one.
    #[arg(long, value_name = "DIR")]
    pub results: Option<PathBuf>,
    /// With --fleet: audits at a time [default: half the processors, at least 1].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub jobs: Option<u64>,
    /// With --fleet: audit only part I of N (counted from 0, as JOB_COMPLETION_INDEX): machines
    /// given the same fleet and each its own I cover every repository once.
    #[arg(long, value_name = "I/N", value_parser = shard)]
    pub shard: Option<Shard>,
    /// With --fleet: stop an audit that takes longer (`90`, `0.5`, `30s`, `10m`, `2h`; `0`:
    /// no limit) and record it as failed [default: 1h].
    #[arg(long, value_name = "DURATION", value_parser = timeout)]
    pub timeout: Option<Duration>,
    /// With --fleet: leave repositories whose last audit failed alone too (by default a rerun
    /// retries them).
    #[arg(long)]
    pub skip_failed: bool,
    /// With --fleet: audit nothing; print the path of each repository the run would audit, one
    /// a line (to fetch the shard's repositories first, or to check what a folder holds).
    #[arg(long)]
    pub dry_run: bool,
}

/// `--shard I/N`.
fn shard(text: &str) -> Result<Shard, String> {
    text.parse()
}

/// `--timeout`: seconds (`90`, `0.5`), or with a unit (`500ms`, `30s`, `10m`, `2h`).
fn timeout(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| c.is_ascii_alphabetic()) {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    let scale = match unit {
        "ms" => Some(0.001),
        "s" => Some(1.0),
        "m" | "min" => Some(60.0),
        "h" => Some(3600.0),
        _ => None,
    };
    scale
        .zip(number.trim().parse::<f64>().ok())
        .filter(|(_, n)| n.is_finite() && *n >= 0.0)
        .and_then(|(scale, n)| Duration::try_from_secs_f64(n * scale).ok())
        .ok_or_else(|| format!("`{text}` is not a duration: seconds (`90`, `0.5`), or `500ms`, `30s`, `10m`, `2h`"))
}

/// How long a fleet's audit may take unless `--timeout` says otherwise.
const FLEET_TIMEOUT: Duration = Duration::from_secs(3600);

// `pushgate report`: its help is the variant's.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// What to do with reports.
    #[command(subcommand)]
    pub action: ReportAction,
}

/// `pushgate report …`
#[derive(Debug, Subcommand)]
pub enum ReportAction {
    /// Merge the results `pushgate audit --fleet` wrote into one report: the repositories
    /// ranked by the bytes a fix frees, totals by pattern, the top offenders across the fleet,
    /// and the repositories whose audit failed.
    #[command(
        after_help = "Examples:\n  pushgate report merge results/\n  pushgate report merge results/ --format markdown --output fleet.md\n  pushgate report merge results/ --format json --output fleet.json\n  pushgate report merge results/ --format html --output fleet.html\n\nIt writes text (the default), json, markdown or html (one self-contained page with charts);\n--verbose lists every repository, offender and failure.\n\nExit status 0 whatever the repositories hold or however their audits ended (the report says);\n2 for a usage error or a RESULTS that is not a folder; 3 when it cannot be read.\nA file in RESULTS that is not a result is named on standard error and in the report, and passed over."
    )]
    Merge {
        /// The results folder (`audit --fleet … --results RESULTS`).
        #[arg(value_name = "RESULTS", value_hint = clap::ValueHint::DirPath)]
        results: PathBuf,
    },
}

// `pushgate install`
#[derive(Debug, Args)]
pub struct InstallArgs {
    /// Which hook.
    #[arg(value_enum)]
    pub hook: HookArg,
    /// Write into DIR instead of the repository's hooks directory; a DIR named `*.d` (GitLab's
    /// custom_hooks/pre-receive.d, Gitea's and Forgejo's hooks/pre-receive.d) gets a script
    /// called `pushgate`.
    #[arg(long, value_name = "DIR")]
    pub hooks_dir: Option<PathBuf>,
    /// Keep an existing hook and run it before pushgate; both must pass.
    #[arg(long)]
    pub chain: bool,
    /// Replace an existing hook, keeping a backup next to it.
    #[arg(long)]
    pub force: bool,
    /// A baseline file the hook passes with --baseline (checked now, named by its absolute path).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
}

/// What a subcommand runs with: where the repository and the policy are, where its report goes
/// and how it looks there.
pub struct Session<'a> {
    /// The options every command takes.
    pub common: &'a Common,
    /// `--repo` and `--policy`.
    pub context: Context,
    /// Standard output or `--output FILE`.
    pub out: Output,
    /// How reports render there.
    pub report: report::Options,
    /// Standard error (unlocked: progress bars draw there from their own thread).
    pub err: io::Stderr,
}

/// A subcommand's arguments know which library command they run.
pub trait Run {
    /// The common options the command takes; giving another is a usage error.
    const COMMON: &'static [Shared];

    /// Run it.
    fn run(self, session: &mut Session<'_>) -> Result<Status, Error>;
}

impl Run for ScanArgs {
    const COMMON: &'static [Shared] = Shared::ALL;

    fn run(self, s: &mut Session<'_>) -> Result<Status, Error> {
        commands::findings_format(s.report.format, "scan")?;
        let (repo, mut policy) = s.context.open_with_policy()?;
        if let Some(max) = self.max_size {
            policy.deny_larger_than(max);
        }
        let options = commands::scan::Options {
            revisions: self.revisions,
            all: self.all,
            ci: self.ci.then(|| pushgate::ci::Env::from_vars(std::env::vars_os())),
            baseline: self.baseline,
            write_baseline: self.write_baseline,
            report: s.report.clone(),
        };
        let progress = Bars::new(s.common.progress);
        commands::scan::scan(&repo, &policy, options, &progress, &mut s.out, &mut s.err)
    }
}

impl Run for AuditArgs {
    const COMMON: &'static [Shared] = Shared::ALL;

    fn run(self, s: &mut Session<'_>) -> Result<Status, Error> {
        if self.fleet.is_some() {
            return self.run_fleet(s);
        }
        for (given, flag) in [
            (self.results.is_some(), "--results"),
            (self.jobs.is_some(), "--jobs"),
            (self.shard.is_some(), "--shard"),
            (self.timeout.is_some(), "--timeout"),
            (self.skip_failed, "--skip-failed"),
            (self.dry_run, "--dry-run"),
        ] {
            if given {
                return Err(Error::Usage(format!(
                    "{flag} applies to `pushgate audit --fleet LIST|DIR` only"
                )));
            }
        }
        let (repo, policy) = s.context.open_with_policy()?;
        let options = commands::audit::Options {
            include_unreachable: self.include_unreachable,
            baseline: self.baseline,
            write_baseline: self.write_baseline,
            report: s.report.clone(),
        };
        let progress = Bars::new(s.common.progress);
        commands::audit::audit(&repo, &policy, options, &progress, &mut s.out, &mut s.err)
    }
}

impl AuditArgs {
    /// `audit --fleet`: the options that shape one report do not apply; each result is the
    /// audit's JSON, and `report merge` renders them.
    fn run_fleet(self, s: &mut Session<'_>) -> Result<Status, Error> {
        let common = s.common;
        for (given, flag) in [
            (common.repo.is_some(), "--repo"),
            (common.output.is_some(), "--output"),
            (common.format != report::Format::Text, "--format"),
            (common.verbose, "--verbose"),
        ] {
            if given {
                return Err(Error::Usage(format!(
                    "{flag} does not apply to `pushgate audit --fleet` (each repository's result is the audit's JSON in --results DIR; `pushgate report merge DIR` renders them)"
                )));
            }
        }
        let (Some(fleet), Some(results)) = (self.fleet, self.results) else {
            return Err(Error::Usage(
                "`pushgate audit --fleet` needs --results DIR, the folder for the results".into(),
            ));
        };
        let binary = std::env::current_exe().map_err(|source| Error::File {
            what: "cannot locate the pushgate binary".into(),
            source,
        })?;
        let jobs = match self.jobs {
            Some(n) => usize::try_from(n).unwrap_or(1),
            None => std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1)),
        };
        let options = commands::fleet::Options {
            fleet,
            shard: self.shard.unwrap_or(Shard::ALL),
            run: pushgate::fleet::run::Options {
                binary,
                policy: s.context.policy.clone(),
                include_unreachable: self.include_unreachable,
                results,
                jobs,
                timeout: Some(self.timeout.unwrap_or(FLEET_TIMEOUT)).filter(|t| !t.is_zero()),
                skip_failed: self.skip_failed,
                progress: s.common.progress != ProgressArg::Never,
            },
            dry_run: self.dry_run,
        };
        commands::fleet::audit(&s.context, options, &mut io::stdin(), &mut s.out, &mut s.err)
    }
}

impl Run for ReportArgs {
    const COMMON: &'static [Shared] = &[Shared::Format, Shared::Output, Shared::Verbose, Shared::Color];

    fn run(self, s: &mut Session<'_>) -> Result<Status, Error> {
        match self.action {
            ReportAction::Merge { results } => commands::fleet::merge(&results, &s.report, &mut s.out, &mut s.err),
        }
    }
}

impl Run for IndexArgs {
    const COMMON: &'static [Shared] = &[Shared::Repo, Shared::Policy, Shared::Progress];

    fn run(self, s: &mut Session<'_>) -> Result<Status, Error> {
        if self.after_push {
            return commands::index::after_push(&s.context);
        }
        let (repo, policy) = s.context.open_with_policy()?;
        let progress = Bars::new(s.common.progress);
        let options = commands::index::Options { rebuild: self.rebuild };
        commands::index::index(&repo, &policy, options, &progress, &mut s.out)
    }
}

impl Run for PreReceiveArgs {
    const COMMON: &'static [Shared] = &[Shared::Repo, Shared::Policy];

    fn run(self, s: &mut Session<'_>) -> Result<Status, Error> {
        let env = pushgate::hook::HookEnv::from_process();
        commands::hooks::pre_receive(&s.context, self.baseline, env, &mut io::stdin(), &mut s.err)
    }
}

impl Run for PrePushArgs {
    const COMMON: &'static [Shared] = &[Shared::Repo, Shared::Policy, Shared::Color];

    fn run(self, s: &mut Session<'_>) -> Result<Status, Error> {
        let (repo, policy) = s.context.open_with_policy()?;
        let options = commands::hooks::PrePush {
            remote: self.remote,
            baseline: self.baseline,
            color: output::stderr_color(s.common),
        };
        commands::hooks::pre_push(&repo, &policy, options, &mut io::stdin(), &mut s.err)
    }
}

impl Run for PreCommitArgs {
    const COMMON: &'static [Shared] = &[
        Shared::Repo,
        Shared::Policy,
        Shared::Format,
        Shared::Output,
        Shared::Verbose,
        Shared::Color,
    ];

    fn run(self, s: &mut Session<'_>) -> Result<Status, Error> {
        commands::findings_format(s.report.format, "pre-commit")?;
        let (repo, mut policy) = s.context.open_with_policy()?;
        if let Some(max) = self.max_size {
            policy.deny_larger_than(max);
        }
        let options = commands::hooks::PreCommit {
            baseline: self.baseline,
            quiet: self.quiet,
        };
        commands::hooks::pre_commit(&repo, &policy, options, &s.report, &mut s.out, &mut s.err)
    }
}

impl Run for InstallArgs {
    const COMMON: &'static [Shared] = &[Shared::Repo, Shared::Policy];

    fn run(self, s: &mut Session<'_>) -> Result<Status, Error> {
        let binary = std::env::current_exe().map_err(|source| Error::File {
            what: "cannot locate the pushgate binary".into(),
            source,
        })?;
        let options = commands::install::Options {
            kind: self.hook.into(),
            hooks_dir: self.hooks_dir,
            chain: self.chain,
            force: self.force,
            baseline: self.baseline,
            binary,
        };
        commands::install::install(&s.context, options, &mut s.out)
    }
}

impl Run for UninstallArgs {
    const COMMON: &'static [Shared] = &[Shared::Repo];

    fn run(self, s: &mut Session<'_>) -> Result<Status, Error> {
        commands::install::uninstall(&s.context, self.hook.into(), self.hooks_dir.as_deref(), &mut s.out)
    }
}

impl Run for PolicyArgs {
    const COMMON: &'static [Shared] = &[Shared::Repo, Shared::Policy, Shared::Format, Shared::Output];

    fn run(self, s: &mut Session<'_>) -> Result<Status, Error> {
        let format = s.report.format;
        match self.action {
            PolicyAction::Check { file, reader } => {
                let server = ReaderArg::server(reader);
                commands::policy::check(&s.context, file.as_deref(), server, format, &mut s.out)
            }
            PolicyAction::Show { reader } => {
                commands::policy::show(&s.context, ReaderArg::server(reader), format, &mut s.out)
            }
        }
    }
}

impl Run for InitArgs {
    const COMMON: &'static [Shared] = &[Shared::Repo];

    fn run(self, s: &mut Session<'_>) -> Result<Status, Error> {
        let server = ReaderArg::server(self.reader);
        commands::policy::init(&s.context, self.force, server, &mut s.out, &mut s.err)
    }
}

impl Run for ExplainArgs {
    const COMMON: &'static [Shared] = &[Shared::Repo, Shared::Policy, Shared::Output];

    fn run(self, s: &mut Session<'_>) -> Result<Status, Error> {
        commands::explain::explain(&s.context, self.rule.as_deref(), &mut s.out)
    }
}

impl Run for CompletionsArgs {
    const COMMON: &'static [Shared] = &[Shared::Output];

    fn run(self, s: &mut Session<'_>) -> Result<Status, Error> {
        crate::man::completions(self.shell, &mut s.out);
        Ok(Status::Pass)
    }
}

impl Run for ManArgs {
    const COMMON: &'static [Shared] = &[Shared::Output];

    fn run(self, s: &mut Session<'_>) -> Result<Status, Error> {
        crate::man::man(self.command.as_deref(), &mut s.out)?;
        Ok(Status::Pass)
    }
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

impl From<HookArg> for HookKind {
    fn from(arg: HookArg) -> Self {
        match arg {
            HookArg::PrePush => HookKind::PrePush,
            HookArg::PreReceive => HookKind::PreReceive,
            HookArg::PreCommit => HookKind::PreCommit,
        }
    }
}

impl Common {
    /// Where the commands find the repository and the policy.
    pub fn context(&self) -> Context {
        Context {
            repo: self.repo.clone(),
            policy: self.policy.clone(),
        }
    }

    /// How to render a report: colours and width as the output decided them.
    pub fn report(&self, color: bool, width: usize) -> report::Options {
        report::Options {
            format: self.format,
            color,
            verbose: self.verbose,
            step_summary: std::env::var_os("GITHUB_STEP_SUMMARY")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            width,
        }
    }
}

/// The command line as clap reads it, each subcommand's help (and manual page, and completions)
/// listing only the common options that command takes. The others stay parseable, hidden, so
/// that giving one is the usage error [`applicable`] words, not clap's "unexpected argument".
pub fn command() -> clap::Command {
    let mut cmd = Cli::command();
    let common: Vec<clap::Arg> = cmd.get_arguments().filter(|a| a.is_global_set()).cloned().collect();
    let names: Vec<String> = cmd.get_subcommands().map(|c| c.get_name().to_owned()).collect();
    for (name, used) in names.into_iter().zip(Command::common()) {
        if used.len() == Shared::ALL.len() {
            continue;
        }
        // A subcommand that has an option of its own by a global option's id is not given the
        // global one: a hidden copy stands in for it (and, global too, reaches its subcommands).
        let hidden = common
            .iter()
            .filter(|a| !used.iter().any(|c| c.id() == a.get_id().as_str()))
            .map(|a| a.clone().hide(true));
        cmd = cmd.mut_subcommand(name, |sub| sub.args(hidden));
    }
    cmd
}

/// The command line, or clap's own exit (help, version, a usage error); an option a command
/// does not use is a usage error too.
pub fn parse() -> Result<Cli, String> {
    let args: Vec<OsString> = std::env::args_os().collect();
    let cmd = command();
    let matches = cmd
        .clone()
        .try_get_matches_from(&args)
        .unwrap_or_else(|e| without_dash_dash_tip(e, &cmd, &args).exit());
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    if let (Command::Scan(ScanArgs { revisions, .. }), Some(scan)) =
        (&mut cli.command, matches.subcommand_matches("scan"))
    {
        *revisions = revisions_in_order(scan);
    }
    applicable(&matches)?;
    Ok(cli)
}

/// clap answers an unknown `--bogus` with "to pass '--bogus' as a value, use '-- --bogus'"
/// wherever a command takes positional values. Only a file name may begin with `-`: where the
/// command reached (`args` walked down the subcommands) takes no path, revisions, rule names,
/// hooks and shells never do, and the tip would only lead to another error.
fn without_dash_dash_tip(mut error: clap::Error, cmd: &clap::Command, args: &[OsString]) -> clap::Error {
    use clap::error::{ContextKind, ContextValue};
    if error.kind() != clap::error::ErrorKind::UnknownArgument {
        return error;
    }
    let mut reached = cmd;
    for arg in args.iter().skip(1) {
        if arg == "--" {
            break;
        }
        if let Some(sub) = arg.to_str().and_then(|name| reached.find_subcommand(name)) {
            reached = sub;
        }
    }
    let takes_paths = reached.get_positionals().any(|a| {
        matches!(
            a.get_value_hint(),
            clap::ValueHint::AnyPath | clap::ValueHint::FilePath | clap::ValueHint::DirPath
        )
    });
    if takes_paths {
        return error;
    }
    if let Some(ContextValue::StyledStrs(tips)) = error.remove(ContextKind::Suggested) {
        let kept: Vec<_> = tips
            .into_iter()
            .filter(|tip| !tip.to_string().contains("as a value, use '-- "))
            .collect();
        if !kept.is_empty() {
            error.insert(ContextKind::Suggested, ContextValue::StyledStrs(kept));
        }
    }
    error
}

/// The revisions with each `--not` where the user put it: clap parses `--not` as a flag, and
/// its meaning depends on its position among the revisions.
fn revisions_in_order(scan: &clap::ArgMatches) -> Vec<String> {
    let mut tokens: Vec<(usize, String)> = Vec::new();
    if let (Some(values), Some(indices)) = (scan.get_many::<String>("revisions"), scan.indices_of("revisions")) {
        tokens.extend(indices.zip(values.cloned()));
    }
    // A count has a default value (0) with an index of its own: only a typed `--not` counts.
    if scan.value_source("not") == Some(clap::parser::ValueSource::CommandLine)
        && let Some(indices) = scan.indices_of("not")
    {
        tokens.extend(indices.map(|i| (i, "--not".to_owned())));
    }
    tokens.sort_by_key(|(i, _)| *i);
    tokens.into_iter().map(|(_, t)| t).collect()
}

/// The common options the subcommand `name` takes.
fn uses(name: &str) -> &'static [Shared] {
    Cli::command()
        .get_subcommands()
        .position(|c| c.get_name() == name)
        .and_then(|i| Command::common().get(i).copied())
        .unwrap_or(Shared::ALL)
}

/// An option given to a command that does not use it is a usage error, not silently ignored.
fn applicable(matches: &clap::ArgMatches) -> Result<(), String> {
    let Some((command, _)) = matches.subcommand() else {
        return Ok(());
    };
    let used = uses(command);
    for option in Shared::ALL {
        let given = matches.value_source(option.id()) == Some(clap::parser::ValueSource::CommandLine);
        if given && !used.contains(option) {
            let takes: Vec<&str> = Shared::ALL
                .iter()
                .filter(|c| used.contains(c))
                .map(|c| c.flag())
                .collect();
            let takes = if takes.is_empty() {
                "it takes none of the common options".to_owned()
            } else {
                format!("of the common options it takes {}", takes.join(", "))
            };
            return Err(format!(
                "{} does not apply to `pushgate {command}` ({takes}; see `pushgate {command} --help`)",
                option.flag()
            ));
        }
    }
    Ok(())
}

/// `--format`: the library's formats, by name, with what each is for.
fn formats() -> impl clap::builder::TypedValueParser<Value = report::Format> {
    let values = report::Format::ALL
        .iter()
        .map(|f| clap::builder::PossibleValue::new(f.name()).help(f.help()));
    let parser = clap::builder::PossibleValuesParser::new(values);
    clap::builder::TypedValueParser::map(parser, |name: String| {
        report::Format::from_name(&name).unwrap_or_default()
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_subcommand_declares_the_common_options_it_takes() {
        let cmd = Cli::command();
        let names: Vec<&str> = cmd.get_subcommands().map(|c| c.get_name()).collect();
        assert_eq!(names.len(), Command::common().len(), "one declaration per subcommand");
        assert_eq!(uses("scan"), Shared::ALL);
        assert_eq!(uses("pre-receive"), [Shared::Repo, Shared::Policy]);
        assert_eq!(uses("man"), [Shared::Output]);
        // The help of a command lists only what it takes; the others stay parseable, hidden.
        let built = command();
        let receive = built.find_subcommand("pre-receive").expect("pre-receive");
        let hidden: Vec<&str> = receive
            .get_arguments()
            .filter(|a| a.is_hide_set())
            .map(|a| a.get_id().as_str())
            .collect();
        assert_eq!(hidden, ["format", "output", "verbose", "color", "progress"]);
    }
}

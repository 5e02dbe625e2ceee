//! The `pushgate` binary: parse arguments, load the policy, run a library command, render,
//! and map the outcome to an exit code (0 pass, 1 failing findings, 2 usage or policy error,
//! 3 repository or internal error).

// Arguments and standard input are untrusted: no panic paths here either.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::todo,
    clippy::unimplemented,
    clippy::unreachable,
    clippy::indexing_slicing
)]

mod cli;

use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{CommandFactory, FromArgMatches};

use cli::{Cli, ColorArg, Command, Common, FormatArg, HookArg, PolicyAction};
use pushgate::baseline::{Baseline, BaselineError};
use pushgate::hook::{self, HookEnv, install, pre_push, pre_receive};
use pushgate::policy::{Discovery, Policy, PolicyError};
use pushgate::repo;
use pushgate::rules::{RuleId, UnknownRule};
use pushgate::walk::{Range, RangeError};
use pushgate::{explain, report, scan};

/// Exit statuses.
const PASS: u8 = 0;
const FAIL: u8 = 1;
const USAGE: u8 = 2;
const INTERNAL: u8 = 3;

/// A usage error that is not clap's (exit status 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct UsageError(String);

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let mut cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    if let (Command::Scan { revisions, .. }, Some(scan)) = (&mut cli.command, matches.subcommand_matches("scan")) {
        *revisions = revisions_in_order(scan);
    }
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::from(PASS);
            }
            let _ = writeln!(io::stderr().lock(), "pushgate: error: {err:#}");
            ExitCode::from(exit_code(&err))
        }
    }
}

/// The revisions with each `--not` where the user put it: clap parses `--not` as a flag, and
/// its meaning depends on its position among the revisions.
fn revisions_in_order(scan: &clap::ArgMatches) -> Vec<String> {
    let mut tokens: Vec<(usize, String)> = Vec::new();
    if let (Some(values), Some(indices)) = (scan.get_many::<String>("revisions"), scan.indices_of("revisions")) {
        tokens.extend(indices.zip(values.cloned()));
    }
    if let Some(indices) = scan.indices_of("not") {
        tokens.extend(indices.map(|i| (i, "--not".to_owned())));
    }
    tokens.sort_by_key(|(i, _)| *i);
    tokens.into_iter().map(|(_, t)| t).collect()
}

fn exit_code(err: &anyhow::Error) -> u8 {
    for cause in err.chain() {
        if cause.is::<PolicyError>() || cause.is::<UnknownRule>() || cause.is::<UsageError>() {
            return USAGE;
        }
        if cause
            .downcast_ref::<BaselineError>()
            .is_some_and(BaselineError::is_usage)
        {
            return USAGE;
        }
        if cause.is::<hook::input::InputError>()
            || matches!(cause.downcast_ref::<hook::HookError>(), Some(hook::HookError::Input(_)))
            || matches!(
                cause.downcast_ref::<install::InstallError>(),
                Some(
                    install::InstallError::Exists { .. }
                        | install::InstallError::Conflict
                        | install::InstallError::ChainTaken { .. }
                )
            )
        {
            return USAGE;
        }
        if let Some(RangeError::Empty | RangeError::Option(_)) = cause.downcast_ref::<RangeError>() {
            return USAGE;
        }
    }
    INTERNAL
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> Result<u8> {
    let common = &cli.common;
    match &cli.command {
        Command::Scan {
            revisions,
            all,
            ci,
            baseline,
            write_baseline,
            ..
        } => {
            let (repo, policy, baseline) = open_checked(common, baseline.as_deref())?;
            let range = if *ci {
                let plan = pushgate::ci::plan(&repo, &pushgate::ci::Env::from_vars(std::env::vars_os()));
                let mut err = io::stderr().lock();
                for line in &plan.explanation {
                    writeln!(err, "pushgate: {}", pushgate::util::sanitize(line.as_bytes()))?;
                }
                Range::parse(&repo, &plan.revisions, false)?
            } else {
                Range::parse(&repo, revisions, *all)?
            };
            let progress = pushgate::progress::Progress::new(common.progress.into());
            let mut outcome = scan::scan_reporting(&repo, &range, &policy, &progress)?;
            progress.finish();
            let whole = *all && range.is_whole_history();
            record_and_apply(&mut outcome, &repo, write_baseline.as_deref(), baseline.as_ref(), whole)?;
            write_report(common, |out, color| {
                report::render(out, &outcome, &policy, &report_options(common, color))
            })?;
            Ok(if outcome.fails(&policy) { FAIL } else { PASS })
        }
        Command::Audit {
            include_unreachable,
            baseline,
            write_baseline,
        } => {
            let (repo, policy, baseline) = open_checked(common, baseline.as_deref())?;
            let progress = pushgate::progress::Progress::new(common.progress.into());
            let options = pushgate::audit::Options {
                include_unreachable: *include_unreachable,
            };
            let mut audit = pushgate::audit::audit(&repo, &policy, options, &progress)?;
            record_and_apply(
                &mut audit.outcome,
                &repo,
                write_baseline.as_deref(),
                baseline.as_ref(),
                true,
            )?;
            // Offenders, shares and the plan follow what the baseline left.
            audit.reconcile();
            write_report(common, |out, color| {
                report::audit::render(out, &audit, &policy, &report_options(common, color))
            })?;
            Ok(if audit.outcome.fails(&policy) { FAIL } else { PASS })
        }
        Command::PreReceive { baseline } => {
            let env = HookEnv::from_process();
            let repo = repo::open(common.repo.as_deref())?;
            let policy = Discovery {
                flag: common.policy.clone(),
                repo: Some(&repo),
                server: true,
            }
            .load();
            // A server whose policy or baseline is broken must not let pushes through unchecked.
            let reject = |what: &str, e: &dyn std::fmt::Display| {
                let text = format!("pushgate: the server's {what} is invalid; push rejected\npushgate: {e}\n");
                io::stderr().lock().write_all(&env.decorate(text.as_bytes()))?;
                Ok(USAGE)
            };
            let policy = match policy {
                Ok(policy) => policy,
                Err(e) => return reject("policy", &e),
            };
            let baseline = match load_baseline(baseline.as_deref()) {
                Ok(baseline) => baseline,
                Err(e) => return reject("baseline", &e),
            };
            let updates = hook::input::parse_pre_receive(&read_stdin()?, repo.object_hash())?;
            let response = {
                let (env, policy) = (env.clone(), policy.clone());
                move || pre_receive::run(repo, &updates, &env, &policy, baseline.as_ref())
            };
            let response = hook::within_budget(&policy, &env, response);
            io::stderr().lock().write_all(&response.message)?;
            Ok(response.exit)
        }
        Command::PrePush { remote, baseline, .. } => {
            let (repo, policy, baseline) = open_checked(common, baseline.as_deref())?;
            let stdin = read_stdin()?;
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            let color = match common.color {
                ColorArg::Always => true,
                ColorArg::Never => false,
                ColorArg::Auto => !no_color && io::stderr().is_terminal(),
            };
            let response = pre_push::run(&repo, remote, &stdin, &policy, baseline.as_ref(), color)?;
            io::stderr().lock().write_all(&response.message)?;
            Ok(response.exit)
        }
        Command::Install {
            hook,
            chain,
            force,
            baseline,
        } => {
            let repo = repo::open(common.repo.as_deref())?;
            let absolute =
                |p: &std::path::Path| std::fs::canonicalize(p).with_context(|| format!("cannot find {}", p.display()));
            let policy = match &common.policy {
                Some(p) => {
                    // The hook runs with another working directory: check the file now, and
                    // name it by its absolute path.
                    Policy::from_file(p, pushgate::policy::Source::Flag(p.clone()))?;
                    Some(absolute(p)?)
                }
                None => None,
            };
            let baseline = match baseline {
                Some(p) => {
                    Baseline::load(p)?;
                    Some(absolute(p)?)
                }
                None => None,
            };
            let request = install::Request {
                kind: match hook {
                    HookArg::PrePush => install::HookKind::PrePush,
                    HookArg::PreReceive => install::HookKind::PreReceive,
                },
                binary: absolute(&std::env::current_exe().context("cannot locate the pushgate binary")?)?,
                policy,
                baseline,
                chain: *chain,
                force: *force,
            };
            let done = install::install(&install::hooks_dir(&repo), &request)?;
            write_report(common, |out, _| match &done {
                install::Installed::Wrote(p) => writeln!(out, "installed {}", p.display()),
                install::Installed::Unchanged(p) => {
                    writeln!(out, "{} is installed already; nothing changed", p.display())
                }
                install::Installed::Chained { path, previous } => writeln!(
                    out,
                    "installed {}; the previous hook, now {}, runs first",
                    path.display(),
                    previous.display()
                ),
                install::Installed::Replaced { path, backup } => writeln!(
                    out,
                    "installed {}; the previous hook was saved as {}",
                    path.display(),
                    backup.display()
                ),
            })?;
            Ok(PASS)
        }
        Command::Policy { action } => {
            let repo = repo::open(common.repo.as_deref()).ok();
            match action {
                PolicyAction::Check { file } => {
                    let policy = match file {
                        Some(f) => Policy::from_file(f, pushgate::policy::Source::Flag(f.clone()))?,
                        None => load_policy(common, repo.as_ref())?,
                    };
                    write_report(common, |out, _| {
                        writeln!(out, "ok: {} is a valid pushgate policy", policy.source)
                    })?;
                }
                PolicyAction::Show => {
                    let policy = load_policy(common, repo.as_ref())?;
                    write_report(common, |out, _| out.write_all(policy.to_toml().as_bytes()))?;
                }
            }
            Ok(PASS)
        }
        Command::Init { force } => {
            let repo = repo::open(common.repo.as_deref())?;
            let path = match repo.workdir() {
                Some(dir) => dir.join(".pushgate.toml"),
                None => repo.git_dir().join("pushgate.toml"),
            };
            if path.exists() && !force {
                return Err(UsageError(format!(
                    "{} exists already; pass --force to overwrite it",
                    path.display()
                ))
                .into());
            }
            std::fs::write(&path, pushgate::policy::BUILTIN).with_context(|| format!("writing {}", path.display()))?;
            write_report(common, |out, _| {
                writeln!(
                    out,
                    "wrote {}: the built-in policy, every key commented; keep what you change",
                    path.display()
                )
            })?;
            Ok(PASS)
        }
        Command::Completions { shell } => {
            write_report(common, |out, _| {
                clap_complete::generate(*shell, &mut Cli::command(), "pushgate", out);
                Ok(())
            })?;
            Ok(PASS)
        }
        Command::Man { command } => {
            let mut cmd = Cli::command();
            cmd.build();
            let page = match command {
                None => cmd,
                Some(name) => {
                    let names: Vec<String> = cmd.get_subcommands().map(|c| c.get_name().to_owned()).collect();
                    let sub = cmd.find_subcommand(name).cloned().ok_or_else(|| {
                        UsageError(format!("no subcommand `{name}`; choose from: {}", names.join(", ")))
                    })?;
                    sub.version(env!("CARGO_PKG_VERSION"))
                }
            };
            write_report(common, |out, _| clap_mangen::Man::new(page).render(out))?;
            Ok(PASS)
        }
        Command::Explain { rule } => {
            let repo = repo::open(common.repo.as_deref()).ok();
            let policy = load_policy(common, repo.as_ref())?;
            match rule {
                None => write_report(common, |out, _| explain::list(out, &policy))?,
                Some(id) => {
                    let id: RuleId = id.parse()?;
                    write_report(common, |out, _| explain::rule(out, &policy, id))?;
                }
            }
            Ok(PASS)
        }
    }
}

/// Standard input of a hook, bounded.
fn read_stdin() -> Result<Vec<u8>> {
    let mut input = Vec::new();
    io::stdin()
        .lock()
        .take(hook::input::MAX_INPUT + 1)
        .read_to_end(&mut input)
        .context("reading the hook's standard input")?;
    if input.len() as u64 > hook::input::MAX_INPUT {
        return Err(UsageError(format!(
            "the hook's standard input is larger than {} MiB; git never writes that much",
            hook::input::MAX_INPUT >> 20
        ))
        .into());
    }
    Ok(input)
}

/// `--write-baseline FILE`: record `findings` (before any `--baseline`) and say so on stderr.
fn write_baseline_file(path: &std::path::Path, findings: &[pushgate::Finding]) -> Result<()> {
    let written = Baseline::from_findings(findings);
    written.write(path)?;
    writeln!(
        io::stderr().lock(),
        "pushgate: wrote {} baseline entr{} to {}",
        written.len(),
        if written.len() == 1 { "y" } else { "ies" },
        pushgate::util::sanitize(path.as_os_str().as_encoded_bytes())
    )?;
    Ok(())
}

/// Record the findings as a baseline (`--write-baseline`), then leave out what the given
/// baseline records (`--baseline`); `whole` says the check covered the whole history.
fn record_and_apply(
    outcome: &mut scan::Outcome,
    repo: &gix::Repository,
    write: Option<&std::path::Path>,
    baseline: Option<&Baseline>,
    whole: bool,
) -> Result<()> {
    if let Some(path) = write {
        write_baseline_file(path, &outcome.findings)?;
    }
    if let Some(baseline) = baseline {
        baseline.apply(outcome, repo, whole);
    }
    Ok(())
}

/// The repository, its policy and the baseline a check runs with: everything that can be
/// wrong with the user's input is reported before any work starts.
fn open_checked(
    common: &Common,
    baseline: Option<&std::path::Path>,
) -> Result<(gix::Repository, Policy, Option<Baseline>)> {
    let repo = repo::open(common.repo.as_deref())?;
    let policy = load_policy(common, Some(&repo))?;
    let baseline = load_baseline(baseline)?;
    Ok((repo, policy, baseline))
}

fn load_baseline(path: Option<&std::path::Path>) -> Result<Option<Baseline>, BaselineError> {
    path.map(Baseline::load).transpose()
}

fn load_policy(common: &Common, repo: Option<&gix::Repository>) -> Result<Policy, PolicyError> {
    Discovery {
        flag: common.policy.clone(),
        repo,
        server: false,
    }
    .load()
}

/// Run `render` against standard output or `--output FILE`, deciding on colours.
/// How to render, from the common options.
fn report_options(common: &Common, color: bool) -> report::Options {
    report::Options {
        format: match common.format {
            FormatArg::Text => report::Format::Text,
            FormatArg::Json => report::Format::Json,
            FormatArg::Sarif => report::Format::Sarif,
            FormatArg::Github => report::Format::Github,
            FormatArg::Junit => report::Format::Junit,
            FormatArg::Markdown => report::Format::Markdown,
        },
        color,
        verbose: common.verbose,
        step_summary: std::env::var_os("GITHUB_STEP_SUMMARY")
            .filter(|v| !v.is_empty())
            .map(std::path::PathBuf::from),
    }
}

fn write_report(common: &Common, render: impl FnOnce(&mut dyn Write, bool) -> io::Result<()>) -> Result<()> {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    match &common.output {
        Some(path) => {
            let mut file = io::BufWriter::new(
                File::create(path).with_context(|| format!("cannot write the report to {}", path.display()))?,
            );
            render(&mut file, common.color == ColorArg::Always)?;
            file.flush()?;
        }
        None => {
            let stdout = io::stdout();
            let color = match common.color {
                ColorArg::Always => true,
                ColorArg::Never => false,
                ColorArg::Auto => !no_color && stdout.is_terminal(),
            };
            let mut out = io::BufWriter::new(stdout.lock());
            render(&mut out, color)?;
            out.flush()?;
        }
    }
    Ok(())
}

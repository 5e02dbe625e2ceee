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
use clap::{CommandFactory, FromArgMatches, ValueEnum};

use cli::{Cli, ColorArg, Command, Common, FormatArg, HookArg, PolicyAction, ReaderArg};
use pushgate::baseline::{Baseline, BaselineError};
use pushgate::hook::{self, HookEnv, install, pre_push, pre_receive};
use pushgate::policy::{Discovery, Policy, PolicyError};
use pushgate::range::{Range, RangeError};
use pushgate::repo;
use pushgate::rules::{RuleId, UnknownRule};
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
    match applicable(&matches)
        .map_err(anyhow::Error::from)
        .and_then(|()| run(cli))
    {
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
    // A count has a default value (0) with an index of its own: only a typed `--not` counts.
    if scan.value_source("not") == Some(clap::parser::ValueSource::CommandLine)
        && let Some(indices) = scan.indices_of("not")
    {
        tokens.extend(indices.map(|i| (i, "--not".to_owned())));
    }
    tokens.sort_by_key(|(i, _)| *i);
    tokens.into_iter().map(|(_, t)| t).collect()
}

/// The options every command accepts (they are global), by id and as typed.
const COMMON_OPTIONS: [(&str, &str); 7] = [
    ("repo", "--repo"),
    ("policy", "--policy"),
    ("format", "--format"),
    ("output", "--output"),
    ("verbose", "--verbose"),
    ("color", "--color"),
    ("progress", "--progress"),
];

/// Which of [`COMMON_OPTIONS`] a command uses; `None`: all of them.
fn uses(command: &str) -> Option<&'static [&'static str]> {
    Some(match command {
        "pre-commit" => &["repo", "policy", "format", "output", "verbose", "color"],
        "pre-push" => &["repo", "policy", "color"],
        "pre-receive" | "install" => &["repo", "policy"],
        "policy" => &["repo", "policy", "format", "output"],
        "init" | "uninstall" => &["repo"],
        "explain" => &["repo", "policy", "output"],
        "completions" | "man" => &["output"],
        _ => return None,
    })
}

/// An option given to a command that does not use it is a usage error, not silently ignored.
fn applicable(matches: &clap::ArgMatches) -> Result<(), UsageError> {
    let Some((command, _)) = matches.subcommand() else {
        return Ok(());
    };
    let Some(used) = uses(command) else {
        return Ok(());
    };
    for (id, flag) in COMMON_OPTIONS {
        let given = matches.value_source(id) == Some(clap::parser::ValueSource::CommandLine);
        if given && !used.contains(&id) {
            let takes: Vec<&str> = COMMON_OPTIONS
                .iter()
                .filter(|(id, _)| used.contains(id))
                .map(|(_, flag)| *flag)
                .collect();
            let takes = if takes.is_empty() {
                "it takes none of the common options".to_owned()
            } else {
                format!("of the common options it takes {}", takes.join(", "))
            };
            return Err(UsageError(format!(
                "{flag} does not apply to `pushgate {command}` ({takes}; see `pushgate {command} --help`)"
            )));
        }
    }
    Ok(())
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
            || cause
                .downcast_ref::<install::InstallError>()
                .is_some_and(install::InstallError::is_usage)
        {
            return USAGE;
        }
        if let Some(e) = cause.downcast_ref::<RangeError>() {
            return e.exit_code();
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
                plan.range?
            } else if revisions.is_empty() && !*all {
                // No revision: what HEAD adds to its upstream, as `git push` would send it.
                let (upstream, name) = pushgate::range::upstream_range(&repo)?;
                writeln!(
                    io::stderr().lock(),
                    "pushgate: no revision given; checking what HEAD adds to its upstream {name} (@{{upstream}}..HEAD)"
                )?;
                Range::parse(&repo, &upstream, false)?
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
        Command::PreCommit { baseline } => {
            let (repo, policy, baseline) = open_checked(common, baseline.as_deref())?;
            let staged = pushgate::staged::staged(&repo)?;
            let files = staged.candidates.len();
            let mut outcome = scan::scan_candidates(&repo, &policy, staged.candidates)?;
            record_and_apply(&mut outcome, &repo, None, baseline.as_ref(), false)?;
            write_report(common, |out, color| {
                let options = report_options(common, color);
                match options.format {
                    report::Format::Text => report::staged::render(
                        out,
                        &outcome,
                        &policy,
                        &report::text::Options {
                            color,
                            verbose: common.verbose,
                        },
                        files,
                        staged.unborn,
                    ),
                    _ => report::render(out, &outcome, &policy, &options),
                }
            })?;
            Ok(if outcome.fails(&policy) { FAIL } else { PASS })
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
            hooks_dir,
            chain,
            force,
            baseline,
        } => {
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
            let kind = hook_kind(*hook);
            let (target, mut reinstall) = hook_target(common, kind, hooks_dir.as_deref())?;
            for (flag, path) in [("--policy", &policy), ("--baseline", &baseline)] {
                if let Some(path) = path {
                    reinstall.push_str(&format!(" {flag} {}", install::quote_str(&path.display().to_string())));
                }
            }
            let request = install::Request {
                kind,
                binary: absolute(&std::env::current_exe().context("cannot locate the pushgate binary")?)?,
                policy,
                baseline,
                chain: *chain,
                force: *force,
                reinstall,
            };
            let done = install::install(&target, &request)?;
            write_report(common, |out, _| match &done {
                install::Installed::Wrote(p) => writeln!(out, "installed {}", p.display()),
                install::Installed::Unchanged(p) => {
                    writeln!(out, "{} is installed already; nothing changed", p.display())
                }
                install::Installed::Updated(p) => writeln!(
                    out,
                    "updated {}: pushgate's hook now runs {}",
                    p.display(),
                    request.binary.display()
                ),
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
        Command::Uninstall { hook, hooks_dir } => {
            let (target, _) = hook_target(common, hook_kind(*hook), hooks_dir.as_deref())?;
            let done = install::uninstall(&target)?;
            write_report(common, |out, _| match &done {
                install::Uninstalled::Absent(p) => {
                    writeln!(out, "{} does not exist; nothing to uninstall", p.display())
                }
                install::Uninstalled::Removed { path, backups } => {
                    writeln!(out, "removed {}", path.display())?;
                    for backup in backups {
                        writeln!(
                            out,
                            "{} (a hook `install --force` replaced) is left where it is",
                            backup.display()
                        )?;
                    }
                    Ok(())
                }
                install::Uninstalled::Restored { path, from } => writeln!(
                    out,
                    "removed pushgate from {}; the previous hook is back (from {})",
                    path.display(),
                    from.display()
                ),
            })?;
            Ok(PASS)
        }
        Command::Policy { action } => {
            let json = match common.format {
                FormatArg::Text => false,
                FormatArg::Json => true,
                other => {
                    return Err(UsageError(format!(
                        "`pushgate policy` writes text or json, not {}",
                        other
                            .to_possible_value()
                            .map(|v| v.get_name().to_owned())
                            .unwrap_or_default()
                    ))
                    .into());
                }
            };
            let repo = repo::open(common.repo.as_deref()).ok();
            match action {
                PolicyAction::Check { file, reader } => {
                    let policy = match file {
                        Some(f) if common.policy.is_some() => {
                            return Err(UsageError(format!(
                                "two policy files: {} and --policy; check one at a time",
                                f.display()
                            ))
                            .into());
                        }
                        Some(f) => Policy::from_file(f, pushgate::policy::Source::File(f.clone()))?,
                        None => find_policy(common, repo.as_ref(), ReaderArg::server(*reader))?,
                    };
                    let exemptions = policy.check_exemptions(repo.as_ref(), pushgate::policy::today());
                    let found = match (&policy.source, &repo) {
                        (pushgate::policy::Source::BuiltIn, Some(repo)) => format!(
                            "no policy file here; the built-in default applies (`pushgate init` writes {})",
                            Discovery::repository_file(repo, ReaderArg::server(*reader))
                        ),
                        (source, _) => format!("{source} is a valid pushgate policy"),
                    };
                    write_report(common, |out, _| {
                        if json {
                            let value = serde_json::json!({
                                "valid": true,
                                "source": policy.source.to_string(),
                                "path": policy.source.path().map(|p| p.display().to_string()),
                                "warnings": exemptions.warnings,
                                "unchecked": exemptions.unchecked,
                            });
                            return writeln!(out, "{}", serde_json::to_string_pretty(&value).unwrap_or_default());
                        }
                        writeln!(out, "ok: {found}")?;
                        for warning in &exemptions.warnings {
                            writeln!(out, "warning: {warning}")?;
                        }
                        if let Some(why) = &exemptions.unchecked {
                            writeln!(out, "note: {why}")?;
                        }
                        Ok(())
                    })?;
                }
                PolicyAction::Show { reader } => {
                    let policy = find_policy(common, repo.as_ref(), ReaderArg::server(*reader))?;
                    write_report(common, |out, _| {
                        if json {
                            let value = serde_json::json!({
                                "source": policy.source.to_string(),
                                "path": policy.source.path().map(|p| p.display().to_string()),
                                "policy": toml_to_json(toml::Value::try_from(&policy.file).unwrap_or(toml::Value::Table(Default::default()))),
                            });
                            return writeln!(out, "{}", serde_json::to_string_pretty(&value).unwrap_or_default());
                        }
                        out.write_all(policy.to_toml().as_bytes())
                    })?;
                }
            }
            Ok(PASS)
        }
        Command::Init { force, reader } => {
            let repo = repo::open(common.repo.as_deref())?;
            let server = ReaderArg::server(*reader);
            let file = Discovery::repository_file(&repo, server);
            let path = file.path().map(std::path::Path::to_owned).unwrap_or_default();
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
            // Say so when the lookup would find another file first.
            let found = Discovery {
                flag: None,
                repo: Some(&repo),
                server,
            }
            .find();
            if let Some(other) = found.filter(|f| f.path() != Some(path.as_path())) {
                writeln!(
                    io::stderr().lock(),
                    "pushgate: note: {other} comes first in the policy lookup, so this file is not read while it is set"
                )?;
            }
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
            write_report(common, |out, _| man_page(page, out))?;
            Ok(PASS)
        }
        Command::Explain { rule } => {
            let repo = repo::open(common.repo.as_deref()).ok();
            let policy = load_policy(common, repo.as_ref())?;
            match rule {
                None => write_report(common, |out, _| explain::list(out, &policy))?,
                Some(word) => match pushgate::Pattern::ALL.into_iter().find(|p| p.key() == word) {
                    Some(pattern) => write_report(common, |out, _| explain::pattern(out, &policy, pattern))?,
                    None => {
                        let id: RuleId = word.parse().map_err(|e: pushgate::rules::UnknownRule| {
                            let names = RuleId::ALL
                                .iter()
                                .map(|r| r.as_str())
                                .chain(pushgate::Pattern::ALL.iter().map(|p| p.key()));
                            let closest = pushgate::util::closest(word, names).or(e.suggestion);
                            UsageError(format!(
                                "unknown rule or pattern `{}`{} (`pushgate explain` lists every rule and pattern)",
                                pushgate::util::sanitize(word.as_bytes()),
                                closest.map(|c| format!("; did you mean `{c}`?")).unwrap_or_default()
                            ))
                        })?;
                        write_report(common, |out, _| explain::rule(out, &policy, id))?;
                    }
                },
            }
            Ok(PASS)
        }
    }
}

fn hook_kind(arg: HookArg) -> install::HookKind {
    match arg {
        HookArg::PrePush => install::HookKind::PrePush,
        HookArg::PreReceive => install::HookKind::PreReceive,
        HookArg::PreCommit => install::HookKind::PreCommit,
    }
}

/// Where `install` and `uninstall` put the hook (`--hooks-dir`, or the repository's hooks
/// directory), and the start of the command that installs it again, naming it by absolute
/// paths.
fn hook_target(
    common: &Common,
    kind: install::HookKind,
    hooks_dir: Option<&std::path::Path>,
) -> Result<(install::Target, String)> {
    let mut command = format!("pushgate install {}", kind.name());
    let dir = match hooks_dir {
        Some(dir) => {
            let dir = std::path::absolute(dir).with_context(|| format!("cannot find {}", dir.display()))?;
            command.push_str(&format!(
                " --hooks-dir {}",
                install::quote_str(&dir.display().to_string())
            ));
            dir
        }
        None => {
            let repo = repo::open(common.repo.as_deref())?;
            let top = repo.workdir().unwrap_or_else(|| repo.git_dir());
            let top = std::fs::canonicalize(top).unwrap_or_else(|_| top.to_path_buf());
            command.push_str(&format!(" --repo {}", install::quote_str(&top.display().to_string())));
            install::hooks_dir(&repo)
        }
    };
    Ok((install::Target::in_dir(dir, kind), command))
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
    find_policy(common, repo, false)
}

/// The policy the command that reads it finds (`server`: the pre-receive hook).
fn find_policy(common: &Common, repo: Option<&gix::Repository>, server: bool) -> Result<Policy, PolicyError> {
    Discovery {
        flag: common.policy.clone(),
        repo,
        server,
    }
    .load()
}

/// A TOML value as JSON (dates as strings).
fn toml_to_json(value: toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        toml::Value::String(s) => J::String(s),
        toml::Value::Integer(i) => J::from(i),
        toml::Value::Float(f) => J::from(f),
        toml::Value::Boolean(b) => J::Bool(b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => J::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect()),
    }
}

/// The manual page, with an EXIT STATUS section before the version.
fn man_page(page: clap::Command, out: &mut dyn Write) -> io::Result<()> {
    let options = page.get_arguments().any(|a| !a.is_hide_set());
    let subcommands = page.get_subcommands().any(|c| !c.is_hide_set());
    let extra = page.get_after_long_help().is_some() || page.get_after_help().is_some();
    let man = clap_mangen::Man::new(page);
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    if options {
        man.render_options_section(out)?;
    }
    if subcommands {
        man.render_subcommands_section(out)?;
    }
    out.write_all(
        concat!(
            ".SH \"EXIT STATUS\"\n",
            ".TP\n0\nNothing at a failing level (or mode = \"evaluate\").\n",
            ".TP\n1\nFindings at a failing level: the check, push or commit fails.\n",
            ".TP\n2\nA usage error (an unknown or inapplicable option, a bad revision) or an invalid policy or baseline file.\n",
            ".TP\n3\nThe repository could not be read, or an internal error.\n",
        )
        .as_bytes(),
    )?;
    if extra {
        man.render_extra_section(out)?;
    }
    man.render_version_section(out)
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

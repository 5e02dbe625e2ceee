//! `pushgate audit --fleet`: the audit over many repositories, one result file each; and
//! `pushgate report merge`: those results in one ranked report.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::{Context, Status};
use crate::error::Error;
use crate::fleet::run::{self, duration};
use crate::fleet::{Shard, discover};
use crate::report;
use crate::util::sanitize;

/// Which fleet, which part of it, and how to audit it.
#[derive(Debug, Clone)]
pub struct Options {
    /// A list file (`-`: standard input) or a folder of repositories.
    pub fleet: PathBuf,
    /// This machine's part.
    pub shard: Shard,
    /// How to audit each repository, and where the results go.
    pub run: run::Options,
    /// Only list the repositories the run would audit, one path a line on the output.
    pub dry_run: bool,
}

/// A path for a message.
fn show(path: &Path) -> String {
    sanitize(path.as_os_str().as_encoded_bytes())
}

/// Audit every repository of `options.fleet` in `options.shard` that has no `ok` result yet
/// (or, for a dry run, list their paths on `out`); say on `err` what is skipped, each
/// repository as it ends, and the counts. The status is `Pass` once every repository has a
/// result, `ok` or `failed`: a failure is the fleet's news, which `report merge` reports, not
/// the run's.
pub fn audit(
    context: &Context,
    options: Options,
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Status, Error> {
    // A policy the children would all refuse is the user's to fix before anything runs.
    context.policy(None, false)?;
    let began = Instant::now();
    let mut warnings = Vec::new();
    let members = discover::members(&options.fleet, stdin, &mut warnings)?;
    for warning in warnings {
        writeln!(err, "pushgate: warning: {warning}")?;
    }
    if members.is_empty() {
        return Err(Error::Usage(format!(
            "--fleet {}: no repository there (a list names one path a line; a folder holds bare repositories or work trees)",
            show(&options.fleet)
        )));
    }
    let total = members.len();
    let mine: Vec<_> = members.into_iter().filter(|m| options.shard.holds(m)).collect();
    let held = mine.len();
    let plan = run::plan(mine, &options.run);
    let whole = format!(
        "fleet of {total} repositor{} {}",
        if total == 1 { "y" } else { "ies" },
        if options.fleet.as_os_str() == "-" {
            "from standard input".to_owned()
        } else {
            format!("in {}", show(&options.fleet))
        }
    );
    let part = if options.shard.count > 1 {
        format!("; shard {} holds {held}", options.shard)
    } else {
        String::new()
    };
    let failed_before = if plan.failed_before > 0 {
        format!(", {} failed before (--skip-failed)", plan.failed_before)
    } else {
        String::new()
    };
    let timeout = options
        .run
        .timeout
        .map(|t| format!(", at most {} each", duration(t)))
        .unwrap_or_default();
    let pace = if options.dry_run {
        " (a dry run: their paths follow on the output)".to_owned()
    } else {
        format!(", {} at a time{timeout}", options.run.jobs)
    };
    writeln!(
        err,
        "pushgate: {whole}{part}: {} already audited{failed_before}, {} to audit{pace}",
        plan.done,
        plan.todo.len(),
    )?;
    if options.dry_run {
        for member in &plan.todo {
            writeln!(out, "{}", show(&member.path))?;
        }
        return Ok(Status::Pass);
    }
    let counts = run::execute(plan.todo, &options.run, err)?;
    writeln!(
        err,
        "pushgate: audited {} in {}: {} ok, {} failed; {} skipped; results in {}",
        counts.ok + counts.failed,
        duration(began.elapsed()),
        counts.ok,
        counts.failed,
        plan.done + plan.failed_before,
        show(&options.run.results)
    )?;
    Ok(Status::Pass)
}

/// Merge the results in `folder` into one report on `out`; name on `err` the files that are
/// no result. The status is `Pass` whatever the repositories' findings or failures.
pub fn merge(
    folder: &Path,
    options: &report::Options,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Status, Error> {
    if !report::merge::FORMATS.contains(&options.format) {
        let names: Vec<&str> = report::merge::FORMATS.iter().map(|f| f.name()).collect();
        return Err(Error::Usage(format!(
            "`pushgate report merge` writes {}, not {}",
            names.join(", "),
            options.format.name()
        )));
    }
    let merged = crate::fleet::merge::read(folder)?;
    for skipped in &merged.skipped {
        writeln!(
            err,
            "pushgate: warning: {} is not read: {}",
            sanitize(folder.join(&skipped.file).as_os_str().as_encoded_bytes()),
            sanitize(skipped.reason.as_bytes())
        )?;
    }
    report::merge::render(out, &merged, options)?;
    Ok(Status::Pass)
}

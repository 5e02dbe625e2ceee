//! `pushgate audit`: the whole repository, with what each misuse costs and a fix plan.

use std::io::Write;
use std::path::PathBuf;

use super::{Status, load_baseline, record_and_apply};
use crate::error::Error;
use crate::policy::Policy;
use crate::progress::Progress;
use crate::report;

/// What to audit and how to report it.
#[derive(Debug, Default)]
pub struct Options {
    /// Also read objects no ref reaches.
    pub include_unreachable: bool,
    /// Leave out what this baseline records.
    pub baseline: Option<PathBuf>,
    /// Record today's findings here.
    pub write_baseline: Option<PathBuf>,
    /// How to render the report.
    pub report: report::Options,
}

/// Audit `repo` under `policy`; render to `out`, say what files were written on `err`.
pub fn audit(
    repo: &gix::Repository,
    policy: &Policy,
    options: Options,
    progress: &dyn Progress,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Status, Error> {
    let baseline = load_baseline(options.baseline.as_deref())?;
    let reading = crate::audit::Options {
        include_unreachable: options.include_unreachable,
    };
    let mut audit = crate::audit::audit(repo, policy, reading, progress)?;
    record_and_apply(
        &mut audit.outcome,
        repo,
        options.write_baseline.as_deref(),
        baseline.as_ref(),
        true,
        err,
    )?;
    // Offenders, shares and the plan follow what the baseline left.
    if baseline.is_some() {
        audit.reconcile();
    }
    report::audit::render(out, &audit, policy, &options.report)?;
    Ok(Status::of(audit.outcome.fails(policy)))
}

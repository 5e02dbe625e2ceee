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
    let mut draft = crate::audit::audit(repo, policy, reading, progress)?;
    if let Some((facts, walk_ms)) = draft.take_facts()
        && let Some(notice) = keep_facts(repo, policy, facts, walk_ms)
    {
        draft.audit.outcome.notices.push(notice);
    }
    record_and_apply(
        &mut draft.audit.outcome,
        repo,
        options.write_baseline.as_deref(),
        baseline.as_ref(),
        true,
        err,
    )?;
    // Offenders, shares and the plan follow what the baseline left.
    if baseline.is_some() {
        draft.reconcile();
    }
    let audit = draft.audit;
    report::render_audit(out, &audit, policy, &options.report)?;
    // Writing a baseline accepts what the audit found: the run succeeded when it wrote it.
    if options.write_baseline.is_some() {
        return Ok(Status::Pass);
    }
    Ok(Status::of(audit.outcome.fails(policy)))
}

/// Write what the audit read as the facts store of a server (a bare repository) or of a
/// repository that keeps one already (`pushgate index` made it); a notice when it cannot be
/// written. A clone without a store is left without one.
fn keep_facts(
    repo: &gix::Repository,
    policy: &Policy,
    facts: crate::history::Facts,
    walk_ms: u64,
) -> Option<crate::outcome::Notice> {
    if !repo.is_bare() && !crate::index::location(repo, policy).exists() {
        return None;
    }
    let e = crate::index::save(repo, policy, facts, walk_ms).err()?;
    Some(crate::outcome::Notice {
        kind: crate::outcome::NoticeKind::FactsStore,
        message: format!(
            "the facts store was not written ({e}); pushes are judged with a look-back window until `pushgate index` writes it"
        ),
        path: None,
        blob: None,
    })
}

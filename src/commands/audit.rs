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
    let store = store_of(repo, policy);
    let keep = |facts, walk_ms| keep_facts(store.as_deref()?, policy, facts, walk_ms);
    let mut draft = crate::audit::audit_keeping(repo, policy, reading, progress, Some(&keep))?;
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

/// Where the audit writes what it read as the facts store: in a server (a bare repository) or
/// a repository that keeps one already (`pushgate index` made it). A clone without a store is
/// left without one.
fn store_of(repo: &gix::Repository, policy: &Policy) -> Option<std::path::PathBuf> {
    let path = crate::index::location(repo, policy);
    (repo.is_bare() || path.exists()).then_some(path)
}

/// Write the facts store at `path`; a notice when it cannot be written.
fn keep_facts(
    path: &std::path::Path,
    policy: &Policy,
    facts: crate::history::Facts,
    walk_ms: u64,
) -> Option<crate::outcome::Notice> {
    let e = crate::index::save_to(path, policy, facts, walk_ms).err()?;
    Some(crate::outcome::Notice {
        kind: crate::outcome::NoticeKind::FactsStore,
        message: format!(
            "the facts store was not written ({e}); pushes are judged with a look-back window until `pushgate index` writes it"
        ),
        path: None,
        blob: None,
    })
}

//! `pushgate scan`: check what a revision range introduces.

use std::io::Write;
use std::path::PathBuf;

use super::{Status, findings_format, load_baseline, record_and_apply};
use crate::error::Error;
use crate::outcome::Mode;
use crate::outcome::{Notice, NoticeKind};
use crate::policy::{OnShallow, Policy};
use crate::progress::Progress;
use crate::range::Range;
use crate::report;

/// What to scan and how to report it.
#[derive(Debug, Default)]
pub struct Options {
    /// Revisions as `git rev-list` takes them; none (and not `all`): what HEAD adds to its
    /// upstream.
    pub revisions: Vec<String>,
    /// Every ref and HEAD.
    pub all: bool,
    /// Take the range from this CI environment instead.
    pub ci: Option<crate::ci::Env>,
    /// Leave out what this baseline records.
    pub baseline: Option<PathBuf>,
    /// Record the findings (before any baseline) here.
    pub write_baseline: Option<PathBuf>,
    /// How to render the report.
    pub report: report::Options,
}

/// Scan the range `options` name in `repo` under `policy`; render to `out`, explain choices
/// and files written on `err`.
pub fn scan(
    repo: &gix::Repository,
    policy: &Policy,
    options: Options,
    progress: &dyn Progress,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Status, Error> {
    findings_format(options.report.format, "scan")?;
    let baseline = load_baseline(options.baseline.as_deref())?;
    let mut shallow = None;
    let range = match &options.ci {
        Some(env) => {
            let plan = crate::ci::plan(repo, env);
            for line in &plan.explanation {
                writeln!(err, "pushgate: {}", crate::util::sanitize(line.as_bytes()))?;
            }
            if policy.file.ci.on_shallow == OnShallow::Fail
                && let Some(shallow) = &plan.shallow
                && let Some(unchecked) = &shallow.unchecked
            {
                let lacks = format!("this shallow clone lacks commits of the range ({unchecked})");
                if policy.file.mode == Mode::Enforce {
                    let why = format!(
                        "FAIL ([ci] on_shallow = \"fail\"): {lacks}, so nothing was checked; {}",
                        shallow.fetch_hint
                    );
                    writeln!(err, "pushgate: {}", crate::util::sanitize(why.as_bytes()))?;
                    return Ok(Status::Fail);
                }
                let why = format!(
                    "would fail ([ci] on_shallow = \"fail\"), but mode = \"evaluate\": {lacks}; checking what it holds"
                );
                writeln!(err, "pushgate: {}", crate::util::sanitize(why.as_bytes()))?;
            }
            shallow = plan.shallow;
            plan.range?
        }
        None if options.revisions.is_empty() && !options.all => {
            // No revision: what HEAD adds to its upstream, as `git push` would send it.
            let (upstream, name) = crate::range::upstream_range(repo)?;
            writeln!(
                err,
                "pushgate: no revision given; checking what HEAD adds to its upstream {name} (@{{upstream}}..HEAD)"
            )?;
            Range::parse(repo, &upstream, false)?
        }
        None => Range::parse(repo, &options.revisions, options.all)?,
    };
    let tips: Vec<gix::ObjectId> = range
        .tips
        .iter()
        .filter(|t| t.kind == crate::range::TipKind::Commit)
        .map(|t| t.id)
        .collect();
    let (basis, unused) = crate::index::basis_for_range(repo, policy, &tips);
    let mut outcome = crate::scan::run_with(repo, policy, crate::scan::Input::Range(&range), basis, progress)?;
    outcome.notices.extend(unused);
    if let Some(shallow) = shallow {
        outcome.notices.push(Notice {
            kind: NoticeKind::HistoryTruncated,
            message: crate::util::sanitize(shallow.notice().as_bytes()),
            path: None,
            blob: None,
        });
    }
    progress.finish();
    let whole = options.all && range.is_whole_history();
    record_and_apply(
        &mut outcome,
        repo,
        options.write_baseline.as_deref(),
        baseline.as_ref(),
        whole,
        err,
    )?;
    report::render(out, &outcome, policy, &options.report)?;
    Ok(Status::of(outcome.fails(policy)))
}

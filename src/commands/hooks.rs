//! The hooks as commands: `pre-receive` (the server), `pre-push` (a clone, before sending),
//! `pre-commit` (the files staged for a commit).

use std::io::{Read, Write};
use std::path::PathBuf;

use super::{Context, Status, load_baseline, record_and_apply};
use crate::error::{Error, exit};
use crate::hook::{self, HookEnv, pre_push, pre_receive};
use crate::policy::Policy;
use crate::report;

/// Standard input of a hook, bounded: git never writes more than [`hook::input::MAX_INPUT`].
fn read_bounded(stdin: &mut dyn Read) -> Result<Vec<u8>, Error> {
    let mut input = Vec::new();
    stdin
        .take(hook::input::MAX_INPUT + 1)
        .read_to_end(&mut input)
        .map_err(|source| Error::File {
            what: "reading the hook's standard input".into(),
            source,
        })?;
    if input.len() as u64 > hook::input::MAX_INPUT {
        return Err(Error::Usage(format!(
            "the hook's standard input is larger than {} MiB; git never writes that much",
            hook::input::MAX_INPUT >> 20
        )));
    }
    Ok(input)
}

/// Judge the push git describes on `stdin`, as the server's `pre-receive` hook, and tell the
/// pusher on `err`. The server reads its own policy (`$GIT_DIR/pushgate.toml` first): a
/// server whose policy or baseline is broken rejects every push (exit 2) rather than let
/// pushes through unchecked.
pub fn pre_receive(
    context: &Context,
    baseline: Option<PathBuf>,
    mut env: HookEnv,
    stdin: &mut dyn Read,
    err: &mut dyn Write,
) -> Result<Status, Error> {
    let repo = context.open()?;
    // The facts store is read while the policy is compiled and the push walked.
    env.read_ahead = Some(crate::index::ReadAhead::start(&repo));
    let reject = |what: &str, e: &dyn std::fmt::Display, err: &mut dyn Write| {
        let text = format!("pushgate: the server's {what} is invalid; push rejected\npushgate: {e}\n");
        err.write_all(&env.decorate(text.as_bytes()))?;
        Ok(Status::Exit(exit::USAGE))
    };
    let policy = match context.policy(Some(&repo), true) {
        Ok(policy) => policy,
        Err(e) => return reject("policy", &e, err),
    };
    let baseline = match load_baseline(baseline.as_deref()) {
        Ok(baseline) => baseline,
        Err(e) => return reject("baseline", &e, err),
    };
    let updates = hook::input::parse_pre_receive(&read_bounded(stdin)?, repo.object_hash())?;
    let git_dir = repo.git_dir().to_owned();
    let response = {
        let (env, policy, updates) = (env.clone(), policy.clone(), updates.clone());
        move || pre_receive::run(repo, &updates, &env, &policy, baseline.as_ref())
    };
    let push = hook::Push {
        git_dir: &git_dir,
        updates: &updates,
    };
    let response = hook::within_budget(&policy, &env, push, response);
    err.write_all(&response.message)?;
    Ok(Status::Exit(response.exit))
}

/// What `pre-push` is told and how it answers.
#[derive(Debug, Default)]
pub struct PrePush {
    /// The remote's name (or URL) as git passes it.
    pub remote: String,
    /// Leave out what this baseline records.
    pub baseline: Option<PathBuf>,
    /// ANSI colours in the answer.
    pub color: bool,
}

/// Judge what a push from `repo` would send (git's `pre-push` protocol on `stdin`), before
/// anything is sent; the answer goes to `err`.
pub fn pre_push(
    repo: &gix::Repository,
    policy: &Policy,
    options: PrePush,
    stdin: &mut dyn Read,
    err: &mut dyn Write,
) -> Result<Status, Error> {
    let baseline = load_baseline(options.baseline.as_deref())?;
    let stdin = read_bounded(stdin)?;
    let response = pre_push::run(repo, &options.remote, &stdin, policy, baseline.as_ref(), options.color)?;
    err.write_all(&response.message)?;
    Ok(Status::Exit(response.exit))
}

/// What `pre-commit` is told.
#[derive(Debug, Default)]
pub struct PreCommit {
    /// Leave out what this baseline records.
    pub baseline: Option<PathBuf>,
    /// Print nothing in text when the staged files pass with no finding and no notice.
    pub quiet: bool,
}

/// Check the files staged for a commit with the rules that judge one file; render to `out`.
pub fn pre_commit(
    repo: &gix::Repository,
    policy: &Policy,
    options: PreCommit,
    report: &report::Options,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Status, Error> {
    super::findings_format(report.format, "pre-commit")?;
    let baseline = load_baseline(options.baseline.as_deref())?;
    let staged = crate::staged::staged(repo)?;
    let files = staged.candidates.len();
    let mut outcome = crate::scan::run(
        repo,
        policy,
        crate::scan::Input::Staged(staged.candidates),
        &crate::progress::Silent,
    )?;
    record_and_apply(&mut outcome, repo, None, baseline.as_ref(), false, err)?;
    let clean = outcome.findings.is_empty() && outcome.notices.is_empty();
    match report.format {
        report::Format::Text if clean && options.quiet => {}
        report::Format::Text => report::staged::render(out, &outcome, policy, report, files, staged.unborn)?,
        _ => report::render(out, &outcome, policy, report)?,
    }
    Ok(Status::of(outcome.fails(policy)))
}

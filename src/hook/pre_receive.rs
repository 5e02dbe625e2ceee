//! `pushgate pre-receive`: judge what a push adds to the server, before any ref moves.
//!
//! Deletions pass. For every other ref in the policy's `[refs]` scope, the new value is peeled
//! (tags of commits, trees or blobs) and walked back to what the refs the policy checks
//! already reach (see [`super::reach`]): every entry those commits add or change is judged at
//! its path, whether or not the server stored its object before. Refs outside the scope never
//! count as judged, so what a push to them brings is judged when a checked ref reaches it. In
//! a quarantined push the refs are still their old values; run by hand (no quarantine), the
//! pushed refs count by the old values on standard input.

use std::collections::HashSet;
use std::path::Path;

use gix::ObjectId;
use gix::bstr::BString;

use super::bypass::{self, Decision};
use super::input::HookError;
use super::input::RefUpdate;
use super::store::PushStore;
use super::{HookEnv, Response, reach, ref_in_scope};
use crate::baseline::Baseline;
use crate::outcome::{Bypass, Judgement, Outcome, Verdict};
use crate::policy::Policy;
use crate::range::{self, Tip};
use crate::repo::RepoError;
use crate::report::push;
use crate::scan;
use crate::walk::Old;

/// Judge the ref `updates` of a push (see [`super::input::parse_pre_receive`]) in `repo`,
/// leaving out findings `baseline` records. The server reports no stale baseline entries: its
/// pushers cannot change the baseline, and a baseline may name objects not pushed yet
/// (`scan --all` or the audit on the server reports them).
pub(crate) fn run(
    repo: gix::Repository,
    updates: &[RefUpdate],
    env: &HookEnv,
    policy: &Policy,
    baseline: Option<&Baseline>,
) -> Result<Response, HookError> {
    let store = PushStore::open(repo, env.quarantine.as_deref(), &env.alternates)?;
    let repo = &store.repo;

    let mut tips: Vec<Tip> = Vec::new();
    let mut skipped: Vec<BString> = Vec::new();
    for update in updates {
        let Some(new) = update.new else { continue };
        if !ref_in_scope(policy, &update.name) {
            skipped.push(update.name.clone());
            continue;
        }
        tips.push(range::classify(repo, new, update.name.clone()).map_err(|e| match e {
            range::RangeError::Repo(e) => e,
            other => RepoError::read(format!("reading {}", crate::util::sanitize(&update.name)), other),
        })?);
    }

    // The store is read only when the push touches a path that can be a subject; caught up,
    // it is written after the hook (or, rebuilt, while the push is judged, waited for on return).
    let mut history: Option<String> = None;
    let mut _saving = crate::index::Saving::default();
    let mut load = || match facts_before_push(repo, policy, env) {
        Ok((facts, saving)) => {
            _saving = saving;
            Some(facts)
        }
        Err(why) => {
            history = Some(why);
            None
        }
    };
    let mut brought_commits: HashSet<ObjectId> = HashSet::new();
    let mut outcome = if tips.is_empty() {
        Outcome::default()
    } else {
        let in_scope = |name: &[u8]| ref_in_scope(policy, name);
        let commits: Vec<ObjectId> = tips
            .iter()
            .filter(|t| t.kind == range::TipKind::Commit)
            .map(|t| t.id)
            .collect();
        let stored = |id: &gix::oid| store.is_quarantined() && store.was_stored(id);
        let pushed: HashSet<&[u8]> = updates.iter().map(|u| u.name.as_slice()).collect();
        let olds: Vec<ObjectId> = updates
            .iter()
            .filter(|u| in_scope(&u.name))
            .filter_map(|u| u.old)
            .collect();
        let brought = if store.is_quarantined() {
            // The refs are still their old values.
            let checked = || reach::checked_refs(repo, in_scope, |_| false);
            reach::unjudged(repo, &commits, &olds, &checked, Some(&stored))?
        } else {
            let checked = || {
                let mut ids = reach::checked_refs(repo, in_scope, |name| pushed.contains(name))?;
                ids.extend(&olds);
                Ok(ids)
            };
            reach::unjudged(repo, &commits, &olds, &checked, None)?
        };
        let judged = |id: &gix::oid| !brought.commits.contains(id);
        let outcome = scan::run_with(
            repo,
            policy,
            scan::Input::Refs {
                tips: &tips,
                old: Old::Judged {
                    judged: &judged,
                    stored: &stored,
                },
                whole_history: !brought.based,
            },
            scan::Basis::Deferred(&mut load),
            &crate::progress::Silent,
        )?;
        brought_commits = brought.commits;
        outcome
    };
    if let Some(baseline) = baseline {
        baseline.suppress(&mut outcome);
    }
    let new = |id: &gix::oid| brought_commits.contains(id);
    Ok(judge(
        repo,
        &tips,
        &new,
        updates,
        &skipped,
        &outcome,
        env,
        policy,
        store.incoming(),
        history.as_deref(),
    ))
}

/// The facts the push is judged with: the facts store, brought up to date with the refs as
/// they are before the push, within the hook's time budget; or, without them, why not (the
/// history-aware rules then read the look-back window, and the summary line says so).
fn facts_before_push(
    repo: &gix::Repository,
    policy: &Policy,
    env: &HookEnv,
) -> Result<(crate::history::Facts, crate::index::Saving), String> {
    let deadline = env
        .budget(policy)
        .map(|budget| env.started.unwrap_or_else(std::time::Instant::now) + budget);
    crate::index::before_push(repo, policy, deadline, env.writer.as_deref(), env.read_ahead.as_ref())
}

/// Decide and word the answer: reject, warn, bypass or evaluate.
#[allow(clippy::too_many_arguments)]
fn judge(
    repo: &gix::Repository,
    tips: &[Tip],
    new: &dyn Fn(&gix::oid) -> bool,
    updates: &[RefUpdate],
    skipped: &[BString],
    outcome: &Outcome,
    env: &HookEnv,
    policy: &Policy,
    received: Option<usize>,
    history: Option<&str>,
) -> Response {
    let git_dir = repo.git_dir();
    let mut judgement = Judgement::of(outcome, policy);
    let mut notes = Vec::new();
    let mut bypass_log = None;
    let decision = bypass::decide(policy, env);
    match &decision {
        Decision::NotAsked => {}
        Decision::Refused(why) => notes.push(format!("bypass refused: {why}")),
        Decision::Granted { .. } if !judgement.fails() => {
            notes.push("bypass requested, but nothing needed it; nothing logged".into());
        }
        Decision::Granted { user, reason } => {
            let record = bypass::Record {
                event: "bypass",
                user: user.as_deref(),
                reason: Some(reason),
                error: None,
                refs: updates,
                findings: &judgement.failing,
            };
            match log(git_dir, &policy.file.bypass.log, &record) {
                Ok(()) => {
                    judgement.grant(Bypass {
                        user: user.clone(),
                        reason: reason.clone(),
                    });
                    bypass_log = Some(policy.file.bypass.log.clone());
                }
                Err(e) => notes.push(format!("bypass refused: the bypass log cannot be written ({e})")),
            }
        }
    }
    if judgement.verdict == Verdict::WouldFail {
        let record = bypass::Record {
            event: "evaluate",
            user: bypass::known_user(env),
            reason: None,
            error: None,
            refs: updates,
            findings: &judgement.failing,
        };
        if let Err(e) = log(git_dir, &policy.file.hook.evaluate_log, &record) {
            notes.push(format!("the evaluate log cannot be written ({e})"));
        }
    }
    let exit = u8::from(judgement.fails());
    let bases: Vec<(BString, Option<ObjectId>)> = updates.iter().map(|u| (u.name.clone(), u.old)).collect();
    // A refused bypass is not offered again, nor one the policy cannot grant.
    let hint = (bypass::possible(policy) && !matches!(decision, Decision::Refused(_))).then(|| {
        format!(
            "to push anyway, if you may: git push -o {}=\"<reason>\"",
            bypass::OPTION
        )
    });
    let origins = if judgement.fails() {
        super::origins::origins(repo, &judgement, tips, new)
    } else {
        super::origins::Origins::default()
    };
    let warnings = bypass::unknown_options(env);
    let context = push::Context {
        color: false,
        bases: &bases,
        skipped,
        judgement: &judgement,
        origins: &origins,
        warnings: &warnings,
        notes: &notes,
        hint: hint.as_deref(),
        bypass_log: bypass_log.as_deref(),
        received,
        history,
    };
    let mut text = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = push::render(&mut text, outcome, policy, &context);
    Response {
        exit,
        message: env.decorate(&text),
    }
}

/// Append a record to a log the policy names (relative to the git directory); "" logs nothing.
pub(super) fn log(git_dir: &Path, name: &str, record: &bypass::Record<'_>) -> Result<(), String> {
    if name.is_empty() {
        return Ok(());
    }
    bypass::append(git_dir, name, record)
        .map(|_| ())
        .map_err(|e| format!("{}: {e}", git_dir.join(name).display()))
}

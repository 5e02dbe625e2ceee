//! `pushgate pre-push <remote> <url>`: judge what a push would send, before anything is sent.
//!
//! What the remote has is the pushed refs' remote values plus everything under
//! `refs/remotes/<remote>/`; what is new is what the local values add to that.

use std::collections::HashSet;

use gix::ObjectId;
use gix::bstr::BString;

use super::input;
use super::input::HookError;
use super::{Response, ref_in_scope};
use crate::baseline::Baseline;
use crate::outcome::Judgement;
use crate::policy::Policy;
use crate::range::{self, Tip, TipKind};
use crate::repo::RepoError;
use crate::report::push;
use crate::scan;
use crate::walk::Old;

/// Commits of a rejected push read to tell the new ones from what the remote has.
const NEW_COMMITS_READ: usize = 100_000;

/// Judge the push git describes on `stdin` from `repo` to `remote`, leaving out findings
/// `baseline` records (and noting its stale entries).
pub(crate) fn run(
    repo: &gix::Repository,
    remote: &str,
    stdin: &[u8],
    policy: &Policy,
    baseline: Option<&Baseline>,
    color: bool,
) -> Result<Response, HookError> {
    let updates = input::parse_pre_push(stdin, repo.object_hash())?;

    let mut tips: Vec<Tip> = Vec::new();
    let mut skipped = Vec::new();
    for update in &updates {
        let Some(local) = update.local else { continue };
        if !ref_in_scope(policy, &update.remote_ref) {
            skipped.push(update.remote_ref.clone());
            continue;
        }
        tips.push(
            range::classify(repo, local, update.remote_ref.clone()).map_err(|e| match e {
                range::RangeError::Repo(e) => e,
                other => RepoError::read(format!("reading {}", crate::util::sanitize(&update.local_ref)), other),
            })?,
        );
    }

    let mut known: Vec<ObjectId> = updates.iter().filter_map(|u| u.remote).collect();
    // git passes the remote's name, or the URL when pushing to one directly: a URL has no
    // remote-tracking refs (and is no valid ref name).
    let prefix = format!("refs/remotes/{remote}/");
    let platform = repo.references().map_err(|e| RepoError::read("reading refs", e))?;
    if let Ok(tracking) = platform.prefixed(prefix.as_str()) {
        for r in tracking {
            let r = r.map_err(|e| RepoError::read("reading refs", e))?;
            if let Some(id) = r.try_id() {
                known.push(id.detach());
            }
        }
    }
    let mut seen = HashSet::new();
    let hidden: Vec<ObjectId> = known
        .into_iter()
        .filter(|id| seen.insert(*id) && repo.has_object(id))
        .filter_map(|id| range::classify(repo, id, BString::default()).ok())
        .filter(|t| t.kind == TipKind::Commit)
        .map(|t| t.id)
        .collect();

    let pushed: Vec<ObjectId> = tips
        .iter()
        .filter(|t| t.kind == TipKind::Commit)
        .map(|t| t.id)
        .collect();
    let (basis, unused) = crate::index::basis_for_range(repo, policy, &pushed);
    let mut outcome = scan::run_with(
        repo,
        policy,
        scan::Input::Refs {
            tips: &tips,
            old: Old::Reachable(&hidden),
            whole_history: hidden.is_empty(),
        },
        basis,
        &crate::progress::Silent,
    )?;
    outcome.notices.extend(unused);
    if let Some(baseline) = baseline {
        baseline.apply(&mut outcome, repo, false);
    }
    let judgement = Judgement::of(&outcome, policy);
    let origins = if judgement.fails() {
        // The commits the push brings: what the pushed tips reach and the other side lacks.
        let new: HashSet<ObjectId> = repo
            .rev_walk(pushed.iter().copied())
            .with_hidden(hidden.iter().copied())
            .all()
            .map(|walk| {
                walk.filter_map(Result::ok)
                    .take(NEW_COMMITS_READ)
                    .map(|info| info.id)
                    .collect()
            })
            .unwrap_or_default();
        super::origins::origins(repo, &judgement, &tips, &|id| new.contains(id))
    } else {
        super::origins::Origins::default()
    };
    let bases: Vec<(BString, Option<ObjectId>)> = updates.iter().map(|u| (u.remote_ref.clone(), u.remote)).collect();
    let context = push::Context {
        color,
        bases: &bases,
        skipped: &skipped,
        judgement: &judgement,
        origins: &origins,
        warnings: &[],
        notes: &[],
        hint: Some("to push anyway: git push --no-verify"),
        bypass_log: None,
        received: None,
        history: None,
    };
    let mut message = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = push::render(&mut message, &outcome, policy, &context);
    Ok(Response {
        exit: u8::from(judgement.fails()),
        message,
    })
}

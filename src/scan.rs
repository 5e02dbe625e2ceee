//! A scan: what a revision range, a push or a set of staged files brings, judged by the rules.
//! [`run`] is the one entry point; the [`engine`] module does the work.

use std::time::Instant;

use crate::candidate::Candidate;
use crate::engine::{self, Inspector, Past, Reading};
use crate::history::Facts;
use crate::outcome::{Notice, NoticeKind, Outcome};
use crate::policy::Policy;
use crate::progress::Progress;
use crate::range::{Range, Tip};
use crate::repo::RepoError;
use crate::walk::{Old, Walked};

/// What a scan reads.
pub enum Input<'a> {
    /// The objects a revision range introduces (`pushgate scan`).
    Range(&'a Range),
    /// What each ref's tip adds to `old`, with findings attributed to the ref (the tip's
    /// name); a blob two refs bring is reported under the first (the hooks).
    Refs {
        /// The pushed tips.
        tips: &'a [Tip],
        /// What the other side has already.
        old: Old<'a>,
        /// The walk covers histories from their roots, not what commits add to others, so the
        /// range-wide `history-growth` rule does not apply.
        whole_history: bool,
    },
    /// Blobs no commit holds yet (the files staged for a commit), judged by the rules that
    /// judge one file, and the exemptions; exemptions that match none of these few files are
    /// not reported.
    Staged(Vec<Candidate>),
}

/// What the history-aware rules judge the input's paths against.
#[derive(Default)]
pub(crate) enum Basis<'a> {
    /// The look-back window behind the input's tips (the server hook without a facts store).
    #[default]
    Window,
    /// The whole history behind the input's tips, of the paths it touches (a range or a clone's
    /// push without a facts store); a range that hides nothing is its own whole history.
    Paths,
    /// The facts of the whole history, the input's commits among them (a clone's facts store,
    /// brought up to date).
    Whole(Box<Facts>),
    /// The facts of the history before the input's commits (a server's facts store, before a
    /// push), to which the input's commits are added, read only once the input touches a path
    /// that can be a subject (a push of source code never reads the store); `None` from the
    /// loader: the look-back window instead.
    Deferred(&'a mut dyn FnMut() -> Option<Facts>),
}

impl std::fmt::Debug for Basis<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self {
            Basis::Window => "Window",
            Basis::Paths => "Paths",
            Basis::Whole(_) => "Whole",
            Basis::Deferred(_) => "Deferred",
        };
        f.write_str(name)
    }
}

/// Scan `input` under `policy`, counting commits and blobs on `progress` as it goes; the
/// history-aware rules read the look-back window.
pub fn run(
    repo: &gix::Repository,
    policy: &Policy,
    input: Input<'_>,
    progress: &dyn Progress,
) -> Result<Outcome, RepoError> {
    run_with(repo, policy, input, Basis::Window, progress)
}

/// [`run`], with the history-aware rules judging against `basis`.
pub(crate) fn run_with(
    repo: &gix::Repository,
    policy: &Policy,
    input: Input<'_>,
    basis: Basis<'_>,
    progress: &dyn Progress,
) -> Result<Outcome, RepoError> {
    let started = Instant::now();
    let record = matches!(basis, Basis::Deferred(_));
    let paths = matches!(basis, Basis::Paths);
    let (whole, mut before, mut deferred) = match basis {
        Basis::Window | Basis::Paths => (None, None, None),
        Basis::Whole(facts) => (Some(facts), None, None),
        Basis::Deferred(load) => (None, None, Some(load)),
    };
    // Each input is concluded once; deferred facts are read when it touches a possible subject.
    let mut past = |tips, touches: bool| {
        if touches && before.is_none() {
            before = deferred.take().and_then(|load| load());
        }
        match (&whole, before.take()) {
            (Some(facts), _) => Past::Whole(facts),
            (None, Some(facts)) => Past::Before(Box::new(facts)),
            (None, None) if paths => Past::Paths(tips),
            (None, None) => Past::Window(tips),
        }
    };
    match input {
        Input::Range(range) => {
            let whole = range.is_whole_history();
            // A whole history judged without a facts store is its own: the walk records it.
            let own = whole && paths;
            let walk = |walker: &mut crate::walk::Walker<'_, engine::OnBlob<'_>>| {
                if own {
                    walker.record_changes();
                }
                walker.walk(&range.tips, &Old::Reachable(&range.hidden), None)
            };
            // Nothing hidden: whole histories, read as the audit reads them (sizes from the
            // pack statistics; a version stored as a delta keeps its path's kind), so that one
            // way of reading them is tuned.
            let (walked, tips, mut inspected) = if whole {
                let large = policy.file.rules.deep_delta_chain.min_size.0;
                let packs = Some((large, 0));
                let (walked, tips, inspected, _) =
                    engine::inspect_walk_with_packs(repo, policy, progress, Reading::Whole, packs, walk)?;
                (walked, tips, inspected)
            } else {
                engine::inspect_walk(repo, policy, progress, Reading::Exact, walk)?
            };
            // A shallow clone's oldest commits: every file of their trees, by the rules that
            // judge one file (no history subject, no growth: what they added cannot be told).
            let held = inspect_trees(repo, policy, &range.roots, progress)?;
            let held_growth = held.as_ref().map(|h| (h.growth.blobs, h.growth.bytes));
            if let Some(mut held) = held {
                held.touched.clear();
                held.growth = Default::default();
                inspected.absorb(held);
            }
            progress.steps("history", 1, "reading the history of candidate paths");
            let own = own.then(|| {
                let mut facts = Facts::new(repo.object_hash());
                facts.extend(&walked.commits, walked.recorded.as_ref(), Some(&inspected.sizes));
                facts.truncated = !walked.truncated.is_empty();
                facts
            });
            let past = match &own {
                Some(facts) => Past::Whole(facts),
                None => past(&tips, !inspected.touched.is_empty()),
            };
            let mut outcome = engine::conclude(repo, policy, whole, &walked, inspected, past, started)?;
            crate::rules::at_tips(repo, &tips, false, &mut outcome.findings)?;
            outcome.summary.recount(&outcome.findings);
            if let Some((blobs, bytes)) = held_growth {
                outcome.summary.commits += range.roots.len() as u64;
                outcome.summary.blobs += blobs;
                outcome.summary.bytes = outcome.summary.bytes.saturating_add(bytes);
            }
            for (name, id) in &range.broken {
                outcome.notices.push(Notice {
                    kind: NoticeKind::BrokenRef,
                    message: format!(
                        "{} points at {id}, which is not in the repository; skipped",
                        crate::util::sanitize(name)
                    ),
                    path: None,
                    blob: Some(id.to_string()),
                });
            }
            Ok(outcome)
        }
        Input::Refs {
            tips,
            old,
            whole_history,
        } => {
            let (walked, walked_tips, inspected) =
                engine::inspect_walk(repo, policy, progress, Reading::Exact, |walker| {
                    if record {
                        walker.record_changes();
                    }
                    for tip in tips {
                        walker.walk(std::slice::from_ref(tip), &old, Some(tip.name.as_ref()))?;
                    }
                    Ok(())
                })?;
            let past = past(&walked_tips, !inspected.touched.is_empty());
            let mut outcome = engine::conclude(repo, policy, whole_history, &walked, inspected, past, started)?;
            crate::rules::at_tips(repo, &walked_tips, false, &mut outcome.findings)?;
            outcome.summary.recount(&outcome.findings);
            Ok(outcome)
        }
        Input::Staged(candidates) => {
            let mut inspector = Inspector::new(repo, policy);
            for candidate in candidates {
                inspector.inspect(candidate, progress)?;
            }
            let walked = Walked::default();
            let mut outcome = engine::conclude(
                repo,
                policy,
                true,
                &walked,
                inspector.into_inspected(),
                Past::Window(&[]),
                started,
            )?;
            outcome.notices.retain(|n| n.kind != NoticeKind::UnusedExemption);
            Ok(outcome)
        }
    }
}

/// Every blob of the trees of `roots` (commits whose parents are absent), read and judged by
/// the rules that judge one file; `None` without roots.
fn inspect_trees(
    repo: &gix::Repository,
    policy: &Policy,
    roots: &[gix::ObjectId],
    progress: &dyn Progress,
) -> Result<Option<engine::Inspected>, RepoError> {
    if roots.is_empty() {
        return Ok(None);
    }
    let mut inspector = Inspector::new(repo, policy);
    for &commit in roots {
        let context = || format!("reading the tree of {commit}");
        let tree = repo
            .find_commit(commit)
            .map_err(|e| RepoError::read(context(), e))?
            .tree()
            .map_err(|e| RepoError::read(context(), e))?;
        let mut recorder = gix::traverse::tree::Recorder::default();
        tree.traverse()
            .breadthfirst(&mut recorder)
            .map_err(|e| RepoError::read(context(), e))?;
        for entry in recorder.records {
            // Trees are walked into; a submodule's content lives in another repository.
            if !(entry.mode.is_blob() || entry.mode.is_link()) {
                continue;
            }
            let mut candidate = Candidate::new(entry.oid, entry.filepath, Some(commit), Some(tree.id), None);
            candidate.link = entry.mode.is_link();
            inspector.inspect(candidate, progress)?;
        }
    }
    Ok(Some(inspector.into_inspected()))
}

//! Which commits a push brings to the refs the policy checks.
//!
//! A push is judged by what its commits change on the checked refs, never by which objects it
//! uploads: the commits to judge are those reachable from a pushed tip and from no checked
//! ref. A commit that is already in the object database (pushed earlier to a ref outside
//! `[refs]`, left behind by a deleted branch, smuggled in under a name git refused, or lent by
//! a fork network's alternates) has not been judged for a checked ref until one reaches it.
//!
//! The answer is found cheaply in the usual case: walking back from the pushed tips through
//! the commits the push uploaded stops at stored commits, and when each of those is a checked
//! ref's tip, the uploaded commits are exactly the new ones. Otherwise the walk goes on by
//! commit time from the stored commits it reached and from every checked ref at once, as `git
//! rev-list <tips> --not <refs>` does, until nothing it still has to visit can be new.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};

use gix::ObjectId;

use crate::range::{self, TipKind};
use crate::repo::RepoError;
use crate::walk::graph::Graph;

/// The ids the refs `in_scope` accepts point at (peeled where packed-refs says what to),
/// leaving out those `skip` names.
pub(crate) fn checked_refs(
    repo: &gix::Repository,
    in_scope: impl Fn(&[u8]) -> bool,
    skip: impl Fn(&[u8]) -> bool,
) -> Result<Vec<ObjectId>, RepoError> {
    use gix::bstr::ByteSlice;
    let platform = repo.references().map_err(|e| RepoError::read("reading refs", e))?;
    let mut ids = Vec::new();
    for r in platform.all().map_err(|e| RepoError::read("reading refs", e))? {
        let r = r.map_err(|e| RepoError::read("reading refs", e))?;
        let name = r.name().as_bstr().as_bytes();
        if in_scope(name)
            && !skip(name)
            && let Some(id) = r.try_id()
        {
            // packed-refs keeps what an annotated tag peels to: no tag to read.
            ids.push(r.inner.peeled.unwrap_or_else(|| id.detach()));
        }
    }
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// What a push brings to the checked refs.
#[derive(Debug, Default)]
pub struct Brought {
    /// The commits reachable from the pushed tips and from no checked ref.
    pub commits: HashSet<ObjectId>,
    /// Whether they build on history a checked ref holds (otherwise they are whole histories
    /// of their own, as the first push into an empty repository).
    pub based: bool,
}

/// The commits reachable from `tips` and from none of the ref values `checked` lists (tags
/// not yet peeled). `hints` are values known to be checked refs' (the old values of the
/// pushed refs in scope): a push on top of one of them never lists the refs at all.
/// `stored` says which objects were in the repository before the push (a quarantined push);
/// without it every commit is walked by time.
pub fn unjudged(
    repo: &gix::Repository,
    tips: &[ObjectId],
    hints: &[ObjectId],
    checked: &dyn Fn() -> Result<Vec<ObjectId>, RepoError>,
    stored: Option<&dyn Fn(&gix::oid) -> bool>,
) -> Result<Brought, RepoError> {
    let Some(stored) = stored else {
        let checked = checked()?;
        return Ok(Brought {
            commits: paint(&mut Graph::new(repo)?, tips, &peel(repo, &checked))?,
            based: !checked.is_empty(),
        });
    };
    let mut graph = Graph::new(repo)?;
    // Uploaded commits cannot be reachable from a ref: the refs only name stored ones.
    let mut new = HashSet::new();
    let mut boundary = Vec::new();
    let mut visited = HashSet::new();
    let mut stack: Vec<ObjectId> = tips.to_vec();
    while let Some(id) = stack.pop() {
        if !visited.insert(id) {
            continue;
        }
        if stored(&id) {
            boundary.push(id);
            continue;
        }
        new.insert(id);
        stack.extend(graph.parents(id)?);
    }
    let based = !boundary.is_empty();
    boundary.retain(|id| !hints.contains(id));
    if boundary.is_empty() {
        return Ok(Brought { commits: new, based });
    }
    let checked = checked()?;
    boundary.retain(|id| !checked.contains(id));
    if boundary.is_empty() {
        return Ok(Brought { commits: new, based });
    }
    let peeled = peel(repo, &checked);
    let known: HashSet<ObjectId> = peeled.iter().copied().collect();
    boundary.retain(|id| !known.contains(id));
    if boundary.is_empty() {
        return Ok(Brought { commits: new, based });
    }
    let mut beyond = paint(&mut graph, &boundary, &peeled)?;
    beyond.extend(new);
    Ok(Brought { commits: beyond, based })
}

/// `ids` peeled to the commits they name; what is no commit (a tag of a tree or blob, an
/// object the repository lacks) is left out.
fn peel(repo: &gix::Repository, ids: &[ObjectId]) -> Vec<ObjectId> {
    let mut peeled: Vec<ObjectId> = ids
        .iter()
        .filter(|id| repo.has_object(id))
        .filter_map(|&id| range::classify(repo, id, Default::default()).ok())
        .filter(|t| t.kind == TipKind::Commit)
        .map(|t| t.id)
        .collect();
    peeled.sort();
    peeled.dedup();
    peeled
}

/// What is reachable from `from` and not from `hidden`, walking both sides newest first.
/// A commit reached from `from` long before the hidden side reaches it (a clock set far
/// wrong) may be counted as new: it is then judged once more, never skipped.
fn paint(graph: &mut Graph<'_>, from: &[ObjectId], hidden: &[ObjectId]) -> Result<HashSet<ObjectId>, RepoError> {
    let mut painter = Painter {
        graph,
        flags: HashMap::new(),
        queue: BinaryHeap::new(),
        pending: 0,
    };
    for &id in hidden {
        painter.mark(id, HIDDEN)?;
    }
    for &id in from {
        painter.mark(id, NEW)?;
    }
    // Once nothing new is queued, the hidden side walks on a little: a commit taken as new
    // because a clock ran backwards is then found judged after all (git's own walk does the
    // same).
    let mut slop = SLOP;
    while painter.pending > 0 || slop > 0 {
        let Some((_, Reverse(id), counted)) = painter.queue.pop() else {
            break;
        };
        if counted {
            painter.pending -= 1;
        }
        if painter.pending == 0 {
            slop -= 1;
        } else {
            slop = SLOP;
        }
        let flag = painter.flags.get(&id).copied().unwrap_or(0);
        let parents = painter.graph.parents(id)?;
        let pass = if flag & HIDDEN != 0 { HIDDEN } else { NEW };
        for p in parents {
            painter.mark(p, pass)?;
        }
    }
    Ok(painter
        .flags
        .into_iter()
        .filter(|&(_, f)| f == NEW)
        .map(|(id, _)| id)
        .collect())
}

/// How many commits the hidden side walks on once nothing new is queued.
const SLOP: usize = 16;

/// Reached from the pushed side.
const NEW: u8 = 1;
/// Reached from a checked ref.
const HIDDEN: u8 = 2;

/// The state of [`paint`].
struct Painter<'g, 'r> {
    /// Each commit's time and parents.
    graph: &'g mut Graph<'r>,
    flags: HashMap<ObjectId, u8>,
    /// Newest first; the flag says whether the entry counts in `pending`.
    queue: BinaryHeap<(i64, Reverse<ObjectId>, bool)>,
    /// Queued entries that were new only when queued: the walk ends when none is left.
    pending: usize,
}

impl Painter<'_, '_> {
    fn mark(&mut self, id: ObjectId, flag: u8) -> Result<(), RepoError> {
        let before = self.flags.get(&id).copied().unwrap_or(0);
        if before & flag != 0 {
            return Ok(());
        }
        let after = before | flag;
        self.flags.insert(id, after);
        // A commit reached from a checked ref after it was taken as new is walked again, so
        // that its ancestors learn it too.
        if before != 0 && flag != HIDDEN {
            return Ok(());
        }
        // Unreadable: nothing below it can be walked (git's connectivity check refuses a push
        // whose history is incomplete).
        let time = self.graph.time(id)?;
        let counted = after == NEW;
        if counted {
            self.pending += 1;
        }
        self.queue.push((time, Reverse(id), counted));
        Ok(())
    }
}

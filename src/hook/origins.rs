//! Where the files a push is rejected for came in: for each ref, the commits the push brings
//! to it and the commits where that history meets what the other side has (the range's
//! boundary); for each failing file, every commit of the range that wrote a version of it,
//! oldest first; and for each such commit its subject and where it sits below the ref's tip.
//! The push report ([`crate::report::push`]) is handed this and turns it into the commands that
//! take the files out of the pushed commits.

use std::collections::{BTreeMap, HashMap, HashSet};

use gix::ObjectId;
use gix::bstr::BString;

use crate::outcome::Judgement;
use crate::range::{Tip, TipKind};
use crate::util::sanitize;

/// Commits of one ref's new history read at most (a push of more is rare; what lies beyond is
/// named by the findings' own commits).
const COMMIT_LIMIT: usize = 10_000;
/// Failing files of one ref whose versions are looked up commit by commit; a push failing
/// for more (a subject of thousands of files) is named by its findings' own commits.
const FILE_LIMIT: usize = 256;
/// First-parent steps searched for a commit below a tip.
const DEPTH_LIMIT: usize = 10_000;
/// Characters of a commit subject shown.
const SUBJECT_CHARS: usize = 60;

/// Where the failing files of a push came in: the commits that wrote them, each failing
/// file's versions, and each ref's range.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Origins {
    /// The commits that wrote a failing file, with where they sit.
    pub(crate) commits: Vec<Origin>,
    /// Each failing file's versions on each ref.
    pub(crate) versions: Vec<Versions>,
    /// Each ref with failing files: where its new history meets the other side's.
    pub(crate) ranges: Vec<RefRange>,
}

/// A commit that wrote a failing path, and where it sits in its ref.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin {
    /// The commit.
    pub(crate) commit: ObjectId,
    /// The ref it was pushed in.
    pub(crate) reference: BString,
    /// Its subject line, sanitized.
    pub(crate) subject: String,
    /// Its first parent (`None` for a root commit).
    pub(crate) parent: Option<ObjectId>,
    /// How many first-parent steps below the ref's tip: 0 is the tip itself; `None` when it is
    /// not on the tip's first-parent line (it came in through a merge).
    pub(crate) depth: Option<usize>,
    /// Whether a merge sits between it and the tip on that line (a rebase must keep merges).
    pub(crate) merges_above: bool,
}

/// The commits of a ref's pushed range that wrote a version of a failing file, oldest first:
/// the first added it, the others changed it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Versions {
    /// The ref.
    pub(crate) reference: BString,
    /// The file.
    pub(crate) path: BString,
    /// The commits, oldest first.
    pub(crate) commits: Vec<ObjectId>,
}

/// A ref's pushed range, for commands that rewrite all of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RefRange {
    /// The ref.
    pub(crate) reference: BString,
    /// A tag: rewritten as a tag, never through the branch that is checked out.
    pub(crate) tag: bool,
    /// The commits the range builds on (what the other side has); none when it starts at a
    /// root commit.
    pub(crate) boundary: Vec<ObjectId>,
    /// The range was read whole (the boundary is exact).
    pub(crate) complete: bool,
    /// The failing files the ref's tip still holds.
    pub(crate) at_tip: Vec<BString>,
}

/// Where the failing findings of `judgement` came in on the refs of `tips`; `new` says
/// whether a commit is new to the other side (the push brings it).
pub(crate) fn origins(
    repo: &gix::Repository,
    judgement: &Judgement<'_>,
    tips: &[Tip],
    new: &dyn Fn(&gix::oid) -> bool,
) -> Origins {
    // The failing files of each ref, and the commits the findings name.
    let mut wanted: BTreeMap<&BString, (Vec<BString>, Vec<ObjectId>)> = BTreeMap::new();
    for f in &judgement.failing {
        let Some(r) = f.reference.as_ref() else { continue };
        let (files, commits) = wanted.entry(r).or_default();
        for file in f.files() {
            if !files.contains(file) {
                files.push(file.clone());
            }
        }
        if let Some(c) = f.commit
            && !commits.contains(&c)
        {
            commits.push(c);
        }
    }
    let mut out = Origins::default();
    for (reference, (files, named)) in wanted {
        let tip = tips.iter().find(|t| &t.name == reference && t.kind == TipKind::Commit);
        let looked_up = if files.len() <= FILE_LIMIT {
            files.as_slice()
        } else {
            &[]
        };
        let (range, mut versions) = match tip {
            Some(tip) => written(repo, tip.id, looked_up, new),
            None => (Vec::new(), Vec::new()),
        };
        let boundary = boundary(repo, &range, new);
        // The findings' own commits stand in for what the range could not show.
        for file in &files {
            if !versions.iter().any(|(f, _)| f == file) {
                versions.push((file.clone(), named.clone()));
            }
        }
        let mut commits: Vec<ObjectId> = versions.iter().flat_map(|(_, c)| c.iter().copied()).collect();
        commits.sort();
        commits.dedup();
        let depths = tip
            .map(|tip| first_parent_depths(repo, tip.id, &commits))
            .unwrap_or_default();
        for commit in commits {
            let Ok(c) = repo.find_commit(commit) else { continue };
            let subject = c.message().map(|m| sanitize(m.summary().as_ref())).unwrap_or_default();
            let subject = if subject.chars().count() > SUBJECT_CHARS {
                subject.chars().take(SUBJECT_CHARS - 1).collect::<String>() + "…"
            } else {
                subject
            };
            out.commits.push(Origin {
                commit,
                reference: reference.clone(),
                subject,
                parent: c.parent_ids().next().map(|p| p.detach()),
                depth: depths.get(&commit).map(|(depth, _)| *depth),
                merges_above: depths.get(&commit).is_some_and(|(_, merges)| *merges),
            });
        }
        let at_tip: Vec<BString> = match tip {
            Some(tip) => looked_up
                .iter()
                .filter(|f| !blobs_in(repo, tip.id, f).is_empty())
                .cloned()
                .collect(),
            None => Vec::new(),
        };
        for (path, mut commits) in versions {
            // Oldest first: deepest below the tip first, what came in through a merge last.
            commits.sort_by_key(|c| std::cmp::Reverse(depths.get(c).map_or(0, |(d, _)| d + 1)));
            out.versions.push(Versions {
                reference: reference.clone(),
                path,
                commits,
            });
        }
        out.ranges.push(RefRange {
            reference: reference.clone(),
            tag: reference.starts_with(b"refs/tags/"),
            boundary,
            complete: tip.is_some() && range.len() < COMMIT_LIMIT,
            at_tip,
        });
    }
    out
}

/// The new commits `tip` brings (at most [`COMMIT_LIMIT`]), and for each of `files` the
/// commits among them that wrote a version of it (not merges: what a merge brings, the
/// commits it merges wrote).
fn written(
    repo: &gix::Repository,
    tip: ObjectId,
    files: &[BString],
    new: &dyn Fn(&gix::oid) -> bool,
) -> (Vec<ObjectId>, Vec<(BString, Vec<ObjectId>)>) {
    let mut range = Vec::new();
    let mut seen = HashSet::new();
    let mut queue = vec![tip];
    let mut versions: Vec<(BString, Vec<ObjectId>)> = files.iter().map(|f| (f.clone(), Vec::new())).collect();
    while let Some(id) = queue.pop() {
        if range.len() >= COMMIT_LIMIT || !seen.insert(id) || !new(&id) {
            continue;
        }
        range.push(id);
        let Ok(commit) = repo.find_commit(id) else { continue };
        let parents: Vec<ObjectId> = commit.parent_ids().map(|p| p.detach()).collect();
        if parents.len() <= 1 {
            for (file, commits) in &mut versions {
                let mine = blobs_in(repo, id, file);
                let before = parents.first().map(|p| blobs_in(repo, *p, file)).unwrap_or_default();
                if !mine.is_empty() && mine != before {
                    commits.push(id);
                }
            }
        }
        queue.extend(parents);
    }
    versions.retain(|(_, commits)| !commits.is_empty());
    (range, versions)
}

/// The blob at `path` in the tree of `commit` (none when it is not there, or not a file).
fn blobs_in(repo: &gix::Repository, commit: ObjectId, path: &[u8]) -> Vec<ObjectId> {
    let Some(tree) = repo.find_commit(commit).ok().and_then(|c| c.tree_id().ok()) else {
        return Vec::new();
    };
    crate::rules::blobs_at(repo, &[tree.detach()], path)
}

/// The parents of `range`'s commits that the push does not bring: where its history meets
/// what the other side has (none when the range starts at a root commit).
fn boundary(repo: &gix::Repository, range: &[ObjectId], new: &dyn Fn(&gix::oid) -> bool) -> Vec<ObjectId> {
    let inside: HashSet<&ObjectId> = range.iter().collect();
    let mut out: Vec<ObjectId> = Vec::new();
    for id in range {
        let Ok(commit) = repo.find_commit(*id) else { continue };
        for p in commit.parent_ids() {
            let p = p.detach();
            if !inside.contains(&p) && !new(&p) && !out.contains(&p) {
                out.push(p);
            }
        }
    }
    out
}

/// The first-parent distance from `tip` of each of `commits` found within [`DEPTH_LIMIT`],
/// and whether a merge commit lies above it on the way.
fn first_parent_depths(
    repo: &gix::Repository,
    tip: ObjectId,
    commits: &[ObjectId],
) -> HashMap<ObjectId, (usize, bool)> {
    let mut found = HashMap::new();
    let mut at = Some(tip);
    let mut depth = 0;
    let mut merges = false;
    while let Some(id) = at {
        if commits.contains(&id) {
            found.insert(id, (depth, merges));
            if found.len() == commits.len() {
                break;
            }
        }
        depth += 1;
        if depth > DEPTH_LIMIT {
            break;
        }
        let Ok(commit) = repo.find_commit(id) else { break };
        let mut parents = commit.parent_ids();
        at = parents.next().map(|p| p.detach());
        merges |= parents.next().is_some();
    }
    found
}

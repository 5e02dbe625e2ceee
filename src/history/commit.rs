//! A commit as the walk records it: its facts ([`Commit`], what it says of itself in
//! [`Described`]) and the changes it made ([`Recorded`], [`PathChange`]). The walk fills them
//! in; the [facts](super::Facts) and the [model](super::Model) are built from them.

use std::collections::HashMap;

use gix::ObjectId;
use gix::bstr::{BStr, BString, ByteSlice};

/// A commit of the range.
#[derive(Debug, Clone)]
pub struct Commit {
    /// Its id.
    pub id: ObjectId,
    /// Its root tree.
    pub tree: ObjectId,
    /// Its parents (all of them, in or out of the range).
    pub parents: Vec<ObjectId>,
    /// Committer time, seconds since the epoch.
    pub time: i64,
    /// Author time, seconds since the epoch (kept by rebases and cherry-picks).
    pub authored: i64,
    /// Who made it: the author's e-mail, lower-cased (the name when there is no e-mail).
    pub identity: String,
    /// The message's template (see [`crate::history::message::template`]).
    pub template: String,
}

/// One change a non-merge commit made to a path, as [`Walker::record_changes`](crate::walk::Walker::record_changes) keeps them.
#[derive(Debug, Clone, Copy)]
pub struct PathChange {
    /// Index into [`Recorded::paths`].
    pub path: u32,
    /// Index into [`Walked::commits`](crate::walk::Walked::commits).
    pub commit: u32,
    /// The blob the commit left at the path (`None`: deleted).
    pub blob: Option<ObjectId>,
    /// The blob at the path in the first parent (`None`: added).
    pub previous: Option<ObjectId>,
}

/// Every change of every non-merge commit the walk diffed, with paths interned; and the trees
/// the walk reached.
#[derive(Debug, Default, Clone)]
pub struct Recorded {
    /// Each distinct path once.
    pub paths: Vec<BString>,
    /// Path to index in `paths`.
    pub(crate) index: HashMap<BString, u32>,
    /// The changes, in walk order (parents before children).
    pub changes: Vec<PathChange>,
    /// How many paths each commit changed, by index into [`Walked::commits`](crate::walk::Walked::commits) (merges: 0).
    pub(crate) per_commit: Vec<u32>,
    /// Every tree reached (root trees and the subtrees the diffs went through).
    pub(crate) trees: gix::hashtable::HashSet<ObjectId>,
}

impl Recorded {
    pub(crate) fn intern(&mut self, path: &BStr) -> u32 {
        if let Some(&i) = self.index.get(path) {
            return i;
        }
        let i = u32::try_from(self.paths.len()).unwrap_or(u32::MAX);
        self.paths.push(path.to_owned());
        self.index.insert(path.to_owned(), i);
        i
    }
}

impl Commit {
    /// Fill in what the commit says of itself.
    pub(crate) fn describe(&mut self, described: Described) {
        let Described {
            identity,
            authored,
            committed,
            template,
        } = described;
        self.identity = identity;
        self.authored = authored;
        // A walk that stops at stored commits is not sorted by time, so it had none.
        self.time = committed;
        self.template = template;
    }
}

/// What a commit says of itself: its author's identity, when it was authored, and its
/// message template.
#[derive(Debug, Clone, Default)]
pub struct Described {
    /// The author's e-mail, lower-cased (the name when there is no e-mail).
    pub identity: String,
    /// Author time, seconds since the epoch: kept by rebases and cherry-picks, so copies of
    /// one change share it.
    pub authored: i64,
    /// Committer time, seconds since the epoch.
    pub(crate) committed: i64,
    /// The message's template.
    pub template: String,
}

/// The identity, author time and message template of a commit.
pub fn describe(commit: &gix::Commit<'_>) -> Described {
    describe_raw(&commit.data, commit.id.kind())
}

/// [`describe`] from a commit's raw bytes.
pub(crate) fn describe_raw(data: &[u8], hash: gix::hash::Kind) -> Described {
    let fields = || gix::objs::CommitRefIter::from_bytes(data, hash);
    let author = fields().author().ok().map(|a| a.trim());
    let identity = author
        .map(|a| {
            let email = a.email.to_str_lossy().to_lowercase();
            if email.is_empty() {
                a.name.to_str_lossy().to_lowercase()
            } else {
                email
            }
        })
        .unwrap_or_default();
    let authored = author.and_then(|a| a.time().ok()).map(|t| t.seconds).unwrap_or(0);
    let committed = fields()
        .committer()
        .ok()
        .and_then(|c| c.trim().time().ok())
        .map(|t| t.seconds)
        .unwrap_or(0);
    let template = fields()
        .message()
        .map(|m| super::message::template(m))
        .unwrap_or_default();
    Described {
        identity,
        authored,
        committed,
        template,
    }
}

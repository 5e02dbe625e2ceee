//! A commit as the walk records it: its facts ([`Commit`], what it says of itself in
//! [`Described`]) and the changes it made ([`Recorded`], [`PathChange`]). The walk fills them
//! in; the [facts](super::Facts) and the [model](super::Model) are built from them.

use std::collections::HashMap;
use std::sync::Arc;

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

/// One change a non-merge commit made to a path, as [`Walker::record_changes`](crate::walk::Walker::record_changes) keeps them:
/// the blobs by their numbers in [`Recorded::blobs`] (16 bytes a change, where ids would
/// take 74).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathChange {
    /// Index into [`Recorded::paths`].
    pub path: u32,
    /// Index into [`Walked::commits`](crate::walk::Walked::commits).
    pub commit: u32,
    /// The blob the commit left at the path ([`BlobIds::NONE`]: deleted).
    left: u32,
    /// The blob at the path in the first parent ([`BlobIds::NONE`]: added).
    replaced: u32,
}

impl PathChange {
    /// A change of `path` by `commit` from the blob numbered `previous` to the one numbered
    /// `blob`.
    pub(crate) fn new(path: u32, commit: u32, blob: Option<u32>, previous: Option<u32>) -> Self {
        PathChange {
            path,
            commit,
            left: blob.unwrap_or(BlobIds::NONE),
            replaced: previous.unwrap_or(BlobIds::NONE),
        }
    }

    /// The number of the blob the commit left at the path (`None`: deleted).
    pub(crate) fn blob(&self) -> Option<u32> {
        (self.left != BlobIds::NONE).then_some(self.left)
    }

    /// The number of the blob at the path in the first parent (`None`: added).
    pub(crate) fn previous(&self) -> Option<u32> {
        (self.replaced != BlobIds::NONE).then_some(self.replaced)
    }
}

/// The blobs recorded changes name, each numbered once: those the packs hold by their
/// number there ([`crate::packs::Packs::number`]), when the packs were read before the first
/// change was recorded; the others one after another in a table of their own. A history of
/// hundreds of thousands of blobs then keeps no id twice: the packs' index holds them.
#[derive(Clone, Default)]
pub(crate) struct BlobIds {
    packs: Option<Arc<crate::packs::Packs>>,
    /// The blobs numbered here, not in `packs`: number `OTHER | i` is `others[i]`.
    others: Vec<ObjectId>,
    index: gix::hashtable::HashMap<ObjectId, u32>,
}

impl std::fmt::Debug for BlobIds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlobIds")
            .field("packed", &self.packs.as_ref().map(|p| p.entries()))
            .field("others", &self.others.len())
            .finish()
    }
}

impl BlobIds {
    /// No blob (a change's side where there is none).
    pub(crate) const NONE: u32 = u32::MAX;
    /// The bit of the numbers of blobs numbered in the table of their own.
    const OTHER: u32 = 1 << 31;

    /// Number the blobs `packs` hold by their number there, unless some blob was numbered
    /// already (the numbers given stay).
    pub(crate) fn number_by(&mut self, packs: &Arc<crate::packs::Packs>) {
        if self.packs.is_none() && self.others.is_empty() && packs.entries() < Self::OTHER as usize {
            self.packs = Some(Arc::clone(packs));
        }
    }

    /// The number of `id`, numbering it when it is new.
    pub(crate) fn number(&mut self, id: ObjectId) -> u32 {
        if let Some(n) = self.find(&id) {
            return n;
        }
        let i = u32::try_from(self.others.len()).unwrap_or(u32::MAX);
        if i >= Self::OTHER - 1 {
            // Two billion blobs outside the packs: no number left.
            return Self::NONE;
        }
        self.others.push(id);
        self.index.insert(id, i);
        Self::OTHER | i
    }

    /// The number of `id`, if it has one.
    pub(crate) fn find(&self, id: &gix::oid) -> Option<u32> {
        if let Some(n) = self.packs.as_ref().and_then(|p| p.number_of(id)) {
            return Some(n);
        }
        self.index.get(id).map(|&i| Self::OTHER | i)
    }

    /// The blob numbered `n`.
    pub(crate) fn id(&self, n: u32) -> Option<ObjectId> {
        if n & Self::OTHER != 0 {
            return self.others.get((n & !Self::OTHER) as usize).copied();
        }
        let packs = self.packs.as_ref()?;
        packs.id_at(packs.located(n)?)
    }

    /// The packs the numbers below [`BlobIds::dense_len`]'s packed part refer to.
    pub(crate) fn packs(&self) -> Option<&Arc<crate::packs::Packs>> {
        self.packs.as_ref()
    }

    /// Number `n` as an index below [`BlobIds::dense_len`], for facts kept in an array.
    pub(crate) fn dense(&self, n: u32) -> usize {
        let packed = self.packs.as_ref().map_or(0, |p| p.entries());
        if n & Self::OTHER != 0 {
            packed + (n & !Self::OTHER) as usize
        } else {
            n as usize
        }
    }

    /// The size `sizes` kept of the blob numbered `n` (`None`: not read; `Some(None)`: absent).
    pub(crate) fn size(&self, sizes: &crate::packs::Sizes, n: u32) -> Option<Option<u64>> {
        if let Some(packs) = &self.packs
            && n & Self::OTHER == 0
            && let Some(size) = sizes.get_by_number(packs, n)
        {
            return size;
        }
        sizes.get(&self.id(n)?)
    }

    /// How many indices [`BlobIds::dense`] gives.
    pub(crate) fn dense_len(&self) -> usize {
        self.packs.as_ref().map_or(0, |p| p.entries()) + self.others.len()
    }
}

/// A set of trees: those the packs hold by a flag per pack entry, when the packs were read
/// before the first tree was added; the others by id.
#[derive(Clone, Default)]
pub(crate) struct TreeSet {
    packs: Option<Arc<crate::packs::Packs>>,
    /// By number in `packs`: in the set.
    packed: crate::packs::ByPosition<bool>,
    others: gix::hashtable::HashSet<ObjectId>,
}

impl std::fmt::Debug for TreeSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TreeSet").field("others", &self.others.len()).finish()
    }
}

impl TreeSet {
    /// Keep the trees `packs` hold by a flag each, unless some tree was added already.
    pub(crate) fn number_by(&mut self, packs: &Arc<crate::packs::Packs>) {
        if self.packs.is_none() && self.others.is_empty() {
            self.packed = packs.by_position(false);
            self.packs = Some(Arc::clone(packs));
        }
    }

    /// Add `id`.
    pub(crate) fn insert(&mut self, id: ObjectId) {
        if let Some(packs) = &self.packs
            && let Some(flag) = packs.locate(&id).and_then(|at| self.packed.get_mut(at))
        {
            *flag = true;
            return;
        }
        self.others.insert(id);
    }

    /// Whether `id` is in the set.
    pub(crate) fn contains(&self, id: &gix::oid) -> bool {
        if let Some(packs) = &self.packs
            && let Some(&flag) = packs.locate(id).and_then(|at| self.packed.get(at))
        {
            return flag;
        }
        self.others.contains(id)
    }

    /// Every tree in the set.
    pub(crate) fn iter(&self) -> impl Iterator<Item = ObjectId> + '_ {
        let packed = self.packs.iter().flat_map(move |packs| {
            (self.packed.iter())
                .filter(|(_, flag)| **flag)
                .filter_map(move |(n, _)| packs.id_at(packs.located(n)?))
        });
        packed.chain(self.others.iter().copied())
    }
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
    /// The blobs the changes name.
    pub(crate) blobs: BlobIds,
    /// How many paths each commit changed, by index into [`Walked::commits`](crate::walk::Walked::commits) (merges: 0).
    pub(crate) per_commit: Vec<u32>,
    /// Every tree reached (root trees and the subtrees the diffs went through).
    pub(crate) trees: TreeSet,
    /// By path number, the blob the latest change left there and its number: the blob a
    /// change replaces is mostly that one, numbered without a lookup.
    latest: Vec<Option<(ObjectId, u32)>>,
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

    /// Record that the commit numbered `commit` changed `path` from `previous` to `blob`.
    pub(crate) fn push(&mut self, path: u32, commit: u32, blob: Option<ObjectId>, previous: Option<ObjectId>) {
        let at = path as usize;
        let latest = self.latest.get(at).copied().flatten();
        let blobs = &mut self.blobs;
        let mut number = |id: ObjectId| match latest {
            Some((known, n)) if known == id => n,
            _ => blobs.number(id),
        };
        let left = blob.map(|id| (id, number(id)));
        let previous = previous.map(number);
        if let Some(left) = left {
            if self.latest.len() <= at {
                self.latest.resize(at + 1, None);
            }
            if let Some(slot) = self.latest.get_mut(at) {
                *slot = Some(left);
            }
        }
        self.changes
            .push(PathChange::new(path, commit, left.map(|(_, n)| n), previous));
    }

    /// The id of the blob numbered `n`.
    pub(crate) fn blob_id(&self, n: u32) -> Option<ObjectId> {
        self.blobs.id(n)
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

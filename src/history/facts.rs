//! The facts the behaviour rules read, as plain data: every commit's time, author and message
//! template, every change of every non-merge commit (the path, the version it left, the version
//! it replaced), each version's size, and what each path's content turned out to be when it
//! was last read.
//!
//! A version is a distinct blob of a path; changes refer to versions by index, so a path's
//! versions can be counted and sized without keeping every blob id. The ids are kept where
//! they are known (a walk in this process), and where the [facts store](super::store) keeps
//! them: the newest versions of paths that can be subjects.
//!
//! Facts are built from a walk ([`Facts::extend`]) and never decide anything: the
//! [history model](super::Model) indexes them, the rules read them.

use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hash};

use gix::ObjectId;
use gix::bstr::{BStr, BString, ByteSlice};

use crate::candidate::Candidate;
use crate::candidate::Kind;
use crate::detect::Format;
use crate::history::commit::{Commit, Recorded};
use crate::packs::Sizes;

/// Values kept once each, numbered in the order they were first added. The index holds
/// numbers only, so each value is stored once (a history's message templates are mostly
/// distinct: a map keyed by them would hold each twice).
#[derive(Debug, Clone)]
pub(crate) struct Table<T> {
    items: Vec<T>,
    index: gix::hashtable::hash_table::HashTable<u32>,
    // Interning is hot where a store is read (tens of thousands of paths and messages), and
    // what it hashes comes from the repository, not from an adversary choosing collisions
    // against a running server's table: a fast hasher, seeded per process.
    hasher: foldhash::fast::RandomState,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table {
            items: Vec::new(),
            index: Default::default(),
            hasher: Default::default(),
        }
    }
}

impl<T: Clone + Eq + Hash> Table<T> {
    /// The number of `item`, adding it when it is new.
    pub(crate) fn intern<Q>(&mut self, item: &Q) -> u32
    where
        T: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = T> + ?Sized,
    {
        if let Some(i) = self.get(item) {
            return i;
        }
        let i = u32::try_from(self.items.len()).unwrap_or(u32::MAX);
        self.items.push(item.to_owned());
        let (items, hasher) = (&self.items, &self.hasher);
        // A value's hash is its borrowed form's (as `Borrow` promises), so rehashing the values
        // finds them again.
        let rehash = |&j: &u32| items.get(j as usize).map_or(0, |t| hasher.hash_one(t));
        self.index.insert_unique(hasher.hash_one(item), i, rehash);
        i
    }

    /// The number of `item`, if it is in the table.
    pub(crate) fn get<Q>(&self, item: &Q) -> Option<u32>
    where
        T: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let same = |&i: &u32| self.items.get(i as usize).is_some_and(|t| t.borrow() == item);
        self.index.find(self.hasher.hash_one(item), same).copied()
    }

    /// The item numbered `i`.
    pub(crate) fn at(&self, i: u32) -> Option<&T> {
        self.items.get(i as usize)
    }

    /// Every item, in number order.
    pub(crate) fn items(&self) -> &[T] {
        &self.items
    }

    /// How many items there are.
    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }
}

/// What the rules know of a commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CommitFacts {
    /// Committer time, seconds since the epoch.
    pub(crate) time: i64,
    /// Author time, seconds since the epoch (kept by rebases and cherry-picks).
    pub(crate) authored: i64,
    /// The author's identity, an index into [`Facts::identities`].
    pub(crate) identity: u32,
    /// The message's template, an index into [`Facts::templates`].
    pub(crate) template: u32,
    /// A merge (more than one parent).
    pub(crate) merge: bool,
}

/// One distinct blob of a path: its size and, where it is known, its id (kept apart, in
/// [`Facts`], so that a history of millions of versions stays small).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Version {
    /// Its size; `u64::MAX`: absent, or not read.
    size: u64,
    /// Its id's index in the facts' ids; `u32::MAX`: not known.
    blob: u32,
}

impl Version {
    /// A version of `size` whose id is the facts' id `blob` (`None`: not known).
    pub(super) fn new(size: Option<u64>, blob: Option<u32>) -> Self {
        Version {
            size: size.unwrap_or(u64::MAX),
            blob: blob.unwrap_or(u32::MAX),
        }
    }

    /// Its id's index in the facts' ids, where it is known.
    pub(super) fn blob_index(&self) -> Option<u32> {
        (self.blob != u32::MAX).then_some(self.blob)
    }

    /// Its size (`None`: absent, or not read).
    pub(crate) fn size(&self) -> Option<u64> {
        (self.size != u64::MAX).then_some(self.size)
    }
}

/// One change a non-merge commit made to a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Change {
    /// Index into [`Facts::paths`].
    pub(crate) path: u32,
    /// Index into [`Facts::commits`].
    pub(crate) commit: u32,
    /// The version the commit left at the path, an index into [`Facts::versions`]
    /// ([`Change::NONE`]: deleted). A history holds hundreds of thousands of changes: 16 bytes
    /// each, where `Option`s would make 24.
    left: u32,
    /// The version at the path in the first parent ([`Change::NONE`]: added).
    replaced: u32,
}

impl Change {
    /// No version.
    const NONE: u32 = u32::MAX;

    /// A change of `path` by `commit` from `previous` to `blob`.
    pub(crate) fn new(path: u32, commit: u32, blob: Option<u32>, previous: Option<u32>) -> Self {
        Change {
            path,
            commit,
            left: blob.unwrap_or(Self::NONE),
            replaced: previous.unwrap_or(Self::NONE),
        }
    }

    /// The version the commit left at the path (`None`: deleted).
    pub(crate) fn blob(&self) -> Option<u32> {
        (self.left != Self::NONE).then_some(self.left)
    }

    /// The version at the path in the first parent (`None`: added).
    pub(crate) fn previous(&self) -> Option<u32> {
        (self.replaced != Self::NONE).then_some(self.replaced)
    }
}

/// What a path's content turned out to be when it was last read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Read {
    /// Its kind (`None`: never a subject, like source code).
    pub(crate) kind: Option<Kind>,
    /// A WiredTiger file, by its content.
    pub(crate) wiredtiger: bool,
}

impl Read {
    /// What the inspection found a candidate to be.
    pub(crate) fn of(candidate: &Candidate) -> Read {
        Read {
            kind: candidate.kind,
            wiredtiger: candidate.format() == Some(Format::WiredTiger),
        }
    }
}

/// The facts of a history: the commits, the changes and versions, and what was read.
#[derive(Debug, Clone)]
pub struct Facts {
    /// The object hash of the ids.
    pub(crate) hash: gix::hash::Kind,
    /// The commits whose histories the facts cover (sorted).
    pub(crate) tips: Vec<ObjectId>,
    /// The history stops at missing commits (a shallow or partial clone).
    pub(crate) truncated: bool,
    /// Authors' identities.
    pub(crate) identities: Table<String>,
    /// Message templates.
    pub(crate) templates: Table<String>,
    /// The commits, parents before children.
    pub(crate) commits: Vec<CommitFacts>,
    /// Every path a change touched.
    pub(crate) paths: Table<BString>,
    /// Every version a change refers to.
    pub(crate) versions: Vec<Version>,
    /// The ids of the versions whose ids are known.
    blobs: Vec<ObjectId>,
    /// Every change of every non-merge commit, parents' before children's.
    pub(crate) changes: Vec<Change>,
    /// What each path read turned out to be, its newest version read last.
    pub(crate) read: BTreeMap<BString, Read>,
}

impl Facts {
    /// No history.
    pub(crate) fn new(hash: gix::hash::Kind) -> Self {
        Facts {
            hash,
            tips: Vec::new(),
            truncated: false,
            identities: Table::default(),
            templates: Table::default(),
            commits: Vec::new(),
            paths: Table::default(),
            versions: Vec::new(),
            blobs: Vec::new(),
            changes: Vec::new(),
            read: BTreeMap::new(),
        }
    }

    /// The commits and nothing they changed (the newest commits a look-back samples).
    pub fn of_commits(hash: gix::hash::Kind, commits: &[Commit]) -> Self {
        let mut facts = Facts::new(hash);
        for c in commits {
            facts.push_commit(c);
        }
        facts
    }

    /// Add a commit; its index.
    pub(crate) fn push_commit(&mut self, c: &Commit) -> u32 {
        let facts = CommitFacts {
            time: c.time,
            authored: c.authored,
            identity: self.identities.intern(c.identity.as_str()),
            template: self.templates.intern(c.template.as_str()),
            merge: c.parents.len() > 1,
        };
        let i = u32::try_from(self.commits.len()).unwrap_or(u32::MAX);
        self.commits.push(facts);
        i
    }

    /// Add `commits` (parents first, none of them already here) and the changes a walk
    /// `recorded` for them, with the `sizes` of the blobs it read. A blob already known as a
    /// version (by its id) is that version again.
    pub(crate) fn extend(&mut self, commits: &[Commit], recorded: Option<&Recorded>, sizes: Option<&Sizes>) {
        let base = self.commits.len();
        for c in commits {
            self.push_commit(c);
        }
        let Some(recorded) = recorded else { return };
        let blobs = &recorded.blobs;
        // Which version each blob the changes name is (any path's), by its number there
        // ([`BlobIds::dense`]): an array, not a map keyed by id.
        let mut anywhere: Vec<u32> = vec![u32::MAX; blobs.dense_len()];
        // The versions already known by id that the new changes name again (one pass over the
        // versions, looking for the few blobs the new changes hold), and which path each is
        // a version of: a blob at two paths is a version of each.
        let mut known: HashMap<(u32, u32), u32> = HashMap::new();
        // Facts built from nothing (a whole history's walk) have each blob once, whatever its
        // paths; only facts that already hold versions look for a path's own.
        let per_path = !self.blobs.is_empty();
        if per_path {
            let named: gix::hashtable::HashMap<ObjectId, u32> = recorded
                .changes
                .iter()
                .flat_map(|c| [c.blob(), c.previous()])
                .flatten()
                .filter_map(|n| Some((blobs.id(n)?, n)))
                .collect();
            let mut found: gix::hashtable::HashMap<ObjectId, Vec<u32>> = Default::default();
            for (i, version) in self.versions.iter().enumerate() {
                if let (Some(id), Ok(i)) = (self.blobs.get(version.blob as usize), u32::try_from(i))
                    && named.contains_key(id)
                {
                    found.entry(*id).or_default().push(i);
                }
            }
            // A blob that is one version is that version wherever it comes back; one that is a
            // version of several paths is each path's own (found in one pass over the changes).
            let mut shared: Vec<(u32, u32)> = Vec::new();
            for (id, versions) in &found {
                let Some(&n) = named.get(id) else { continue };
                match versions.as_slice() {
                    [one] => {
                        if let Some(slot) = anywhere.get_mut(blobs.dense(n)) {
                            *slot = *one;
                        }
                    }
                    more => shared.extend(more.iter().map(|v| (*v, n))),
                }
            }
            if !shared.is_empty() {
                shared.sort_unstable();
                for c in &self.changes {
                    for v in [c.blob(), c.previous()].into_iter().flatten() {
                        if let Ok(at) = shared.binary_search_by_key(&v, |(v, _)| *v)
                            && let Some(&(_, n)) = shared.get(at)
                        {
                            known.insert((c.path, n), v);
                            if let Some(slot) = anywhere.get_mut(blobs.dense(n))
                                && *slot == u32::MAX
                            {
                                *slot = v;
                            }
                        }
                    }
                }
            }
        }
        let mut paths: Vec<Option<u32>> = vec![None; recorded.paths.len()];
        self.changes.reserve(recorded.changes.len());
        for change in &recorded.changes {
            let Some(slot) = paths.get_mut(change.path as usize) else {
                continue;
            };
            let path = match *slot {
                Some(path) => path,
                None => {
                    let Some(name) = recorded.paths.get(change.path as usize) else {
                        continue;
                    };
                    *slot.insert(self.paths.intern(name.as_bstr()))
                }
            };
            let mut version = |n: Option<u32>| {
                let n = n?;
                // The path's own version of that blob, else the blob as another path's
                // version (new to this path), else a new version.
                let own = if per_path { known.get(&(path, n)).copied() } else { None };
                let slot = anywhere.get_mut(blobs.dense(n))?;
                if let Some(v) = own.or((*slot != u32::MAX).then_some(*slot)) {
                    if per_path {
                        known.insert((path, n), v);
                    }
                    return Some(v);
                }
                let size = sizes.and_then(|s| blobs.size(s, n)).flatten();
                let v = self.push_version(Some(blobs.id(n)?), size)?;
                if per_path {
                    known.insert((path, n), v);
                }
                *slot = v;
                Some(v)
            };
            let blob = version(change.blob());
            let previous = version(change.previous());
            self.changes.push(Change::new(
                path,
                u32::try_from(base + change.commit as usize).unwrap_or(u32::MAX),
                blob,
                previous,
            ));
        }
    }

    /// Give back the room the lists hold beyond what they hold (a whole history's facts,
    /// built once and then only read).
    pub(crate) fn shrink_to_fit(&mut self) {
        self.versions.shrink_to_fit();
        self.blobs.shrink_to_fit();
        self.changes.shrink_to_fit();
        self.commits.shrink_to_fit();
    }

    /// Add a version; its index.
    pub(crate) fn push_version(&mut self, blob: Option<ObjectId>, size: Option<u64>) -> Option<u32> {
        let v = u32::try_from(self.versions.len()).ok()?;
        let blob = match blob {
            Some(id) => {
                let i = u32::try_from(self.blobs.len()).ok().filter(|i| *i != u32::MAX)?;
                self.blobs.push(id);
                i
            }
            None => u32::MAX,
        };
        self.versions.push(Version {
            size: size.unwrap_or(u64::MAX),
            blob,
        });
        Some(v)
    }

    /// The id of version `v`, where it is known.
    pub(crate) fn version_blob(&self, v: u32) -> Option<ObjectId> {
        let version = self.versions.get(v as usize)?;
        self.blobs.get(version.blob as usize).copied()
    }

    /// The size of version `v`, where it is known.
    pub(crate) fn version_size(&self, v: u32) -> Option<u64> {
        self.versions.get(v as usize)?.size()
    }

    /// Add versions, ids and changes read elsewhere, whose indices already count from the
    /// facts' versions and ids as they are now; whether they hold together (every index in
    /// bounds). Lists taken into empty ones are moved, with the room they have for more.
    pub(super) fn adopt(&mut self, versions: Vec<Version>, blobs: Vec<ObjectId>, changes: Vec<Change>) -> bool {
        let (Ok(v), Ok(b)) = (
            u32::try_from(self.versions.len() + versions.len()),
            u32::try_from(self.blobs.len() + blobs.len()),
        ) else {
            return false;
        };
        let fits = versions.iter().all(|x| x.blob_index().is_none_or(|i| i < b))
            && changes
                .iter()
                .all(|c| c.blob().is_none_or(|i| i < v) && c.previous().is_none_or(|i| i < v));
        if fits {
            fn take<T: Copy>(into: &mut Vec<T>, from: Vec<T>) {
                if into.is_empty() {
                    *into = from;
                } else {
                    into.extend_from_slice(&from);
                }
            }
            take(&mut self.versions, versions);
            take(&mut self.blobs, blobs);
            take(&mut self.changes, changes);
        }
        fits
    }

    /// Remember what the inspection read at each path of `touched` (its newest version).
    pub(crate) fn remember(&mut self, touched: &BTreeMap<BString, Candidate>) {
        for (path, candidate) in touched {
            self.read.insert(path.clone(), Read::of(candidate));
        }
    }

    /// The identity with index `i`.
    pub(crate) fn identity(&self, i: u32) -> &str {
        self.identities.at(i).map(String::as_str).unwrap_or_default()
    }

    /// The template with index `i`.
    pub(crate) fn template(&self, i: u32) -> &str {
        self.templates.at(i).map(String::as_str).unwrap_or_default()
    }

    /// The path with index `i`.
    pub(crate) fn path(&self, i: u32) -> &BStr {
        self.paths.at(i).map(|p| p.as_slice().into()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> ObjectId {
        ObjectId::from_bytes_or_panic(&[n; 20])
    }

    fn commit(time: i64, who: &str, template: &str, parents: usize) -> Commit {
        Commit {
            id: id(0),
            tree: id(0),
            parents: vec![id(0); parents],
            time,
            authored: time,
            identity: who.into(),
            template: template.into(),
        }
    }

    #[test]
    fn a_blob_seen_again_is_the_same_version() {
        let mut recorded = Recorded::default();
        let a = recorded.intern("a.json".into());
        let b = recorded.intern("b.json".into());
        for (path, commit, blob, previous) in [
            (a, 0, Some(1), None),
            (b, 0, Some(1), None),
            (a, 1, Some(2), Some(1)),
            (a, 2, Some(1), Some(2)),
        ] {
            recorded.push(path, commit, blob.map(id), previous.map(id));
        }
        let commits = [
            commit(10, "x@y", "t", 1),
            commit(20, "x@y", "t", 1),
            commit(30, "z@y", "u", 2),
        ];
        let mut sizes = crate::packs::Sizes::default();
        sizes.insert(id(1), Some(7));
        let mut facts = Facts::new(gix::hash::Kind::Sha1);
        facts.extend(&commits, Some(&recorded), Some(&sizes));
        assert_eq!(facts.versions.len(), 2);
        assert_eq!(facts.version_size(0), Some(7));
        assert_eq!(facts.version_size(1), None);
        assert_eq!(facts.version_blob(1), Some(id(2)));
        assert_eq!(facts.changes[3].blob(), facts.changes[0].blob());
        assert_eq!(facts.identities.len(), 2);
        assert!(facts.commits[2].merge);

        // Later commits extend the same facts, their indices after the first ones.
        let mut later = Recorded::default();
        let c = later.intern("a.json".into());
        later.push(c, 0, Some(id(3)), Some(id(1)));
        facts.extend(&[commit(40, "x@y", "t", 1)], Some(&later), None);
        let last = facts.changes[4];
        assert_eq!((last.path, last.commit, last.previous()), (0, 3, Some(0)));
        assert_eq!(facts.versions.len(), 3);
    }

    #[test]
    fn a_blob_at_two_paths_is_each_paths_own_version_once_stored() {
        // As a store reads back: the blob is a version of each path, apart.
        let mut facts = Facts::new(gix::hash::Kind::Sha1);
        facts.push_commit(&commit(10, "x@y", "t", 1));
        let (a, b) = (facts.paths.intern(b"a".as_bstr()), facts.paths.intern(b"b".as_bstr()));
        for path in [a, b] {
            let v = facts.push_version(Some(id(9)), Some(3));
            facts.changes.push(Change::new(path, 0, v, None));
        }
        let mut recorded = Recorded::default();
        let b_again = recorded.intern("b".into());
        recorded.push(b_again, 0, Some(id(9)), Some(id(8)));
        facts.extend(&[commit(20, "x@y", "t", 1)], Some(&recorded), None);
        let last = facts.changes[2];
        assert_eq!(last.path, b);
        assert_eq!(last.blob(), facts.changes[1].blob(), "b's own version of the blob");
    }
}

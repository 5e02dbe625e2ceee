//! One commit's tree diff, recorded compactly: the diff threads record thousands of changes
//! per merge, so paths share one buffer instead of one allocation each.

use std::collections::{HashSet, VecDeque};

use gix::ObjectId;
use gix::bstr::{BStr, BString, ByteSlice, ByteVec};
use gix::diff::tree::{Visit, visit};
use gix::objs::FindExt;
use gix::objs::tree::EntryMode;

/// What a diff did to one path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The entry appeared.
    Addition {
        /// Its mode.
        mode: EntryMode,
        /// Its object.
        oid: ObjectId,
    },
    /// The entry went.
    Deletion {
        /// Its mode.
        mode: EntryMode,
        /// Its object.
        oid: ObjectId,
    },
    /// The entry changed its object or its mode.
    Modification {
        /// The mode before.
        previous_mode: EntryMode,
        /// The object before.
        previous_oid: ObjectId,
        /// The mode after.
        mode: EntryMode,
        /// The object after.
        oid: ObjectId,
    },
}

impl Change {
    /// The blob the change leaves and the blob it replaces (`None`: no entry on that side,
    /// or not a blob).
    pub(crate) fn blobs(self) -> (Option<ObjectId>, Option<ObjectId>) {
        match self {
            Change::Addition { mode, oid } => (mode.is_blob().then_some(oid), None),
            Change::Deletion { mode, oid } => (None, mode.is_blob().then_some(oid)),
            Change::Modification {
                previous_mode,
                previous_oid,
                mode,
                oid,
            } => (
                mode.is_blob().then_some(oid),
                previous_mode.is_blob().then_some(previous_oid),
            ),
        }
    }

    /// The tree the change leaves at its path, if it leaves one.
    pub(crate) fn tree(self) -> Option<ObjectId> {
        match self {
            Change::Addition { mode, oid } | Change::Modification { mode, oid, .. } => mode.is_tree().then_some(oid),
            Change::Deletion { .. } => None,
        }
    }

    /// Whether only the mode changed, not the object.
    pub(crate) fn is_mode_only(self) -> bool {
        matches!(self, Change::Modification { previous_oid, oid, .. } if previous_oid == oid)
    }
}

/// Every change of one diff, each with its full path.
#[derive(Debug, Default, Clone)]
pub struct Changes {
    /// Every path, one after another.
    paths: Vec<u8>,
    /// Each change and where its path ends in `paths`.
    entries: Vec<(Change, usize)>,
    /// For a merge with parents outside the walk: the paths whose entry differs from every
    /// such parent's (`None`: no such parent).
    new_to_others: Option<HashSet<BString>>,
}

impl Changes {
    /// The changes in the order the diff found them, each with its path.
    pub fn iter(&self) -> impl Iterator<Item = (Change, &BStr)> {
        let mut start = 0;
        self.entries.iter().map(move |&(change, end)| {
            let path = self.paths.get(start..end).unwrap_or_default().as_bstr();
            start = end;
            (change, path)
        })
    }

    /// Whether the entry at `path` is this commit's own: always, except in a merge where one
    /// of the parents outside the walk already held it.
    pub(crate) fn new_to_other_parents(&self, path: &BStr) -> bool {
        self.new_to_others.as_ref().is_none_or(|paths| paths.contains(path))
    }

    /// Narrow [`Self::new_to_other_parents`] to the paths `other` (the diff from another
    /// parent to the same tree) adds or changes.
    pub(crate) fn keep_only_changed_in(&mut self, other: &Changes) {
        let changed: HashSet<BString> = other
            .iter()
            .filter(|(change, _)| !matches!(change, Change::Deletion { .. }))
            .map(|(_, path)| path.to_owned())
            .collect();
        self.new_to_others = Some(match self.new_to_others.take() {
            None => changed,
            Some(before) => before.intersection(&changed).cloned().collect(),
        });
    }
}

/// Records a diff as [`Changes`], building each path as the diff descends.
#[derive(Default)]
pub struct Recorder {
    /// Paths of the trees the diff will descend into, in the order it will.
    queued: VecDeque<BString>,
    path: BString,
    /// What the diff did.
    pub changes: Changes,
}

impl Recorder {
    fn push_element(&mut self, name: &BStr) {
        if name.is_empty() {
            return;
        }
        if !self.path.is_empty() {
            self.path.push(b'/');
        }
        self.path.push_str(name);
    }
}

impl Visit for Recorder {
    fn pop_front_tracked_path_and_set_current(&mut self) {
        self.path = self.queued.pop_front().unwrap_or_default();
    }

    fn push_back_tracked_path_component(&mut self, component: &BStr) {
        self.push_element(component);
        self.queued.push_back(self.path.clone());
    }

    fn push_path_component(&mut self, component: &BStr) {
        self.push_element(component);
    }

    fn pop_path_component(&mut self) {
        match self.path.rfind_byte(b'/') {
            Some(at) => self.path.truncate(at),
            None => self.path.clear(),
        }
    }

    fn visit(&mut self, change: visit::Change) -> visit::Action {
        let change = match change {
            visit::Change::Addition { entry_mode, oid, .. } => Change::Addition { mode: entry_mode, oid },
            visit::Change::Deletion { entry_mode, oid, .. } => Change::Deletion { mode: entry_mode, oid },
            visit::Change::Modification {
                previous_entry_mode,
                previous_oid,
                entry_mode,
                oid,
            } => Change::Modification {
                previous_mode: previous_entry_mode,
                previous_oid,
                mode: entry_mode,
                oid,
            },
        };
        self.changes.paths.extend_from_slice(&self.path);
        self.changes.entries.push((change, self.changes.paths.len()));
        std::ops::ControlFlow::Continue(())
    }
}

/// A tree's entries (the empty tree needs no lookup).
pub(crate) fn tree_iter<'a>(
    repo: &gix::Repository,
    id: ObjectId,
    buf: &'a mut Vec<u8>,
) -> Result<gix::objs::TreeRefIter<'a>, crate::repo::RepoError> {
    if id.is_empty_tree() {
        return Ok(gix::objs::TreeRefIter::from_bytes(&[], repo.object_hash()));
    }
    tree_iter_in(&repo.objects, repo.object_hash(), id, buf)
}

/// [`tree_iter`], read from `objects`.
pub(crate) fn tree_iter_in<'a>(
    objects: &impl gix::objs::Find,
    hash: gix::hash::Kind,
    id: ObjectId,
    buf: &'a mut Vec<u8>,
) -> Result<gix::objs::TreeRefIter<'a>, crate::repo::RepoError> {
    if id.is_empty_tree() {
        return Ok(gix::objs::TreeRefIter::from_bytes(&[], hash));
    }
    objects
        .find_tree_iter(&id, buf)
        .map_err(|e| crate::repo::RepoError::read(format!("reading tree {id}"), e))
}

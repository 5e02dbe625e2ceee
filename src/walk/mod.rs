//! The object walk: which commits a range holds and which blobs they introduce, each with the
//! path and the oldest commit that brought it.
//!
//! The range comes from [`crate::range`], resolved as `git rev-list` reads its arguments.
//! Commits are diffed against their parents in parent-before-child order, so a blob is
//! attributed to the oldest commit of the range that added it at a path. Every entry a commit
//! of the range adds or changes is judged at its path, whether or not its blob was stored
//! before (a blob copied to a new path, a mode change, a symlink): what a range brings is the
//! change it makes to its refs, not the objects it sends. A merge's entries that one of its
//! parents outside the range already held at that path are that parent's, not the merge's.
//! [`changes`] records each commit's diff; the walk follows
//! each commit's `.gitattributes` files through those diffs, so that attributes need no tree
//! reads.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use gix::ObjectId;
use gix::bstr::{BStr, BString, ByteSlice, ByteVec};

pub mod changes;
pub(crate) mod graph;

use changes::{Change, Changes, tree_iter, tree_iter_in};

use crate::attributes::Listed;
use crate::candidate::Candidate;
use crate::history::commit::{Commit, Recorded};
use crate::range::{Range, Tip, TipKind};
use crate::repo::RepoError;
use crate::util::split_path;

/// What the walk saw.
#[derive(Debug, Default)]
pub struct Walked {
    /// The range's commits, parents before children.
    pub commits: Vec<Commit>,
    /// Commits of the range whose parents are missing (a shallow clone's boundary): their
    /// files look newly added.
    pub(crate) truncated: Vec<ObjectId>,
    /// Every change, when [`Walker::record_changes`] asked for them.
    pub recorded: Option<Recorded>,
    /// Submodule entries (gitlinks) the range adds or changes: their content lives in another
    /// repository, so nothing here can judge it.
    pub(crate) gitlinks: Vec<Gitlink>,
}

/// A submodule entry a commit of the range adds or moves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Gitlink {
    /// Where it is.
    pub(crate) path: BString,
    /// The commit of the other repository it names.
    pub(crate) target: ObjectId,
    /// The commit of the range that set it.
    pub(crate) commit: ObjectId,
}

/// Which commits are old: judged before the range or the push, so not walked.
pub enum Old<'a> {
    /// Everything reachable from these commits, as `^A` in `git rev-list`.
    Reachable(&'a [ObjectId]),
    /// The commits `judged` names, and their ancestors: on a server, what the refs the policy
    /// checks reach (see [`crate::hook::reach`]). The walk stops at them, so its cost follows
    /// the push, not the history.
    Judged {
        /// Whether a commit was judged already.
        judged: &'a dyn Fn(&gix::oid) -> bool,
        /// Whether an object was stored before the push: it is judged where it lands, but adds
        /// nothing to the repository's size.
        stored: &'a dyn Fn(&gix::oid) -> bool,
    },
}

/// Walk `range`, calling `on_blob` with a [`Candidate`] for each (blob, path) the range introduces.
pub fn walk(
    repo: &gix::Repository,
    range: &Range,
    on_blob: impl FnMut(Candidate) -> Result<(), RepoError>,
) -> Result<Walked, RepoError> {
    let mut walker = Walker::new(repo, on_blob);
    walker.walk(&range.tips, &Old::Reachable(&range.hidden), None)?;
    Ok(walker.finish())
}

/// A walk over one or more groups of tips (the refs of a push) that reports each new
/// (blob, path) once, under the first group that reaches it.
pub struct Walker<'r, F> {
    repo: &'r gix::Repository,
    on_blob: F,
    /// The path each blob was first reported at (an index into `path_ids`); a blob is mostly
    /// at one path, so further paths are kept apart, in `reported_more`.
    reported: gix::hashtable::HashMap<ObjectId, u32>,
    /// The same for the blobs the packs hold, once the walk reads trees from them: by their
    /// position there, the path's index plus one (0: not reported).
    reported_packed: Option<crate::packs::ByPosition<u32>>,
    reported_more: HashSet<(ObjectId, u32)>,
    /// Each path reported so far, numbered once.
    path_ids: HashMap<BString, u32>,
    /// Each walked commit's root tree and its index in [`Walked::commits`].
    trees: gix::hashtable::HashMap<ObjectId, (ObjectId, usize)>,
    /// The `.gitattributes` blobs of each walked commit's tree, by index in
    /// [`Walked::commits`]: its first parent's with the commit's own changes applied (`None`
    /// when that parent was not walked, and below it).
    gitattributes: Vec<Option<Arc<Listed>>>,
    walked: Walked,
    shallow: Option<HashSet<ObjectId>>,
    tips: Vec<ObjectId>,
    progress: Option<&'r dyn crate::progress::Progress>,
    /// Where long walks read trees from: the packs another thread reads (see
    /// [`Walker::read_trees_from`]), once it says they are read.
    packs: Packs<'r>,
}

/// The packs a walk's diff threads read trees from.
enum Packs<'r> {
    /// None: trees come from the object store.
    None,
    /// Another thread is reading them: it sends once they are in `cell` (or drops the sender
    /// when it cannot read them).
    Pending(
        std::sync::mpsc::Receiver<()>,
        &'r std::sync::OnceLock<Arc<crate::packs::Packs>>,
    ),
    /// Read.
    Read(&'r Arc<crate::packs::Packs>),
}

impl<'r, F: FnMut(Candidate) -> Result<(), RepoError>> Walker<'r, F> {
    /// A walker calling `on_blob` for each new (blob, path).
    pub fn new(repo: &'r gix::Repository, on_blob: F) -> Self {
        Walker {
            progress: None,
            repo,
            on_blob,
            reported: Default::default(),
            reported_packed: None,
            reported_more: HashSet::new(),
            path_ids: HashMap::new(),
            trees: Default::default(),
            gitattributes: Vec::new(),
            walked: Walked::default(),
            shallow: None,
            tips: Vec::new(),
            packs: Packs::None,
        }
    }

    /// Read the trees of long walks from the packs in `cell` (see [`crate::packs::Objects`])
    /// once `ready` says another thread put them there, not through the object store, which
    /// maps the packs: the pages a whole history's trees lie on then stay out of this
    /// process's memory.
    pub(crate) fn read_trees_from(
        &mut self,
        cell: &'r std::sync::OnceLock<Arc<crate::packs::Packs>>,
        ready: std::sync::mpsc::Receiver<()>,
    ) {
        self.packs = Packs::Pending(ready, cell);
    }

    /// The packs to read trees from, waiting for them if another thread is reading them.
    fn packs(&mut self) -> Option<&'r Arc<crate::packs::Packs>> {
        if let Packs::Pending(ready, cell) = &self.packs {
            // Sent, or the reader stopped: either way nothing more will come.
            let _ = ready.recv();
            self.packs = cell.get().map_or(Packs::None, Packs::Read);
        }
        match self.packs {
            Packs::Read(packs) => Some(packs),
            _ => None,
        }
    }

    /// Keep every change of every non-merge commit (see [`Walked::recorded`]): the audit's
    /// per-path history.
    pub(crate) fn record_changes(&mut self) {
        self.walked.recorded.get_or_insert_with(Recorded::default);
    }

    /// Count commits and blobs on `progress` as the walk goes.
    pub(crate) fn report_to(&mut self, progress: &'r dyn crate::progress::Progress) {
        self.progress = Some(progress);
    }

    /// Walk what `tips` add to `old`, attributing blobs to `reference`. Commits and blobs an
    /// earlier call reported are not reported again.
    pub fn walk(&mut self, tips: &[Tip], old: &Old<'_>, reference: Option<&BStr>) -> Result<(), RepoError> {
        let repo = self.repo;
        let commit_tips: Vec<ObjectId> = tips
            .iter()
            .filter(|t| t.kind == TipKind::Commit)
            .map(|t| t.id)
            .collect();
        self.tips.extend(&commit_tips);
        let (commits, describing) = self.commits_parents_first(&commit_tips, old)?;
        if let Some(progress) = self.progress {
            progress.add_commits(commits.len() as u64);
        }
        let first_new = self.walked.commits.len();
        for (index, c) in commits.iter().enumerate() {
            self.trees.insert(c.id, (c.tree, first_new + index));
        }
        self.walked.commits.extend(commits);

        // Commits bring the changes they make, whatever was stored: every entry they add or
        // change is judged. Whether its blob is new to the repository (what the range adds to
        // its size) is, with reachability, whether the boundary (excluded parents) reaches it
        // through its trees, as `git rev-list --objects` decides; a tag naming a tree or a blob
        // brings only what is new.
        let mut seen = Seen::default();
        if let Old::Reachable(_) = old {
            let boundary: gix::hashtable::HashSet<ObjectId> = self
                .walked
                .commits
                .iter()
                .skip(first_new)
                .flat_map(|c| c.parents.iter().copied())
                .filter(|p| !self.trees.contains_key(p))
                .collect();
            for parent in boundary {
                if let Ok(commit) = repo.find_commit(parent)
                    && let Ok(tree) = commit.tree_id()
                {
                    seen.mark_tree(repo, tree.detach())?;
                }
            }
        }
        let is_old = |oid: &ObjectId| match old {
            Old::Reachable(_) => seen.blobs.contains(oid),
            Old::Judged { stored, .. } => stored(oid),
        };
        let reference = reference.map(ToOwned::to_owned);

        let empty_tree = ObjectId::empty_tree(repo.object_hash());
        let mut jobs = Vec::with_capacity(self.walked.commits.len().saturating_sub(first_new));
        for (index, c) in self.walked.commits.iter().enumerate().skip(first_new) {
            let mut parent = None;
            let parent_tree = match c.parents.first() {
                Some(p) => match self.trees.get(p) {
                    Some(&(tree, index)) => {
                        parent = Some(index);
                        tree
                    }
                    None => repo
                        .find_commit(*p)
                        .and_then(|pc| pc.tree_id().map(|t| t.detach()))
                        .map_err(|e| RepoError::read(format!("reading parent {p} of {}", c.id), e))?,
                },
                None => empty_tree,
            };
            // A merge's other parents outside the walk: what they hold is theirs.
            let mut others = Vec::new();
            for p in c.parents.iter().skip(1) {
                if !self.trees.contains_key(p) {
                    let tree = repo
                        .find_commit(*p)
                        .and_then(|pc| pc.tree_id().map(|t| t.detach()))
                        .map_err(|e| RepoError::read(format!("reading parent {p} of {}", c.id), e))?;
                    others.push(tree);
                }
            }
            jobs.push(Job {
                index,
                id: c.id,
                tree: c.tree,
                parent_tree,
                others,
                parent: if c.parents.is_empty() {
                    Parent::None
                } else {
                    parent.map_or(Parent::Unwalked, Parent::Walked)
                },
                merge: c.parents.len() > 1,
            });
        }
        let progress = self.progress;
        let handle = |walker: &mut Self, job: &Job, records: Changes| {
            if let Some(progress) = progress {
                progress.commit();
            }
            if let Some(recorded) = walker.walked.recorded.as_mut() {
                record(recorded, job.index, job.tree, job.merge, &records);
            }
            let gitattributes = walker.track_gitattributes(job, &records);
            for (change, path) in records.iter() {
                // Content, a mode (a symlink becoming a file), or both: the entry is judged.
                let (mode, oid) = match change {
                    Change::Addition { mode, oid } | Change::Modification { mode, oid, .. } => (mode, oid),
                    Change::Deletion { .. } => continue,
                };
                if !records.new_to_other_parents(path) {
                    continue;
                }
                if mode.is_commit() {
                    walker.walked.gitlinks.push(Gitlink {
                        path: path.to_owned(),
                        target: oid,
                        commit: job.id,
                    });
                } else if mode.is_blob_or_symlink() {
                    let link = mode.is_link();
                    let found = walker.emit(oid, path.to_owned(), link, Some(job.id), Some(job.tree), &reference);
                    if let Some(mut found) = found {
                        found.gitattributes = gitattributes.clone();
                        found.old = is_old(&oid);
                        (walker.on_blob)(found)?;
                    }
                }
            }
            Ok::<(), RepoError>(())
        };
        if jobs.len() < PARALLEL_DIFFS_FROM {
            let mut differ = Differ::default();
            for job in &jobs {
                let records = differ.diff(repo, job)?;
                handle(self, job, records)?;
            }
        } else {
            let packs = self.packs();
            // The blobs the changes name are numbered by their place in the packs, and the
            // trees reached flagged there.
            if let (Some(packs), Some(recorded)) = (packs, self.walked.recorded.as_mut()) {
                recorded.blobs.number_by(packs);
                recorded.trees.number_by(packs);
            }
            diff_in_parallel(repo, packs.map(|p| &**p), &jobs, |job, records| {
                handle(self, job, records)
            })?;
        }
        if let Some(describing) = describing {
            describing.fill(&mut self.walked.commits)?;
        }

        for tip in tips {
            match tip.kind {
                TipKind::Commit => {}
                TipKind::Blob => {
                    if !is_old(&tip.id)
                        && let Some(found) = self.emit(tip.id, tip.name.clone(), false, None, None, &reference)
                    {
                        (self.on_blob)(found)?;
                    }
                }
                TipKind::Tree => {
                    let mut blobs = Vec::new();
                    list_tree(repo, tip.id, &mut blobs)?;
                    // The listing holds the tree's `.gitattributes` files: no tree to read again.
                    let gitattributes: Listed = blobs
                        .iter()
                        .filter_map(|(oid, path, _)| {
                            let (dir, name) = split_path(path.as_bstr());
                            (name == ".gitattributes").then(|| (dir.to_owned(), *oid))
                        })
                        .collect();
                    let gitattributes = Arc::new(gitattributes);
                    for (oid, path, link) in blobs {
                        if !is_old(&oid)
                            && let Some(mut found) = self.emit(oid, path, link, None, Some(tip.id), &reference)
                        {
                            found.gitattributes = Some(Arc::clone(&gitattributes));
                            (self.on_blob)(found)?;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Every commit tip the walks were given (the look-back window starts there).
    pub(crate) fn tips(&self) -> &[ObjectId] {
        &self.tips
    }

    /// What the walks saw.
    pub fn finish(self) -> Walked {
        self.walked
    }

    /// The `.gitattributes` blobs of `job`'s tree: its parent's, with the changes `records`
    /// made to them; kept for the commit's children.
    fn track_gitattributes(&mut self, job: &Job, records: &Changes) -> Option<Arc<Listed>> {
        let before = match job.parent {
            Parent::None => Some(Arc::default()),
            Parent::Walked(index) => self.gitattributes.get(index).cloned().flatten(),
            Parent::Unwalked => None,
        };
        let after = before.map(|mut listed| {
            for (change, path) in records.iter() {
                let (blob, removed) = change.blobs();
                let (dir, name) = split_path(path);
                if name != ".gitattributes" {
                    continue;
                }
                let listed = Arc::make_mut(&mut listed);
                match (blob, removed) {
                    (Some(blob), _) => {
                        listed.insert(dir.to_owned(), blob);
                    }
                    // A removal only undoes what is there (a directory of that name going
                    // while a file replaces it leaves the file).
                    (None, Some(removed)) => {
                        if listed.get(dir) == Some(&removed) {
                            listed.remove(dir);
                        }
                    }
                    (None, None) => {}
                }
            }
            listed
        });
        if self.gitattributes.len() <= job.index {
            self.gitattributes.resize(job.index + 1, None);
        }
        if let Some(slot) = self.gitattributes.get_mut(job.index) {
            slot.clone_from(&after);
        }
        after
    }

    /// The candidate for `oid` at `path` (entered as a symbolic link when `link`), unless an
    /// earlier call reported that triple: a link's blob that becomes a file's is judged again.
    fn emit(
        &mut self,
        oid: ObjectId,
        path: BString,
        link: bool,
        commit: Option<ObjectId>,
        root: Option<ObjectId>,
        reference: &Option<BString>,
    ) -> Option<Candidate> {
        // No path holds a NUL byte: a link's key cannot meet a file's.
        let key: BString = if link {
            let mut key = BString::from(b"\0".as_slice());
            key.extend_from_slice(&path);
            key
        } else {
            path.clone()
        };
        let id = match self.path_ids.get(&key) {
            Some(&id) => id,
            None => {
                let id = u32::try_from(self.path_ids.len()).unwrap_or(u32::MAX);
                self.path_ids.insert(key, id);
                id
            }
        };
        let packed = match self.packs {
            Packs::Read(packs) => packs.locate(&oid).and_then(|at| {
                let marks = self.reported_packed.get_or_insert_with(|| packs.by_position(0));
                marks.get_mut(at)
            }),
            _ => None,
        };
        let first = match packed {
            Some(mark) if *mark != 0 => Some(*mark - 1),
            Some(mark) => {
                // Reported before the packs were read, or not at all.
                let first = self.reported.get(&oid).copied();
                *mark = first.unwrap_or(id).saturating_add(1);
                first
            }
            None => {
                let first = self.reported.get(&oid).copied();
                if first.is_none() {
                    self.reported.insert(oid, id);
                }
                first
            }
        };
        if let Some(first) = first
            && (first == id || !self.reported_more.insert((oid, id)))
        {
            return None;
        }
        let mut found = Candidate::new(oid, path, commit, root, reference.clone());
        found.link = link;
        Some(found)
    }

    /// The new commits reachable from `tips`, parents before children. Their descriptions
    /// (author, message template) may still be in the making on a thread of their own:
    /// [`Describing::fill`] puts them in place.
    fn commits_parents_first(
        &mut self,
        tips: &[ObjectId],
        old: &Old<'_>,
    ) -> Result<(Vec<Commit>, Option<Describing>), RepoError> {
        // Without a commit-graph, a whole history's commits are each read once, right after
        // the walk read them: a small object cache serves that second read; the handle's
        // other caches would only hold memory for the rest of the audit.
        let uncached = self.walked.recorded.is_some().then(|| {
            let mut plain = self.repo.clone();
            plain.object_cache_size(COMMIT_CACHE_BYTES);
            plain.objects.unset_pack_cache();
            plain
        });
        let repo = uncached.as_ref().unwrap_or(self.repo);
        let walked = &self.trees;
        let mut tips: Vec<ObjectId> = tips
            .iter()
            .copied()
            .filter(|t| !walked.contains_key(t) && !matches!(old, Old::Judged { judged, .. } if judged(t)))
            .collect();
        tips.sort();
        tips.dedup();
        if tips.is_empty() {
            return Ok((Vec::new(), None));
        }
        // In a shallow clone the parents of the shallow commits are absent: those commits are
        // roots here, and the history before them is missing.
        if self.shallow.is_none() {
            self.shallow = Some(
                repo.shallow_commits()
                    .map_err(|e| RepoError::read("reading the shallow file", e))?
                    .map(|commits| commits.iter().copied().collect())
                    .unwrap_or_default(),
            );
        }
        let shallow = self.shallow.as_ref();
        // With a commit-graph the walk reads no commit, and the graph names each one's tree:
        // reading the commits is left to the thread that describes them. A push's commits are
        // mostly new to the server, so rarely in its graph.
        let graph = match old {
            Old::Reachable(_) => repo.commit_graph_if_enabled().ok().flatten(),
            Old::Judged { .. } => None,
        };
        let platform = repo.rev_walk(tips);
        let infos: Box<dyn Iterator<Item = Result<gix::revision::walk::Info<'_>, _>>> = match old {
            Old::Reachable(hidden) => Box::new(
                platform
                    .with_hidden(hidden.iter().copied())
                    .sorting(gix::revision::walk::Sorting::ByCommitTime(Default::default()))
                    .all()
                    .map_err(|e| RepoError::read("walking commits", e))?,
            ),
            Old::Judged { judged, .. } => Box::new(
                platform
                    .selected(move |id| !judged(id) && !walked.contains_key(id))
                    .map_err(|e| RepoError::read("walking commits", e))?,
            ),
        };
        let mut newest_first = Vec::new();
        let mut describer: Option<Describer> = None;
        let mut batch = Vec::with_capacity(COMMIT_BATCH);
        for info in infos {
            let info = info.map_err(|e| RepoError::read("walking commits", e))?;
            let graphed = graph
                .as_ref()
                .and_then(|g| g.commit_by_id(info.id))
                .map(|c| c.root_tree_id().to_owned());
            let (tree, data) = match graphed {
                Some(tree) => (tree, None),
                None => {
                    let mut commit = repo
                        .find_commit(info.id)
                        .map_err(|e| RepoError::read(format!("reading commit {}", info.id), e))?;
                    let tree = commit
                        .tree_id()
                        .map(|t| t.detach())
                        .map_err(|e| RepoError::read(format!("reading commit {}", info.id), e))?;
                    (tree, Some(std::mem::take(&mut commit.data)))
                }
            };
            let parents = if shallow.is_some_and(|s| s.contains(&info.id)) {
                self.walked.truncated.push(info.id);
                Vec::new()
            } else {
                info.parent_ids.iter().copied().collect()
            };
            newest_first.push(Commit {
                id: info.id,
                tree,
                parents,
                time: info.commit_time.unwrap_or(0),
                authored: 0,
                identity: String::new(),
                template: String::new(),
            });
            batch.push((info.id, data));
            if batch.len() == COMMIT_BATCH {
                let describer = match describer.as_mut() {
                    Some(started) => started,
                    None => describer.insert(Describer::start(repo, graph.is_none())?),
                };
                describer.send(std::mem::replace(&mut batch, Vec::with_capacity(COMMIT_BATCH)))?;
            }
        }
        // A push's few commits are described here, without a thread.
        let Some(describer) = describer else {
            for (commit, (id, data)) in newest_first.iter_mut().zip(batch) {
                commit.describe(describe(repo, id, data)?);
            }
            return Ok((parents_first(newest_first).0, None));
        };
        describer.send(batch)?;
        let (commits, order) = parents_first(newest_first);
        let first = self.walked.commits.len();
        let mut slots = vec![0; order.len()];
        for (at, &from) in order.iter().enumerate() {
            if let Some(slot) = slots.get_mut(from) {
                *slot = first + at;
            }
        }
        Ok((commits, Some(describer.finish(slots))))
    }
}

/// The commit `id` described, from its bytes when the walk read them.
fn describe(
    repo: &gix::Repository,
    id: ObjectId,
    data: Option<Vec<u8>>,
) -> Result<crate::history::commit::Described, RepoError> {
    Ok(match data {
        Some(data) => crate::history::commit::describe_raw(&data, repo.object_hash()),
        None => crate::history::commit::describe(
            &repo
                .find_commit(id)
                .map_err(|e| RepoError::read(format!("reading commit {id}"), e))?,
        ),
    })
}

/// Commits go to the describing thread in batches of this many, read or to be read.
type Batch = Vec<(ObjectId, Option<Vec<u8>>)>;

/// A thread reading (when the walk did not) and describing the commits sent to it, in order.
struct Describer {
    send: Sender,
    thread: std::thread::JoinHandle<Result<Vec<crate::history::commit::Described>, RepoError>>,
}

impl Describer {
    /// Start describing; `with_data`: the walk reads the commits and sends their bytes.
    fn start(repo: &gix::Repository, with_data: bool) -> Result<Self, RepoError> {
        // With a commit-graph the walk sends ids only, and must never wait for the describing
        // thread, which reads each commit itself: unbounded. Without one the walk reads each
        // commit, which takes longer than describing it, and sends its bytes; at most
        // `DESCRIBE_BACKLOG` batches wait, so that a describing thread kept from a core by
        // other work does not gather a history's commits in memory (150 MB on git/git).
        let (send, receive) = if with_data {
            let (send, receive) = std::sync::mpsc::sync_channel::<Batch>(DESCRIBE_BACKLOG);
            (Sender::Bounded(send), receive)
        } else {
            let (send, receive) = std::sync::mpsc::channel::<Batch>();
            (Sender::Unbounded(send), receive)
        };
        let mut own = repo.clone();
        own.object_cache_size(0);
        let own = own.into_sync();
        let thread = std::thread::Builder::new()
            .name("commits".into())
            .spawn(move || {
                let repo = own.to_thread_local();
                let mut described = Vec::new();
                for batch in receive {
                    for (id, data) in batch {
                        described.push(describe(&repo, id, data)?);
                    }
                }
                Ok(described)
            })
            .map_err(|e| RepoError::read("starting the commit reader", e))?;
        Ok(Describer { send, thread })
    }

    fn send(&self, batch: Batch) -> Result<(), RepoError> {
        let sent = match &self.send {
            Sender::Unbounded(send) => send.send(batch).map_err(drop),
            Sender::Bounded(send) => send.send(batch).map_err(drop),
        };
        sent.map_err(|()| RepoError::read("reading commits", "the commit reader stopped"))
    }

    /// Nothing more to describe; `slots` says where each commit sent went in
    /// [`Walked::commits`].
    fn finish(self, slots: Vec<usize>) -> Describing {
        drop(self.send);
        Describing {
            thread: self.thread,
            slots,
        }
    }
}

/// How the walk hands commits to the describing thread.
enum Sender {
    /// Ids only: never waits.
    Unbounded(std::sync::mpsc::Sender<Batch>),
    /// Commits' bytes: waits once [`DESCRIBE_BACKLOG`] batches wait.
    Bounded(std::sync::mpsc::SyncSender<Batch>),
}

/// Batches of commits' bytes that may wait for the describing thread (about 12 MB of
/// git/git's commits).
const DESCRIBE_BACKLOG: usize = 64;

/// Descriptions in the making while the walk diffs.
struct Describing {
    thread: std::thread::JoinHandle<Result<Vec<crate::history::commit::Described>, RepoError>>,
    /// Where the commit described `k`th sits in [`Walked::commits`].
    slots: Vec<usize>,
}

impl Describing {
    /// Wait for the descriptions and put them in place.
    fn fill(self, commits: &mut [Commit]) -> Result<(), RepoError> {
        let described = self
            .thread
            .join()
            .map_err(|_| RepoError::read("reading commits", "the commit reader failed"))??;
        for (described, slot) in described.into_iter().zip(self.slots) {
            if let Some(commit) = commits.get_mut(slot) {
                commit.describe(described);
            }
        }
        Ok(())
    }
}

/// What the object cache of a whole history's commit walk holds: the commits between the
/// walk reading one and returning it.
const COMMIT_CACHE_BYTES: usize = 4 * 1024 * 1024;

/// Commits go to the describing thread in batches of this many.
const COMMIT_BATCH: usize = 256;

/// Walks at least this long diff their commits on several threads.
const PARALLEL_DIFFS_FROM: usize = 300;

/// Consecutive commits one diff thread takes at a time (neighbours share trees, which the
/// thread's object cache then holds).
const DIFF_CHUNK: usize = 256;

/// One commit to diff against its first parent.
struct Job {
    index: usize,
    id: ObjectId,
    tree: ObjectId,
    parent_tree: ObjectId,
    /// The trees of a merge's other parents that the walk does not hold.
    others: Vec<ObjectId>,
    parent: Parent,
    merge: bool,
}

/// A commit's first parent, as the walk knows it.
#[derive(Clone, Copy)]
enum Parent {
    /// None: a root commit, or the boundary of a shallow clone.
    None,
    /// Walked, at this index in [`Walked::commits`].
    Walked(usize),
    /// Outside the walk (before the range).
    Unwalked,
}

/// Diffs trees, reusing its buffers.
#[derive(Default)]
struct Differ {
    state: gix::diff::tree::State,
    lhs: Vec<u8>,
    rhs: Vec<u8>,
}

impl Differ {
    fn diff(&mut self, repo: &gix::Repository, job: &Job) -> Result<Changes, RepoError> {
        self.diff_in(&repo.objects, repo.object_hash(), job)
    }

    /// [`Differ::diff`], reading trees from `objects`.
    fn diff_in(
        &mut self,
        objects: &impl gix::objs::Find,
        hash: gix::hash::Kind,
        job: &Job,
    ) -> Result<Changes, RepoError> {
        let mut recorder = changes::Recorder::default();
        let lhs = tree_iter_in(objects, hash, job.parent_tree, &mut self.lhs)?;
        let rhs = tree_iter_in(objects, hash, job.tree, &mut self.rhs)?;
        gix::diff::tree(lhs, rhs, &mut self.state, objects, &mut recorder)
            .map_err(|e| RepoError::read(format!("diffing {}", job.id), e))?;
        let mut changes = recorder.changes;
        for &other in &job.others {
            let mut recorder = changes::Recorder::default();
            let lhs = tree_iter_in(objects, hash, other, &mut self.lhs)?;
            let rhs = tree_iter_in(objects, hash, job.tree, &mut self.rhs)?;
            gix::diff::tree(lhs, rhs, &mut self.state, objects, &mut recorder)
                .map_err(|e| RepoError::read(format!("diffing {}", job.id), e))?;
            changes.keep_only_changed_in(&recorder.changes);
        }
        Ok(changes)
    }
}

/// Diff `jobs` on two threads, each taking every other chunk of consecutive commits with its
/// own object store handle (or its own reader of `packs`), and hand each commit's changes to
/// `handle` in order. A thread runs at most a few chunks ahead, so memory stays bounded.
fn diff_in_parallel(
    repo: &gix::Repository,
    packs: Option<&crate::packs::Packs>,
    jobs: &[Job],
    mut handle: impl FnMut(&Job, Changes) -> Result<(), RepoError>,
) -> Result<(), RepoError> {
    const THREADS: usize = 2;
    type Chunk = Result<Vec<Changes>, RepoError>;
    let chunks: Vec<&[Job]> = jobs.chunks(DIFF_CHUNK).collect();
    let step = (jobs.len() / LAYOUT_SAMPLES).max(1);
    let sampled = jobs
        .iter()
        .step_by(step)
        .filter(|job| matches!(job.parent, Parent::Walked(_)))
        .map(|job| (job.tree, job.parent_tree));
    let newest_first = newer_trees_first(repo, sampled);
    std::thread::scope(|scope| {
        let mut receivers = Vec::with_capacity(THREADS);
        for first in 0..THREADS {
            let (send, receive) = std::sync::mpsc::sync_channel::<Chunk>(2);
            receivers.push(receive);
            let mut own = repo.clone();
            crate::repo::tune(&mut own);
            let mine: Vec<&[Job]> = chunks.iter().skip(first).step_by(THREADS).copied().collect();
            let spawned = std::thread::Builder::new()
                .name(format!("diff-{first}"))
                .spawn_scoped(scope, move || {
                    let mut differ = Differ::default();
                    let hash = own.object_hash();
                    let objects = packs.map(|p| p.objects(own.objects.clone()));
                    let mut diff = |job: &Job| match &objects {
                        Some(objects) => differ.diff_in(objects, hash, job),
                        None => differ.diff(&own, job),
                    };
                    for chunk in mine {
                        let done: Chunk = if newest_first {
                            // Each tree's delta base is then the tree read just before, still
                            // in the cache, not the far end of a chain.
                            let mut done: Chunk = chunk.iter().rev().map(&mut diff).collect();
                            if let Ok(done) = done.as_mut() {
                                done.reverse();
                            }
                            done
                        } else {
                            chunk.iter().map(&mut diff).collect()
                        };
                        let failed = done.is_err();
                        // The receiver stops listening when the walk stopped: nothing left to do.
                        if send.send(done).is_err() || failed {
                            return;
                        }
                    }
                });
            spawned.map_err(|e| RepoError::read("starting a diff thread", e))?;
        }
        for (n, chunk) in chunks.iter().enumerate() {
            let Some(receive) = receivers.get(n % THREADS) else {
                break;
            };
            let records = receive
                .recv()
                .map_err(|_| RepoError::read("diffing commits", "a diff thread stopped"))??;
            for (job, records) in chunk.iter().zip(records) {
                handle(job, records)?;
            }
        }
        // Returning drops the receivers, which ends threads still working after an error.
        Ok(())
    })
}

/// How many commits [`newer_trees_first`] looks at before a walk diffs on several threads.
const LAYOUT_SAMPLES: usize = 64;

/// Whether the packs store each commit's tree of `pairs` (tree, first parent's tree) before
/// its parent's, so that older trees are deltas of newer ones. git's own packing orders
/// objects newest first and takes delta bases from earlier in the pack; fast-import and
/// similar writers store each version as a delta of the one before. Diffing in the order the
/// deltas run rebuilds each tree from the one just read instead of from the far end of its
/// chain (on git/git, 15.5 s instead of 17.9 s). Decided by the majority of the pairs whose
/// trees lie in one pack; loose trees do not count.
pub(crate) fn newer_trees_first(repo: &gix::Repository, pairs: impl IntoIterator<Item = (ObjectId, ObjectId)>) -> bool {
    let dirs = crate::repo::object_dirs(repo);
    let indexes: Vec<gix::odb::pack::index::File> = crate::repo::pack_indexes(&dirs)
        .iter()
        .filter_map(|path| gix::odb::pack::index::File::at(path, repo.object_hash()).ok())
        .collect();
    let locate = |id: &ObjectId| {
        indexes
            .iter()
            .enumerate()
            .find_map(|(pack, index)| index.lookup(id).map(|i| (pack, index.pack_offset_at_index(i))))
    };
    let (mut newer, mut older) = (0usize, 0usize);
    for (tree, parent_tree) in pairs {
        if let (Some((pack, child)), Some((parent_pack, parent))) = (locate(&tree), locate(&parent_tree))
            && pack == parent_pack
            && child != parent
        {
            if child < parent {
                newer += 1;
            } else {
                older += 1;
            }
        }
    }
    newer > older
}

/// Keep the changes of the commit at `index` (its trees always; its blob changes unless it is
/// a merge, whose first-parent diff holds what its other parents did).
pub(crate) fn record(recorded: &mut Recorded, index: usize, root: ObjectId, merge: bool, records: &Changes) {
    recorded.trees.insert(root);
    let commit = u32::try_from(index).unwrap_or(u32::MAX);
    let mut count = 0u32;
    for (change, path) in records.iter() {
        if let Some(tree) = change.tree() {
            recorded.trees.insert(tree);
        }
        // A mode-only change of a legacy tree entry is no change (git canonicalizes it).
        if change.is_mode_only() {
            continue;
        }
        let (blob, previous) = change.blobs();
        if merge || (blob.is_none() && previous.is_none()) {
            continue;
        }
        count += 1;
        let path = recorded.intern(path);
        recorded.push(path, commit, blob, previous);
    }
    if recorded.per_commit.len() <= index {
        recorded.per_commit.resize(index + 1, 0);
    }
    if let Some(slot) = recorded.per_commit.get_mut(index) {
        *slot = count;
    }
}

/// Order commits so that every commit comes after its parents in the set (Kahn's algorithm,
/// oldest first among the ready ones, so clock skew cannot reorder a parent after its child);
/// with, for each commit in that order, its position in `newest_first`.
// Every index is a position in `newest_first` (from `enumerate` or `index`, built from it),
// and `pending`, `children` and `slots` have exactly its length; a child is pushed once per
// parent edge that `pending` counted, so the count never goes below zero.
#[allow(clippy::indexing_slicing)]
fn parents_first(newest_first: Vec<Commit>) -> (Vec<Commit>, Vec<usize>) {
    let index: gix::hashtable::HashMap<ObjectId, usize> =
        newest_first.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    let mut pending: Vec<usize> = newest_first
        .iter()
        .map(|c| c.parents.iter().filter(|p| index.contains_key(*p)).count())
        .collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); newest_first.len()];
    for (i, c) in newest_first.iter().enumerate() {
        for p in &c.parents {
            if let Some(&pi) = index.get(p) {
                children[pi].push(i);
            }
        }
    }
    let mut ready: VecDeque<usize> = (0..newest_first.len()).rev().filter(|&i| pending[i] == 0).collect();
    let mut order = Vec::with_capacity(newest_first.len());
    while let Some(i) = ready.pop_front() {
        order.push(i);
        for &child in children[i].iter().rev() {
            pending[child] -= 1;
            if pending[child] == 0 {
                ready.push_back(child);
            }
        }
    }
    let mut slots: Vec<Option<Commit>> = newest_first.into_iter().map(Some).collect();
    let commits = order.iter().filter_map(|&i| slots[i].take()).collect();
    (commits, order)
}

/// Trees and blobs already known to be old.
#[derive(Default)]
struct Seen {
    trees: gix::hashtable::HashSet<ObjectId>,
    blobs: gix::hashtable::HashSet<ObjectId>,
}

impl Seen {
    fn mark_tree(&mut self, repo: &gix::Repository, root: ObjectId) -> Result<(), RepoError> {
        let mut stack = vec![root];
        let mut buf = Vec::new();
        while let Some(id) = stack.pop() {
            if !self.trees.insert(id) {
                continue;
            }
            for entry in tree_iter(repo, id, &mut buf)? {
                let entry = entry.map_err(|e| RepoError::read(format!("decoding tree {id}"), e))?;
                if entry.mode.is_tree() {
                    stack.push(entry.oid.to_owned());
                } else if entry.mode.is_blob() {
                    self.blobs.insert(entry.oid.to_owned());
                }
            }
        }
        Ok(())
    }
}

/// Every blob of a tree with its path, and whether it is entered as a symbolic link.
fn list_tree(
    repo: &gix::Repository,
    root: ObjectId,
    out: &mut Vec<(ObjectId, BString, bool)>,
) -> Result<(), RepoError> {
    let mut stack = vec![(root, BString::default())];
    let mut buf = Vec::new();
    while let Some((id, prefix)) = stack.pop() {
        for entry in tree_iter(repo, id, &mut buf)? {
            let entry = entry.map_err(|e| RepoError::read(format!("decoding tree {id}"), e))?;
            let mut path = prefix.clone();
            if !path.is_empty() {
                path.push_byte(b'/');
            }
            path.push_str(entry.filename);
            if entry.mode.is_tree() {
                stack.push((entry.oid.to_owned(), path));
            } else if entry.mode.is_blob_or_symlink() {
                out.push((entry.oid.to_owned(), path, entry.mode.is_link()));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::testing::{fast_import, git};

    #[test]
    fn the_walk_diffs_in_the_packs_order_with_the_same_results() {
        // fast-import stores each tree as a delta of the one before; `git repack -adf` stores
        // newer trees first, older ones as deltas of them. The walk's diff threads follow the
        // deltas' order either way, and must hand every commit's changes over parents first.
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path();
        git(dir, &["init", "-q", "-b", "main"]);
        let mut stream = String::new();
        let mut last = 0;
        for i in 1..=420u32 {
            let branch = if (300..320).contains(&i) { "side" } else { "main" };
            stream.push_str(&format!(
                "commit refs/heads/{branch}\nmark :{i}\ncommitter C <c@example.com> {} +0000\ndata 8\nrun {:04}\n",
                1_700_000_000 + i * 3600,
                i % 10_000
            ));
            match i {
                1 => {}
                300 => stream.push_str(&format!("from :{last}\n")),
                320 => stream.push_str(&format!("from :{last}\nmerge :319\n")),
                _ if branch == "side" => {}
                _ => stream.push_str(&format!("from :{last}\n")),
            }
            let rows: String = (0..40).map(|r| format!("{{\"row\": {r}, \"run\": {i}}}\n")).collect();
            stream.push_str(&format!("M 644 inline data/values.json\ndata {}\n{rows}\n", rows.len()));
            if i % 25 == 0 {
                let day = format!("day {i}\n");
                stream.push_str(&format!(
                    "M 644 inline logs/{}/day.txt\ndata {}\n{day}\n",
                    i / 100,
                    day.len()
                ));
            }
            if branch == "main" {
                last = i;
            }
        }
        fast_import(dir, &stream);

        type Seen = (Vec<(String, String, String)>, Vec<(String, u32, String, String)>, bool);
        let walk = || -> Seen {
            let repo = gix::open(dir).expect("open");
            let mut range = crate::range::Range::default();
            range.add_all_refs(&repo).expect("refs");
            let mut blobs = Vec::new();
            let mut walker = crate::walk::Walker::new(&repo, |c: crate::candidate::Candidate| {
                blobs.push((c.oid.to_string(), c.path.to_string(), format!("{:?}", c.commit)));
                Ok(())
            });
            walker.record_changes();
            walker
                .walk(&range.tips, &crate::walk::Old::Reachable(&range.hidden), None)
                .expect("walk");
            let walked = walker.finish();
            assert!(walked.commits.len() >= 400, "enough commits to diff on two threads");
            let recorded = walked.recorded.expect("recorded");
            let changes = recorded
                .changes
                .iter()
                .map(|c| {
                    (
                        recorded.paths[c.path as usize].to_string(),
                        c.commit,
                        format!("{:?}", c.blob().and_then(|n| recorded.blob_id(n))),
                        format!("{:?}", c.previous().and_then(|n| recorded.blob_id(n))),
                    )
                })
                .collect();
            let pairs: Vec<(gix::ObjectId, gix::ObjectId)> = walked
                .commits
                .iter()
                .filter_map(|c| {
                    let parent = c.parents.first()?;
                    let parent = walked.commits.iter().find(|p| p.id == *parent)?;
                    Some((c.tree, parent.tree))
                })
                .collect();
            (blobs, changes, crate::walk::newer_trees_first(&repo, pairs))
        };
        let (blobs, changes, newer_first) = walk();
        assert!(!newer_first, "fast-import writes each tree after its parent's");
        assert!(
            blobs.len() > 400 && changes.len() > 400,
            "{} {}",
            blobs.len(),
            changes.len()
        );
        git(dir, &["repack", "-adfq"]);
        let (repacked_blobs, repacked_changes, repacked_newer_first) = walk();
        assert!(repacked_newer_first, "git's packing writes newer trees first");
        assert_eq!(repacked_blobs.len(), blobs.len());
        assert_eq!(
            repacked_blobs
                .iter()
                .zip(&blobs)
                .position(|(x, y)| x != y)
                .map(|i| (&repacked_blobs[i], &blobs[i])),
            None,
            "the same blobs, paths and commits, in the same order"
        );
        assert_eq!(repacked_changes.len(), changes.len());
        assert_eq!(
            repacked_changes
                .iter()
                .zip(&changes)
                .position(|(x, y)| x != y)
                .map(|i| (&repacked_changes[i], &changes[i])),
            None,
            "the same changes, in the same order"
        );
    }
}

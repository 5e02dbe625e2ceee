//! Where history comes from: the look-back window, and what it says about the paths a range
//! or push touches.
//!
//! The window is the newest `lookback_commits` commits reachable from the tips in scope, no
//! older than `lookback_days` before the newest of them: measured from the commits, never from
//! the wall clock, so the same repository always gives the same findings. For a range it
//! reaches behind the range's base, for a push behind the refs' old values; its cost is bounded
//! by the window, not by the repository. Only paths that can be misused (large, or a log,
//! data file, database, generated output or backup by their own nature) are looked up, so a
//! push of source code reads no history at all.

use std::collections::{HashMap, HashSet};

use gix::ObjectId;
use gix::bstr::{BStr, BString, ByteSlice};

use crate::finding::Level;
use crate::policy::PolicyFile;
use crate::repo::RepoError;
use crate::rules::history::{self, Change, PathHistory, PathKind};
use crate::rules::{Hit, RuleId, paths};
use crate::walk::{Recorded, Walked, tree_iter};

/// Seconds in a day.
const DAY: i64 = 86_400;

/// A path the range touched, with what the per-blob rules made of its newest version.
#[derive(Debug, Clone)]
pub struct Touched {
    /// The path.
    pub path: BString,
    /// Its newest blob in the range.
    pub blob: ObjectId,
    /// The commit that brought that blob.
    pub commit: Option<ObjectId>,
    /// The root tree of that commit.
    pub root: Option<ObjectId>,
    /// The ref that brought it (hooks).
    pub reference: Option<BString>,
    /// Its size.
    pub size: Option<u64>,
    /// What it is by its own nature.
    pub kind: Option<PathKind>,
    /// Whether the content is text.
    pub text: bool,
}

/// Evidence for a finding another rule made about a path; `fallback` is reported when no such
/// finding exists.
#[derive(Debug, Clone)]
pub struct Extra {
    /// Index into the touched paths.
    pub touched: usize,
    /// The rules whose findings take the evidence.
    pub rules: &'static [RuleId],
    /// Evidence key.
    pub key: &'static str,
    /// Evidence value.
    pub value: serde_json::Value,
    /// A hit to report when none of `rules` found anything at the path.
    pub fallback: Option<Hit>,
}

/// What the history says.
#[derive(Debug, Default)]
pub struct Analysis {
    /// New findings, each about one touched path (by index).
    pub hits: Vec<(usize, Hit)>,
    /// Evidence for other findings.
    pub extras: Vec<Extra>,
    /// The window stopped at missing history.
    pub truncated: bool,
}

/// One commit of the window. Its author and message are read only when it changes a path
/// of interest (see [`Describe`]).
struct WindowCommit {
    tree: ObjectId,
    parents: Vec<ObjectId>,
    time: i64,
}

/// The identity and message template of commits, read on demand and remembered.
#[derive(Default)]
struct Describe {
    known: gix::hashtable::HashMap<ObjectId, (String, String)>,
}

impl Describe {
    fn of(&mut self, repo: &gix::Repository, id: ObjectId) -> (String, String) {
        self.known
            .entry(id)
            .or_insert_with(|| {
                let Ok(commit) = repo.find_commit(id) else {
                    return Default::default();
                };
                let identity = commit
                    .author()
                    .map(|a| {
                        let email = a.email.to_str_lossy().to_lowercase();
                        if email.is_empty() {
                            a.name.to_str_lossy().to_lowercase()
                        } else {
                            email
                        }
                    })
                    .unwrap_or_default();
                let template = commit.message_raw().map(|m| history::template(m)).unwrap_or_default();
                (identity, template)
            })
            .clone()
    }
}

/// The repository's commit-graph, if it has one: the window reads commit times, parents and
/// root trees from it instead of inflating commits. (A push's new commits are not in it; they
/// are read from the object store.)
fn commit_graph(repo: &gix::Repository) -> Option<gix::commitgraph::Graph> {
    let info = repo.common_dir().join("objects").join("info");
    gix::commitgraph::Graph::from_info_dir(&info, repo.object_hash()).ok()
}

/// Whether a path deserves a look at its history in the window: a large file, or one that is
/// misused by its own nature.
fn needs_history(t: &Touched, policy: &PolicyFile) -> bool {
    t.kind.is_some() || t.size.is_some_and(|s| s >= policy.rules.churning_blob.min_size.0)
}

/// Whether a path deserves a lookup at all: its history, or its neighbours (a dated series).
pub fn is_candidate(t: &Touched, policy: &PolicyFile) -> bool {
    needs_history(t, policy) || in_series(&t.path)
}

/// Where the history of a path comes from: the look-back window behind the tips of a range or
/// push, or the whole history an audit walked.
pub trait Source {
    /// The path's history.
    fn history(&mut self, repo: &gix::Repository, t: &Touched) -> Result<PathHistory, RepoError>;
    /// The median number of paths the given commits change.
    fn paths_per_commit(&mut self, repo: &gix::Repository, commits: &[&Change]) -> Option<usize>;
    /// Whether the history stops at missing commits.
    fn truncated(&self) -> bool;
}

/// Analyse the history of the `touched` paths in the window behind `tips`.
pub fn analyze(
    repo: &gix::Repository,
    policy: &PolicyFile,
    tips: &[ObjectId],
    touched: &[Touched],
) -> Result<Analysis, RepoError> {
    // The window is read only when some path needs its history.
    let wanted = touched.iter().any(|t| needs_history(t, policy)) && !tips.is_empty();
    let mut window = if wanted {
        Some(Window::read(repo, tips, policy)?)
    } else {
        None
    };
    analyze_with(repo, policy, touched, window.as_mut().map(|w| w as &mut dyn Source))
}

/// Analyse the history `source` gives of the `touched` paths (without a source, only what
/// their neighbours in the tree say).
pub fn analyze_with(
    repo: &gix::Repository,
    policy: &PolicyFile,
    touched: &[Touched],
    source: Option<&mut dyn Source>,
) -> Result<Analysis, RepoError> {
    let mut analysis = Analysis::default();
    let mut lookup = PathLookup::new(repo);
    for (i, t) in touched.iter().enumerate() {
        if let (Some(root), true) = (t.root, in_series(&t.path))
            && let Some(extra) = dated_series(&mut lookup, root, i, t)?
        {
            analysis.extras.push(extra);
        }
    }
    let Some(source) = source else {
        return Ok(analysis);
    };
    analysis.truncated = source.truncated();
    for (i, t) in touched.iter().enumerate() {
        if !needs_history(t, policy) {
            continue;
        }
        let h = source.history(repo, t)?;
        if let Some(hit) = history::churning_blob(&h, policy) {
            analysis.hits.push((i, hit));
        }
        if let Some(hit) = history::data_churn(&h, policy) {
            analysis.hits.push((i, hit));
        }
        let cadence = history::machine_cadence(&h, policy, |mine| source.paths_per_commit(repo, mine));
        if let Some(hit) = cadence {
            analysis.hits.push((i, hit));
        }
        if matches!(t.kind, Some(PathKind::Log | PathKind::Data)) && t.text {
            analysis.extras.extend(append_growth(repo, &h, i, t)?);
        }
    }
    Ok(analysis)
}

/// The look-back window behind a range or push, and the lookups into its trees.
struct Window<'r> {
    commits: WindowCommits,
    order: Vec<ObjectId>,
    truncated: bool,
    lookup: PathLookup<'r>,
    describe: Describe,
}

impl<'r> Window<'r> {
    fn read(repo: &'r gix::Repository, tips: &[ObjectId], policy: &PolicyFile) -> Result<Self, RepoError> {
        let (commits, order, truncated) = window(repo, tips, policy)?;
        Ok(Window {
            commits,
            order,
            truncated,
            lookup: PathLookup::new(repo),
            describe: Describe::default(),
        })
    }
}

impl Source for Window<'_> {
    fn history(&mut self, repo: &gix::Repository, t: &Touched) -> Result<PathHistory, RepoError> {
        path_history(
            repo,
            &mut self.lookup,
            &mut self.describe,
            &self.commits,
            &self.order,
            t,
            self.truncated,
        )
    }

    fn paths_per_commit(&mut self, repo: &gix::Repository, commits: &[&Change]) -> Option<usize> {
        paths_per_commit(repo, &self.commits, commits)
    }

    fn truncated(&self) -> bool {
        self.truncated
    }
}

/// The whole history an audit walked: every change of every non-merge commit, by path.
pub struct WholeHistory<'w> {
    walked: &'w Walked,
    recorded: &'w Recorded,
    /// Changes (indices into `recorded.changes`) of each path that may need its history.
    by_path: HashMap<u32, Vec<u32>>,
    index: gix::hashtable::HashMap<ObjectId, u32>,
    describe: Describe,
}

impl<'w> WholeHistory<'w> {
    /// The history of `touched` in what the walk recorded (`None` when it recorded nothing).
    pub fn new(walked: &'w Walked, touched: &[Touched]) -> Option<Self> {
        let recorded = walked.recorded.as_ref()?;
        let mut by_path: HashMap<u32, Vec<u32>> = touched
            .iter()
            .filter_map(|t| recorded.index.get(&t.path))
            .map(|&p| (p, Vec::new()))
            .collect();
        for (i, change) in recorded.changes.iter().enumerate() {
            if let Some(list) = by_path.get_mut(&change.path) {
                list.push(u32::try_from(i).unwrap_or(u32::MAX));
            }
        }
        let index = walked
            .commits
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id, u32::try_from(i).unwrap_or(u32::MAX)))
            .collect();
        Some(WholeHistory {
            walked,
            recorded,
            by_path,
            index,
            describe: Describe::default(),
        })
    }
}

impl Source for WholeHistory<'_> {
    fn history(&mut self, repo: &gix::Repository, t: &Touched) -> Result<PathHistory, RepoError> {
        let mut changes = Vec::new();
        let mut versions: Vec<ObjectId> = Vec::new();
        let mut seen = HashSet::new();
        let path = self.recorded.index.get(&t.path);
        let list = path
            .and_then(|p| self.by_path.get(p))
            .map(Vec::as_slice)
            .unwrap_or_default();
        // Newest first, as the window gives them.
        for &i in list.iter().rev() {
            let Some(change) = self.recorded.changes.get(i as usize) else {
                continue;
            };
            let Some(commit) = self.walked.commits.get(change.commit as usize) else {
                continue;
            };
            if let Some(b) = change.blob
                && seen.insert(b)
            {
                versions.push(b);
            }
            let (identity, template) = self.describe.of(repo, commit.id);
            changes.push(Change {
                commit: commit.id,
                time: commit.time,
                identity,
                template,
                blob: change.blob,
                previous: change.previous,
            });
        }
        changes.sort_by_key(|c| std::cmp::Reverse(c.time));
        let versions = versions
            .into_iter()
            .map(|b| (b, repo.try_find_header(b).ok().flatten().map(|h| h.size())))
            .collect();
        Ok(PathHistory {
            kind: t.kind,
            versions,
            changes,
            truncated: self.truncated(),
        })
    }

    fn paths_per_commit(&mut self, _repo: &gix::Repository, commits: &[&Change]) -> Option<usize> {
        let mut counts: Vec<u32> = commits
            .iter()
            .filter_map(|c| self.index.get(&c.commit))
            .filter_map(|&i| self.recorded.per_commit.get(i as usize).copied())
            .collect();
        if counts.is_empty() {
            return None;
        }
        counts.sort_unstable();
        counts.get(counts.len() / 2).map(|&n| n as usize)
    }

    fn truncated(&self) -> bool {
        !self.walked.truncated.is_empty()
    }
}

/// The window's commits by id.
type WindowCommits = gix::hashtable::HashMap<ObjectId, WindowCommit>;

fn window(
    repo: &gix::Repository,
    tips: &[ObjectId],
    policy: &PolicyFile,
) -> Result<(WindowCommits, Vec<ObjectId>, bool), RepoError> {
    let shallow: HashSet<ObjectId> = repo
        .shallow_commits()
        .map_err(|e| RepoError::read("reading the shallow file", e))?
        .map(|c| c.iter().copied().collect())
        .unwrap_or_default();
    let mut tips = tips.to_vec();
    tips.sort();
    tips.dedup();
    let graph = commit_graph(repo);
    let walk = repo
        .rev_walk(tips)
        .sorting(gix::revision::walk::Sorting::ByCommitTime(Default::default()))
        .with_commit_graph(commit_graph(repo))
        .all()
        .map_err(|e| RepoError::read("walking the look-back window", e))?;
    let (mut window, mut order, mut truncated) = (WindowCommits::default(), Vec::new(), false);
    let mut newest: Option<i64> = None;
    let max = policy.lookback_commits as usize;
    let days = i64::from(policy.lookback_days) * DAY;
    for info in walk {
        // Missing parents (a partial or broken history) end the window, not the scan.
        let Ok(info) = info else {
            truncated = true;
            break;
        };
        let from_graph = graph.as_ref().and_then(|g| g.commit_by_id(info.id)).map(|c| {
            (
                c.root_tree_id().to_owned(),
                i64::try_from(c.committer_timestamp()).unwrap_or(i64::MAX),
            )
        });
        let (tree, time) = match from_graph {
            Some(found) => found,
            None => {
                let Ok(commit) = repo.find_commit(info.id) else {
                    truncated = true;
                    break;
                };
                let tree = commit
                    .tree_id()
                    .map_err(|e| RepoError::read(format!("reading commit {}", info.id), e))?
                    .detach();
                (tree, commit.time().map(|t| t.seconds).unwrap_or(0))
            }
        };
        let newest = *newest.get_or_insert(time);
        if order.len() >= max || time < newest.saturating_sub(days) {
            break;
        }
        let parents = if shallow.contains(&info.id) {
            truncated = true;
            Vec::new()
        } else {
            info.parent_ids.iter().copied().collect()
        };
        order.push(info.id);
        window.insert(info.id, WindowCommit { tree, parents, time });
    }
    Ok((window, order, truncated))
}

fn path_history(
    repo: &gix::Repository,
    lookup: &mut PathLookup<'_>,
    describe: &mut Describe,
    window: &WindowCommits,
    order: &[ObjectId],
    t: &Touched,
    truncated: bool,
) -> Result<PathHistory, RepoError> {
    let path = t.path.as_bstr();
    let mut versions: Vec<ObjectId> = Vec::new();
    let mut seen = HashSet::new();
    let mut changes = Vec::new();
    for id in order {
        let Some(c) = window.get(id) else { continue };
        let blob = lookup.blob_at(c.tree, path)?;
        if let Some(b) = blob
            && seen.insert(b)
        {
            versions.push(b);
        }
        // Merges bring changes their other parents made; those commits count on their own.
        if c.parents.len() > 1 {
            continue;
        }
        let previous = match c.parents.first() {
            None => None,
            Some(p) => {
                let tree = match window.get(p) {
                    Some(pc) => Some(pc.tree),
                    None => repo
                        .find_commit(*p)
                        .ok()
                        .and_then(|pc| pc.tree_id().ok())
                        .map(|t| t.detach()),
                };
                match tree {
                    Some(tree) => lookup.blob_at(tree, path)?,
                    None => None,
                }
            }
        };
        if previous != blob {
            let (identity, template) = describe.of(repo, *id);
            changes.push(Change {
                commit: *id,
                time: c.time,
                identity,
                template,
                blob,
                previous,
            });
        }
    }
    let versions = versions
        .into_iter()
        .map(|b| {
            let size = repo.try_find_header(b).ok().flatten().map(|h| h.size());
            (b, size)
        })
        .collect();
    Ok(PathHistory {
        kind: t.kind,
        versions,
        changes,
        truncated,
    })
}

/// The median number of paths the given commits change (diffs against their first parent;
/// at most the newest 30 commits are diffed).
fn paths_per_commit(repo: &gix::Repository, window: &WindowCommits, commits: &[&Change]) -> Option<usize> {
    let mut counts = Vec::new();
    let mut state = gix::diff::tree::State::default();
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for change in commits.iter().take(30) {
        let c = window.get(&change.commit)?;
        let parent_tree = match c.parents.first() {
            Some(p) => match window.get(p) {
                Some(pc) => pc.tree,
                None => repo.find_commit(*p).ok()?.tree_id().ok()?.detach(),
            },
            None => ObjectId::empty_tree(repo.object_hash()),
        };
        let lhs = tree_iter(repo, parent_tree, &mut a).ok()?;
        let rhs = tree_iter(repo, c.tree, &mut b).ok()?;
        let mut recorder = gix::diff::tree::Recorder::default();
        gix::diff::tree(lhs, rhs, &mut state, &repo.objects, &mut recorder).ok()?;
        let n = recorder
            .records
            .iter()
            .filter(|r| {
                use gix::diff::tree::recorder::Change as C;
                match r {
                    C::Addition { entry_mode, .. } | C::Deletion { entry_mode, .. } => !entry_mode.is_tree(),
                    C::Modification { entry_mode, .. } => !entry_mode.is_tree(),
                }
            })
            .count();
        counts.push(n);
    }
    if counts.is_empty() {
        return None;
    }
    counts.sort_unstable();
    counts.get(counts.len() / 2).copied()
}

/// Text files at most this large are compared whole to tell appends from rewrites.
const APPEND_MAX: u64 = 4 * 1024 * 1024;

/// Consecutive versions compared for append-only growth.
const APPEND_PAIRS: usize = 4;

/// A log or data file whose versions each add to the end of the last: evidence for
/// `log-file`/`audit-record`, with the growth rate.
fn append_growth(repo: &gix::Repository, h: &PathHistory, index: usize, t: &Touched) -> Result<Vec<Extra>, RepoError> {
    let size = |b: ObjectId| repo.try_find_header(b).ok().flatten().map(|h| h.size());
    let mut checked = 0;
    for change in h.changes.iter().take(APPEND_PAIRS) {
        let (Some(new), Some(old)) = (change.blob, change.previous) else {
            break;
        };
        let (Some(new_size), Some(old_size)) = (size(new), size(old)) else {
            break;
        };
        if new_size <= old_size || new_size > APPEND_MAX {
            return Ok(Vec::new());
        }
        let read = |b: ObjectId| {
            repo.find_object(b)
                .map(|o| o.data.clone())
                .map_err(|e| RepoError::read(format!("reading blob {b}"), e))
        };
        if !read(new)?.starts_with(&read(old)?) {
            return Ok(Vec::new());
        }
        checked += 1;
    }
    if checked < 2 {
        return Ok(Vec::new());
    }
    // Growth over the window: from the oldest change's previous version to the newest version.
    let newest = h.changes.first();
    let oldest = h.changes.last();
    let (Some(newest), Some(oldest)) = (newest, oldest) else {
        return Ok(Vec::new());
    };
    let grown = newest
        .blob
        .and_then(size)
        .unwrap_or(0)
        .saturating_sub(oldest.previous.and_then(size).unwrap_or(0));
    let days = (newest.time.saturating_sub(oldest.time) as f64 / DAY as f64).max(1.0 / 24.0);
    let per_day = (grown as f64 / days) as u64;
    let value = serde_json::json!({
        "versions_checked": checked,
        "commits": h.changes.len(),
        "bytes_added": grown,
        "bytes_per_day": per_day,
    });
    let fallback = (t.kind == Some(PathKind::Data)).then(|| {
        Hit::new(
            RuleId::AuditRecord,
            Level::Warn,
            format!(
                "an append-only record file: each of the last {checked} versions adds to the end of the one before, about {} a day",
                crate::util::human_size(per_day)
            ),
        )
        .with("append_growth", value.clone())
    });
    Ok(vec![Extra {
        touched: index,
        rules: &[RuleId::LogFile, RuleId::AuditRecord],
        key: "append_growth",
        value,
        fallback,
    }])
}

/// File extensions of dumps, archives and backup copies: a dated series of these is a backup
/// schedule even when each file is small.
const SERIES_EXTENSIONS: &[&str] = &[
    "sql", "dump", "bak", "backup", "tar", "gz", "tgz", "zip", "7z", "bz2", "xz", "zst", "rar", "bson", "rdb",
];

/// Whether the file name carries a date or a counter and has a backup-like extension.
fn in_series(path: &BString) -> bool {
    let name = crate::walk::split_path(path.as_bstr()).1;
    let template = name_template(name);
    template.contains('#') && paths::extension(name).is_some_and(|e| SERIES_EXTENSIONS.contains(&e.as_str()))
}

/// A file name with its dates and counters replaced: `backup_20171130.sql.tar.gz` →
/// `backup_#.sql.tar.gz`, `2017-04-02-db.sql` → `#-db.sql`, `dump_0012.tar` → `dump_#.tar`.
pub fn name_template(name: &BStr) -> String {
    let mut rest = name.as_bytes();
    let mut out = String::new();
    while let Some(&first) = rest.first() {
        let run = if first.is_ascii_digit() {
            // A run of digits, with single separators between digit groups (dates, times).
            let mut n = 0;
            while let Some(&b) = rest.get(n) {
                let joins =
                    matches!(b, b'-' | b'_' | b'.' | b'T' | b':') && rest.get(n + 1).is_some_and(u8::is_ascii_digit);
                if !(b.is_ascii_digit() || joins) {
                    break;
                }
                n += 1;
            }
            out.push('#');
            n
        } else {
            let n = rest.iter().position(u8::is_ascii_digit).unwrap_or(rest.len());
            out.push_str(&String::from_utf8_lossy(rest.get(..n).unwrap_or(rest)));
            n
        };
        rest = rest.get(run..).unwrap_or_default();
    }
    out
}

/// Files beside it named the same but for a date or counter.
const SERIES_MIN: usize = 3;

fn dated_series(
    lookup: &mut PathLookup<'_>,
    root: ObjectId,
    index: usize,
    t: &Touched,
) -> Result<Option<Extra>, RepoError> {
    let (dir, name) = crate::walk::split_path(t.path.as_bstr());
    let template = name_template(name);
    let names = lookup.list_dir(root, dir)?;
    let members: Vec<&BString> = names
        .iter()
        .filter(|n| name_template(n.as_bstr()) == template)
        .collect();
    if members.len() < SERIES_MIN {
        return Ok(None);
    }
    let examples: Vec<String> = members
        .iter()
        .rev()
        .take(3)
        .map(|n| n.to_str_lossy().into_owned())
        .collect();
    let value = serde_json::json!({"template": template, "files": members.len(), "examples": examples});
    let fallback = Hit::new(
        RuleId::BackupFile,
        Level::Warn,
        format!(
            "one of {} files named `{}` with a date or counter: a backup schedule",
            members.len(),
            template
        ),
    )
    .with("series", value.clone());
    Ok(Some(Extra {
        touched: index,
        rules: &[
            RuleId::DatabaseDump,
            RuleId::ArchiveBackup,
            RuleId::DiskImage,
            RuleId::BackupFile,
        ],
        key: "series",
        value,
        fallback: Some(fallback),
    }))
}

/// Tree lookups by path, remembered per (tree, rest of path): consecutive commits share most
/// subtrees, so each commit costs about one tree read.
struct PathLookup<'r> {
    repo: &'r gix::Repository,
    memo: HashMap<(ObjectId, BString), Option<ObjectId>>,
    buf: Vec<u8>,
}

impl<'r> PathLookup<'r> {
    fn new(repo: &'r gix::Repository) -> Self {
        PathLookup {
            repo,
            memo: HashMap::new(),
            buf: Vec::new(),
        }
    }

    /// The blob at `path` in `tree`, if there is one.
    fn blob_at(&mut self, tree: ObjectId, path: &BStr) -> Result<Option<ObjectId>, RepoError> {
        let key = (tree, path.to_owned());
        if let Some(found) = self.memo.get(&key) {
            return Ok(*found);
        }
        let (first, rest) = match path.split_once_str("/") {
            Some((first, rest)) => (first.as_bstr(), Some(rest.as_bstr())),
            None => (path, None),
        };
        let entry = self.entry(tree, first)?;
        let found = match (entry, rest) {
            (Some((oid, mode)), None) if mode.is_blob() => Some(oid),
            (Some((oid, mode)), Some(rest)) if mode.is_tree() => self.blob_at(oid, rest)?,
            _ => None,
        };
        self.memo.insert(key, found);
        Ok(found)
    }

    fn entry(
        &mut self,
        tree: ObjectId,
        name: &[u8],
    ) -> Result<Option<(ObjectId, gix::objs::tree::EntryMode)>, RepoError> {
        for entry in tree_iter(self.repo, tree, &mut self.buf)? {
            let entry = entry.map_err(|e| RepoError::read(format!("decoding tree {tree}"), e))?;
            if entry.filename == name {
                return Ok(Some((entry.oid.to_owned(), entry.mode)));
            }
        }
        Ok(None)
    }

    /// The file names in directory `dir` of `root`.
    fn list_dir(&mut self, root: ObjectId, dir: &BStr) -> Result<Vec<BString>, RepoError> {
        let mut tree = root;
        if !dir.is_empty() {
            for part in dir.split(|b| *b == b'/') {
                match self.entry(tree, part)? {
                    Some((oid, mode)) if mode.is_tree() => tree = oid,
                    _ => return Ok(Vec::new()),
                }
            }
        }
        let mut names = Vec::new();
        for entry in tree_iter(self.repo, tree, &mut self.buf)? {
            let entry = entry.map_err(|e| RepoError::read(format!("decoding tree {tree}"), e))?;
            if entry.mode.is_blob() {
                names.push(entry.filename.to_owned());
            }
        }
        Ok(names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_names() {
        assert_eq!(name_template(b"2017-04-02-db.sql".as_bstr()), "#-db.sql");
        assert_eq!(
            name_template(b"backup_20171130.sql.tar.gz".as_bstr()),
            "backup_#.sql.tar.gz"
        );
        assert_eq!(name_template(b"dump_0012.tar".as_bstr()), "dump_#.tar");
        assert_eq!(name_template(b"shop.sql".as_bstr()), "shop.sql");
        assert!(in_series(&BString::from("db/2017-04-02-db.sql")));
        assert!(!in_series(&BString::from("db/shop.sql")));
        assert!(!in_series(&BString::from("src/v2_parser.rs")));
    }
}

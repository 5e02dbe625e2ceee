//! What a repository holds and where, whatever the rules conclude: the figures people know
//! from `git-sizer` and `git filter-repo --analyze`, read from what the audit's walk and
//! pack reader already hold.
//!
//! Objects are the ones the refs reach (as `git rev-list --objects --all` lists them). Each
//! blob counts once, under the first path the history gave it (walk order, parents before
//! children), so the sums by path, extension and folder add up to the blobs' total. A path is
//! *deleted* when HEAD's tree does not hold it. Levels of concern divide a figure by the
//! scale `git-sizer` gives it for one star ([`SCALES`]).

use std::collections::{BTreeMap, HashMap};

use gix::ObjectId;
use gix::bstr::{BStr, BString, ByteSlice};
use serde::Serialize;

use crate::packs::Packs;
use crate::walk::Walked;

/// How many entries each list keeps (the text shows fewer unless verbose).
pub(crate) const KEPT: usize = 25;

/// The largest blobs and trees are cut back to [`KEPT`] whenever this many were gathered.
const LARGEST_BATCH: usize = 4096;

/// `git-sizer`'s scales: the value of each figure that earns one star of concern (its
/// `sizes/output.go`), for the figures the overview measures the same way.
pub(crate) const SCALES: &[(&str, f64)] = &[
    ("commits", 500e3),
    ("trees", 1.5e6),
    ("blobs", 1.5e6),
    ("blob-bytes", 10e9),
    ("tags", 25e3),
    ("refs", 25e3),
    ("largest-commit", 50e3),
    ("most-parents", 10.0),
    ("largest-blob", 10e6),
    ("checkout-folders", 2e3),
    ("checkout-depth", 10.0),
    ("checkout-path-length", 100.0),
    ("checkout-files", 50e3),
    ("checkout-bytes", 1e9),
    ("checkout-symlinks", 25e3),
    ("checkout-submodules", 100.0),
];

/// Objects of one kind, and their bytes whole and as stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Total {
    /// How many.
    pub(crate) count: u64,
    /// Their bytes whole.
    pub(crate) bytes: u64,
    /// Their bytes as stored (pack entries, loose files).
    pub(crate) packed: u64,
}

impl Total {
    fn add(&mut self, bytes: u64, packed: u64) {
        self.count += 1;
        self.bytes = self.bytes.saturating_add(bytes);
        self.packed = self.packed.saturating_add(packed);
    }
}

/// One blob among the largest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Blob {
    /// Its id.
    #[serde(serialize_with = "hex")]
    pub(crate) id: ObjectId,
    /// The first path the history gave it.
    #[serde(serialize_with = "lossy")]
    pub(crate) path: BString,
    /// Bytes whole.
    pub(crate) bytes: u64,
    /// Bytes as stored.
    pub(crate) packed: u64,
}

/// One tree among the largest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Tree {
    /// Its id.
    #[serde(serialize_with = "hex")]
    pub(crate) id: ObjectId,
    /// Where HEAD's checkout holds it (`/` for the root), if it does.
    #[serde(serialize_with = "lossy_option")]
    pub(crate) path: Option<BString>,
    /// Its entries.
    pub(crate) entries: u64,
    /// Bytes whole.
    pub(crate) bytes: u64,
}

/// One commit among those that added the most.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Commit {
    /// Its id.
    #[serde(serialize_with = "hex")]
    pub id: ObjectId,
    /// Committer time, seconds since the epoch.
    pub time: i64,
    /// Blobs the history holds first from it.
    pub(crate) blobs: u64,
    /// Their bytes whole.
    pub(crate) bytes: u64,
    /// Their bytes as stored.
    pub(crate) packed: u64,
}

/// The blobs of a group of paths (an extension, a folder, one deleted path).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Group {
    /// The extension (`.json`; `(none)`), the top folder (`src/`; `(root)` for files at the
    /// top), or the path.
    #[serde(serialize_with = "lossy")]
    pub(crate) name: BString,
    /// Paths in it.
    pub(crate) paths: u64,
    /// Its blobs (each once, under its first path), bytes whole and as stored.
    pub(crate) blobs: Total,
}

/// A path the history deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Deleted {
    /// The path.
    #[serde(serialize_with = "lossy")]
    pub(crate) path: BString,
    /// When the commit that deleted it was made (seconds since the epoch).
    pub(crate) time: i64,
    /// Its blobs (each once, under its first path), bytes whole and as stored.
    pub(crate) blobs: Total,
}

/// HEAD's checkout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Checkout {
    /// HEAD's commit.
    #[serde(serialize_with = "hex")]
    pub(crate) commit: ObjectId,
    /// Regular and executable files.
    pub(crate) files: u64,
    /// Their bytes.
    pub(crate) bytes: u64,
    /// Folders (the root not counted).
    pub(crate) folders: u64,
    /// Symbolic links.
    pub(crate) symlinks: u64,
    /// Submodules.
    pub(crate) submodules: u64,
    /// The most folders a path is under, plus one (`a/b/c`: 3), and such a path.
    pub(crate) depth: u64,
    /// See `depth`.
    #[serde(serialize_with = "lossy")]
    pub(crate) deepest: BString,
    /// The longest path in bytes, and the path.
    pub(crate) longest: u64,
    /// See `longest`.
    #[serde(serialize_with = "lossy")]
    pub(crate) longest_path: BString,
}

/// Refs by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Refs {
    /// Every ref (HEAD not counted).
    pub(crate) total: u64,
    /// `refs/heads/`.
    pub(crate) branches: u64,
    /// `refs/tags/`.
    pub(crate) tags: u64,
    /// `refs/remotes/`.
    pub(crate) remotes: u64,
    /// `refs/pull/` and `refs/merge-requests/`: a host's, never rewritten by pushes.
    pub(crate) review: u64,
    /// `refs/notes/`.
    pub(crate) notes: u64,
    /// Anything else.
    pub(crate) other: u64,
}

/// One figure with its level of concern.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Concern {
    /// The figure (a key of [`SCALES`]).
    pub(crate) figure: &'static str,
    /// Its value.
    pub(crate) value: u64,
    /// `value` over `git-sizer`'s scale for one star.
    pub(crate) level: f64,
    /// The object or path it was measured at, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) at: Option<String>,
}

impl Concern {
    /// The stars `git-sizer` prints for the level (`!` beyond 30).
    pub(crate) fn stars(&self) -> String {
        let whole = self.level.floor();
        if whole > 30.0 {
            "!".repeat(30)
        } else {
            "*".repeat(whole as usize)
        }
    }
}

/// The overview.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Overview {
    /// Commits the refs reach.
    pub(crate) commits: Total,
    /// Trees they reach.
    pub(crate) trees: Total,
    /// Blobs they reach (whole bytes of the blobs present; see `absent_blobs`).
    pub(crate) blobs: Total,
    /// Annotated tags they reach.
    pub(crate) tags: Total,
    /// Reachable blobs not in the database (a partial clone): not in the sums.
    pub(crate) absent_blobs: u64,
    /// Blobs no file's change names (the targets of symbolic links): in `blobs`, not in the
    /// sums by extension, folder or path.
    pub(crate) unattributed: Total,
    /// Refs by kind.
    pub(crate) refs: Refs,
    /// The largest blobs, largest first.
    pub(crate) largest_blobs: Vec<Blob>,
    /// The largest trees, largest first.
    pub(crate) largest_trees: Vec<Tree>,
    /// The commits that added the most bytes (blobs the history holds first from them).
    pub(crate) biggest_commits: Vec<Commit>,
    /// Blobs by the extension of their first path, most packed bytes first.
    pub(crate) extensions: Vec<Group>,
    /// Blobs by the top folder of their first path, most packed bytes first.
    pub(crate) folders: Vec<Group>,
    /// Paths the history deleted (the last change to each removed it) whose blobs still take
    /// space, most packed bytes first (the first [`KEPT`]).
    pub(crate) deleted: Vec<Deleted>,
    /// All of them: how many paths, and their blobs.
    pub(crate) deleted_total: Group,
    /// HEAD's checkout (none when HEAD has no commit).
    pub(crate) checkout: Option<Checkout>,
    /// Levels of concern, in the order of [`SCALES`].
    pub(crate) concern: Vec<Concern>,
}

/// What the overview is read from: the audit's walk (with its recorded changes), the blob
/// sizes it read, the pack reader, the refs and the annotated tags they reach.
pub(crate) struct Sources<'a> {
    /// The repository (HEAD's tree, the largest trees' entries).
    pub(crate) repo: &'a gix::Repository,
    /// The walk of every ref.
    pub(crate) walked: &'a Walked,
    /// Whole size of every reachable blob (`None`: absent).
    pub(crate) sizes: &'a crate::packs::Sizes,
    /// The object database.
    pub(crate) packs: &'a Packs,
    /// Every ref's full name.
    pub(crate) refs: &'a [BString],
    /// The annotated tags the refs reach.
    pub(crate) tags: &'a [ObjectId],
    /// Blobs in `sizes` no ref reaches (read when the audit reads those too), sorted.
    pub(crate) unreachable: &'a [ObjectId],
}

/// Work out the overview.
pub(crate) fn overview(s: &Sources<'_>) -> Overview {
    let packed = |id: &gix::oid| s.packs.packed_size(id).unwrap_or(0);
    let whole = |id: &gix::oid| s.packs.header(id).map_or(0, |(size, _)| size);
    let mut o = Overview::default();
    let mut most_parents: (u64, Option<ObjectId>) = (0, None);
    let mut largest_commit: (u64, Option<ObjectId>) = (0, None);
    for c in &s.walked.commits {
        let size = whole(&c.id);
        o.commits.add(size, packed(&c.id));
        if size > largest_commit.0 {
            largest_commit = (size, Some(c.id));
        }
        let parents = c.parents.len() as u64;
        if parents > most_parents.0 {
            most_parents = (parents, Some(c.id));
        }
    }
    let mut tags: Vec<ObjectId> = s.tags.to_vec();
    tags.sort();
    tags.dedup();
    for id in &tags {
        o.tags.add(whole(id), packed(id));
    }
    // The largest trees, kept to the largest few as they come.
    let mut trees: Vec<(u64, ObjectId)> = Vec::new();
    if let Some(recorded) = &s.walked.recorded {
        for id in recorded.trees.iter() {
            // The empty tree is no object of the repository's own unless stored.
            if id.is_empty_tree() && s.packs.header(&id).is_none() {
                continue;
            }
            let size = whole(&id);
            o.trees.add(size, packed(&id));
            trees.push((size, id));
            if trees.len() >= LARGEST_BATCH {
                largest_first(&mut trees);
            }
        }
    }

    // Each blob once, under its first path and the commit that first holds it (each blob's
    // size on disk looked up once).
    let no_paths = Vec::new();
    let paths = s.walked.recorded.as_ref().map_or(&no_paths, |r| &r.paths);
    let mut blobs_at: Vec<Total> = vec![Total::default(); paths.len()];
    // Per path, the commit of its last change when that change deleted it.
    let mut deleted_by: Vec<Option<u32>> = vec![None; paths.len()];
    let mut by_commit: Vec<Total> = vec![Total::default(); s.walked.commits.len()];
    // The first path of each blob, by its number in the recorded changes (an array, not a
    // map keyed by id); `u32::MAX`: none.
    let numbers = s.walked.recorded.as_ref().map(|r| &r.blobs);
    let mut first_path: Vec<u32> = vec![u32::MAX; numbers.map_or(0, |b| b.dense_len())];
    let packed_numbered = |blobs: &crate::history::commit::BlobIds, n: u32| match blobs
        .packs()
        .and_then(|packs| Some((packs, packs.located(n)?)))
    {
        Some((packs, at)) => packs.packed_at(at),
        None => blobs.id(n).and_then(|id| s.packs.packed_size(&id)),
    };
    if let Some(recorded) = &s.walked.recorded {
        let blobs = &recorded.blobs;
        for change in &recorded.changes {
            if let Some(slot) = deleted_by.get_mut(change.path as usize) {
                *slot = change.blob().is_none().then_some(change.commit);
            }
            let Some(n) = change.blob() else { continue };
            let Some(first) = first_path.get_mut(blobs.dense(n)) else {
                continue;
            };
            if *first != u32::MAX {
                continue;
            }
            *first = change.path;
            let Some(Some(size)) = blobs.size(s.sizes, n) else {
                continue;
            };
            let on_disk = packed_numbered(blobs, n).unwrap_or(0);
            o.blobs.add(size, on_disk);
            if let Some(t) = blobs_at.get_mut(change.path as usize) {
                t.add(size, on_disk);
            }
            if let Some(t) = by_commit.get_mut(change.commit as usize) {
                t.add(size, on_disk);
            }
        }
    }
    let path_of = |id: &gix::oid| {
        let numbers = numbers?;
        let n = numbers.find(id)?;
        first_path.get(numbers.dense(n)).copied().filter(|&p| p != u32::MAX)
    };
    // The largest blobs, kept to the largest few as they come.
    let mut largest: Vec<(u64, ObjectId)> = Vec::new();
    for (id, size) in s.sizes.iter() {
        if s.unreachable.binary_search(&id).is_ok() {
            continue;
        }
        match size {
            Some(size) => {
                if path_of(&id).is_none() {
                    let on_disk = packed(&id);
                    o.blobs.add(size, on_disk);
                    o.unattributed.add(size, on_disk);
                }
                largest.push((size, id));
                if largest.len() >= LARGEST_BATCH {
                    largest_first(&mut largest);
                }
            }
            None => o.absent_blobs += 1,
        }
    }
    largest_first(&mut largest);
    o.largest_blobs = largest
        .iter()
        .take(KEPT)
        .map(|&(bytes, id)| Blob {
            id,
            path: path_of(&id)
                .and_then(|p| paths.get(p as usize))
                .cloned()
                .unwrap_or_default(),
            bytes,
            packed: packed(&id),
        })
        .collect();

    let mut commits: Vec<(u32, Total)> = (0u32..).zip(by_commit).filter(|(_, t)| t.count > 0).collect();
    commits.sort_unstable_by(|a, b| b.1.bytes.cmp(&a.1.bytes).then(a.0.cmp(&b.0)));
    o.biggest_commits = commits
        .iter()
        .take(KEPT)
        .filter_map(|(i, t)| {
            let c = s.walked.commits.get(*i as usize)?;
            Some(Commit {
                id: c.id,
                time: c.time,
                blobs: t.count,
                bytes: t.bytes,
                packed: t.packed,
            })
        })
        .collect();

    let checkout = head_checkout(s);
    let tree_paths = checkout.as_ref().map(|(_, trees)| trees);
    largest_first(&mut trees);
    o.largest_trees = trees
        .iter()
        .take(KEPT)
        .map(|&(bytes, id)| Tree {
            id,
            path: tree_paths.and_then(|t| t.get(&id)).cloned(),
            entries: tree_entries(s.repo, id),
            bytes,
        })
        .collect();

    let mut extensions: BTreeMap<BString, Group> = BTreeMap::new();
    let mut folders: BTreeMap<BString, Group> = BTreeMap::new();
    let mut deleted: Vec<Deleted> = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        let Some(total) = blobs_at.get(i).filter(|t| t.count > 0) else {
            continue;
        };
        for (map, key) in [
            (&mut extensions, extension(path.as_bstr())),
            (&mut folders, folder(path.as_bstr())),
        ] {
            let group = map.entry(key.clone()).or_insert_with(|| Group {
                name: key,
                paths: 0,
                blobs: Total::default(),
            });
            group.paths += 1;
            group.blobs.count += total.count;
            group.blobs.bytes = group.blobs.bytes.saturating_add(total.bytes);
            group.blobs.packed = group.blobs.packed.saturating_add(total.packed);
        }
        let deleting = deleted_by
            .get(i)
            .copied()
            .flatten()
            .and_then(|c| s.walked.commits.get(c as usize));
        if let Some(commit) = deleting {
            deleted.push(Deleted {
                path: path.clone(),
                time: commit.time,
                blobs: *total,
            });
        }
    }
    let ranked = |mut groups: Vec<Group>| {
        groups.sort_by(|a, b| {
            (b.blobs.packed, b.blobs.bytes)
                .cmp(&(a.blobs.packed, a.blobs.bytes))
                .then_with(|| a.name.cmp(&b.name))
        });
        groups
    };
    o.extensions = ranked(extensions.into_values().collect());
    o.folders = ranked(folders.into_values().collect());
    o.deleted_total = Group {
        name: "(deleted)".into(),
        paths: deleted.len() as u64,
        blobs: Total::default(),
    };
    for g in &deleted {
        let t = &mut o.deleted_total.blobs;
        t.count += g.blobs.count;
        t.bytes = t.bytes.saturating_add(g.blobs.bytes);
        t.packed = t.packed.saturating_add(g.blobs.packed);
    }
    deleted.sort_by(|a, b| {
        (b.blobs.packed, b.blobs.bytes)
            .cmp(&(a.blobs.packed, a.blobs.bytes))
            .then_with(|| a.path.cmp(&b.path))
    });
    deleted.truncate(KEPT);
    o.deleted = deleted;

    for name in s.refs {
        o.refs.total += 1;
        let kind = if name.starts_with(b"refs/heads/") {
            &mut o.refs.branches
        } else if name.starts_with(b"refs/tags/") {
            &mut o.refs.tags
        } else if name.starts_with(b"refs/remotes/") {
            &mut o.refs.remotes
        } else if name.starts_with(b"refs/pull/") || name.starts_with(b"refs/merge-requests/") {
            &mut o.refs.review
        } else if name.starts_with(b"refs/notes/") {
            &mut o.refs.notes
        } else {
            &mut o.refs.other
        };
        *kind += 1;
    }
    o.checkout = checkout.map(|(c, _)| c);

    let hex10 = |id: Option<ObjectId>| id.map(|id| id.to_hex_with_len(10).to_string());
    let largest_blob = o.largest_blobs.first();
    let mut figures: Vec<(&'static str, u64, Option<String>)> = vec![
        ("commits", o.commits.count, None),
        ("trees", o.trees.count, None),
        ("blobs", o.blobs.count, None),
        ("blob-bytes", o.blobs.bytes, None),
        ("tags", o.tags.count, None),
        ("refs", o.refs.total, None),
        ("largest-commit", largest_commit.0, hex10(largest_commit.1)),
        ("most-parents", most_parents.0, hex10(most_parents.1)),
        (
            "largest-blob",
            largest_blob.map_or(0, |b| b.bytes),
            largest_blob.map(|b| crate::util::sanitize(&b.path)),
        ),
    ];
    if let Some(c) = &o.checkout {
        let deepest = Some(crate::util::sanitize(&c.deepest));
        let longest = Some(crate::util::sanitize(&c.longest_path));
        figures.extend([
            ("checkout-folders", c.folders, None),
            ("checkout-depth", c.depth, deepest),
            ("checkout-path-length", c.longest, longest),
            ("checkout-files", c.files, None),
            ("checkout-bytes", c.bytes, None),
            ("checkout-symlinks", c.symlinks, None),
            ("checkout-submodules", c.submodules, None),
        ]);
    }
    o.concern = figures
        .into_iter()
        .filter_map(|(figure, value, at)| {
            let scale = SCALES.iter().find(|(f, _)| *f == figure)?.1;
            Some(Concern {
                figure,
                value,
                level: value as f64 / scale,
                at,
            })
        })
        .collect();
    o
}

/// The [`KEPT`] largest of `sized`, largest first (ties: the larger id first), in place of
/// the whole list.
fn largest_first(sized: &mut Vec<(u64, ObjectId)>) {
    if sized.len() > KEPT {
        sized.select_nth_unstable_by(KEPT - 1, |a, b| b.cmp(a));
        sized.truncate(KEPT);
    }
    sized.sort_unstable_by(|a, b| b.cmp(a));
}

/// HEAD's checkout, and its trees (id to path).
type Head = (Checkout, HashMap<ObjectId, BString>);

fn head_checkout(s: &Sources<'_>) -> Option<Head> {
    let commit = s.repo.head_commit().ok()?;
    let tree = commit.tree().ok()?;
    let mut recorder = gix::traverse::tree::Recorder::default();
    tree.traverse().breadthfirst(&mut recorder).ok()?;
    let mut checkout = Checkout {
        commit: commit.id,
        files: 0,
        bytes: 0,
        folders: 0,
        symlinks: 0,
        submodules: 0,
        depth: 0,
        deepest: BString::default(),
        longest: 0,
        longest_path: BString::default(),
    };
    let mut trees = HashMap::new();
    trees.insert(tree.id, BString::from("/"));
    for entry in recorder.records {
        let path = entry.filepath;
        let depth = path.split_str("/").count() as u64;
        if entry.mode.is_tree() {
            checkout.folders += 1;
            trees.entry(entry.oid).or_insert_with(|| path.clone());
            continue;
        }
        if depth > checkout.depth {
            checkout.depth = depth;
            checkout.deepest = path.clone();
        }
        if path.len() as u64 > checkout.longest {
            checkout.longest = path.len() as u64;
            checkout.longest_path = path.clone();
        }
        if entry.mode.is_commit() {
            checkout.submodules += 1;
        } else if entry.mode.is_link() {
            checkout.symlinks += 1;
        } else {
            checkout.files += 1;
            let size = s
                .sizes
                .get(&entry.oid)
                .flatten()
                .or_else(|| s.packs.header(&entry.oid).map(|(size, _)| size))
                .unwrap_or(0);
            checkout.bytes = checkout.bytes.saturating_add(size);
        }
    }
    Some((checkout, trees))
}

/// The entries of tree `id` (0 when it cannot be read).
fn tree_entries(repo: &gix::Repository, id: ObjectId) -> u64 {
    let mut buf = Vec::new();
    crate::walk::changes::tree_iter(repo, id, &mut buf)
        .map(|entries| entries.filter(Result::is_ok).count() as u64)
        .unwrap_or(0)
}

/// `.json` for `data/a.json`; `.gz` for `a.tar.gz`; `(none)` without a dot in the file name
/// (a leading dot, `.gitignore`, is a name, not an extension).
fn extension(path: &BStr) -> BString {
    let name = path.rsplit_str("/").next().unwrap_or_default();
    match name.rfind_byte(b'.') {
        Some(0) | None => "(none)".into(),
        Some(dot) => name.get(dot..).unwrap_or_default().into(),
    }
}

/// `src/` for `src/main.rs`; `(root)` for a file at the top.
fn folder(path: &BStr) -> BString {
    match path.find_byte(b'/') {
        Some(slash) => path.get(..=slash).unwrap_or_default().into(),
        None => "(root)".into(),
    }
}

fn hex<S: serde::Serializer>(id: &ObjectId, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(id)
}

fn lossy<S: serde::Serializer>(path: &BString, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&path.to_str_lossy())
}

fn lossy_option<S: serde::Serializer>(path: &Option<BString>, s: S) -> Result<S::Ok, S::Error> {
    match path {
        Some(path) => s.serialize_str(&path.to_str_lossy()),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_and_folders_are_named_as_people_read_them() {
        for (path, ext, dir) in [
            ("data/a.json", ".json", "data/"),
            ("a.tar.gz", ".gz", "(root)"),
            (".gitignore", "(none)", "(root)"),
            ("src/x/Makefile", "(none)", "src/"),
            ("docs/.hidden/a.md", ".md", "docs/"),
        ] {
            assert_eq!(extension(path.into()), ext, "{path}");
            assert_eq!(folder(path.into()), dir, "{path}");
        }
    }

    #[test]
    fn stars_follow_the_level() {
        let c = |level| Concern {
            figure: "blobs",
            value: 0,
            level,
            at: None,
        };
        assert_eq!(c(0.9).stars(), "");
        assert_eq!(c(1.0).stars(), "*");
        assert_eq!(c(3.7).stars(), "***");
        assert_eq!(c(31.0).stars(), "!".repeat(30));
    }
}

//! `.gitattributes` as a commit's tree defines them, for bare repositories too.
//!
//! For a path `a/b/file`, the `.gitattributes` files of the root, `a/` and `a/b/` in the
//! commit's tree apply (deeper files win), then `$GIT_DIR/info/attributes`. Parsed pattern
//! lists are cached by the blob ids involved, so a range that never touches its
//! `.gitattributes` parses them once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use gix::ObjectId;
use gix::attrs::StateRef;
use gix::attrs::search::{MetadataCollection, Outcome};
use gix::bstr::{BStr, BString, ByteSlice};
use gix::objs::FindExt;

use crate::repo::RepoError;

/// The attributes pushgate acts on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct PathAttributes {
    /// `filter=lfs`: the path should hold a Git LFS pointer.
    pub(crate) lfs: bool,
    /// `linguist-generated` (set, or set to a true value).
    pub(crate) generated: bool,
}

/// The `.gitattributes` blobs of a tree, by the directory holding each (`""` for the root).
pub(crate) type Listed = std::collections::BTreeMap<BString, ObjectId>;

struct Prepared {
    search: gix::attrs::Search,
    collection: MetadataCollection,
}

/// A tree as attributes see it: its `.gitattributes` and its subtrees.
#[derive(Debug, Default)]
struct Dir {
    attributes: Option<ObjectId>,
    subtrees: Vec<(BString, ObjectId)>,
}

/// Attribute lookups with caches for one scan.
pub(crate) struct Attributes {
    info_attributes: Option<Vec<u8>>,
    /// Tree id → its `.gitattributes` blob, if any.
    /// What each recently read tree holds that attributes care about.
    dirs: HashMap<ObjectId, Dir>,
    /// The chain of (directory, `.gitattributes` blob) → parsed patterns.
    prepared: HashMap<Vec<(BString, ObjectId)>, Prepared>,
    buf: Vec<u8>,
}

impl Attributes {
    /// Lookups for `repo`; reads `$GIT_DIR/info/attributes` once.
    pub(crate) fn new(repo: &gix::Repository) -> Self {
        let info_attributes = std::fs::read(repo.common_dir().join("info").join("attributes")).ok();
        Attributes {
            info_attributes,
            dirs: HashMap::new(),
            prepared: HashMap::new(),
            buf: Vec::new(),
        }
    }

    /// The attributes of `path` in the tree `root`.
    pub(crate) fn get(
        &mut self,
        repo: &gix::Repository,
        root: ObjectId,
        path: &BStr,
    ) -> Result<PathAttributes, RepoError> {
        let chain = self.chain(repo, root, path)?;
        self.lookup(repo, chain, path)
    }

    /// The attributes of `path` given the `.gitattributes` blob of each directory that has
    /// one (`""` for the root): the index's, for files no tree holds yet.
    pub(crate) fn get_listed(
        &mut self,
        repo: &gix::Repository,
        gitattributes: &Listed,
        path: &BStr,
    ) -> Result<PathAttributes, RepoError> {
        if gitattributes.is_empty() && self.info_attributes.is_none() {
            return Ok(PathAttributes::default());
        }
        let mut chain = Vec::new();
        let mut dirs = vec![b"".as_bstr()];
        dirs.extend(
            path.find_iter("/")
                .filter_map(|i| path.get(..i))
                .map(ByteSlice::as_bstr),
        );
        for dir in dirs {
            if let Some(blob) = gitattributes.get(dir) {
                chain.push((dir.to_owned(), *blob));
            }
        }
        self.lookup(repo, chain, path)
    }

    /// The attributes of `path` under the `.gitattributes` blobs of `chain`, root first.
    fn lookup(
        &mut self,
        repo: &gix::Repository,
        chain: Vec<(BString, ObjectId)>,
        path: &BStr,
    ) -> Result<PathAttributes, RepoError> {
        if chain.is_empty() && self.info_attributes.is_none() {
            return Ok(PathAttributes::default());
        }
        if !self.prepared.contains_key(&chain) {
            let prepared = self.prepare(repo, &chain)?;
            self.prepared.insert(chain.clone(), prepared);
        }
        let Some(prepared) = self.prepared.get(&chain) else {
            return Ok(PathAttributes::default());
        };
        let mut out = Outcome::default();
        out.initialize_with_selection(&prepared.collection, ["filter", "linguist-generated"]);
        prepared.search.pattern_matching_relative_path(
            path,
            gix::glob::pattern::Case::Sensitive,
            Some(false),
            &mut out,
        );
        let mut attrs = PathAttributes::default();
        for m in out.iter_selected() {
            match (m.assignment.name.as_str(), m.assignment.state) {
                ("filter", StateRef::Value(v)) => attrs.lfs = v.as_bstr() == "lfs",
                ("linguist-generated", StateRef::Set) => attrs.generated = true,
                ("linguist-generated", StateRef::Value(v)) => {
                    attrs.generated = matches!(v.as_bstr().to_ascii_lowercase().as_slice(), b"true" | b"1" | b"yes")
                }
                _ => {}
            }
        }
        Ok(attrs)
    }

    /// The `.gitattributes` blobs on the way from `root` to the directory of `path`.
    fn chain(
        &mut self,
        repo: &gix::Repository,
        root: ObjectId,
        path: &BStr,
    ) -> Result<Vec<(BString, ObjectId)>, RepoError> {
        let mut chain = Vec::new();
        let mut tree = root;
        let mut dir = BString::default();
        let components: Vec<&[u8]> = path.split_str("/").collect();
        let dirs = components.len().saturating_sub(1);
        for (depth, component) in components.iter().enumerate() {
            if let Some(blob) = self.attr_blob(repo, tree)? {
                chain.push((dir.clone(), blob));
            }
            if depth >= dirs {
                break;
            }
            let Some(sub) = self.subtree(repo, tree, component)? else {
                break;
            };
            tree = sub;
            if !dir.is_empty() {
                dir.push(b'/');
            }
            dir.extend_from_slice(component);
        }
        Ok(chain)
    }

    fn attr_blob(&mut self, repo: &gix::Repository, tree: ObjectId) -> Result<Option<ObjectId>, RepoError> {
        Ok(self.dir(repo, tree)?.attributes)
    }

    fn subtree(&mut self, repo: &gix::Repository, tree: ObjectId, name: &[u8]) -> Result<Option<ObjectId>, RepoError> {
        Ok(self
            .dir(repo, tree)?
            .subtrees
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, id)| *id))
    }

    /// The subtrees and `.gitattributes` of `tree`, read once while it stays in the cache
    /// (consecutive commits share most trees; a whole history does not fit).
    fn dir(&mut self, repo: &gix::Repository, tree: ObjectId) -> Result<&Dir, RepoError> {
        /// Trees remembered before the cache starts over.
        const DIRS_KEPT: usize = 4096;
        if !self.dirs.contains_key(&tree) {
            let iter = repo
                .objects
                .find_tree_iter(&tree, &mut self.buf)
                .map_err(|e| RepoError::read(format!("reading tree {tree}"), e))?;
            let mut dir = Dir::default();
            for entry in iter {
                let entry = entry.map_err(|e| RepoError::read(format!("decoding tree {tree}"), e))?;
                if entry.mode.is_tree() {
                    dir.subtrees.push((entry.filename.to_owned(), entry.oid.to_owned()));
                } else if entry.filename == ".gitattributes" && entry.mode.is_blob() {
                    dir.attributes = Some(entry.oid.to_owned());
                }
            }
            if self.dirs.len() >= DIRS_KEPT {
                self.dirs.clear();
            }
            self.dirs.insert(tree, dir);
        }
        self.dirs
            .get(&tree)
            .ok_or_else(|| RepoError::read(format!("reading tree {tree}"), "the tree cache lost it"))
    }

    fn prepare(&self, repo: &gix::Repository, chain: &[(BString, ObjectId)]) -> Result<Prepared, RepoError> {
        let mut collection = MetadataCollection::default();
        let mut search = gix::attrs::Search::default();
        let io = |e: std::io::Error| RepoError::read("reading .gitattributes", e);
        search
            .add_patterns_buffer(
                b"[attr]binary -diff -merge -text",
                "[builtin]".into(),
                None,
                &mut collection,
                true,
            )
            .map_err(io)?;
        for (dir, blob) in chain {
            let object = match repo.try_find_object(*blob) {
                Ok(Some(object)) => object,
                // Absent from a partial clone: the walk reports the blob; its patterns are unknown.
                Ok(None) => continue,
                Err(e) => return Err(RepoError::read(format!("reading {dir}/.gitattributes"), e)),
            };
            let source: PathBuf = PathBuf::from(dir.to_str_lossy().as_ref()).join(".gitattributes");
            search
                .add_patterns_buffer(
                    &object.data,
                    source,
                    Some(Path::new("")),
                    &mut collection,
                    dir.is_empty(),
                )
                .map_err(io)?;
        }
        if let Some(info) = &self.info_attributes {
            search
                .add_patterns_buffer(info, "info/attributes".into(), None, &mut collection, true)
                .map_err(io)?;
        }
        Ok(Prepared { search, collection })
    }
}

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
pub struct PathAttributes {
    /// `filter=lfs`: the path should hold a Git LFS pointer.
    pub lfs: bool,
    /// `linguist-generated` (set, or set to a true value).
    pub generated: bool,
}

struct Prepared {
    search: gix::attrs::Search,
    collection: MetadataCollection,
}

/// Attribute lookups with caches for one scan.
pub struct Attributes {
    info_attributes: Option<Vec<u8>>,
    /// Tree id → its `.gitattributes` blob, if any.
    attr_blob_in_tree: HashMap<ObjectId, Option<ObjectId>>,
    /// The chain of (directory, `.gitattributes` blob) → parsed patterns.
    prepared: HashMap<Vec<(BString, ObjectId)>, Prepared>,
    buf: Vec<u8>,
}

impl Attributes {
    /// Lookups for `repo`; reads `$GIT_DIR/info/attributes` once.
    pub fn new(repo: &gix::Repository) -> Self {
        let info_attributes = std::fs::read(repo.common_dir().join("info").join("attributes")).ok();
        Attributes {
            info_attributes,
            attr_blob_in_tree: HashMap::new(),
            prepared: HashMap::new(),
            buf: Vec::new(),
        }
    }

    /// The attributes of `path` in the tree `root`.
    pub fn get(&mut self, repo: &gix::Repository, root: ObjectId, path: &BStr) -> Result<PathAttributes, RepoError> {
        let chain = self.chain(repo, root, path)?;
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
        if let Some(found) = self.attr_blob_in_tree.get(&tree) {
            return Ok(*found);
        }
        let found = self.entry(repo, tree, b".gitattributes", |m| m.is_blob())?;
        self.attr_blob_in_tree.insert(tree, found);
        Ok(found)
    }

    fn subtree(&mut self, repo: &gix::Repository, tree: ObjectId, name: &[u8]) -> Result<Option<ObjectId>, RepoError> {
        self.entry(repo, tree, name, |m| m.is_tree())
    }

    fn entry(
        &mut self,
        repo: &gix::Repository,
        tree: ObjectId,
        name: &[u8],
        wanted: impl Fn(gix::objs::tree::EntryMode) -> bool,
    ) -> Result<Option<ObjectId>, RepoError> {
        let iter = repo
            .objects
            .find_tree_iter(&tree, &mut self.buf)
            .map_err(|e| RepoError::read(format!("reading tree {tree}"), e))?;
        for entry in iter {
            let entry = entry.map_err(|e| RepoError::read(format!("decoding tree {tree}"), e))?;
            if entry.filename == name && wanted(entry.mode) {
                return Ok(Some(entry.oid.to_owned()));
            }
        }
        Ok(None)
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
            let object = repo
                .find_object(*blob)
                .map_err(|e| RepoError::read(format!("reading {dir}/.gitattributes"), e))?;
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

//! What a commit would add: the files staged in the index whose content differs from HEAD's,
//! as candidates for the rules that judge one file (`pushgate pre-commit`).
//!
//! Attributes come from the `.gitattributes` files as staged, so a `filter=lfs` line added in
//! the same commit counts. History rules need commits and do not apply here.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use gix::ObjectId;
use gix::bstr::{BString, ByteSlice};

use crate::attributes::Attributes;
use crate::candidate::Candidate;
use crate::repo::RepoError;

/// The staged files a commit would add or change.
#[derive(Debug, Default)]
pub(crate) struct Staged {
    /// One candidate per staged file whose content differs from HEAD's (attributes filled in).
    pub(crate) candidates: Vec<Candidate>,
    /// HEAD has no commit yet: everything staged is new, and `git restore --staged` cannot
    /// run (`git rm --cached` unstages instead).
    pub(crate) unborn: bool,
}

/// The index git commits from: `GIT_INDEX_FILE` when set (git sets it for `git commit -a` and
/// `git commit <paths>`), else the repository's.
fn index_path(repo: &gix::Repository) -> PathBuf {
    match std::env::var_os("GIT_INDEX_FILE").filter(|v| !v.is_empty()) {
        Some(path) => PathBuf::from(path),
        None => repo.index_path(),
    }
}

/// Read the index and HEAD's tree, and return what the next commit would add.
pub(crate) fn staged(repo: &gix::Repository) -> Result<Staged, RepoError> {
    let path = index_path(repo);
    // No index yet (a fresh repository): nothing is staged.
    let index = gix::index::File::at_or_default(&path, repo.object_hash(), false, Default::default())
        .map_err(|e| RepoError::read(format!("reading the index {}", path.display()), e))?;
    let (head, unborn) = match repo.head_commit() {
        Ok(commit) => {
            let tree = commit.tree().map_err(|e| RepoError::read("reading HEAD's tree", e))?;
            let mut recorder = gix::traverse::tree::Recorder::default();
            tree.traverse()
                .breadthfirst(&mut recorder)
                .map_err(|e| RepoError::read("reading HEAD's tree", e))?;
            let files: HashMap<BString, ObjectId> = recorder
                .records
                .into_iter()
                .filter(|e| !e.mode.is_tree())
                .map(|e| (e.filepath, e.oid))
                .collect();
            (files, false)
        }
        Err(_) => (HashMap::new(), true),
    };
    let mut gitattributes: BTreeMap<BString, ObjectId> = BTreeMap::new();
    let mut files = Vec::new();
    for entry in index.entries() {
        let path = entry.path(&index);
        if entry.stage() != gix::index::entry::Stage::Unconflicted
            || entry.flags.contains(gix::index::entry::Flags::INTENT_TO_ADD)
        {
            continue;
        }
        let mode = entry.mode;
        if !(mode == gix::index::entry::Mode::FILE || mode == gix::index::entry::Mode::FILE_EXECUTABLE) {
            continue; // symlinks and submodules hold no content to misuse git with
        }
        let (dir, name) = crate::util::split_path(path);
        if name == ".gitattributes" {
            gitattributes.insert(dir.to_owned(), entry.id);
        }
        if head.get(path) != Some(&entry.id) {
            files.push((path.to_owned(), entry.id));
        }
    }
    let mut attributes = Attributes::new(repo);
    let mut candidates = Vec::with_capacity(files.len());
    for (path, id) in files {
        let mut candidate = Candidate::new(id, path, None, None, None);
        candidate.attrs = attributes.get_listed(repo, &gitattributes, candidate.path.as_bstr())?;
        candidates.push(candidate);
    }
    Ok(Staged { candidates, unborn })
}

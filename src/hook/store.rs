//! The objects of a push as the server hook sees them.
//!
//! During a push git keeps the incoming objects in a quarantine directory
//! (`GIT_QUARANTINE_PATH`) and only moves them into the repository if every hook accepts.
//! gix does not read the quarantine variables, so the hook builds an object store over the
//! quarantine and the repository's own objects, and answers "was this object here before the
//! push?" from the quarantine's object list and the repository's store alone. Walks stop at
//! stored commits, so the cost follows the push, not the repository.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use gix::ObjectId;

use crate::repo::{self, RepoError};

/// The repository, seen with the objects of a push in progress.
pub struct PushStore {
    /// The repository with the quarantined objects visible.
    pub repo: gix::Repository,
    /// The repository's own objects (no quarantine), for "was it here before?".
    before: Option<gix::Repository>,
    /// The ids of the objects the push uploaded (quarantine ≠ new: thin-pack bases the server
    /// already has are stored there too).
    incoming: Option<HashSet<ObjectId>>,
    /// The private object directory whose `info/alternates` joins quarantine and repository.
    _view: Option<tempfile::TempDir>,
}

impl PushStore {
    /// Take the opened repository and join the quarantine directory to its objects when there
    /// is one.
    pub fn open(
        mut repo: gix::Repository,
        quarantine: Option<&Path>,
        alternates: &[PathBuf],
    ) -> Result<Self, RepoError> {
        let Some(quarantine) = quarantine else {
            return Ok(PushStore {
                repo,
                before: None,
                incoming: None,
                _view: None,
            });
        };
        let hash = repo.object_hash();
        let quarantine = absolute(repo.git_dir(), quarantine);
        let incoming = gix::odb::at(&quarantine, hash)
            .and_then(|store| {
                store
                    .iter()
                    .map_err(std::io::Error::other)?
                    .map(|id| id.map_err(std::io::Error::other))
                    .collect::<Result<HashSet<ObjectId>, _>>()
            })
            .map_err(|e| {
                RepoError::read(
                    format!("listing the quarantined objects in {}", quarantine.display()),
                    e,
                )
            })?;

        // Never write into the quarantine (git moves all of it into the repository): the view
        // is a private directory holding only `info/alternates`.
        let view = tempfile::Builder::new()
            .prefix("pushgate-odb-")
            .tempdir()
            .map_err(|e| RepoError::read("creating a temporary object directory", e))?;
        let mut dirs = vec![quarantine];
        if alternates.is_empty() {
            dirs.push(repo.common_dir().join("objects"));
        } else {
            dirs.extend(alternates.iter().map(|a| absolute(repo.git_dir(), a)));
        }
        register(view.path());
        let list: String = dirs.iter().map(|d| format!("{}\n", d.display())).collect();
        std::fs::create_dir_all(view.path().join("info"))
            .and_then(|()| std::fs::write(view.path().join("info/alternates"), list))
            .map_err(|e| RepoError::read("writing the temporary object directory", e))?;
        let handle =
            gix::odb::at(view.path(), hash).map_err(|e| RepoError::read("opening the quarantined object store", e))?;
        repo.objects = gix::OdbHandle::from(handle).with_write_passthrough();
        repo::tune(&mut repo);

        let mut before = gix::open_opts(repo.git_dir(), gix::open::Options::isolated())
            .map_err(|e| RepoError::read("opening the repository's own objects", e))?;
        // A miss would otherwise rescan the pack directory every time.
        before.objects.refresh_never();
        Ok(PushStore {
            repo,
            before: Some(before),
            incoming: Some(incoming),
            _view: Some(view),
        })
    }

    /// Whether the push is quarantined (git ≥ 2.11 in a receive-pack).
    pub fn is_quarantined(&self) -> bool {
        self.incoming.is_some()
    }

    /// How many objects the push uploaded, when quarantined.
    pub fn incoming(&self) -> Option<usize> {
        self.incoming.as_ref().map(HashSet::len)
    }

    /// Whether `id` was in the repository before the push. Only meaningful when quarantined.
    pub fn was_stored(&self, id: &gix::oid) -> bool {
        match (&self.incoming, &self.before) {
            (Some(incoming), Some(before)) => !incoming.contains(id) || before.has_object(id),
            _ => true,
        }
    }
}

impl Drop for PushStore {
    fn drop(&mut self) {
        if let Some(view) = &self._view {
            let mut views = VIEWS.lock().unwrap_or_else(PoisonError::into_inner);
            views.retain(|v| v != view.path());
        }
    }
}

/// The private object views open in this process. A hook ended by its time budget exits
/// while its check still runs, so the check never drops its view: [`remove_abandoned_views`]
/// removes them instead, and nothing is left behind in the temporary directory.
static VIEWS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn register(view: &Path) {
    VIEWS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(view.to_owned());
}

/// Remove every object view still open; for a process about to exit without its check.
pub fn remove_abandoned_views() {
    let views = std::mem::take(&mut *VIEWS.lock().unwrap_or_else(PoisonError::into_inner));
    for view in views {
        // Best effort: the process is ending, and the view holds nothing but a path list.
        let _ = std::fs::remove_dir_all(view);
    }
}

/// git gives the quarantine paths absolute, but `GIT_DIR=.` style relative paths are resolved
/// against the git directory, as git would.
fn absolute(git_dir: &Path, p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_owned()
    } else {
        std::env::current_dir()
            .map(|cwd| cwd.join(p))
            .unwrap_or_else(|_| git_dir.join(p))
    }
}

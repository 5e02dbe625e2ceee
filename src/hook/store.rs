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
    view: Option<View>,
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
                view: None,
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
        let mut dirs = vec![quarantine];
        if alternates.is_empty() {
            dirs.push(repo.common_dir().join("objects"));
        } else {
            dirs.extend(alternates.iter().map(|a| absolute(repo.git_dir(), a)));
        }
        let list: String = dirs.iter().map(|d| format!("{}\n", d.display())).collect();
        let view = View::create(&view_parents(), &list)?;
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
            view: Some(view),
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
        if let Some(view) = &self.view {
            unregister(view.path());
        }
    }
}

/// The private object view of one push: a directory `pushgate-odb-<pid>-<random>` in a
/// temporary directory, holding `info/alternates` (the quarantine, then the repository's
/// objects). Removed when dropped.
struct View {
    dir: tempfile::TempDir,
}

/// The name every view starts with.
const VIEW_PREFIX: &str = "pushgate-odb-";

/// Where a view may go, in order: the temporary directory (`TMPDIR`), then the system's
/// usual ones, so that a full or broken `TMPDIR` does not stop every push (a view is one small
/// file).
fn view_parents() -> Vec<PathBuf> {
    let mut parents = vec![std::env::temp_dir()];
    if cfg!(unix) {
        for dir in ["/tmp", "/var/tmp", "/dev/shm"] {
            let dir = PathBuf::from(dir);
            if !parents.contains(&dir) {
                parents.push(dir);
            }
        }
    }
    parents
}

impl View {
    /// A view listing `alternates`, in the first of `parents` where one can be made; each
    /// failure is named, with its directory and the OS error, if none can.
    fn create(parents: &[PathBuf], alternates: &str) -> Result<View, RepoError> {
        let mut failures = Vec::new();
        for parent in parents {
            match View::create_in(parent, alternates) {
                Ok(view) => return Ok(view),
                Err(e) => failures.push(format!("in {}: {e}", parent.display())),
            }
        }
        Err(RepoError::read(
            format!("creating the push's private object directory ({VIEW_PREFIX}*)"),
            std::io::Error::other(failures.join("; ")),
        ))
    }

    fn create_in(parent: &Path, alternates: &str) -> std::io::Result<View> {
        let dir = tempfile::Builder::new()
            .prefix(&format!("{VIEW_PREFIX}{}-", std::process::id()))
            .tempdir_in(parent)?;
        // Known at once, so that a hook that runs out of time removes it even half made.
        register(dir.path());
        match View::fill(dir.path(), alternates) {
            Ok(()) => Ok(View { dir }),
            Err(e) => {
                // Dropping `dir` removes it.
                unregister(dir.path());
                Err(e)
            }
        }
    }

    /// Write the view's alternates.
    fn fill(dir: &Path, alternates: &str) -> std::io::Result<()> {
        std::fs::create_dir(dir.join("info"))?;
        std::fs::write(dir.join("info").join("alternates"), alternates)
    }

    fn path(&self) -> &Path {
        self.dir.path()
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

fn unregister(view: &Path) {
    VIEWS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .retain(|v| v != view);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_goes_where_it_can_and_failures_name_the_directory_and_the_os_error() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let file = tmp.path().join("a-file");
        std::fs::write(&file, "").expect("file");
        let missing = tmp.path().join("missing");
        let Err(e) = View::create(&[file.clone(), missing.clone()], "/x\n") else {
            panic!("a view in a file");
        };
        let text = crate::error::chain(&e);
        assert!(
            text.starts_with("creating the push's private object directory (pushgate-odb-*): "),
            "{text}"
        );
        for dir in [&file, &missing] {
            // The OS's words for it, e.g. "Not a directory (os error 20)".
            let os = std::fs::create_dir(dir.join("x")).expect_err("cannot").to_string();
            assert!(
                text.contains(&format!("in {}: {os}", dir.display())),
                "{os:?} in {text}"
            );
        }
        assert_eq!(
            VIEWS
                .lock()
                .expect("lock")
                .iter()
                .filter(|v| v.starts_with(tmp.path()))
                .count(),
            0
        );

        let good = tmp.path().join("good");
        std::fs::create_dir(&good).expect("dir");
        let view = View::create(&[file, good.clone()], "/x\n").expect("the second directory");
        assert!(view.path().starts_with(&good));
        let name = view.path().file_name().expect("name").to_string_lossy().into_owned();
        assert!(
            name.starts_with(&format!("pushgate-odb-{}-", std::process::id())),
            "{name}"
        );
        assert_eq!(
            std::fs::read_to_string(view.path().join("info/alternates")).expect("alternates"),
            "/x\n"
        );
        let path = view.path().to_owned();
        drop(view);
        assert!(!path.exists());
    }
}

//! The objects of a push as the server hook sees them.
//!
//! During a push git keeps the incoming objects in a quarantine directory
//! (`GIT_QUARANTINE_PATH`) and only moves them into the repository if every hook accepts.
//! gix does not read the quarantine variables, so the hook builds an object store over the
//! quarantine and the repository's own objects, and answers "was this object here before the
//! push?" from the quarantine's object list and the repository's store alone. Walks stop at
//! stored commits, so the cost follows the push, not the repository.

use std::collections::HashSet;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use gix::ObjectId;

use crate::repo::{self, RepoError};

/// The repository, seen with the objects of a push in progress.
pub(crate) struct PushStore {
    /// The repository with the quarantined objects visible.
    pub(crate) repo: gix::Repository,
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
    pub(crate) fn open(
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
    pub(crate) fn is_quarantined(&self) -> bool {
        self.incoming.is_some()
    }

    /// How many objects the push uploaded, when quarantined.
    pub(crate) fn incoming(&self) -> Option<usize> {
        self.incoming.as_ref().map(HashSet::len)
    }

    /// Whether `id` was in the repository before the push. Only meaningful when quarantined.
    pub(crate) fn was_stored(&self, id: &gix::oid) -> bool {
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
/// objects) and a `lock` file this process holds locked while the view is in use. The lock
/// is how other hooks tell a live view from one a killed hook left behind (see
/// [`remove_stale_views`]): the system releases it whenever the process ends, `kill -9`
/// included. Removed when dropped.
struct View {
    dir: tempfile::TempDir,
    _lock: Option<File>,
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
                Ok(view) => {
                    remove_stale_views(parent, view.path());
                    return Ok(view);
                }
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
            Ok(lock) => Ok(View { dir, _lock: lock }),
            Err(e) => {
                // Dropping `dir` removes it.
                unregister(dir.path());
                Err(e)
            }
        }
    }

    /// Lock the view, then write its alternates.
    fn fill(dir: &Path, alternates: &str) -> std::io::Result<Option<File>> {
        let lock = File::create(dir.join(LOCK))?;
        // Where the file system cannot lock, other hooks cannot tell either, and leave the
        // view alone for a day (see `is_stale`).
        let locked = lock.try_lock().is_ok();
        std::fs::create_dir(dir.join("info"))?;
        std::fs::write(dir.join("info").join("alternates"), alternates)?;
        Ok(locked.then_some(lock))
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
pub(crate) fn remove_abandoned_views() {
    let views = std::mem::take(&mut *VIEWS.lock().unwrap_or_else(PoisonError::into_inner));
    for view in views {
        // Best effort: the process is ending, and the view holds nothing but a path list.
        let _ = std::fs::remove_dir_all(view);
    }
}

/// The file in a view its hook holds locked.
const LOCK: &str = "lock";

/// A view younger than this is never removed: its hook may be between making it and locking it.
const GRACE: Duration = Duration::from_secs(10 * 60);

/// A view without a lock file (made by an older pushgate, or by a hook killed before it
/// locked) is removed once this old: no hook's time budget comes near it in practice.
const UNLOCKED_AGE: Duration = Duration::from_secs(60 * 60);

/// A view whose lock cannot be tested (a file system without locks) is removed once this old.
const UNTESTABLE_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// At most this many stale views are removed by one hook, so that none spends long on it.
const MAX_REMOVED: usize = 100;

/// Remove the views in `parent` that hooks killed before they could clean up (`kill -9`, the
/// machine's OOM killer) left behind; `own` is this hook's view. A view goes only when it is
/// this user's, and its lock is free (its hook is gone) or it is old (see the ages above), so
/// that the view of a hook running at the same time is never touched. Best effort: a view
/// that cannot be examined or removed stays.
fn remove_stale_views(parent: &Path, own: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let owner = std::fs::metadata(own).ok();
    let now = SystemTime::now();
    let mut removed = 0;
    for entry in entries.flatten() {
        if removed >= MAX_REMOVED {
            break;
        }
        let path = entry.path();
        if path == own || !entry.file_name().to_string_lossy().starts_with(VIEW_PREFIX) {
            continue;
        }
        // Never follow a link: only directories themselves.
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if !meta.is_dir() || !same_owner(&meta, owner.as_ref()) {
            continue;
        }
        let age = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .unwrap_or_default();
        if is_stale(&path, age) && std::fs::remove_dir_all(&path).is_ok() {
            removed += 1;
        }
    }
}

/// Whether the view at `path`, last changed `age` ago, belongs to no live hook.
fn is_stale(path: &Path, age: Duration) -> bool {
    if age < GRACE {
        return false;
    }
    match File::open(path.join(LOCK)) {
        // Free: the hook that held it is gone (the lock taken here goes with the file).
        Ok(lock) => match lock.try_lock() {
            Ok(()) => true,
            Err(std::fs::TryLockError::WouldBlock) => false,
            Err(std::fs::TryLockError::Error(_)) => age > UNTESTABLE_AGE,
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => age > UNLOCKED_AGE,
        Err(_) => age > UNTESTABLE_AGE,
    }
}

/// Whether `meta` has the owner of this hook's own view.
#[cfg(unix)]
fn same_owner(meta: &std::fs::Metadata, own: Option<&std::fs::Metadata>) -> bool {
    use std::os::unix::fs::MetadataExt;
    own.is_some_and(|own| own.uid() == meta.uid())
}

/// Whether `meta` has the owner of this hook's own view (elsewhere, the temporary directory is
/// the user's own).
#[cfg(not(unix))]
fn same_owner(_meta: &std::fs::Metadata, _own: Option<&std::fs::Metadata>) -> bool {
    true
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

    fn age(path: &Path, by: Duration) {
        let when = SystemTime::now() - by;
        File::open(path).expect("open").set_modified(when).expect("set mtime");
    }

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

    #[test]
    fn stale_views_go_and_live_ones_stay() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let view = |name: &str, lock: bool| {
            let dir = tmp.path().join(name);
            std::fs::create_dir_all(dir.join("info")).expect("view");
            if lock {
                File::create(dir.join(LOCK)).expect("lock file");
            }
            dir
        };
        let killed = view("pushgate-odb-1-killed", true);
        let older_version = view("pushgate-odb-abcdef", false);
        let live = view("pushgate-odb-2-live", true);
        let held = File::open(live.join(LOCK)).expect("open");
        held.lock().expect("held by a live hook");
        let starting = view("pushgate-odb-3-starting", true);
        let unlocked_recent = view("pushgate-odb-4-recent", false);
        let other = view("someone-else", false);
        for dir in [&killed, &older_version, &live, &other] {
            age(dir, Duration::from_secs(2 * 60 * 60));
        }
        age(&unlocked_recent, Duration::from_secs(20 * 60));

        let own = View::create_in(tmp.path(), "/x\n").expect("own view");
        remove_stale_views(tmp.path(), own.path());
        assert!(!killed.exists(), "a view whose lock is free and old");
        assert!(!older_version.exists(), "a view without a lock, an hour old");
        assert!(live.exists(), "a view whose hook holds its lock");
        assert!(starting.exists(), "a view just made");
        assert!(unlocked_recent.exists(), "a view without a lock, younger than an hour");
        assert!(other.exists(), "not a view");
        assert!(own.path().exists(), "our own");
        drop(held);
    }
}
